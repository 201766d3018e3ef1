// The nightly trend's tracking issue on GitHub: one open issue per report id, found again by
// its label and the hidden marker at the start of its body (every page of open issues with the
// label), then opened, updated, commented on or closed as report/tracking-issue.ts decides.
import { z } from 'zod';
import { TRACKING_LABEL } from '../constants.js';
import {
  decideTracking,
  readTrackingState,
  renderNewRegressionComment,
  renderRecoveryComment,
  renderTrackingIssue,
  type TrackingDecision,
  type TrackingRenderOptions,
  type TrendNight,
  trackingMarker,
} from '../report/tracking-issue.js';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';
import type { RepoRef } from './context.js';
import { findOnPages, isMarked, markedShape } from './marked.js';
import { type GitHubClient, httpStatus } from './octokit.js';

const PERMISSION = 'issues: write';

// Anyone may open an issue; only trusted authors can also give it the label, but both the label
// and the author are checked.
const issueShape = markedShape.extend({
  number: z.number(),
  pull_request: z.unknown().optional(),
});
const writtenIssue = z.object({ number: z.number(), html_url: z.string() });
const writtenComment = z.object({ id: z.number(), html_url: z.string() });

/** More pages than a repository has open issues with one label; a bound on a misbehaving API. */
const MAX_PAGES = 100;

export interface FoundIssue {
  number: number;
  url: string;
  body: string;
}

/** The open issue with the label whose body starts with `marker`, looking at every page. */
export function findTrackingIssue(
  octokit: GitHubClient,
  repo: RepoRef,
  marker: string,
  label = TRACKING_LABEL,
): Promise<FoundIssue | undefined> {
  return findLabelled(octokit, repo, label, 'open', MAX_PAGES, (issue) => isMarked(issue, marker));
}

/** Closed issues looked at for one that already tracked tonight's regression: the newest
 *  first, so a few pages reach back far enough for a regression that is still being found. */
const MAX_CLOSED_PAGES = 3;

/**
 * The newest closed tracking issue (label, marker, trusted author) whose hidden state already
 * tracks the regression `id`: a maintainer closed it by hand (or perfgate did on a recovery that
 * did not last), and a second issue for the same regression would be the spam teams hate.
 */
export function findClosedTrackingIssue(
  octokit: GitHubClient,
  repo: RepoRef,
  marker: string,
  id: string,
  label = TRACKING_LABEL,
): Promise<FoundIssue | undefined> {
  return findLabelled(
    octokit,
    repo,
    label,
    'closed',
    MAX_CLOSED_PAGES,
    (issue) =>
      isMarked(issue, marker) &&
      readTrackingState(issue.body)?.regressions.some((r) => r.id === id) === true,
  );
}

/** The first issue (not a pull request) with the label, open or closed (newest first), that
 *  `matches`, over at most `pages` pages. */
async function findLabelled(
  octokit: GitHubClient,
  repo: RepoRef,
  label: string,
  state: 'open' | 'closed',
  pages: number,
  matches: (issue: z.infer<typeof issueShape>) => boolean,
): Promise<FoundIssue | undefined> {
  const call: ApiCall = {
    operation: `listing the ${state} issues labelled "${label}"`,
    request: 'GET /repos/{owner}/{repo}/issues',
    permission: PERMISSION,
  };
  const found = await findOnPages(
    call,
    (page) =>
      octokit.rest.issues.listForRepo({
        ...repo,
        state,
        labels: label,
        ...(state === 'closed' ? { sort: 'updated' as const, direction: 'desc' as const } : {}),
        per_page: 100,
        page,
      }),
    issueShape,
    (issue) => issue.pull_request === undefined && matches(issue),
    pages,
  );
  return found && { number: found.number, url: found.html_url, body: found.body ?? '' };
}

