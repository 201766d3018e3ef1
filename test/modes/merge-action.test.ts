// mode `merge` in the action, against the local GitHub: two `collect` jobs of a matrix (input
// `shard`) upload their shard artifacts through the real artifact client to the mock's results
// service, and the merge job of the same run downloads them through the REST API, merges them
// and posts one comment and one check run on the pull request. The pipeline is the one stand-in
// (it returns rows built by the real analysis for the benchmarks of the shard's own config).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import { exitCodeFor } from '../../src/errors.js';
import { uploadFilesArtifact } from '../../src/github/artifacts.js';
import { createOctokit } from '../../src/github/octokit.js';
import { runCollect } from '../../src/modes/collect.js';
import { runMerge } from '../../src/modes/merge-action.js';
import { outcomeExitCode } from '../../src/modes/run-mode.js';
import type { PipelineOptions } from '../../src/pipeline.js';
import type { Result } from '../../src/result.js';
import { type MockGitHub, runtimeToken, startMockGitHub } from '../github/mock-github-process.js';
import { context, inputs, type RecordingIo, recordingIo } from './helpers.js';
import { metric, shardResult } from './merge-fixture.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const RUN = 987;
const temp = mkdtempSync(join(tmpdir(), 'perfgate-merge-action-'));
writeFileSync(
  join(temp, 'perfgate.yml'),
  'benchmarks:\n  - { name: api, type: command, run: "true" }\n  - { name: worker, type: command, run: "true" }\n',
);
let mock: MockGitHub;
const env = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };

beforeAll(async () => {
  mock = await startMockGitHub();
  process.env.ACTIONS_RESULTS_URL = `${mock.resultsUrl}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken(RUN);
});
afterAll(async () => {
  await mock?.stop();
  rmSync(temp, { recursive: true, force: true });
  for (const [key, value] of [
    ['ACTIONS_RESULTS_URL', env.url],
    ['ACTIONS_RUNTIME_TOKEN', env.token],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
beforeEach(async () => {
  await mock.reset();
  await mock.seed({
    pulls: [{ number: 12, baseRef: 'main', baseSha: BASE, headRef: 'feature', headSha: HEAD }],
    runs: [{ id: RUN, headSha: HEAD }],
  });
  // @actions/artifact logs through @actions/core, as workflow commands on stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

/** The pipeline's stand-in: `worker` 30% slower on head over 12 pairs, anything else unchanged. */
function measure(heads: string[]) {
  return async (options: PipelineOptions): Promise<Result> => {
    const metrics = options.config.benchmarks.map((b, i) =>
      b.name === 'worker' ? metric(b.name, 12, 1.3, 7) : metric(b.name, 12, 1, 20 + i),
    );
    const result = shardResult({ index: 1, count: 1, metrics });
    const { shard: _, ...measured } = result;
    return { ...measured, head: { ref: 'feature', sha: heads.shift() ?? HEAD } };
  };
}

function deps(io: RecordingIo, heads: string[] = []): ActionDeps {
  return {
    io,
    cwd: temp,
    github: (token) => createOctokit({ token, baseUrl: mock.apiUrl }),
    measure: measure(heads),
    upload: (name, file, more = []) => uploadFilesArtifact(name, [file, ...more], dirname(file)),
  };
}

const prContext = (runnerTemp: string) =>
  context({
    runId: RUN,
    runnerTemp,
    pullRequest: {
      number: 12,
      baseRef: 'main',
      baseSha: BASE,
      headRef: 'feature',
      headSha: HEAD,
      fork: false,
    },
  });

/** The matrix: one collect job per shard, each with its own runner temp. */
async function shards(count: number, heads: string[] = []) {
  for (let i = 1; i <= count; i++) {
    const runnerTemp = mkdtempSync(join(temp, `shard-${i}-`));
    const outcome = await runCollect(
      inputs({ mode: 'collect', shard: `${i}/${count}`, comment: 'never', checkRun: false }),
      prContext(runnerTemp),
      deps(recordingIo(), heads),
    );
    expect(outcome).toBeDefined();
  }
}

describe('runMerge', () => {
  it('merges the run`s shard artifacts and posts one comment and one check on the pull request', async () => {
    await shards(2);
    let state = await mock.state();
    expect(state.artifacts.map((a) => a.name).toSorted()).toEqual([
      'perfgate-result-default-shard-1-of-2',
      'perfgate-result-default-shard-2-of-2',
    ]);
    expect(state.comments).toEqual([]);
    expect(state.checkRuns).toEqual([]);

    const io = recordingIo();
    const runnerTemp = mkdtempSync(join(temp, 'merge-'));
    const outcome = await runMerge(inputs({ mode: 'merge' }), prContext(runnerTemp), {
      ...deps(io),
      measure: () => Promise.reject(new Error('merge must not measure')),
    });
    expect(outcomeExitCode(outcome)).toBe(1);
    expect(outcome.failure).toBe('perfgate: 1 regression · 1 unchanged (fail-on: regression).');

    state = await mock.state();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toMatch(/worker/);
    expect(state.comments[0]!.body).toMatch(/api/);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({ head_sha: HEAD, name: 'perfgate', conclusion: 'failure' }),
    ]);
    expect(state.artifacts.map((a) => a.name)).toContain('perfgate-result-default');
    const merged = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8')) as Result;
    expect(merged).toMatchObject({
      mode: 'merge',
      verdict: 'fail',
      pullRequest: 12,
      repository: 'octo-org/octo-repo',
    });
    expect(merged.comparisons.map((c) => c.key).toSorted()).toEqual(['api/wall', 'worker/wall']);
    expect(io.summary).toMatch(/2 shard artifacts of workflow run 987/);
  });

  it('refuses shards of different commits with exit 2 and a failing check that says why', async () => {
    await shards(2, [HEAD, 'e'.repeat(40)]);
    const io = recordingIo();
    const runnerTemp = mkdtempSync(join(temp, 'merge-'));
    const error = await runMerge(inputs({ mode: 'merge' }), prContext(runnerTemp), {
      ...deps(io),
    }).catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toMatch(/the shards measured different head commits/);
    const state = await mock.state();
    expect(state.comments).toEqual([]);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        head_sha: HEAD,
        conclusion: 'failure',
        output: expect.objectContaining({
          summary: expect.stringMatching(/different head commits/),
        }),
      }),
    ]);
  });

  it('says which shard is missing (exit 2) when a job of the matrix uploaded nothing', async () => {
    // Only the first of the two jobs ran.
    const runnerTemp = mkdtempSync(join(temp, 'shard-'));
    await runCollect(
      inputs({ mode: 'collect', shard: '1/2', comment: 'never', checkRun: false }),
      prContext(runnerTemp),
      deps(recordingIo()),
    );
    const error = await runMerge(
      inputs({ mode: 'merge', checkRun: false }),
      prContext(mkdtempSync(join(temp, 'merge-'))),
      deps(recordingIo()),
    ).catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toMatch(/shard 2\/2 is missing \(got 1 of 2\)/);
  });
});
