// mode `trend` in process, end to end: a real git repository whose server one commit of four makes
// 40% slower, the real pipeline, the mock GitHub (every request checked against GitHub's OpenAPI
// description) and the real artifact client against its results service. A `schedule` run with
// no earlier history measures from the given base, bisects to the culprit, names the merged pull
// request the API associates with it (and rewrites the result file with it), uploads the history
// and the result, opens the tracking issue, and ends with exit 1. A `pull_request` event is refused
// (exit 2) before anything is measured or requested.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import {
  RESULT_FILE_NAME,
  resultArtifactName,
  SERIES_FILE_NAME,
  seriesArtifactName,
  TRACKING_LABEL,
} from '../../src/constants.js';
import { exitCodeFor } from '../../src/errors.js';
import { uploadFilesArtifact } from '../../src/github/artifacts.js';
import type { ActionContext } from '../../src/github/context.js';
import { createOctokit } from '../../src/github/octokit.js';
import { readZipEntry } from '../../src/github/zip.js';
import { seriesSchema } from '../../src/history/series.js';
import { outcomeExitCode } from '../../src/modes/outcome.js';
import { runTrend } from '../../src/modes/trend-action.js';
import { runPipeline } from '../../src/pipeline.js';
import { resultSchema } from '../../src/result.js';
import type { MockSnapshot } from '../github/mock-github.js';
import { type MockGitHub, runtimeToken, startMockGitHub } from '../github/mock-github-process.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';
import { context, inputs, type RecordingIo, recordingIo } from './helpers.js';

const RUN_ID = 987;
const MERGED_PR = 41;

/** A service whose route /a waits `delay` ms; `note` changes only a comment. */
function service(delay: number, note: string) {
  return `// ${note}
import { createServer } from 'node:http';
const server = createServer((req, res) => {
  const route = new URL(req.url, 'http://x').pathname.slice(1);
  if (route === 'health') { res.writeHead(200); return res.end(); }
  setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, route === 'a' ? ${delay} : 0);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
`;
}

const CONFIG = `benchmarks:
  - name: api
    type: http
    start: node server.mjs
    ready: /health
    ready-timeout: 5s
    connections: 2
    round-duration: 200ms
    requests:
      - { path: /a }
gate:
  threshold: 10%
  time-budget: 40s
`;

let mock: MockGitHub;
let io: RecordingIo;
let repo: TestRepo | undefined;
let runnerTemp: string | undefined;
const env = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };

