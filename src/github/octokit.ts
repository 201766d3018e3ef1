// The one Octokit factory: @actions/github's client with the retry plugin (5xx and network
// errors, backed off) and the throttling plugin (primary and secondary rate limits honoured,
// writes spaced as GitHub asks). The API URL is a parameter, the seam tests use to reach a
// local server.
import { randomUUID } from 'node:crypto';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { GitHubApiError } from './api-error.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  token: string;
  /** GITHUB_API_URL; `https://api.github.com` on github.com. */
  baseUrl: string;
  /** Where rate-limit waits are reported. */
  warn?: (message: string) => void;
  /** How often one request is retried after a rate limit (default 3). */
  rateLimitRetries?: number;
  /** How often a request that failed with a 5xx or no answer is retried (default 3). */
  retries?: number;
  /** The retry plugin waits retryCount² × this between attempts (default 1000 ms: 1 s, 4 s, 9 s,
   *  so a persistent outage ends a call in about 14 s). Tests shorten it. */
  retryDelayMs?: number;
  /** Deadline of one request (default 30 s): an API that accepts the connection and then says
   *  nothing must not hold the job until its own time limit. A request past it counts as "no
   *  answer" and is retried like one. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// Statuses whose Response may not carry a body.
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * fetch with one deadline per request that covers the body too: Octokit reads the body after
 * fetch resolves, so the body is read here, within the deadline, and handed on whole (API
 * answers are small JSON; artifact zips are downloaded elsewhere, with their own deadline).
 */
function fetchWithDeadline(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const response = await fetch(input, { ...init, signal });
      const body = await response.arrayBuffer();
      const whole = new Response(NULL_BODY.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      Object.defineProperty(whole, 'url', { value: response.url });
      return whole;
    } catch (error) {
      // Octokit turns this into "no answer" (a status-500 error without a response), retried.
      if (deadline.aborted) {
        throw new Error(`no complete answer within ${timeoutMs / 1000} s`, { cause: error });
      }
      throw error;
    }
  };
}

export function createOctokit(options: OctokitOptions): GitHubClient {
  const warn = options.warn ?? (() => {});
  const limit = options.rateLimitRetries ?? 3;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const again = retryCount < limit;
      warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; ${
          again ? `retrying in ${retryAfter}s (retry ${retryCount + 1} of ${limit})` : 'giving up'
        }`,
      );
      return again;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        // Write spacing (1 s, 3 s for comments) is kept per id; one id per client keeps clients
        // in one process (tests) from queueing behind each other. A run uses one client.
        id: `perfgate-${randomUUID()}`,
      },
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryDelayMs ?? 1000 },
      request: {
        fetch: fetchWithDeadline(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      },
      // Octokit's default logger writes to the console; the action's log is @actions/core.
      log: { debug: () => {}, info: () => {}, warn, error: warn },
    },
    retry,
    throttling,
  );
}

/** The HTTP status of an Octokit RequestError, if that is what was thrown. */
export function httpStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/** A 403 that means "this token may not do that" (a read-only fork token), as opposed to a
 *  rate limit that the throttling plugin gave up on. */
export function permissionDenied(error: unknown): { status: number; message: string } | undefined {
  if (httpStatus(error) !== 403) return undefined;
  const message =
    error instanceof GitHubApiError
      ? (error.githubMessage ?? error.message)
      : error instanceof Error
        ? error.message
        : String(error);
  return /rate limit/i.test(message) ? undefined : { status: 403, message };
}
