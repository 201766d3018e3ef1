// A local stand-in for GitHub, run in its own process (`node --import tsx mock-github.ts`):
//
// - the REST API on one port: every request must match an operation of GitHub's OpenAPI
//   description (method, path template, path/query parameter types, JSON body against the
//   requestBody schema) or it is rejected with a 4xx and recorded as rejected; every response
//   the mock sends is checked against the documented response schema (a mismatch is a bug of
//   the mock, recorded in `mockErrors`);
// - the Actions results service on another port: the Twirp JSON endpoints CreateArtifact and
//   FinalizeArtifact that @actions/artifact calls, the signed blob URL it uploads to (Azure
//   block blob: Put Block + Put Block List), and the blob URL artifact downloads redirect to;
// - a control API under /__mock/ on the results port: seed state, queue faults, read back every
//   accepted request.
//
// One repository (fixtures.ts FULL_NAME) exists. Faults are queued per operation: a status
// (5xx, 403), a primary rate limit (403 with x-ratelimit-remaining: 0), a secondary one, or a
// reply given verbatim (an HTML page with 200, a redirect without `location`); the blob
// download (`blob/download`) can also fail with a status or stall halfway.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { z } from 'zod';
import {
  ACTIONS_BOT,
  actionsApp,
  FULL_NAME,
  OWNER,
  type PullRequestSpec,
  pullRequestObject,
  REPO,
  type UserSpec,
  userObject,
  type WorkflowRunSpec,
  workflowRunObject,
} from './fixtures.js';
import { AccessStore, type SeedCollaborator, type SeedIssueEvent } from './mock-access.js';
import {
  IssueStore,
  type SeedCommitPull,
  type SeedIssue,
  type StoredIssue,
} from './mock-issues.js';
import { type MatchedOperation, OpenApiChecker, SpecViolation } from './openapi.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId: string;
  body: unknown;
  status: number;
  /** Set when a queued fault answered the request. */
  fault?: string;
}

export interface RejectedRequest {
  method: string;
  url: string;
  status: number;
  reason: string;
}

export interface Fault {
  /** Operation to disturb, e.g. `issues/create-comment`; every REST operation when absent.
   *  `blob/download` disturbs the blob URL artifact downloads redirect to (named explicitly
   *  only). */
  operationId?: string;
  /** `reply`: answer with `status`, `headers` and `body` (JSON) or `text` as given, e.g. an HTML
   *  page with 200 or a redirect without `location`; `stall`: send the headers and part of the
   *  body, then nothing. */
  kind: 'status' | 'rate-limit' | 'secondary-rate-limit' | 'reply' | 'stall';
  /** For kinds `status` and `reply`. */
  status?: number;
  message?: string;
  /** For kind `reply`. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** How many matching requests it answers; -1 for all. */
  times: number;
}

export interface SeedComment {
  issueNumber: number;
  body: string;
  user?: UserSpec;
}

export interface SeedArtifact {
  runId: number;
  name: string;
  /** The zip archive, base64. */
  zipBase64: string;
  expired?: boolean;
}

export interface SeedRun extends WorkflowRunSpec {
  /** The results service's id for this run, as a runtime token names it. */
  backendId?: string;
}

export interface Seed {
  pulls?: PullRequestSpec[];
  runs?: SeedRun[];
  comments?: SeedComment[];
  artifacts?: SeedArtifact[];
  /** Issues (numbered from 500), labels, and the pull requests associated with commits. */
  issues?: SeedIssue[];
  labels?: string[];
  commitPulls?: SeedCommitPull[];
  /** Collaborators' permissions and issue events (mock-access.ts). */
  collaborators?: SeedCollaborator[];
  issueEvents?: SeedIssueEvent[];
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  user: UserSpec;
  createdAt: string;
  updatedAt: string;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  details_url?: string;
  external_id?: string;
  output: { title: string | null; summary: string | null; text: string | null };
}

export interface StoredArtifact {
  id: number;
  runId: number;
  name: string;
  size: number;
  expired: boolean;
  digest?: string;
  createdAt: string;
  /** Not sent over /__mock/state (see `artifactBytes`). */
  bytes?: Buffer;
}