/** Creates the label unless it exists (whether creating an issue would is not documented). */
export async function ensureLabel(
  octokit: GitHubClient,
  repo: RepoRef,
  label = TRACKING_LABEL,
): Promise<'exists' | 'created'> {
  const get: ApiCall = {
    operation: `looking up the label "${label}"`,
    request: 'GET /repos/{owner}/{repo}/labels/{name}',
    permission: PERMISSION,
  };
  try {
    await callGitHub(get, () => octokit.rest.issues.getLabel({ ...repo, name: label }));
    return 'exists';
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
  const create: ApiCall = {
    operation: `creating the label "${label}"`,
    request: 'POST /repos/{owner}/{repo}/labels',
    permission: PERMISSION,
  };
  try {
    await callGitHub(create, () =>
      octokit.rest.issues.createLabel({
        ...repo,
        name: label,
        color: 'd73a4a',
        description: "perfgate's nightly trend: a confirmed performance regression",
      }),
    );
    return 'created';
  } catch (error) {
    // Another run created it in between.
    if (httpStatus(error) === 422) return 'exists';
    throw error;
  }
}

export type TrackingOutcome =
  | { action: 'nothing'; reason: string }
  | {
      action: 'opened' | 'updated' | 'commented' | 'closed';
      number: number;
      url: string;
      /** The comment written, for `commented` and `closed`. */
      commentUrl?: string;
    };

export interface TrackingOptions extends TrackingRenderOptions {
  repo: RepoRef;
  label?: string;
}

/** Finds the issue, decides, and does what was decided. */
export async function updateTrackingIssue(
  octokit: GitHubClient,
  night: TrendNight,
  options: TrackingOptions,
): Promise<TrackingOutcome & { decision: TrackingDecision }> {
  const { repo } = options;
  const label = options.label ?? TRACKING_LABEL;
  const marker = trackingMarker(options.reportId);
  const found = await findTrackingIssue(octokit, repo, marker, label);
  const decision = decideTracking(
    night,
    found ? { state: readTrackingState(found.body) } : undefined,
  );
  if (decision.action === 'nothing') return { ...decision, decision };
  const { title, body } = renderTrackingIssue(decision.state, night, options);

  if (!found && night.regression) {
    const closed = await findClosedTrackingIssue(octokit, repo, marker, night.regression.id, label);
    if (closed) {
      const reason = `tracking issue #${closed.number} already tracks this regression and was closed; it is not opened again (reopen it to have it kept current)`;
      return { action: 'nothing', reason, decision: { action: 'nothing', reason } };
    }
  }
  if (!found) {
    await ensureLabel(octokit, repo, label);
    const call: ApiCall = {
      operation: 'opening the tracking issue',
      request: 'POST /repos/{owner}/{repo}/issues',
      permission: PERMISSION,
    };
    const { data } = await callGitHub(call, () =>
      octokit.rest.issues.create({ ...repo, title, body, labels: [label] }),
    );
    const issue = answerShape(call, writtenIssue, data);
    return { action: 'opened', number: issue.number, url: issue.html_url, decision };
  }

  let commentUrl: string | undefined;
  if (decision.action === 'comment' || decision.action === 'close') {
    const text =
      decision.action === 'comment'
        ? renderNewRegressionComment(decision.added, night, options)
        : renderRecoveryComment(decision.levels, night, options);
    const call: ApiCall = {
      operation: `commenting on tracking issue #${found.number}`,
      request: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      permission: PERMISSION,
    };
    const { data } = await callGitHub(call, () =>
      octokit.rest.issues.createComment({ ...repo, issue_number: found.number, body: text }),
    );
    commentUrl = answerShape(call, writtenComment, data).html_url;
  }
  const closing = decision.action === 'close';
  const call: ApiCall = {
    operation: `${closing ? 'closing' : 'updating'} tracking issue #${found.number}`,
    request: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    permission: PERMISSION,
  };
  const { data } = await callGitHub(call, () =>
    octokit.rest.issues.update({
      ...repo,
      issue_number: found.number,
      title,
      body,
      ...(closing ? { state: 'closed' as const, state_reason: 'completed' as const } : {}),
    }),
  );
  const issue = answerShape(call, writtenIssue, data);
  const action = closing ? 'closed' : decision.action === 'comment' ? 'commented' : 'updated';
  return {
    action,
    number: issue.number,
    url: issue.html_url,
    ...(commentUrl ? { commentUrl } : {}),
    decision,
  };
}

const pullShape = z.object({ number: z.number(), merged_at: z.string().nullish() });

/**
 * The pull request that merged `sha`: the first merged one GitHub associates with the commit.
 * Undefined when there is none, or when GitHub does not know the commit or refuses the look-up
 * (then the reason is given); a culprit without its pull request is still named.
 */
export async function mergedPullRequest(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
): Promise<{ number?: number; reason?: string }> {
  const call: ApiCall = {
    operation: `listing the pull requests of commit ${sha.slice(0, 12)}`,
    request: 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
    permission: 'contents: read',
  };
  let data: unknown;
  try {
    ({ data } = await callGitHub(call, () =>
      octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: sha,
        per_page: 100,
      }),
    ));
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403 || status === 404 || status === 409 || status === 422) {
      return { reason: error instanceof Error ? error.message : String(error) };
    }
    throw error;
  }
  const merged = answerShape(call, z.array(pullShape), data).find((p) => p.merged_at);
  return merged ? { number: merged.number } : { reason: 'no merged pull request has the commit' };
}
