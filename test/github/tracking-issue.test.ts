// The tracking issue against the local GitHub (mock-github.ts checks every request against the
// OpenAPI description): a confirmed regression opens one issue, the next night updates it,
// another regression adds a comment, a recovery closes it; the look-up pages and trusts only
// perfgate's own issue; the culprit's pull request is found or tolerated missing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRACKING_LABEL } from '../../src/constants.js';
import { GitHubApiError } from '../../src/github/api-error.js';
import { createOctokit } from '../../src/github/octokit.js';
import {
  findTrackingIssue,
  mergedPullRequest,
  updateTrackingIssue,
} from '../../src/github/tracking-issue.js';
import { readTrackingState, trackingMarker, trendNight } from '../../src/report/tracking-issue.js';
import { OWNER, REPO } from './fixtures.js';
import { type MockGitHub, startMockGitHub } from './mock-github-process.js';
import { CULPRIT, history, trendResult } from './trend-result.js';

const repo = { owner: OWNER, repo: REPO };
const options = { repo, reportId: 'default' };
const marker = trackingMarker('default');
let mock: MockGitHub;

beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
});
beforeEach(async () => {
  await mock.reset();
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const octokit = () => createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl, retries: 0 });

describe('the tracking issue', () => {
  it('opens one issue, updates it, comments on another regression and closes on recovery', async () => {
    const first = await updateTrackingIssue(
      octokit(),
      trendNight(trendResult(5, 0.2), history(5)),
      options,
    );
    expect(first).toMatchObject({ action: 'opened', number: 500 });
    let state = await mock.state();
    expect(state.labels).toEqual([TRACKING_LABEL]);
    expect(state.issues).toHaveLength(1);
    expect(state.issues[0]).toMatchObject({ state: 'open', labels: [TRACKING_LABEL] });
    expect(state.issues[0]!.body.startsWith(marker)).toBe(true);
    expect(state.issues[0]!.body).toContain('**Caused by** `c0ffeec`');

    // The next night: nothing new, the level still +20%: the same issue, rewritten.
    const still = trendResult(6, 0.2, { regressed: false });
    const second = await updateTrackingIssue(octokit(), trendNight(still, history(6)), options);
    expect(second).toMatchObject({ action: 'updated', number: 500 });
    state = await mock.state();
    expect(state.issues).toHaveLength(1);
    expect(state.issues[0]!.body).toContain('`0606060` (2026-03-06): 1 of 1 still over');

    // Another regression while the issue is open: a comment, never a second issue.
    const other = trendResult(7, 0.3, { culprit: 'd'.repeat(40), subject: 'Cache nothing' });
    const third = await updateTrackingIssue(octokit(), trendNight(other, history(7)), options);
    expect(third).toMatchObject({ action: 'commented', number: 500 });
    state = await mock.state();
    expect(state.issues).toHaveLength(1);
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]).toMatchObject({ issueNumber: 500 });
    expect(state.comments[0]!.body).toContain('"Cache nothing" by Mona Lisa');
    expect(readTrackingState(state.issues[0]!.body)?.regressions.map((r) => r.id)).toEqual([
      CULPRIT,
      'd'.repeat(40),
    ]);

    // Back within 5% of the level before each change (10.1 ms): a comment, then closed.
    const back = trendResult(8, 0.03, { regressed: false });
    const fourth = await updateTrackingIssue(octokit(), trendNight(back, history(8)), options);
    expect(fourth).toMatchObject({ action: 'closed', number: 500 });
    state = await mock.state();
    expect(state.issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(state.comments).toHaveLength(2);
    expect(state.comments[1]!.body).toContain('### ✅ Back within the threshold');

    // A quiet night after that opens nothing.
    const quiet = await updateTrackingIssue(octokit(), trendNight(trendResult(9, 0.0)), options);
    expect(quiet).toMatchObject({ action: 'nothing' });
    expect((await mock.state()).issues).toHaveLength(1);
    const creates = (await mock.state()).requests.filter((r) => r.operationId === 'issues/create');
    expect(creates).toHaveLength(1);
  });

  it('finds its issue on a later page and ignores pull requests and forged markers', async () => {
    const body = `${marker}\nold body`;
    await mock.seed({
      labels: [TRACKING_LABEL],
      issues: [
        { title: 'ours', body, labels: [TRACKING_LABEL] },
        ...Array.from({ length: 120 }, (_, i) => ({
          title: `other ${i}`,
          body: 'unrelated',
          labels: [TRACKING_LABEL],
        })),
        { title: 'a PR', body, labels: [TRACKING_LABEL], isPullRequest: true },
        { title: 'forged', body, labels: [TRACKING_LABEL], association: 'CONTRIBUTOR' },
        { title: 'unlabelled', body },
      ],
    });
    const found = await findTrackingIssue(octokit(), repo, marker);
    expect(found).toMatchObject({ number: 500, body });
    const lists = (await mock.state()).requests.filter(
      (r) => r.operationId === 'issues/list-for-repo',
    );
    expect(lists.map((r) => r.query.page)).toEqual(['1', '2']);
    expect(lists[0]!.query).toMatchObject({ state: 'open', labels: TRACKING_LABEL });
  });

  it('keeps an issue whose hidden state was edited away, and uses an existing label', async () => {
    await mock.seed({
      labels: [TRACKING_LABEL],
      issues: [{ title: 'ours', body: `${marker}\nedited by hand`, labels: [TRACKING_LABEL] }],
    });
    const outcome = await updateTrackingIssue(octokit(), trendNight(trendResult(6, 0)), options);
    expect(outcome).toMatchObject({ action: 'updated', number: 500 });
    const opened = await updateTrackingIssue(octokit(), trendNight(trendResult(7, 0.2)), {
      ...options,
      reportId: 'nightly-2',
    });
    expect(opened).toMatchObject({ action: 'opened', number: 501 });
    const state = await mock.state();
    expect(state.requests.some((r) => r.operationId === 'issues/create-label')).toBe(false);
  });

  it('does not open a second issue for a regression whose issue was closed by hand', async () => {
    const first = await updateTrackingIssue(octokit(), trendNight(trendResult(5, 0.2)), options);
    expect(first).toMatchObject({ action: 'opened', number: 500 });
    // A maintainer closes it by hand ("won't fix"); the creep comparison finds the same culprit
    // again the next night.
    await octokit().rest.issues.update({ ...repo, issue_number: 500, state: 'closed' });
    const again = await updateTrackingIssue(octokit(), trendNight(trendResult(6, 0.2)), options);
    expect(again).toMatchObject({ action: 'nothing' });
    expect(again.action === 'nothing' && again.reason).toContain('#500');
    let state = await mock.state();
    expect(state.issues).toHaveLength(1);
    expect(state.issues[0]).toMatchObject({ state: 'closed' });
    const closedLists = state.requests.filter(
      (r) => r.operationId === 'issues/list-for-repo' && r.query.state === 'closed',
    );
    expect(closedLists[0]!.query).toMatchObject({ sort: 'updated', direction: 'desc' });

    // A different regression (another culprit) is new: it gets its own issue.
    const other = trendResult(7, 0.3, { culprit: 'd'.repeat(40), subject: 'Cache nothing' });
    const opened = await updateTrackingIssue(octokit(), trendNight(other), options);
    expect(opened).toMatchObject({ action: 'opened', number: 501 });
    state = await mock.state();
    expect(state.issues.filter((i) => i.state === 'open')).toHaveLength(1);
  });

  it('names the permission when GitHub refuses to open the issue', async () => {
    await mock.fault({ operationId: 'issues/create', kind: 'status', status: 403, times: 1 });
    const error = await updateTrackingIssue(
      octokit(),
      trendNight(trendResult(5, 0.2)),
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(
      /^opening the tracking issue \(POST \/repos\/\{owner\}\/\{repo\}\/issues\) failed: HTTP 403.*grant `issues: write`/,
    );
  });
});

