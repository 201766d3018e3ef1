// mode `compare` around the pipeline: what is posted, uploaded and written when the measurement
// succeeds, when the token is read-only, and when the measurement fails. The pipeline itself is
// a parameter here (its own tests and the end-to-end tests in dist.test.ts run it for real); the
// GitHub API, the results service and the artifact client are real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import { MeasurementError } from '../../src/errors.js';
import { uploadFileArtifact } from '../../src/github/artifacts.js';
import { createOctokit } from '../../src/github/octokit.js';
import { runCompare } from '../../src/modes/compare.js';
import type { PipelineOptions } from '../../src/pipeline.js';
import type { Result } from '../../src/result.js';
import { type MockGitHub, runtimeToken, startMockGitHub } from '../github/mock-github-process.js';
import { comparison, sampleResult } from '../github/sample-result.js';
import { context, inputs, type RecordingIo, recordingIo } from './helpers.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const temp = mkdtempSync(join(tmpdir(), 'perfgate-compare-'));
writeFileSync(
  join(temp, 'perfgate.yml'),
  'benchmarks:\n  - { name: noop, type: command, run: "true" }\n',
);
let mock: MockGitHub;
let io: RecordingIo;
let calls: PipelineOptions[];
const env = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };

beforeAll(async () => {
  mock = await startMockGitHub();
  process.env.ACTIONS_RESULTS_URL = `${mock.resultsUrl}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken(987);
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
  io = recordingIo();
  calls = [];
  await mock.reset();
  await mock.seed({
    pulls: [{ number: 12, baseRef: 'main', baseSha: BASE, headRef: 'feature', headSha: HEAD }],
    runs: [{ id: 987, headSha: HEAD }],
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

function deps(measured: Result | Error, token = 'ghs_test'): ActionDeps {
  return {
    io,
    cwd: temp,
    github: () => createOctokit({ token, baseUrl: mock.apiUrl }),
    measure: async (options) => {
      calls.push(options);
      if (measured instanceof Error) throw measured;
      // As the pipeline does (plan.ts): the base is named by its label when it has one.
      return options.baseLabel && measured.base
        ? { ...measured, base: { ...measured.base, ref: options.baseLabel } }
        : measured;
    },
    upload: (name, file) => uploadFileArtifact(name, file),
  };
}

const prContext = () =>
  context({
    runnerTemp: temp,
    pullRequest: {
      number: 12,
      baseRef: 'main',
      baseSha: BASE,
      headRef: 'feature',
      headSha: HEAD,
      fork: false,
    },
  });
// As the pipeline records it: the base named by the commit id it was given.
const regressed = sampleResult({
  base: { ref: BASE, sha: BASE },
  comparisons: [comparison('p99', 'regressed', 0.3)],
});

describe('runCompare', () => {
  it('measures against the PR base, uploads the result, comments, checks, and fails on a regression', async () => {
    const outcome = await runCompare(inputs({ threshold: '2.5%' }), prContext(), deps(regressed));
    expect(outcome.failure).toBe('perfgate: 1 regression (fail-on: regression).');

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ cwd: temp, mode: 'compare', base: BASE, baseLabel: 'main' });
    expect(calls[0]!.config.gate.threshold).toBe(0.025);

    const state = await mock.state();
    expect(state.requests.map((r) => r.operationId)).toEqual([
      'checks/create',
      // perfgate's comment, for an acceptance kept there (github/acceptance.ts), then to update.
      'issues/list-comments',
      'issues/list-comments',
      'issues/create-comment',
      'checks/update',
    ]);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        head_sha: HEAD,
        conclusion: 'failure',
        details_url: 'https://github.com/octo-org/octo-repo/actions/runs/987',
      }),
    ]);
    expect(state.artifacts).toEqual([
      expect.objectContaining({ runId: 987, name: 'perfgate-result-default' }),
    ]);
    expect(state.comments[0]!.body).toMatch(/perfgate-result-default/);

    const written = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8')) as Result;
    expect(written).toMatchObject({
      pullRequest: 12,
      repository: 'octo-org/octo-repo',
      verdict: 'fail',
    });
    // The default report is not named; the base is named by the PR's base branch.
    expect(written.reportId).toBeUndefined();
    expect(written.base).toEqual({ ref: 'main', sha: 'a'.repeat(40) });
    expect(io.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '1',
      'comment-id': String(state.comments[0]!.id),
      'check-run-id': String(state.checkRuns[0]!.id),
      'artifact-id': String(state.artifacts[0]!.id),
    });
    expect(io.summary).toMatch(/Result artifact: `perfgate-result-default`/);
  });

  it('with a read-only token (a fork), still succeeds and says where the report went', async () => {
    await mock.fault(
      { operationId: 'checks/create', kind: 'status', status: 403, times: -1 },
      { operationId: 'issues/create-comment', kind: 'status', status: 403, times: -1 },
    );
    const outcome = await runCompare(inputs(), prContext(), deps(sampleResult()));
    expect(outcome.failure).toBeUndefined();
    expect(io.warnings).toEqual([
      expect.stringMatching(
        /^Could not create the check run \(HTTP 403: Resource not accessible by integration/,
      ),
      expect.stringMatching(
        /^Could not comment on pull request #12 \(HTTP 403.*The report is in this job's summary and in the result artifact\.$/,
      ),
      expect.stringMatching(/^Could not write the check run \(HTTP 403/),
    ]);
    expect(io.summary).toMatch(/PR comment: \*\*not posted\*\*, GitHub refused it \(HTTP 403/);
    expect(io.outputs).toMatchObject({ verdict: 'pass', 'comment-id': '', 'check-run-id': '' });
    expect(io.outputs['artifact-id']).toMatch(/^\d+$/);
  });

  it('completes the started check as failed when the measurement fails, and rethrows', async () => {
    const error = new MeasurementError('build failed in head: exit code 2');
    await expect(runCompare(inputs(), prContext(), deps(error))).rejects.toBe(error);
    const state = await mock.state();
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        status: 'completed',
        conclusion: 'failure',
        output: expect.objectContaining({ title: 'The measurement failed' }),
      }),
    ]);
    expect(state.checkRuns[0]!.output.summary).toMatch(/build failed in head: exit code 2/);
    expect(state.comments).toEqual([]);
  });

  it('rejects a bad config before touching GitHub', async () => {
    const bad = mkdtempSync(join(temp, 'bad-'));
    writeFileSync(
      join(bad, 'perfgate.yml'),
      'benchmarks:\n  - { name: x, type: comand, run: "true" }\n',
    );
    await expect(
      runCompare(inputs({ workingDirectory: bad }), prContext(), deps(sampleResult())),
    ).rejects.toMatchObject({
      name: 'ConfigError',
    });
    expect((await mock.state()).requests).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('keeps going without the artifact service, saying the JSON stayed on the runner', async () => {
    const saved = process.env.ACTIONS_RUNTIME_TOKEN;
    delete process.env.ACTIONS_RUNTIME_TOKEN;
    try {
      const outcome = await runCompare(
        inputs({ comment: 'never', checkRun: false }),
        prContext(),
        deps(sampleResult()),
      );
      expect(outcome.failure).toBeUndefined();
    } finally {
      process.env.ACTIONS_RUNTIME_TOKEN = saved;
    }
    expect(io.warnings).toEqual([
      expect.stringMatching(
        /Could not upload the result artifact perfgate-result-default: .*ACTIONS_RUNTIME_TOKEN/,
      ),
    ]);
    expect(io.summary).toMatch(/Result artifact: \*\*not uploaded\*\*/);
    expect(io.outputs['artifact-id']).toBe('');
    expect((await mock.state()).requests).toEqual([]);
  });

  it('needs a base outside pull_request events', async () => {
    await expect(
      runCompare(inputs(), context({ eventName: 'push', runnerTemp: temp }), deps(sampleResult())),
    ).rejects.toThrow(
      /input `base` is ""; expected a base branch or commit, because this push event carries no pull request/,
    );
  });
});