export interface MockSnapshot {
  requests: RecordedRequest[];
  rejected: RejectedRequest[];
  mockErrors: string[];
  comments: StoredComment[];
  checkRuns: StoredCheckRun[];
  artifacts: Array<Omit<StoredArtifact, 'bytes'> & { zipBase64: string }>;
  twirp: Array<{ method: string; body: unknown }>;
  issues: StoredIssue[];
  labels: string[];
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const MAX_BODY = 64 * 1024 * 1024;
const GITHUB_COMMENT_LIMIT = 65_536;
const GITHUB_CHECK_TEXT_LIMIT = 65_535;
const BLOB_DOWNLOAD = 'blob/download';
const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';
const BLOB = '/devstoreaccount1/actions-results/';

class MockGitHub {
  readonly spec = new OpenApiChecker();
  apiUrl = '';
  resultsUrl = '';
  requests: RecordedRequest[] = [];
  rejected: RejectedRequest[] = [];
  mockErrors: string[] = [];
  twirp: Array<{ method: string; body: unknown }> = [];
  faults: Fault[] = [];
  comments = new Map<number, StoredComment>();
  checkRuns = new Map<number, StoredCheckRun>();
  pulls = new Map<number, PullRequestSpec>();
  runs = new Map<number, SeedRun>();
  artifacts = new Map<number, StoredArtifact>();
  issueStore = new IssueStore();
  access = new AccessStore();
  /** Uploads in flight, by `<run backend id>/<name>`: staged blocks and the committed bytes. */
  blobs = new Map<
    string,
    { blocks: Map<string, Buffer>; committed?: Buffer; run: string; name: string; blobName: string }
  >();
  nextId = 1000;

  reset(): void {
    this.requests = [];
    this.rejected = [];
    this.mockErrors = [];
    this.twirp = [];
    this.faults = [];
    this.comments.clear();
    this.checkRuns.clear();
    this.pulls.clear();
    this.runs.clear();
    this.artifacts.clear();
    this.blobs.clear();
    this.issueStore.reset();
    this.access.reset();
  }

  seed(seed: Seed): Record<string, number[]> {
    const ids: Record<string, number[]> = { comments: [], artifacts: [] };
    ids.issues = this.issueStore.seed(seed);
    this.access.seed(seed);
    for (const pull of seed.pulls ?? []) this.pulls.set(pull.number, pull);
    for (const run of seed.runs ?? []) this.runs.set(run.id, run);
    for (const comment of seed.comments ?? []) {
      ids.comments!.push(
        this.addComment(comment.issueNumber, comment.body, comment.user ?? ACTIONS_BOT).id,
      );
    }
    for (const artifact of seed.artifacts ?? []) {
      const bytes = Buffer.from(artifact.zipBase64, 'base64');
      const id = this.nextId++;
      this.artifacts.set(id, {
        id,
        runId: artifact.runId,
        name: artifact.name,
        size: bytes.length,
        expired: artifact.expired ?? false,
        createdAt: new Date().toISOString(),
        bytes,
      });
      ids.artifacts!.push(id);
    }
    return ids;
  }

  snapshot(): MockSnapshot {
    return {
      requests: this.requests,
      rejected: this.rejected,
      mockErrors: this.mockErrors,
      comments: [...this.comments.values()],
      checkRuns: [...this.checkRuns.values()],
      artifacts: [...this.artifacts.values()].map(({ bytes, ...meta }) => ({
        ...meta,
        zipBase64: (bytes ?? Buffer.alloc(0)).toString('base64'),
      })),
      twirp: this.twirp,
      issues: [...this.issueStore.issues.values()],
      labels: [...this.issueStore.labels.keys()],
    };
  }

  private addComment(issueNumber: number, body: string, user: UserSpec): StoredComment {
    const now = new Date().toISOString();
    const comment = { id: this.nextId++, issueNumber, body, user, createdAt: now, updatedAt: now };
    this.comments.set(comment.id, comment);
    return comment;
  }

  async handleRest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.apiUrl);
    const method = req.method ?? 'GET';
    let matched: MatchedOperation & { operation: Parameters<OpenApiChecker['checkQuery']>[0] };
    let body: unknown;
    try {
      matched = this.spec.match(method, url.pathname);
      this.spec.checkQuery(matched.operation, url.searchParams);
      body = this.spec.checkBody(
        matched.operation,
        req.headers['content-type'],
        raw.toString('utf8'),
      );
    } catch (error) {
      if (!(error instanceof SpecViolation)) throw error;
      this.rejected.push({
        method,
        url: url.pathname + url.search,
        status: error.status,
        reason: error.message,
      });
      send(res, error.status, { message: `mock GitHub rejected the request: ${error.message}` });
      return;
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      operationId: matched.operationId,
      body,
      status: 0,
    };
    this.requests.push(record);

