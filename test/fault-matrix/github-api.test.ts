// Fault matrix, GitHub API (issue #10, item 7): mode `report` against the mock GitHub with one
// fault per row. Every failure names the operation and its request, what came back and what to
// do; none ends in a raw library message. A comment that cannot be written does not hide the
// measured result: the check run and the job summary are still written, then the step fails with exit 3 (exit 1 is kept for a regression).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../github/mock-github.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { type ReportStepInput, removeReportStepDirs, runReportStep } from '../modes/report-step.js';

interface Row {
  case: string;
  input: ReportStepInput;
  expect: {
    exit: number;
    /** Every pattern must match the step's error line (or, for exit 0, a warning). */
    message: RegExp[];
    /** The check run's conclusion, or null when none may be written. */
    /** `failure`: the artifact could not be accepted, and the check says so. */
    check: 'success' | 'failure' | null;
    comment: boolean;
    /** How often the faulty operation was called (retries included), when that matters. */
    calls?: { operationId: string; count: number };
  };
}

const always = (fault: Omit<Fault, 'times'>): Fault => ({ ...fault, times: -1 });
const HTML = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>proxy</body></html>';
const LIST = 'actions/list-workflow-run-artifacts';
const NOT_LEAKED = /sig=|ghs_test/;

const rows: Row[] = [
  {
    case: 'a 5xx on listing the artifacts that persists after the retries',
    input: {
      faults: [
        always({ operationId: LIST, kind: 'status', status: 503, message: 'Service Unavailable' }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /listing the artifacts of workflow run 77 \(GET \/repos\/\{owner\}\/\{repo\}\/actions\/runs\/\{run_id\}\/artifacts\) failed: HTTP 503: Service Unavailable \(still failing after the retries\)/,
        /rerun the job later/,
      ],
      check: null,
      comment: false,
      calls: { operationId: LIST, count: 4 },
    },
  },
  {
    case: 'an artifact list without `artifacts`',
    input: {
      faults: [always({ operationId: LIST, kind: 'reply', status: 200, body: { total_count: 1 } })],
    },
    expect: {
      exit: 3,
      message: [
        /listing the artifacts of workflow run 77 \(GET .*\) failed: answered with an unexpected shape: artifacts is nothing/,
        /GITHUB_API_URL must be GitHub's REST API/,
      ],
      check: null,
      comment: false,
    },
  },
  {
    case: 'an API answer that stalls after its headers',
    input: {
      faults: [always({ operationId: LIST, kind: 'stall' })],
      requestTimeoutMs: 300,
    },
    expect: {
      exit: 3,
      message: [
        /listing the artifacts of workflow run 77 \(GET .*\) failed: no answer \(.*no complete answer within 0\.3 s/,
      ],
      check: null,
      comment: false,
      calls: { operationId: LIST, count: 4 },
    },
  },
  {
    case: 'an HTML page with status 200 on listing the artifacts',
    input: {
      faults: [
        always({
          operationId: LIST,
          kind: 'reply',
          status: 200,
          text: HTML,
          contentType: 'text/html; charset=utf-8',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /listing the artifacts of workflow run 77 .* unexpected shape: an HTML page \("<!DOCTYPE html>/,
      ],
      check: null,
      comment: false,
    },
  },
  {
    case: 'a 404 on the workflow run named by `run-id`',
    // A fault rather than the mock's own answer: GitHub's description of the operation lists no
    // 404, which GitHub nevertheless sends for a run that does not exist.
    input: {
      noRun: true,
      inputs: { runId: 4040 },
      faults: [
        always({
          operationId: 'actions/get-workflow-run',
          kind: 'status',
          status: 404,
          message: 'Not Found',
        }),
      ],
    },
    expect: {
      exit: 2,
      message: [
        /input `run-id` is "4040"; expected the id of a workflow run of octo-org\/octo-repo/,
        /reading workflow run 4040 \(GET \/repos\/\{owner\}\/\{repo\}\/actions\/runs\/\{run_id\}\) answered HTTP 404/,
        /`actions: read`/,
      ],
      check: null,
      comment: false,
    },
  },
  {
    case: 'a pull request without `head`',
    input: {
      faults: [
        always({ operationId: 'pulls/get', kind: 'reply', status: 200, body: { number: 12 } }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /reading pull request #12 .*\(GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\) failed: answered with an unexpected shape: head is nothing/,
      ],
      check: 'success',
      comment: false,
    },
  },
  {
    case: 'a 403 on reading the pull request',
    input: { faults: [always({ operationId: 'pulls/get', kind: 'status', status: 403 })] },
    expect: {
      exit: 0,
      message: [
        /not commenting, since reading pull request #12 .* failed: HTTP 403: Resource not accessible by integration/,
        /grant `pull-requests: write` in the workflow's `permissions:`/,
      ],
      check: 'success',
      comment: false,
    },
  },
  {
    case: 'a 5xx on reading the pull request that persists after the retries',
    input: {
      faults: [
        always({ operationId: 'pulls/get', kind: 'status', status: 502, message: 'Bad Gateway' }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /reading pull request #12 .* failed: HTTP 502: Bad Gateway \(still failing after the retries\); rerun the job later/,
      ],
      check: 'success',
      comment: false,
      calls: { operationId: 'pulls/get', count: 4 },
    },
  },
  {
    case: 'a download without `location`',
    input: {
      faults: [always({ operationId: 'actions/download-artifact', kind: 'reply', status: 302 })],
    },
    expect: {
      exit: 3,
      message: [
        /downloading artifact perfgate-result-default \(id \d+\) \(GET .*\/actions\/artifacts\/\{artifact_id\}\/\{archive_format\}\) failed: GitHub answered HTTP 302 without a `location` header/,
      ],
      check: 'failure',
      comment: false,
    },
  },
  {
    case: 'a 404 from blob storage',
    input: {
      faults: [
        always({
          operationId: 'blob/download',
          kind: 'status',
          status: 404,
          message: 'BlobNotFound',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /downloading artifact perfgate-result-default from blob storage \(GET http:\/\/127\.0\.0\.1:\d+\/…, the signed URL not shown\) failed: HTTP 404 BlobNotFound; the signed URL expired/,
      ],
      check: 'failure',
      comment: false,
    },
  },
  {
    case: 'a 503 from blob storage',
    input: {
      faults: [
        always({
          operationId: 'blob/download',
          kind: 'status',
          status: 503,
          message: 'ServerBusy',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [/from blob storage .* failed: HTTP 503 ServerBusy; rerun the job later/],
      check: 'failure',
      comment: false,
    },
  },
  {
    case: 'a stalled download from blob storage',
    input: {
      downloadTimeoutMs: 500,
      faults: [always({ operationId: 'blob/download', kind: 'stall' })],
    },
    expect: {
      exit: 3,
      message: [
        /from blob storage .* failed: no complete answer within 0\.5 s; the download stalled/,
      ],
      check: 'failure',
      comment: false,
    },
  },
  {
    case: 'an HTML page with status 200 from blob storage',
    input: {
      faults: [
        always({
          operationId: 'blob/download',
          kind: 'reply',
          status: 200,
          text: HTML,
          contentType: 'text/html',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /from blob storage .* failed: HTTP 200 with an HTML page \(content-type text\/html\), not a zip archive/,
      ],
      check: 'failure',
      comment: false,
    },
  },
  {
    case: 'a 422 on creating the comment',
    input: {
      faults: [
        always({
          operationId: 'issues/create-comment',
          kind: 'status',
          status: 422,
          message: 'Validation Failed',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /the PR comment could not be written: creating the comment on pull request #12 \(POST \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments\) failed: HTTP 422: Validation Failed/,
      ],
      check: 'success',
      comment: false,
    },
  },
  {
    case: 'a 404 on listing the comments',
    input: {
      faults: [
        always({
          operationId: 'issues/list-comments',
          kind: 'status',
          status: 404,
          message: 'Not Found',
        }),
      ],
    },
    expect: {
      exit: 3,
      message: [
        /listing the comments of pull request #12 \(GET \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments\) failed: HTTP 404: Not Found; pull request #12 does not exist in octo-org\/octo-repo, or the token cannot see it/,
      ],
      check: 'success',
      comment: false,
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

describe('fault matrix: malformed and failing GitHub API answers in mode report', () => {
  it.each(rows)('$case', async (row) => {
    const step = await runReportStep(mock, row.input);
    const said = step.exit === 0 ? step.io.warnings.join('\n') : step.message;
    expect({ exit: step.exit, said }).toMatchObject({ exit: row.expect.exit });
    for (const pattern of row.expect.message) expect(said).toMatch(pattern);
    expect(said).not.toMatch(NOT_LEAKED);
    expect(said).not.toMatch(/is not a function|Cannot read properties|undefined \(reading/);

    expect(step.state.checkRuns.map((c) => c.conclusion)).toEqual(
      row.expect.check ? [row.expect.check] : [],
    );
    expect(step.state.comments.length > 0).toBe(row.expect.comment);
    if (row.expect.check === 'failure') {
      expect(step.state.checkRuns[0]!.output?.title).toBe('The result was not accepted');
    }
    if (row.expect.check === 'success') {
      // The summary still holds the report and says where the comment did not go.
      expect(step.io.summary).toMatch(/Where this report went/);
      expect(step.io.summary).toMatch(/PR comment: \*\*(failed|not posted)\*\*/);
      expect(step.io.outputs.verdict).toBe('pass');
    }
    if (row.expect.calls) {
      const { operationId, count } = row.expect.calls;
      expect(step.state.requests.filter((r) => r.operationId === operationId)).toHaveLength(count);
    }
    expect(step.state.rejected).toEqual([]);
    expect(step.state.mockErrors).toEqual([]);
  });
});
