// The run's context from the runner's environment: GITHUB_REPOSITORY, GITHUB_EVENT_PATH (the
// webhook payload), GITHUB_API_URL… Read once, validated, as plain values; nothing else in the
// action reads these variables.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { describeValue } from '../config/values.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestContext {
  number: number;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** The head lives in another repository: the token is read-only, secrets are absent. */
  fork: boolean;
}

export interface WorkflowRunContext {
  id: number;
  name?: string;
  /** The event that triggered the run (`pull_request` for a collect workflow). */
  event: string;
  headSha: string;
  headBranch: string | null;
  conclusion: string | null;
  /** PR numbers GitHub links to the run; empty for PRs from forks. */
  pullRequests: number[];
}

export interface ActionContext {
  eventName: string;
  repo: RepoRef;
  /** GITHUB_SHA: for pull_request events the test merge commit, not the PR head. */
  sha: string;
  ref: string;
  runId: number;
  serverUrl: string;
  apiUrl: string;
  /** Where the action may write files that outlive the step but not the job. */
  runnerTemp: string;
  pullRequest?: PullRequestContext;
  workflowRun?: WorkflowRunContext;
  /** What acceptance reads of a `pull_request` or `issue_comment` event. */
  acceptEvent?: AcceptEventContext;
}

export interface AcceptEventContext {
  /** The webhook's `action` (`labeled`, `created`…). */
  action?: string;
  /** `labeled`: the label added. */
  label?: string;
  /** The pull request's labels as the event saw them. */
  labels: string[];
  /** `issue_comment`: the issue (a pull request when `onPullRequest`) and the comment. */
  issueNumber?: number;
  onPullRequest?: boolean;
  comment?: { body: string; login: string; createdAt: string };
}

/** The runner's environment is not what a GitHub-hosted or self-hosted runner provides. */
export class EventContextError extends Error {
  override name = 'EventContextError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field} is ${describeValue(value)}; expected ${expected}`);
  }
}

const sha = z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/);
export const pullRequestPayload = z.object({
  number: z.number().int().positive(),
  base: z.object({ ref: z.string(), sha, repo: z.object({ full_name: z.string() }) }),
  head: z.object({
    ref: z.string(),
    sha,
    // null when the fork was deleted.
    repo: z.object({ full_name: z.string() }).nullable(),
  }),
});

/** A pull request as the event payload or the pulls API give it: what a run needs of it. */
export function pullRequestContext(pr: z.infer<typeof pullRequestPayload>): PullRequestContext {
  return {
    number: pr.number,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    fork: pr.head.repo?.full_name !== pr.base.repo.full_name,
  };
}
const workflowRunPayload = z.object({
  id: z.number().int().positive(),
  name: z.string().nullish(),
  event: z.string(),
  head_sha: sha,
  head_branch: z.string().nullable(),
  conclusion: z.string().nullable(),
  pull_requests: z.array(z.object({ number: z.number().int().positive() })),
});
const payloadSchema = z.object({
  action: z.string().optional(),
  pull_request: z.unknown().optional(),
  workflow_run: z.unknown().optional(),
  label: z.unknown().optional(),
  issue: z.unknown().optional(),
  comment: z.unknown().optional(),
});
const labelsPayload = z.object({ labels: z.array(z.object({ name: z.string() })).optional() });
const labelPayload = z.object({ name: z.string() });
const issuePayload = z.object({
  number: z.number().int().positive(),
  pull_request: z.unknown().optional(),
  labels: z.array(z.object({ name: z.string() })).optional(),
});
const commentPayload = z.object({
  body: z.string().nullable(),
  user: z.object({ login: z.string() }),
  created_at: z.string(),
});

export function readActionContext(env: NodeJS.ProcessEnv = process.env): ActionContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...extra] = repository.split('/');
  if (!owner || !repo || extra.length > 0) {
    throw new EventContextError('GITHUB_REPOSITORY', repository, 'owner/name');
  }
  const runIdText = env.GITHUB_RUN_ID ?? '0';
  const runId = Number(runIdText);
  if (!Number.isSafeInteger(runId) || runId < 0) {
    throw new EventContextError('GITHUB_RUN_ID', runIdText, 'a whole number');
  }
  const context: ActionContext = {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    repo: { owner, repo },
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    runId,
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
  };

  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) return context;
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(readFileSync(eventPath, 'utf8')));
  } catch (error) {
    throw new EventContextError(
      'GITHUB_EVENT_PATH',
      eventPath,
      `a readable JSON webhook payload (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (payload.pull_request !== undefined) {
    context.pullRequest = pullRequestContext(
      parseField('pull_request', payload.pull_request, pullRequestPayload),
    );
  }
  context.acceptEvent = acceptEventContext(payload);
  if (payload.workflow_run !== undefined) {
    const run = parseField('workflow_run', payload.workflow_run, workflowRunPayload);
    context.workflowRun = workflowRunContext(run);
  }
  return context;
}

function acceptEventContext(payload: z.infer<typeof payloadSchema>): AcceptEventContext {
  const event: AcceptEventContext = { labels: [] };
  if (payload.action !== undefined) event.action = payload.action;
  if (payload.pull_request !== undefined) {
    const pr = parseField('pull_request', payload.pull_request, labelsPayload);
    event.labels = (pr.labels ?? []).map((l) => l.name);
  }
  if (payload.label !== undefined)
    event.label = parseField('label', payload.label, labelPayload).name;
  if (payload.issue !== undefined) {
    const issue = parseField('issue', payload.issue, issuePayload);
    event.issueNumber = issue.number;
    event.onPullRequest = issue.pull_request !== undefined && issue.pull_request !== null;
    if (payload.pull_request === undefined) event.labels = (issue.labels ?? []).map((l) => l.name);
  }
  if (payload.comment !== undefined) {
    const comment = parseField('comment', payload.comment, commentPayload);
    event.comment = {
      body: comment.body ?? '',
      login: comment.user.login,
      createdAt: comment.created_at,
    };
  }
  return event;
}

/** A workflow run as GitHub describes it (the event's payload, or the REST API's answer that
 *  report mode reads for `run-id`), in the fields perfgate uses. */
export function workflowRunContext(run: {
  id: number;
  name?: string | null;
  event: string;
  head_sha: string;
  head_branch: string | null;
  conclusion: string | null;
  pull_requests?: Array<{ number: number }> | null;
}): WorkflowRunContext {
  return {
    id: run.id,
    name: run.name ?? undefined,
    event: run.event,
    headSha: run.head_sha,
    headBranch: run.head_branch,
    conclusion: run.conclusion,
    pullRequests: (run.pull_requests ?? []).map((p) => p.number),
  };
}

function parseField<T>(name: string, value: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keys = issue?.path ?? [];
  let received: unknown = value;
  for (const key of keys) {
    received =
      received && typeof received === 'object'
        ? (received as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  throw new EventContextError(
    `the event payload's ${[name, ...keys.map(String)].join('.')}`,
    received,
    `a valid value (${issue?.message ?? 'not a webhook payload'})`,
  );
}