    let reply: Reply;
    const auth = req.headers.authorization ?? '';
    const fault = this.takeFault(matched.operationId);
    if (!/^(token|bearer) \S+$/i.test(auth)) {
      reply = {
        status: 401,
        body: {
          message: 'Requires authentication',
          documentation_url: 'https://docs.github.com/rest',
        },
      };
    } else if (fault?.kind === 'stall') {
      // The headers, then silence: the client must give up on its own.
      record.fault = 'stall';
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.write('{');
      return;
    } else if (fault?.kind === 'reply') {
      record.fault = 'reply';
      record.status = fault.status ?? 200;
      sendRaw(res, fault);
      return;
    } else if (fault) {
      record.fault = fault.kind === 'status' ? String(fault.status) : fault.kind;
      reply = faultReply(fault);
    } else if (matched.pathParams.owner !== OWNER || matched.pathParams.repo !== REPO) {
      reply = notFound();
    } else {
      reply = this.operate(
        matched.operationId,
        matched.pathParams,
        url,
        body as Record<string, unknown>,
      );
    }
    record.status = reply.status;
    // Faults and auth errors use GitHub's generic error body; the documented responses of an
    // operation do not always list them (a 5xx or a 403 can come from any endpoint).
    if (!fault && reply.status < 500 && reply.status !== 401) {
      const problem = this.spec.checkResponse(matched.operation, reply.status, reply.body);
      if (problem) this.mockErrors.push(problem);
    }
    send(res, reply.status, reply.body, reply.headers);
  }

  private takeFault(operationId: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.times !== 0 &&
        (f.operationId === operationId || (!f.operationId && operationId !== BLOB_DOWNLOAD)),
    );
    if (fault && fault.times > 0) fault.times--;
    return fault;
  }

  private operate(
    operationId: string,
    params: Record<string, string>,
    url: URL,
    body: Record<string, unknown>,
  ): Reply {
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? '30'), 100);
    const issues = this.issueStore;
    const issueReply = issues.operate(
      operationId,
      params,
      url,
      body,
      (all) =>
        this.paged(url, all, page, perPage, (items) => items.map((i) => issues.issueObject(i))),
      ACTIONS_BOT,
    );
    if (issueReply) return issueReply;
    const isIssue = (n: number) => this.pulls.has(n) || issues.has(n);
    const accessReply = this.access.operate(
      operationId,
      params,
      (all) => this.paged(url, all, page, perPage, (items) => items),
      isIssue,
    );
    if (accessReply) return accessReply;
    switch (operationId) {
      case 'issues/list-comments': {
        const issue = Number(params.issue_number);
        if (!isIssue(issue)) return notFound();
        const all = [...this.comments.values()]
          .filter((c) => c.issueNumber === issue)
          .sort((a, b) => a.id - b.id);
        return this.paged(url, all, page, perPage, (items) =>
          items.map((c) => this.commentObject(c)),
        );
      }
      case 'issues/get-comment': {
        const comment = this.comments.get(Number(params.comment_id));
        return comment ? { status: 200, body: this.commentObject(comment) } : notFound();
      }
      case 'issues/create-comment': {
        const issue = Number(params.issue_number);
        if (!isIssue(issue)) return notFound();
        const text = String(body.body);
        if (text.length > GITHUB_COMMENT_LIMIT) return bodyTooLong();
        return { status: 201, body: this.commentObject(this.addComment(issue, text, ACTIONS_BOT)) };
      }
      case 'issues/update-comment': {
        const comment = this.comments.get(Number(params.comment_id));
        if (!comment) return notFound();
        const text = String(body.body);
        if (text.length > GITHUB_COMMENT_LIMIT) return bodyTooLong();
        comment.body = text;
        comment.updatedAt = new Date().toISOString();
        return { status: 200, body: this.commentObject(comment) };
      }
      case 'checks/create':
      case 'checks/update': {
        const existing =
          operationId === 'checks/update'
            ? this.checkRuns.get(Number(params.check_run_id))
            : undefined;
        if (operationId === 'checks/update' && !existing) return notFound();
        const problem = checkRunProblem(body, existing);
        if (problem) return unprocessable(problem);
        const run = existing ?? {
          id: this.nextId++,
          name: String(body.name),
          head_sha: String(body.head_sha),
          status: 'queued',
          conclusion: null,
          started_at: new Date().toISOString(),
          completed_at: null,
          output: { title: null, summary: null, text: null },
        };
        if (typeof body.name === 'string') run.name = body.name;
        if (typeof body.details_url === 'string') run.details_url = body.details_url;
        if (typeof body.external_id === 'string') run.external_id = body.external_id;
        if (typeof body.started_at === 'string') run.started_at = body.started_at;
        if (typeof body.status === 'string') run.status = body.status;
        if (typeof body.conclusion === 'string') {
          run.conclusion = body.conclusion;
          run.status = 'completed';
        }
        if (run.status === 'completed')
          run.completed_at = (body.completed_at as string | undefined) ?? new Date().toISOString();
        const output = body.output as StoredCheckRun['output'] | undefined;
        if (output)
          run.output = {
            title: output.title ?? null,
            summary: output.summary ?? null,
            text: output.text ?? null,
          };
        this.checkRuns.set(run.id, run);
        return {
          status: operationId === 'checks/create' ? 201 : 200,
          body: this.checkRunObject(run),
        };
      }
      case 'checks/get': {
        const run = this.checkRuns.get(Number(params.check_run_id));
        return run ? { status: 200, body: this.checkRunObject(run) } : notFound();
      }
      case 'pulls/get': {
        const pull = this.pulls.get(Number(params.pull_number));
        return pull ? { status: 200, body: pullRequestObject(pull) } : notFound();
      }
      case 'actions/get-workflow-run': {
        const run = this.runs.get(Number(params.run_id));
        return run ? { status: 200, body: workflowRunObject(run) } : notFound();
      }
      case 'actions/list-workflow-run-artifacts': {
        const runId = Number(params.run_id);
        if (!this.runs.has(runId)) return notFound();
        const name = url.searchParams.get('name');
        const all = [...this.artifacts.values()].filter(
          (a) => a.runId === runId && (name === null || a.name === name),
        );
        return this.paged(url, all, page, perPage, (items) => ({
          total_count: all.length,
          artifacts: items.map((a) => this.artifactObject(a)),
        }));
      }
      case 'actions/list-artifacts-for-repo': {
        const name = url.searchParams.get('name');
        const all = [...this.artifacts.values()]
          .filter((a) => name === null || a.name === name)
          .sort((a, b) => b.id - a.id);
        return this.paged(url, all, page, perPage, (items) => ({
          total_count: all.length,
          artifacts: items.map((a) => this.artifactObject(a)),
        }));
      }
      case 'actions/download-artifact': {
        const artifact = this.artifacts.get(Number(params.artifact_id));
        if (!artifact || params.archive_format !== 'zip') return notFound();
        if (artifact.expired)
          return {
            status: 410,
            body: {
              message: 'Artifact has expired',
              documentation_url:
                'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
            },
          };
        const sig = randomBytes(8).toString('hex');
        return {
          status: 302,
          headers: { location: `${this.resultsUrl}${BLOB}download/${artifact.id}.zip?sig=${sig}` },
        };
      }
      default:
        return { status: 501, body: { message: `the mock does not implement ${operationId}` } };
    }
  }

  /** A page of a list with GitHub's Link header (first/prev/next/last). */
  private paged<T>(
    url: URL,
    all: T[],
    page: number,
    perPage: number,
    shape: (items: T[]) => unknown,
  ): Reply {
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const next = new URL(url.pathname + url.search, this.apiUrl);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return `<${next.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    return {
      status: 200,
      body: shape(items),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  }

  private commentObject(c: StoredComment): Record<string, unknown> {
    const api = `https://api.github.com/repos/${FULL_NAME}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${FULL_NAME}/${this.pulls.has(c.issueNumber) ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issueNumber}`,
      body: c.body,
      user: userObject(c.user),
      created_at: c.createdAt.replace(/\.\d+Z$/, 'Z'),
      updated_at: c.updatedAt.replace(/\.\d+Z$/, 'Z'),
      author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    };
  }

  private checkRunObject(run: StoredCheckRun): Record<string, unknown> {
    const api = `https://api.github.com/repos/${FULL_NAME}`;
    return {
      id: run.id,
      head_sha: run.head_sha,
      node_id: `CR_${run.id}`,
      external_id: run.external_id ?? '',
      url: `${api}/check-runs/${run.id}`,
      html_url: `https://github.com/${FULL_NAME}/runs/${run.id}`,
      details_url: run.details_url ?? `https://github.com/${FULL_NAME}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      output: {
        ...run.output,
        annotations_count: 0,
        annotations_url: `${api}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: 5000 + run.id },
      app: actionsApp(),
      pull_requests: [],
    };
  }

  private artifactObject(a: StoredArtifact): Record<string, unknown> {
    const api = `https://api.github.com/repos/${FULL_NAME}`;
    const created = a.createdAt.replace(/\.\d+Z$/, 'Z');
    const run = this.runs.get(a.runId);
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.size,
      url: `${api}/actions/artifacts/${a.id}`,
      archive_download_url: `${api}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      created_at: created,
      expires_at: a.expired ? '2000-01-01T00:00:00Z' : '2099-01-01T00:00:00Z',
      updated_at: created,
      ...(a.digest ? { digest: a.digest } : {}),
      workflow_run: {
        id: a.runId,
        repository_id: 1,
        head_repository_id: 1,
        head_branch: run?.headBranch ?? 'main',
        head_sha: run?.headSha ?? '0'.repeat(40),
      },
    };
  }

  // Actions results service (Twirp JSON + blob storage) and the control API.

  async handleResults(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.resultsUrl);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__mock/')) {
      this.handleControl(req.method ?? 'GET', url.pathname, raw, res);
      return;
    }
    if (url.pathname.startsWith(TWIRP) && req.method === 'POST') {
      const method = url.pathname.slice(TWIRP.length);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        send(res, 400, { code: 'malformed', msg: 'body is not JSON' });
        return;
      }
      this.twirp.push({ method, body });
      const reply = this.twirpCall(method, req.headers.authorization ?? '', body);
      send(res, reply.status, reply.body);
      return;
    }
    if (url.pathname.startsWith(BLOB)) {
      this.handleBlob(req.method ?? 'GET', url, raw, res);
      return;
    }
    send(res, 404, {
      code: 'not_found',
      msg: `no such results-service endpoint ${req.method} ${url.pathname}`,
    });
  }

  private twirpCall(method: string, authorization: string, body: unknown): Reply {
    const claims = runtimeClaims(authorization);
    if (!claims)
      return {
        status: 401,
        body: {
          code: 'unauthenticated',
          msg: 'a runtime token (JWT with an Actions.Results scope) is required',
        },
      };
    const parsed = (
      method === 'CreateArtifact'
        ? createArtifactRequest
        : method === 'FinalizeArtifact'
          ? finalizeArtifactRequest
          : undefined
    )?.safeParse(body);
    if (!parsed)
      return { status: 404, body: { code: 'bad_route', msg: `no handler for ${method}` } };
    if (!parsed.success) {
      return {
        status: 400,
        body: {
          code: 'invalid_argument',
          msg: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        },
      };
    }
    const request = parsed.data;
    if (
      request.workflow_run_backend_id !== claims.run ||
      request.workflow_job_run_backend_id !== claims.job
    ) {
      return {
        status: 403,
        body: { code: 'permission_denied', msg: 'backend ids do not match the runtime token' },
      };
    }
    const run = [...this.runs.values()].find((r) => (r.backendId ?? `run-${r.id}`) === claims.run);
    if (!run)
      return {
        status: 404,
        body: { code: 'not_found', msg: `no workflow run with backend id ${claims.run}` },
      };
    const key = `${claims.run}/${request.name}`;
    if (method === 'CreateArtifact') {
      const taken = [...this.artifacts.values()].some(
        (a) => a.runId === run.id && a.name === request.name,
      );
      if (taken || this.blobs.has(key)) {
        return {
          status: 409,
          body: {
            code: 'already_exists',
            msg: `an artifact named ${request.name} already exists in this run`,
          },
        };
      }
      const blobName = randomBytes(12).toString('hex');
      this.blobs.set(key, { blocks: new Map(), run: claims.run, name: request.name, blobName });
      const sig = randomBytes(8).toString('hex');
      return {
        status: 200,
        body: {
          ok: true,
          signed_upload_url: `${this.resultsUrl}${BLOB}${blobName}?sig=${sig}&sv=2023-11-03`,
        },
      };
    }
    const blob = this.blobs.get(key);
    if (!blob?.committed)
      return {
        status: 404,
        body: { code: 'not_found', msg: `nothing was uploaded for ${request.name}` },
      };
    const finalize = request as z.infer<typeof finalizeArtifactRequest>;
    if (Number(finalize.size) !== blob.committed.length) {
      return {
        status: 400,
        body: {
          code: 'invalid_argument',
          msg: `size ${finalize.size} is not the ${blob.committed.length} bytes uploaded`,
        },
      };
    }
    const id = this.nextId++;
    this.artifacts.set(id, {
      id,
      runId: run.id,
      name: request.name,
      size: blob.committed.length,
      expired: false,
      digest: finalize.hash,
      createdAt: new Date().toISOString(),
      bytes: blob.committed,
    });
    this.blobs.delete(key);
    return { status: 200, body: { ok: true, artifact_id: String(id) } };
  }

  private handleBlob(method: string, url: URL, raw: Buffer, res: http.ServerResponse): void {
    if (!url.searchParams.get('sig')) {
      sendXml(res, 403, 'AuthenticationFailed');
      return;
    }
    const rest = url.pathname.slice(BLOB.length);
    if (method === 'GET' && rest.startsWith('download/')) {
      const artifact = this.artifacts.get(Number(/^download\/(\d+)\.zip$/.exec(rest)?.[1]));
      if (!artifact?.bytes) {
        sendXml(res, 404, 'BlobNotFound');
        return;
      }
      const fault = this.takeFault(BLOB_DOWNLOAD);
      if (fault?.kind === 'status') {
        sendXml(res, fault.status ?? 500, fault.message ?? 'ServerBusy');
        return;
      }
      if (fault?.kind === 'reply') {
        sendRaw(res, fault);
        return;
      }
      if (fault?.kind === 'stall') {
        // Headers and half the body, then silence: the reader must give up on its own.
        res.writeHead(200, {
          'content-type': 'application/zip',
          'content-length': artifact.bytes.length,
        });
        res.write(artifact.bytes.subarray(0, Math.floor(artifact.bytes.length / 2)));
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': artifact.bytes.length,
        'content-disposition': `attachment; filename="${artifact.name}.zip"`,
      });
      res.end(artifact.bytes);
      return;
    }
    const blob = [...this.blobs.values()].find((b) => b.blobName === rest);
    if (!blob || method !== 'PUT') {
      sendXml(res, 404, 'BlobNotFound');
      return;
    }
    const comp = url.searchParams.get('comp');
    const headers = {
      etag: `"0x${randomBytes(6).toString('hex').toUpperCase()}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': randomBytes(8).toString('hex'),
      'x-ms-version': '2023-11-03',
      'x-ms-request-server-encrypted': 'true',
    };
    if (comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) {
        sendXml(res, 400, 'InvalidQueryParameterValue');
        return;
      }
      blob.blocks.set(id, raw);
    } else if (comp === 'blocklist') {
      const ids = [
        ...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g),
      ].map((m) => m[1]!);
      const parts = ids.map((id) => blob.blocks.get(id));
      if (parts.some((p) => p === undefined)) {
        sendXml(res, 400, 'InvalidBlockList');
        return;
      }
      blob.committed = Buffer.concat(parts as Buffer[]);
    } else if (comp === null) {
      blob.committed = raw;
    } else {
      sendXml(res, 400, 'InvalidQueryParameterValue');
      return;
    }
    res.writeHead(201, { ...headers, 'content-length': 0 });
    res.end();
  }

  private handleControl(method: string, path: string, raw: Buffer, res: http.ServerResponse): void {
    const input = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    if (method === 'POST' && path === '/__mock/reset') {
      this.reset();
      send(res, 200, {});
      return;
    }
    if (method === 'POST' && path === '/__mock/seed') {
      send(res, 200, this.seed(input as Seed));
      return;
    }
    if (method === 'POST' && path === '/__mock/faults') {
      this.faults.push(...(input as Fault[]));
      send(res, 200, {});
      return;
    }
    if (method === 'GET' && path === '/__mock/state') {
      send(res, 200, this.snapshot());
      return;
    }
    send(res, 404, { message: `no control endpoint ${method} ${path}` });
  }
}

