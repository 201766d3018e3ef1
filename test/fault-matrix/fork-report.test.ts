// Fault matrix, the fork-safe pair (issue #10, item 6): mode `report` publishes an artifact that
// the pull request's own code wrote. Its statuses and verdict are recomputed from its numbers
// with the gate's own functions; an artifact that contradicts itself is refused (exit 3, nothing
// posted), a consistent one is published under the report workflow's `fail-on`, and every
// comment says that the result is only as trustworthy as the pull request's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { comparison } from '../github/sample-result.js';
import {
  HEAD,
  passingResult,
  type ReportStepInput,
  removeReportStepDirs,
  runReportStep,
} from '../modes/report-step.js';

interface Row {
  case: string;
  input: ReportStepInput;
  expect: {
    exit: number;
    message?: RegExp;
    /** The check run's conclusion, or null when nothing may be posted. */
    check: 'success' | 'failure' | null;
    /** What the comment must say, or null when none may be posted. */
    comment: RegExp | null;
  };
}

const p99 = comparison('p99', 'regressed', 0.25);
const p50 = comparison('p50', 'unchanged', 0.01);
const artifact = (fields: Partial<Result>) => ({ result: passingResult(fields) });
// Nothing is posted but a failing check that says why, so the pull request is not left silent.
const refused = (message: RegExp): Row['expect'] => ({
  exit: 3,
  message,
  check: 'failure',
  comment: null,
});

const rows: Row[] = [
  {
    case: 'verdict pass with a regressed row',
    input: artifact({ verdict: 'pass', comparisons: [p99, p50] }),
    expect: refused(
      /artifact perfgate-result-default of workflow run 77 contradicts its own numbers at verdict: it says pass, recomputed fail; nothing was published/,
    ),
  },
  {
    case: 'a row claimed unchanged whose CI lies above δ at a significant p',
    input: artifact({ verdict: 'pass', comparisons: [{ ...p99, status: 'unchanged' }, p50] }),
    expect: refused(
      /at comparisons\[0\] \(api · GET \/orders · p99\): it says unchanged, recomputed inconclusive or regressed/,
    ),
  },
  {
    case: 'a row claimed regressed whose CI lies inside ±δ',
    input: artifact({ verdict: 'fail', comparisons: [comparison('p99', 'regressed', 0.01)] }),
    expect: refused(
      /at comparisons\[0\] \(api · GET \/orders · p99\): it says regressed, recomputed unchanged/,
    ),
  },
  {
    case: 'a row claimed regressed at an adjusted p above α',
    input: artifact({
      verdict: 'fail',
      comparisons: [{ ...p99, pValue: 0.1, adjustedPValue: 0.2 }],
    }),
    expect: refused(
      /at comparisons\[0\] \(api · GET \/orders · p99\): it says regressed, recomputed inconclusive/,
    ),
  },
  {
    case: 'a tested row without an adjusted p-value',
    input: artifact({
      verdict: 'fail',
      comparisons: [{ ...p99, pValue: null, adjustedPValue: null }],
    }),
    expect: refused(
      /at comparisons\[0\] \(api · GET \/orders · p99\): it says regressed, recomputed no status \(.*has no adjusted p-value\)/,
    ),
  },
  {
    case: 'a budget over its limit claimed within',
    input: artifact({
      verdict: 'pass',
      comparisons: [p50],
      budgets: [
        {
          benchmark: 'api',
          target: 'GET /orders',
          metric: 'p50',
          unit: 'ms',
          limit: 5,
          value: 10.1,
          exceeded: false,
        },
      ],
    }),
    expect: refused(
      /at budgets\[0\] \(api · GET \/orders · p50\): it says within, recomputed exceeded/,
    ),
  },
  {
    case: "a regression measured with fail-on never: the report workflow's fail-on decides",
    input: artifact({ verdict: 'inconclusive', comparisons: [p99, p50] }),
    expect: {
      exit: 1,
      message: /1 regression · 1 unchanged \(fail-on: regression\)/,
      check: 'failure',
      comment: /only as trustworthy as that code/,
    },
  },
  {
    case: 'a consistent passing result: published with the trust note',
    input: artifact({ comparisons: [p50] }),
    expect: {
      exit: 0,
      check: 'success',
      comment:
        /Measured by workflow run 77, which ran the pull request's own code: the pull request can alter its own measurement, so this result is only as trustworthy as that code/,
    },
  },
];

let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
  removeReportStepDirs();
});

describe('fault matrix: mode report recomputes the verdict of a fork artifact', () => {
  it.each(rows)('$case', async (row) => {
    const step = await runReportStep(mock, row.input);
    expect(step.exit).toBe(row.expect.exit);
    if (row.expect.message) expect(step.message).toMatch(row.expect.message);
    expect(step.state.checkRuns.map((c) => c.conclusion)).toEqual(
      row.expect.check ? [row.expect.check] : [],
    );
    if (row.expect.comment === null && row.expect.check) {
      expect(step.state.checkRuns[0]!.output?.title).toBe('The result was not accepted');
      expect(step.state.checkRuns[0]!.head_sha).toBe(HEAD);
    }
    if (row.expect.comment) {
      expect(step.state.comments).toHaveLength(1);
      expect(step.state.comments[0]!.body).toMatch(row.expect.comment);
    } else {
      expect(step.state.comments).toEqual([]);
    }
    expect(step.state.rejected).toEqual([]);
    expect(step.state.mockErrors).toEqual([]);
  });
});
