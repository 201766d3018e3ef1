// Who asks to accept a pull request's regressions, and whether they may: the label's adder (the
// newest `labeled` event of the issue events API), or the author of a `/perfgate accept <reason>`
// comment, each checked with the collaborator permission API (the PR's author is no exception);
// and the acceptance an earlier run kept in perfgate's own comment.
import { z } from 'zod';
import { getErrorMessage } from '../errors.js';
import { readAcceptanceState } from '../report/acceptance.js';
import { reportMarker } from '../report/comment-marker.js';
import type { Acceptance, Result } from '../result.js';
import { type AcceptRequest, applyAcceptance } from '../verdict/acceptance.js';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';
import { findMarkedComment } from './comment.js';
import {
  type AcceptEventContext,
  type ActionContext,
  pullRequestContext,
  pullRequestPayload,
  type RepoRef,
} from './context.js';
import type { GitHubClient } from './octokit.js';

/** `/perfgate accept <reason>` on the comment's first line; the reason is the rest of the line. */
const COMMAND = /^\s*\/perfgate\s+accept(?:\s+(.*))?$/i;

export function parseAcceptCommand(body: string): { reason: string } | undefined {
  const first = body.split(/\r?\n/, 1)[0] ?? '';
  const match = COMMAND.exec(first);
  return match ? { reason: (match[1] ?? '').trim().slice(0, 1000) } : undefined;
}

const permissionShape = z.object({ permission: z.string() });

/** The user's permission on the repository (`admin`, `write`, `read`, `none`); a user who is not
 *  a collaborator (404) has none. */
export async function collaboratorPermission(
  octokit: GitHubClient,
  repo: RepoRef,
  username: string,
): Promise<string> {
  const call: ApiCall = {
    operation: `reading the permission of @${username}`,
    request: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    permission: 'the token must be able to read the repository’s collaborators',
  };
  try {
    const { data } = await callGitHub(call, () =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username }),
    );
    return answerShape(call, permissionShape, data).permission;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return 'none';
    throw error;
  }
}

const eventShape = z.object({
  event: z.string(),
  created_at: z.string(),
  actor: z.object({ login: z.string() }).nullable(),
  label: z.object({ name: z.string() }).nullish(),
});

const MAX_EVENT_PAGES = 50;

/** Who added `label` to the issue last, and when: the newest `labeled` event naming it. */
export async function labelAdder(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  label: string,
): Promise<{ login: string; at: string } | undefined> {
  const call: ApiCall = {
    operation: `listing the events of pull request #${issueNumber}`,
    request: 'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
    permission: 'pull-requests: read',
  };
  let found: { login: string; at: string } | undefined;
  for (let page = 1; page <= MAX_EVENT_PAGES; page++) {
    const response = await callGitHub(call, () =>
      octokit.rest.issues.listEvents({ ...repo, issue_number: issueNumber, per_page: 100, page }),
    );
    const events = answerShape(call, z.array(eventShape), response.data);
    for (const e of events) {
      if (e.event === 'labeled' && e.label?.name === label && e.actor) {
        found = { login: e.actor.login, at: e.created_at };
      }
    }
    if (events.length < 100 || !/rel="next"/.test(response.headers.link ?? '')) break;
  }
  return found;
}

export interface AcceptanceInput {
  repo: RepoRef;
  pullRequest: number;
  reportId: string;
  label: string;
  event: AcceptEventContext | undefined;
  /** False when perfgate writes no comment (`comment: never`): no acceptance is kept there. */
  kept?: boolean;
}

/**
 * The request this event makes (if any) with the asker's permission, and the acceptance kept in
 * perfgate's comment. The label asks when this event added it, or when it is on the pull request
 * and no acceptance was kept (the comment was deleted, or the label came before the first run).
 */
export async function readAcceptance(
  octokit: GitHubClient,
  input: AcceptanceInput,
): Promise<{ request?: AcceptRequest; previous?: Acceptance }> {
  const { repo, pullRequest, event } = input;
  const comment =
    input.kept === false
      ? undefined
      : await findMarkedComment(octokit, repo, pullRequest, reportMarker(input.reportId));
  const previous = comment ? readAcceptanceState(comment.body) : undefined;
  const out: { request?: AcceptRequest; previous?: Acceptance } = previous ? { previous } : {};

  const command = event?.comment ? parseAcceptCommand(event.comment.body) : undefined;
  if (event?.comment && command && event.action !== 'deleted') {
    const by = event.comment.login;
    const permission = await collaboratorPermission(octokit, repo, by);
    out.request = { by, permission, at: event.comment.createdAt, via: 'comment', ...command };
    return out;
  }
  const added = event?.action === 'labeled' && event.label === input.label;
  const present = event?.labels.includes(input.label) === true;
  if (added || (present && !previous)) {
    const adder = await labelAdder(octokit, repo, pullRequest, input.label);
    if (adder) {
      const permission = await collaboratorPermission(octokit, repo, adder.login);
      out.request = { by: adder.login, permission, at: adder.at, via: 'label', reason: '' };
    }
  } else if (previous?.via === 'label' && event && !present && event.action !== undefined) {
    // The label was taken off: its acceptance goes with it.
    delete out.previous;
  }
  return out;
}

/**
 * The measured result with its acceptance applied. A look-up GitHub refuses or fails (a
 * read-only token on a fork) leaves the result as measured, with a warning: the gate then
 * decides alone, as it would have without acceptance.
 */
export async function acceptedResult(
  octokit: GitHubClient,
  result: Result,
  input: AcceptanceInput,
  warn: (message: string) => void,
): Promise<Result> {
  let found: Awaited<ReturnType<typeof readAcceptance>>;
  try {
    found = await readAcceptance(octokit, input);
  } catch (error) {
    warn(`Could not read whether the regressions were accepted: ${getErrorMessage(error)}`);
    return result;
  }
  return applyAcceptance(result, found).result;
}

/**
 * An `issue_comment` event on a pull request carries no pull request: the context with it read
 * through the API (base, head, fork), so compare measures that pull request as `pull_request`
 * would. Any other context is returned as it is.
 */
export async function withCommentPullRequest(
  octokit: GitHubClient,
  context: ActionContext,
): Promise<ActionContext> {
  const number = context.acceptEvent?.issueNumber;
  if (context.pullRequest || !context.acceptEvent?.onPullRequest || number === undefined) {
    return context;
  }
  const call: ApiCall = {
    operation: `reading pull request #${number}, which the comment is on`,
    request: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    permission: 'pull-requests: read',
  };
  const { data } = await callGitHub(call, () =>
    octokit.rest.pulls.get({ ...context.repo, pull_number: number }),
  );
  const pullRequest = pullRequestContext(answerShape(call, pullRequestPayload, data));
  return { ...context, pullRequest };
}
