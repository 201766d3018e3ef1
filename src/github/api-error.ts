// Every GitHub API call of the action goes through `callGitHub`, and every answer it reads
// fields from through `answerShape`, so that a refusal, an outage or an answer of the wrong
// shape (an HTML page from a proxy, a list without its items) ends as one readable message:
// the operation, the request, what came back, what to do.
import type { z } from 'zod';
import { previewValue } from '../report/errors.js';

/** What a call is, for its error message and the advice it gives per status. */
export interface ApiCall {
  /** What perfgate was doing, e.g. `listing the artifacts of workflow run 77`. */
  operation: string;
  /** Method and route template, e.g. `GET /repos/{owner}/{repo}/pulls/{pull_number}`. */
  request: string;
  /** The permission of the workflow's `permissions:` the call needs, e.g. `pull-requests: write`. */
  permission?: string;
  /** What a 404 means here and what to do about it. */
  notFound?: string;
}

/** A GitHub API call failed or answered with something perfgate cannot read. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    readonly call: ApiCall,
    /** The HTTP status, when there was an answer. */
    readonly status: number | undefined,
    /** What came back: `HTTP 503: Service Unavailable`, `answered with an unexpected shape: …`. */
    readonly detail: string,
    /** What to do about it. */
    readonly whatToDo: string,
    /** GitHub's own message, without perfgate's words around it. */
    readonly githubMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(`${call.operation} (${call.request}) failed: ${detail}; ${whatToDo}`, options);
  }
}

const RERUN = 'rerun the job later (https://www.githubstatus.com shows outages)';

/** Runs one API call; anything it throws becomes a GitHubApiError naming the call. */
export async function callGitHub<T>(call: ApiCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw apiError(call, error);
  }
}

/** The GitHubApiError for `error` thrown by the call (itself if it already is one). */
export function apiError(call: ApiCall, error: unknown): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const status = statusOf(error);
  const message = githubMessage(error);
  if (status === undefined) {
    // No answer at all (DNS, refused connection, reset), or a bug in reading one.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    const what = [message, cause?.message].filter(Boolean).join(': ');
    return new GitHubApiError(
      call,
      undefined,
      `no answer (${what})`,
      `check that GITHUB_API_URL reaches GitHub's REST API from the runner, then ${RERUN}`,
      message,
      { cause: error },
    );
  }
  return new GitHubApiError(
    call,
    status,
    `HTTP ${status}: ${message}${status >= 500 ? ' (still failing after the retries)' : ''}`,
    adviceFor(call, status, message),
    message,
    { cause: error },
  );
}

function adviceFor(call: ApiCall, status: number, message: string): string {
  if (status === 401) return 'the token was refused: check the `github-token` input';
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return `GitHub's rate limit held after the waits perfgate allows; ${RERUN}`;
  }
  if (status === 403) {
    return call.permission
      ? `the token may not do this: grant \`${call.permission}\` in the workflow's \`permissions:\``
      : "the token may not do this: check the workflow's `permissions:`";
  }
  if (status === 404) {
    return (
      call.notFound ??
      `it does not exist, or the token cannot see it${call.permission ? ` (it needs \`${call.permission}\`)` : ''}`
    );
  }
  if (status === 410) return 'it is gone (expired or deleted)';
  if (status === 422) return 'GitHub rejected the request as invalid; please report this as a bug';
  if (status >= 500) return RERUN;
  return 'please report this as a bug if it persists';
}

/** GitHub's message of an Octokit RequestError: the answer's `message` (and `errors`). */
function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | undefined)?.response?.data;
  if (data && typeof data === 'object' && 'message' in data) {
    const { message, errors } = data as { message?: unknown; errors?: unknown };
    if (typeof message === 'string' && message) {
      const details = Array.isArray(errors)
        ? errors
            .map((e) =>
              typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : '',
            )
            .filter(Boolean)
        : [];
      return details.length ? `${message} (${details.join('; ').slice(0, 300)})` : message;
    }
  }
  if (typeof data === 'string' && data) return describeBody(data);
  const text =
    error instanceof Error ? error.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '') : '';
  return text || 'no message';
}

function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error) {
    const status = (error as { status: unknown }).status;
    // Octokit reports a request that got no answer as status 500 with no response.
    const answered = (error as { response?: unknown }).response !== undefined;
    if (typeof status === 'number' && (answered || status !== 500)) return status;
  }
  return undefined;
}

/** A body that is not the JSON the call expects, in a few words. */
function describeBody(body: string): string {
  const start = body.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  if (/^<(!doctype html|html)/i.test(start)) return `an HTML page (${JSON.stringify(start)}…)`;
  return `a text body ${previewValue(body)}`;
}

/**
 * The answer's data, checked against the fields perfgate reads; anything else (an HTML page
 * served with 200, an object without its list) is a GitHubApiError naming the first bad field.
 */
export function answerShape<S extends z.ZodType>(
  call: ApiCall,
  schema: S,
  data: unknown,
): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const got =
    typeof data === 'string'
      ? describeBody(data)
      : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        ? `${data.byteLength} bytes that are not JSON`
        : describeIssue(parsed.error.issues[0], data);
  return throwShape(call, got);
}

function throwShape(call: ApiCall, got: string): never {
  throw new GitHubApiError(
    call,
    200,
    `answered with an unexpected shape: ${got}`,
    'GITHUB_API_URL must be GitHub\'s REST API (on GitHub Enterprise Server, "https://HOST/api/v3"); if it is, a proxy between the runner and GitHub changed the answer',
  );
}

function describeIssue(issue: z.core.$ZodIssue | undefined, data: unknown): string {
  if (!issue) return 'not what the API documents';
  let value: unknown = data;
  for (const key of issue.path) {
    value =
      value && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[key as PropertyKey]
        : undefined;
  }
  const field = issue.path.length ? issue.path.map(String).join('.') : 'the answer';
  return `${field} is ${previewValue(value)} (${issue.message})`;
}