beforeAll(async () => {
  mock = await startMockGitHub();
  process.env.ACTIONS_RESULTS_URL = `${mock.resultsUrl}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken(RUN_ID);
});
afterAll(async () => {
  await mock?.stop();
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
  await mock.reset();
  // @actions/artifact logs through @actions/core, as workflow commands on stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  repo?.dispose();
  if (runnerTemp) rmSync(runnerTemp, { recursive: true, force: true });
  repo = undefined;
  runnerTemp = undefined;
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

/** The previous nightly, then four commits of which the third makes /a take 7 ms, not 5. */
function history(): { base: string; commits: string[] } {
  repo = createRepo('perfgate-trend-action-');
  runnerTemp = mkdtempSync(join(tmpdir(), 'perfgate-trend-action-temp-'));
  const base = repo.commit('nightly', {
    'perfgate.yml': CONFIG,
    'server.mjs': service(5, 'nightly'),
  });
  const commits: string[] = [];
  let delay = 5;
  for (let i = 0; i < 4; i++) {
    if (i === 2) delay = 7;
    commits.push(
      repo.commit(i === 2 ? `slow /a down (${i})` : `comment only (${i})`, {
        'server.mjs': service(delay, `commit ${i}`),
      }),
    );
  }
  return { base, commits };
}

function deps(): ActionDeps {
  return {
    io,
    cwd: repo!.dir,
    github: (token) => createOctokit({ token, baseUrl: mock.apiUrl, retryDelayMs: 1 }),
    measure: runPipeline,
    upload: (name, file, more = []) => uploadFilesArtifact(name, [file, ...more], dirname(file)),
  };
}

function scheduleContext(head: string): ActionContext {
  return context({
    eventName: 'schedule',
    sha: head,
    ref: 'refs/heads/main',
    runId: RUN_ID,
    runnerTemp: runnerTemp!,
  });
}

function artifactFile(state: MockSnapshot, name: string, file: string): string {
  const artifact = state.artifacts.find((a) => a.name === name);
  expect(artifact, `artifact ${name}`).toBeDefined();
  return readZipEntry(Buffer.from(artifact!.zipBase64, 'base64'), file, 16 * 1024 * 1024).toString(
    'utf8',
  );
}

describe('runTrend (mode trend)', { timeout: 120_000 }, () => {
  it('on a schedule: bisects to the culprit, names its PR, uploads both artifacts, opens one issue, exits 1', async () => {
    const { base, commits } = history();
    const head = commits[3]!;
    const culprit = commits[2]!;
    await mock.seed({
      runs: [{ id: RUN_ID, headSha: head, event: 'schedule' }],
      commitPulls: [
        {
          number: MERGED_PR,
          baseRef: 'main',
          baseSha: commits[1]!,
          headRef: 'slow-down',
          headSha: culprit,
          commit: culprit,
          mergedAt: '2026-03-04T12:00:00Z',
        },
      ],
    });

    const outcome = await runTrend(
      inputs({ mode: 'trend', base, timeBudget: '40s' }),
      scheduleContext(head),
      deps(),
    );
    expect(outcomeExitCode(outcome), outcome.failure).toBe(1);
    expect(outcome.failure).toMatch(/regression/);

    const state = await mock.state();
    expect(state.artifacts.map((a) => a.name).sort()).toEqual(
      [resultArtifactName('default'), seriesArtifactName('default')].sort(),
    );
    for (const artifact of state.artifacts) expect(artifact.runId).toBe(RUN_ID);

    // The uploaded result: the trend from the base to the head, the culprit and its merged PR.
    const result = resultSchema.parse(
      JSON.parse(artifactFile(state, resultArtifactName('default'), RESULT_FILE_NAME)),
    );
    expect(result.mode).toBe('trend');
    expect(result.verdict).toBe('fail');
    const trend = result.trend!;
    expect(trend.base.sha).toBe(base);
    expect(trend.head.sha).toBe(head);
    expect(trend.commits).toBe(4);
    expect(trend.culprit?.sha, JSON.stringify({ steps: trend.steps, notes: result.notes })).toBe(
      culprit,
    );
    expect(trend.culprit?.subject).toBe('slow /a down (2)');
    expect(trend.culprit?.pullRequest).toBe(MERGED_PR);

    // The uploaded history holds this run (a new history: none was uploaded before).
    const series = seriesSchema.parse(
      JSON.parse(artifactFile(state, seriesArtifactName('default'), SERIES_FILE_NAME)),
    );
    expect(series.runs.map((r) => r.commit)).toEqual([head]);
    expect(Object.keys(series.runs[0]!.metrics)).toContain(result.comparisons[0]!.key);

    // Exactly one tracking issue, labelled, naming the culprit by its short SHA.
    expect(state.issues).toHaveLength(1);
    const issue = state.issues[0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual([TRACKING_LABEL]);
    expect(issue.body).toContain(culprit.slice(0, 7));
    expect(state.requests.filter((r) => r.operationId === 'issues/create')).toHaveLength(1);

    expect(io.infos).toContain(
      `No history artifact ${seriesArtifactName('default')} from an earlier run; a new history starts with this run.`,
    );
    expect(io.summary).toContain(`Result artifact: \`${resultArtifactName('default')}\``);
    expect(io.summary).toContain(`History artifact: \`${seriesArtifactName('default')}\``);
    expect(io.summary).toMatch(/Tracking issue: \[opened #\d+\]/);
  });

  it('refuses a pull_request event with an input error (exit 2), before measuring or calling GitHub', async () => {
    history();
    let measured = false;
    const error = await runTrend(
      inputs({ mode: 'trend' }),
      context({
        runnerTemp: runnerTemp!,
        pullRequest: {
          number: 12,
          baseRef: 'main',
          baseSha: 'a'.repeat(40),
          headRef: 'feature',
          headSha: 'b'.repeat(40),
          fork: false,
        },
      }),
      {
        ...deps(),
        measure: async () => {
          measured = true;
          throw new Error('must not measure');
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InputError' });
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toBe(
      'input `mode` is "trend"; expected a mode for this pull request event; `trend` measures the default branch on `schedule` or `workflow_dispatch`; use `compare` on pull requests',
    );
    expect(measured).toBe(false);
    expect((await mock.state()).requests).toEqual([]);
  });

  it('without a history or a `base` input, names the input (exit 2), before measuring', async () => {
    const { commits } = history();
    let measured = false;
    const error = await runTrend(inputs({ mode: 'trend' }), scheduleContext(commits.at(-1)!), {
      ...deps(),
      measure: async () => {
        measured = true;
        throw new Error('must not measure');
      },
    }).catch((e: unknown) => e);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toBe(
      'input `base`: not given, and the history file ' +
        `${join(runnerTemp!, 'perfgate', 'default', 'perfgate-history.json')} holds no run to start from`,
    );
    expect(measured).toBe(false);
  });
});