describe('the pull request that merged the culprit', () => {
  it('is the first merged one; none for an unmerged or unknown commit', async () => {
    const pr = { baseRef: 'main', baseSha: 'a'.repeat(40), headRef: 'x', headSha: CULPRIT };
    await mock.seed({
      commitPulls: [
        { ...pr, number: 40, commit: CULPRIT, mergedAt: null },
        { ...pr, number: 41, commit: CULPRIT, mergedAt: '2026-03-04T12:00:00Z' },
        { ...pr, number: 42, commit: 'e'.repeat(40), mergedAt: null },
      ],
    });
    expect(await mergedPullRequest(octokit(), repo, CULPRIT)).toEqual({ number: 41 });
    expect(await mergedPullRequest(octokit(), repo, 'e'.repeat(40))).toEqual({
      reason: 'no merged pull request has the commit',
    });
    expect(await mergedPullRequest(octokit(), repo, 'f'.repeat(40))).toEqual({
      reason: 'no merged pull request has the commit',
    });
    await mock.fault({
      operationId: 'repos/list-pull-requests-associated-with-commit',
      kind: 'status',
      status: 404,
      times: 1,
    });
    const missing = await mergedPullRequest(octokit(), repo, CULPRIT);
    expect(missing.number).toBeUndefined();
    expect(missing.reason).toMatch(/HTTP 404/);
  });
});