const createArtifactRequest = z.strictObject({
  workflow_run_backend_id: z.string().min(1),
  workflow_job_run_backend_id: z.string().min(1),
  name: z.string().min(1),
  version: z.literal(7),
  mime_type: z.string().optional(),
  expires_at: z.string().optional(),
});
const finalizeArtifactRequest = z.strictObject({
  workflow_run_backend_id: z.string().min(1),
  workflow_job_run_backend_id: z.string().min(1),
  name: z.string().min(1),
  size: z.string().regex(/^\d+$/),
  hash: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
});

/** The backend ids in a runtime token's `Actions.Results:<run>:<job>` scope. */
function runtimeClaims(authorization: string): { run: string; job: string } | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const { scp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      scp?: string;
    };
    const scope = scp?.split(' ').find((s) => s.startsWith('Actions.Results:'));
    const [, run, job] = scope?.split(':') ?? [];
    return run && job ? { run, job } : undefined;
  } catch {
    return undefined;
  }
}

function faultReply(fault: Fault): Reply {
  const documentation_url = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
  if (fault.kind === 'rate-limit') {
    return {
      status: 403,
      body: { message: 'API rate limit exceeded for installation.', documentation_url },
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        // Reset now: the throttling plugin waits until then plus one second.
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
      },
    };
  }
  if (fault.kind === 'secondary-rate-limit') {
    return {
      status: 403,
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url,
      },
      headers: { 'retry-after': '1' },
    };
  }
  return {
    status: fault.status ?? 500,
    body: {
      message:
        fault.message ??
        (fault.status === 403 ? 'Resource not accessible by integration' : 'Server Error'),
      documentation_url: 'https://docs.github.com/rest',
    },
  };
}

