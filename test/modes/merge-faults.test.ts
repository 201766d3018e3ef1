// What the merge job must do with the shard artifacts of its run, one row per case, against the
// local GitHub: the artifacts were written by jobs that ran the pull request's code, so each is
// untrusted data. A refusal fails the step (exit 2 for parts that do not belong together, 3 for
// an artifact that is broken or contradicts itself) with a failing check that says why and no
// comment; an API outage fails it (exit 3) without a check, since it is not the shards' fault.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import { exitCodeFor, getErrorMessage } from '../../src/errors.js';
import { createOctokit } from '../../src/github/octokit.js';
import { runMerge } from '../../src/modes/merge-action.js';
import { outcomeExitCode } from '../../src/modes/run-mode.js';
import { serializeResult } from '../../src/report/json.js';
import type { Result } from '../../src/result.js';
import type { Fault } from '../github/mock-github.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { makeZip } from '../github/zip-writer.js';
import { context, inputs, recordingIo } from './helpers.js';
import { metric, shardResult } from './merge-fixture.js';

const HEAD = 'b'.repeat(40);
const RUN = 987;
const temp = mkdtempSync(join(tmpdir(), 'perfgate-merge-faults-'));
let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
  rmSync(temp, { recursive: true, force: true });
});

const repo = { repository: 'octo-org/octo-repo', pullRequest: 12 };
const one = shardResult({
  index: 1,
  count: 2,
  metrics: [metric('api', 8, 1, 1)],
  fields: repo,
});
const two = shardResult({
  index: 2,
  count: 2,
  metrics: [metric('worker', 8, 1, 2)],
  fields: repo,
});
const named = (i: number, n = 2) => `perfgate-result-default-shard-${i}-of-${n}`;
const art = (name: string, content: Result | string) => ({ name, content });

interface Row {
  case: string;
  artifacts: Array<{ name: string; content: Result | string }>;
  faults?: Fault[];
  expect: { exit: number; message: RegExp; check: 'success' | 'failure' | null };
}

const rows: Row[] = [
  {
    case: 'both parts, consistent',
    artifacts: [art(named(1), one), art(named(2), two)],
    expect: { exit: 0, message: /^$/, check: 'success' },
  },
  {
    case: 'the artifacts of another report id whose name starts the same are not taken',
    artifacts: [
      art(named(1), one),
      art(named(2), two),
      art('perfgate-result-default-shard-1-of-2-shard-1-of-2', 'not even JSON'),
      art('perfgate-result-defaults-shard-1-of-2', 'not even JSON'),
    ],
    expect: { exit: 0, message: /^$/, check: 'success' },
  },
  {
    case: 'no shard artifact in the run',
    artifacts: [art('perfgate-result-default', one)],
    expect: {
      exit: 3,
      message:
        /workflow run 987 has no shard artifacts perfgate-result-default-shard-<i>-of-<n>: did the matrix's jobs \(mode collect with input `shard`/,
      check: 'failure',
    },
  },
  {
    case: 'an artifact named part 2 holding part 1',
    artifacts: [art(named(1), one), art(named(2), one)],
    expect: {
      exit: 2,
      message:
        /artifact perfgate-result-default-shard-2-of-2 of workflow run 987 holds shard 1\/2, not the 2\/2 its name says/,
      check: 'failure',
    },
  },
  {
    case: 'a part that is not JSON',
    artifacts: [art(named(1), one), art(named(2), '{"schemaVersion": 1,')],
    expect: {
      exit: 3,
      message: /artifact perfgate-result-default-shard-2-of-2 of workflow run 987 was rejected/,
      check: 'failure',
    },
  },
  {
    case: 'a part measured in another repository',
    artifacts: [art(named(1), one), art(named(2), { ...two, repository: 'someone/else' })],
    expect: {
      exit: 2,
      message: /was measured in someone\/else, not octo-org\/octo-repo/,
      check: 'failure',
    },
  },
  {
    case: 'a part of another config',
    artifacts: [
      art(named(1), one),
      art(named(2), { ...two, shard: { ...two.shard!, config: 'ab'.repeat(32) } }),
    ],
    expect: {
      exit: 2,
      message: /the shards measured different configs \(the hash of the resolved config\)/,
      check: 'failure',
    },
  },
  {
    case: 'a part whose row claims a regression its numbers do not show',
    artifacts: [
      art(named(1), one),
      art(named(2), {
        ...two,
        verdict: 'fail',
        comparisons: two.comparisons.map((c) => ({ ...c, status: 'regressed' as const })),
      }),
    ],
    expect: {
      exit: 3,
      message:
        /artifact perfgate-result-default-shard-2-of-2 of workflow run 987 contradicts its own numbers at comparisons\[0\]/,
      check: 'failure',
    },
  },
  {
    case: 'a 5xx on listing the artifacts that persists after the retries',
    artifacts: [art(named(1), one), art(named(2), two)],
    faults: [
      {
        operationId: 'actions/list-workflow-run-artifacts',
        kind: 'status',
        status: 503,
        message: 'Service Unavailable',
        times: -1,
      },
    ],
    expect: {
      exit: 3,
      message: /listing the artifacts of workflow run 987 .* failed: HTTP 503/,
      check: null,
    },
  },
];

describe('merge: the shard artifacts of the run', () => {
  it.each(rows.map((r) => [r.case, r] as const))('%s', async (_case, row) => {
    await mock.reset();
    await mock.seed({
      pulls: [
        { number: 12, baseRef: 'main', baseSha: 'a'.repeat(40), headRef: 'f', headSha: HEAD },
      ],
      runs: [{ id: RUN, headSha: HEAD }],
      artifacts: row.artifacts.map((a) => ({
        runId: RUN,
        name: a.name,
        zipBase64: makeZip([
          {
            name: 'perfgate-result.json',
            data: typeof a.content === 'string' ? a.content : serializeResult(a.content),
          },
        ]).toString('base64'),
      })),
    });
    if (row.faults) await mock.fault(...row.faults);
    const runnerTemp = mkdtempSync(join(temp, 'merge-'));
    const deps: ActionDeps = {
      io: recordingIo(),
      cwd: temp,
      github: (token) => createOctokit({ token, baseUrl: mock.apiUrl, retryDelayMs: 1 }),
      measure: () => Promise.reject(new Error('merge must not measure')),
      upload: async (name) => ({ id: 1, name, size: 0 }),
    };
    const ctx = context({
      runId: RUN,
      runnerTemp,
      pullRequest: {
        number: 12,
        baseRef: 'main',
        baseSha: 'a'.repeat(40),
        headRef: 'f',
        headSha: HEAD,
        fork: false,
      },
    });
    let exit: number;
    let message = '';
    try {
      const outcome = await runMerge(inputs({ mode: 'merge' }), ctx, deps);
      exit = outcomeExitCode(outcome);
      message = outcome.failure ?? '';
    } catch (error) {
      exit = exitCodeFor(error);
      message = getErrorMessage(error);
    }
    expect(exit, message).toBe(row.expect.exit);
    expect(message).toMatch(row.expect.message);
    const state = await mock.state();
    expect(state.rejected).toEqual([]);
    expect(state.mockErrors).toEqual([]);
    expect(state.checkRuns.map((c) => c.conclusion)).toEqual(
      row.expect.check === null ? [] : [row.expect.check],
    );
    expect(state.comments).toHaveLength(row.expect.exit === 0 ? 1 : 0);
  });
});
