// Real webhook payloads (npm @octokit/webhooks-examples) adjusted to the test repository, and
// REST objects in the shapes GitHub's OpenAPI description documents.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface WebhookExamples {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}
const EXAMPLES =
  require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExamples[];

export const OWNER = 'octo-org';
export const REPO = 'octo-repo';
export const FULL_NAME = `${OWNER}/${REPO}`;

type Json = Record<string, unknown>;

function example(event: string, action: string, pick: (e: Json) => boolean = () => true): Json {
  const found = EXAMPLES.find((e) => e.name === event)?.examples.find(
    (e) => e.action === action && pick(e),
  );
  if (!found) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  return JSON.parse(JSON.stringify(found)) as Json;
}

/** Every URL and name in a payload rewritten from the example's repository to ours. */
function retarget(payload: Json, fromFullName: string): Json {
  const [fromOwner] = fromFullName.split('/');
  const text = JSON.stringify(payload)
    .replaceAll(fromFullName, FULL_NAME)
    .replaceAll(`"login":"${fromOwner}"`, `"login":"${OWNER}"`);
  return JSON.parse(text) as Json;
}

export interface PullRequestSpec {
  number: number;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** The head lives in `forker/octo-repo`. */
  fork?: boolean;
}

/** A `pull_request` `opened` (or `synchronize`) payload for the test repository. */
export function pullRequestEvent(spec: PullRequestSpec, action = 'opened'): Json {
  const payload = retarget(example('pull_request', action), 'Codertocat/Hello-World');
  payload.number = spec.number;
  payload.pull_request = pullRequestObject(spec, payload.pull_request as Json);
  return payload;
}

/** The REST `pulls/get` object (the webhook's pull_request object is the same shape). */
export function pullRequestObject(spec: PullRequestSpec, template?: Json): Json {
  const pr = template
    ? (JSON.parse(JSON.stringify(template)) as Json)
    : (retarget(example('pull_request', 'opened'), 'Codertocat/Hello-World').pull_request as Json);
  pr.number = spec.number;
  pr.url = `https://api.github.com/repos/${FULL_NAME}/pulls/${spec.number}`;
  pr.html_url = `https://github.com/${FULL_NAME}/pull/${spec.number}`;
  pr.state = 'open';
  // Fields of the REST object that the webhook example leaves out.
  pr.auto_merge ??= null;
  pr.active_lock_reason ??= null;
  const base = pr.base as Json;
  const head = pr.head as Json;
  base.ref = spec.baseRef;
  base.sha = spec.baseSha;
  base.label = `${OWNER}:${spec.baseRef}`;
  head.ref = spec.headRef;
  head.sha = spec.headSha;
  if (spec.fork) {
    const repo = JSON.parse(
      JSON.stringify(head.repo).replaceAll(FULL_NAME, `forker/${REPO}`),
    ) as Json;
    repo.full_name = `forker/${REPO}`;
    repo.fork = true;
    repo.id = 99_000_001;
    (repo.owner as Json).login = 'forker';
    head.repo = repo;
    head.label = `forker:${spec.headRef}`;
  }
  return pr;
}

/** A `push` payload for the test repository's default branch. */
export function pushEvent(after: string, before = '0'.repeat(40)): Json {
  const found = EXAMPLES.find((e) => e.name === 'push')?.examples[0];
  if (!found) throw new Error('no push example in @octokit/webhooks-examples');
  const payload = retarget(JSON.parse(JSON.stringify(found)) as Json, 'Codertocat/Hello-World');
  payload.ref = 'refs/heads/main';
  payload.after = after;
  payload.before = before;
  return payload;
}

export interface WorkflowRunSpec {
  id: number;
  headSha: string;
  headBranch?: string;
  event?: string;
  conclusion?: string | null;
  /** PR numbers GitHub links to the run; empty for fork PRs. */
  pullRequests?: number[];
  name?: string;
}

/** A `workflow_run` `completed` payload for the test repository. */
export function workflowRunEvent(spec: WorkflowRunSpec): Json {
  const payload = example('workflow_run', 'completed');
  payload.workflow_run = workflowRunObject(spec, payload.workflow_run as Json);
  return payload;
}

/** The REST `actions/get-workflow-run` object. */
export function workflowRunObject(spec: WorkflowRunSpec, template?: Json): Json {
  const run = template
    ? (JSON.parse(JSON.stringify(template)) as Json)
    : (example('workflow_run', 'completed').workflow_run as Json);
  const oldId = String(run.id);
  const text = JSON.stringify(run).replaceAll(`/runs/${oldId}`, `/runs/${spec.id}`);
  const out = JSON.parse(text) as Json;
  out.id = spec.id;
  out.name = spec.name ?? 'perf (collect)';
  out.display_title ??= 'Make the orders route faster';
  out.path ??= '.github/workflows/perf-collect.yml';
  out.event = spec.event ?? 'pull_request';
  out.status = 'completed';
  out.conclusion = spec.conclusion === undefined ? 'success' : spec.conclusion;
  out.head_sha = spec.headSha;
  out.head_branch = spec.headBranch ?? 'feature';
  (out.head_commit as Json).id = spec.headSha;
  out.pull_requests = (spec.pullRequests ?? []).map((number) => ({
    id: 1000 + number,
    number,
    url: `https://api.github.com/repos/${FULL_NAME}/pulls/${number}`,
    head: {
      ref: out.head_branch,
      sha: spec.headSha,
      repo: { id: 1, url: `https://api.github.com/repos/${FULL_NAME}`, name: REPO },
    },
    base: {
      ref: 'main',
      sha: 'f'.repeat(40),
      repo: { id: 1, url: `https://api.github.com/repos/${FULL_NAME}`, name: REPO },
    },
  }));
  return out;
}

export interface UserSpec {
  login: string;
  id: number;
  type?: 'User' | 'Bot' | 'Organization';
}

/** The `simple-user` object. */
export function userObject({ login, id, type = 'User' }: UserSpec): Json {
  const url = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

export const ACTIONS_BOT: UserSpec = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** The GitHub Actions app, as check runs report it. */
export function actionsApp(): Json {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: userObject({ login: 'github', id: 9919, type: 'Organization' }),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: 'https://github.com/apps/github-actions',
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { checks: 'write', pull_requests: 'write' },
    events: ['check_run', 'pull_request'],
  };
}