function checkRunProblem(
  body: Record<string, unknown>,
  existing: StoredCheckRun | undefined,
): string | undefined {
  const sha = body.head_sha ?? existing?.head_sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha))
    return `No commit found for SHA: ${String(sha)}`;
  if (body.status === 'completed' && body.conclusion === undefined)
    return 'Conclusion must be specified when status is completed';
  const output = body.output as { summary?: string; text?: string } | undefined;
  if ((output?.summary?.length ?? 0) > GITHUB_CHECK_TEXT_LIMIT)
    return `output.summary: Only ${GITHUB_CHECK_TEXT_LIMIT} characters are allowed`;
  if ((output?.text?.length ?? 0) > GITHUB_CHECK_TEXT_LIMIT)
    return `output.text: Only ${GITHUB_CHECK_TEXT_LIMIT} characters are allowed`;
  return undefined;
}

const notFound = (): Reply => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
});
const unprocessable = (message: string): Reply => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [message],
    documentation_url: 'https://docs.github.com/rest',
  },
});
const bodyTooLong = (): Reply =>
  unprocessable(`Body is too long (maximum is ${GITHUB_COMMENT_LIMIT} characters)`);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(text),
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...headers,
  });
  res.end(text);
}

/** A fault's reply exactly as given: any status, headers and body, JSON or not. */
function sendRaw(res: http.ServerResponse, fault: Fault): void {
  const text = fault.text ?? (fault.body === undefined ? '' : JSON.stringify(fault.body));
  const contentType =
    fault.contentType ??
    (fault.text === undefined ? 'application/json; charset=utf-8' : 'text/plain');
  res.writeHead(fault.status ?? 200, {
    ...(text ? { 'content-type': contentType } : {}),
    'content-length': Buffer.byteLength(text),
    ...fault.headers,
  });
  res.end(text);
}

function sendXml(res: http.ServerResponse, status: number, code: string): void {
  const text = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'x-ms-error-code': code,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

async function main(): Promise<void> {
  const mock = new MockGitHub();
  const guard =
    (handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) =>
    (req: http.IncomingMessage, res: http.ServerResponse) => {
      handler(req, res).catch((error: unknown) => {
        mock.mockErrors.push(`mock crashed on ${req.method} ${req.url}: ${String(error)}`);
        if (!res.headersSent) send(res, 500, { message: 'mock GitHub crashed' });
        else res.destroy();
      });
    };
  const api = http.createServer(guard((req, res) => mock.handleRest(req, res)));
  const results = http.createServer(guard((req, res) => mock.handleResults(req, res)));
  mock.apiUrl = await listen(api);
  mock.resultsUrl = await listen(results);
  process.stdout.write(
    `MOCK_GITHUB ${JSON.stringify({ apiUrl: mock.apiUrl, resultsUrl: mock.resultsUrl })}\n`,
  );
  // The parent holds our stdin; when it goes away, so do we.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  void main();
}
