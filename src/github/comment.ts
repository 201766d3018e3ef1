// One PR comment per report id, found again by a hidden marker at the start of its body
// (reportMarker) with a look-up over every page of comments, and updated in place.
import { z } from 'zod';
import type { CommentPolicy } from '../constants.js';
import { COMMENT_MAX_LENGTH, markedBody } from '../report/comment-marker.js';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';
import type { RepoRef } from './context.js';
import { findOnPages, isMarked, markedShape } from './marked.js';
import { type GitHubClient, permissionDenied } from './octokit.js';

export type CommentOutcome =
  | { action: 'created' | 'updated'; id: number; url: string }
  | { action: 'skipped'; reason: string }
  /** The token may not write comments (a pull request from a fork): not a failed run. */
  | { action: 'forbidden'; status: number; message: string };

export interface FoundComment {
  id: number;
  url: string;
  body: string;
}

const commentShape = markedShape.extend({ id: z.number() });
const writtenComment = z.object({ id: z.number(), html_url: z.string() });

/** More pages than any pull request has comments (100 each); a bound on a misbehaving API. */
const MAX_PAGES = 300;

/** The first comment on the issue whose body starts with `marker`, looking at every page. */
export async function findMarkedComment(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
): Promise<FoundComment | undefined> {
  const call: ApiCall = {
    operation: `listing the comments of pull request #${issueNumber}`,
    request: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    permission: 'pull-requests: write',
    notFound: `pull request #${issueNumber} does not exist in ${repo.owner}/${repo.repo}, or the token cannot see it (it needs \`pull-requests: write\`)`,
  };
  const found = await findOnPages(
    call,
    (page) =>
      octokit.rest.issues.listComments({ ...repo, issue_number: issueNumber, per_page: 100, page }),
    commentShape,
    (comment) => isMarked(comment, marker),
    MAX_PAGES,
  );
  return found && { id: found.id, url: found.html_url, body: found.body ?? '' };
}

export interface UpsertCommentOptions {
  repo: RepoRef;
  issueNumber: number;
  /** The hidden marker (reportMarker(reportId)); the body is prefixed with it. */
  marker: string;
  /** The report, already escaped and size-budgeted by the renderer. */
  markdown: string;
  policy: CommentPolicy;
  /** Something regressed, improved or exceeded a budget (for `on-change`). */
  changed: boolean;
}

/** The body as posted (markedBody), refused when over the limit the renderer was given. */
export function commentBody(marker: string, markdown: string): string {
  const body = markedBody(marker, markdown);
  if (body.length > COMMENT_MAX_LENGTH) {
    throw new RangeError(
      `comment body is ${body.length} characters, over perfgate's ${COMMENT_MAX_LENGTH} (GitHub's limit is 65,536); the renderer's budget must leave room for the marker`,
    );
  }
  return body;
}

/**
 * Creates or updates the report's comment according to the policy. `on-change` creates a
 * comment only when something changed but always updates an existing one, so a comment that
 * once reported a regression is corrected when the regression is fixed.
 */
export async function upsertComment(
  octokit: GitHubClient,
  options: UpsertCommentOptions,
): Promise<CommentOutcome> {
  const { repo, issueNumber, marker, policy } = options;
  if (policy === 'never') return { action: 'skipped', reason: 'the `comment` input is `never`' };
  const body = commentBody(marker, options.markdown);
  try {
    const existing = await findMarkedComment(octokit, repo, issueNumber, marker);
    if (existing) {
      const call: ApiCall = {
        operation: `updating perfgate's comment ${existing.id} on pull request #${issueNumber}`,
        request: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
        permission: 'pull-requests: write',
      };
      const { data } = await callGitHub(call, () =>
        octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body }),
      );
      const written = answerShape(call, writtenComment, data);
      return { action: 'updated', id: written.id, url: written.html_url };
    }
    if (policy === 'on-change' && !options.changed) {
      return {
        action: 'skipped',
        reason: 'nothing regressed, improved or exceeded a budget, and `comment` is `on-change`',
      };
    }
    const call: ApiCall = {
      operation: `creating the comment on pull request #${issueNumber}`,
      request: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      permission: 'pull-requests: write',
    };
    const { data } = await callGitHub(call, () =>
      octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body }),
    );
    const written = answerShape(call, writtenComment, data);
    return { action: 'created', id: written.id, url: written.html_url };
  } catch (error) {
    const forbidden = permissionDenied(error);
    if (forbidden) return { action: 'forbidden', ...forbidden };
    throw error;
  }
}
