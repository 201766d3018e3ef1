// Result artifacts: uploaded with @actions/artifact (the Actions results service), read back
// through the REST API (list a run's artifacts, download the zip) with hard size limits,
// because in `report` mode the artifact comes from a fork's pull request and is untrusted.
import { dirname } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { z } from 'zod';
import { RESULT_FILE_NAME } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';
import type { RepoRef } from './context.js';
import type { GitHubClient } from './octokit.js';
import { readZipEntry, ZipError } from './zip.js';

export type ArtifactProblem = 'missing' | 'expired' | 'oversized' | 'malformed' | 'unavailable';

/** An artifact that could not be used; `reason` says why in one word, the message in full. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
  constructor(
    message: string,
    readonly reason: ArtifactProblem,
    readonly artifactName: string,
  ) {
    super(message);
  }
}

export interface UploadedArtifact {
  id: number;
  name: string;
  size: number;
}

/**
 * Uploads one file as a zip artifact holding it under its own name. Needs the runner's
 * ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL (absent outside a workflow run).
 */
export async function uploadFileArtifact(
  name: string,
  file: string,
  options: { retentionDays?: number } = {},
): Promise<UploadedArtifact> {
  return uploadFilesArtifact(name, [file], dirname(file), options);
}

/** Uploads files as one zip artifact, each under its path relative to `root`. */
export async function uploadFilesArtifact(
  name: string,
  files: string[],
  root: string,
  options: { retentionDays?: number } = {},
): Promise<UploadedArtifact> {
  const client = new DefaultArtifactClient();
  const { id, size } = await client.uploadArtifact(name, files, root, {
    retentionDays: options.retentionDays,
  });
  if (id === undefined) {
    throw new ArtifactError(`the upload of ${name} returned no artifact id`, 'unavailable', name);
  }
  return { id, name, size: size ?? 0 };
}

export interface ArtifactRecord {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
  createdAt: string | null;
  expiresAt: string | null;
  workflowRunId: number | null;
  headSha: string | null;
  /** The repository the run belongs to and the one its head came from: they differ for a
   *  pull request from a fork. */
  repositoryId: number | null;
  headRepositoryId: number | null;
}

const artifactShape = z.object({
  id: z.number(),
  name: z.string(),
  size_in_bytes: z.number(),
  expired: z.boolean(),
  created_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  workflow_run: z
    .object({
      id: z.number().optional(),
      head_sha: z.string().optional(),
      repository_id: z.number().optional(),
      head_repository_id: z.number().optional(),
    })
    .nullish(),
});
const artifactList = z.object({ total_count: z.number(), artifacts: z.array(artifactShape) });

function toRecord(a: z.infer<typeof artifactShape>): ArtifactRecord {
  return {
    id: a.id,
    name: a.name,
    sizeInBytes: a.size_in_bytes,
    expired: a.expired,
    createdAt: a.created_at,
    expiresAt: a.expires_at,
    workflowRunId: a.workflow_run?.id ?? null,
    headSha: a.workflow_run?.head_sha ?? null,
    repositoryId: a.workflow_run?.repository_id ?? null,
    headRepositoryId: a.workflow_run?.head_repository_id ?? null,
  };
}

/** More pages than any run holds artifacts of one name; a bound on a misbehaving API. */
const MAX_PAGES = 100;

/** The artifact named `name` in one workflow run (every page looked at), or undefined. */
export async function findRunArtifact(
  octokit: GitHubClient,
  repo: RepoRef,
  runId: number,
  name: string,
): Promise<ArtifactRecord | undefined> {
  for await (const artifacts of runArtifactPages(octokit, repo, runId, name)) {
    const found = artifacts.find((a) => a.name === name);
    if (found) return found;
  }
  return undefined;
}

/** Every artifact of one workflow run whose name starts with `prefix` (every page looked at). */
export async function listRunArtifacts(
  octokit: GitHubClient,
  repo: RepoRef,
  runId: number,
  prefix: string,
): Promise<ArtifactRecord[]> {
  const found: ArtifactRecord[] = [];
  for await (const artifacts of runArtifactPages(octokit, repo, runId)) {
    found.push(...artifacts.filter((a) => a.name.startsWith(prefix)));
  }
  return found;
}

/** A run's artifacts page by page (only those named `name` when given). */
async function* runArtifactPages(
  octokit: GitHubClient,
  repo: RepoRef,
  runId: number,
  name?: string,
): AsyncGenerator<ArtifactRecord[]> {
  const call: ApiCall = {
    operation: `listing the artifacts of workflow run ${runId}`,
    request: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
    permission: 'actions: read',
    notFound: `workflow run ${runId} does not exist in ${repo.owner}/${repo.repo}, or the token cannot see it (it needs \`actions: read\`)`,
  };
  // Page by page rather than octokit.paginate, which reads fields of the answer before any
  // check of its shape could run.
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await callGitHub(call, () =>
      octokit.rest.actions.listWorkflowRunArtifacts({
        ...repo,
        run_id: runId,
        ...(name === undefined ? {} : { name }),
        per_page: 100,
        page,
      }),
    );
    const { artifacts } = answerShape(call, artifactList, response.data);
    yield artifacts.map(toRecord);
    if (artifacts.length < 100 || !/rel="next"/.test(response.headers.link ?? '')) break;
  }
}

/** The newest artifact named `name` anywhere in the repository, or undefined. */
export async function findRepositoryArtifact(
  octokit: GitHubClient,
  repo: RepoRef,
  name: string,
): Promise<ArtifactRecord | undefined> {
  return (await listRepositoryArtifacts(octokit, repo, name))[0];
}

/** The artifacts named `name` in the repository (the 100 newest), those that can still be
 *  downloaded first, then the newest first. */
export async function listRepositoryArtifacts(
  octokit: GitHubClient,
  repo: RepoRef,
  name: string,
): Promise<ArtifactRecord[]> {
  const call: ApiCall = {
    operation: `listing the repository's artifacts named ${name}`,
    request: 'GET /repos/{owner}/{repo}/actions/artifacts',
    permission: 'actions: read',
  };
  const { data } = await callGitHub(call, () =>
    octokit.rest.actions.listArtifactsForRepo({ ...repo, name, per_page: 100 }),
  );
  const matches = answerShape(call, artifactList, data)
    .artifacts.filter((a) => a.name === name)
    .map(toRecord);
  matches.sort(
    (a, b) =>
      Number(a.expired) - Number(b.expired) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
  return matches;
}

/**
 * Downloads an artifact's zip and returns the one file in it that perfgate reads, refusing
 * anything over `maxBytes` compressed or inflated.
 */
export async function readArtifactFile(
  octokit: GitHubClient,
  repo: RepoRef,
  artifact: ArtifactRecord,
  options: {
    maxBytes: number;
    fileName?: string;
    /** The archive download's deadline (default DOWNLOAD_TIMEOUT_MS). */
    timeoutMs?: number;
  },
): Promise<Buffer> {
  const fileName = options.fileName ?? RESULT_FILE_NAME;
  if (artifact.expired) {
    throw new ArtifactError(
      `artifact ${artifact.name} (id ${artifact.id}) expired${artifact.expiresAt ? ` on ${artifact.expiresAt}` : ''}`,
      'expired',
      artifact.name,
    );
  }
  if (artifact.sizeInBytes > options.maxBytes) {
    throw new ArtifactError(
      `artifact ${artifact.name} is ${artifact.sizeInBytes} bytes, over the limit of ${options.maxBytes}`,
      'oversized',
      artifact.name,
    );
  }
  // The API answers with a redirect to a signed blob URL on another host; follow it by hand so
  // the token is never sent there.
  const call: ApiCall = {
    operation: `downloading artifact ${artifact.name} (id ${artifact.id})`,
    request: 'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    permission: 'actions: read',
  };
  const response = await callGitHub(call, () =>
    octokit.rest.actions.downloadArtifact({
      ...repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    }),
  );
  const location = (response.headers as Record<string, string | undefined>).location;
  if (!location) {
    throw new ArtifactError(
      `${call.operation} (${call.request}) failed: GitHub answered HTTP ${response.status} without a \`location\` header, where it redirects to the archive; ${
        response.status >= 300 && response.status < 400
          ? 'rerun the job later'
          : "GITHUB_API_URL must be GitHub's REST API; if it is, a proxy between the runner and GitHub changed the answer"
      }`,
      'unavailable',
      artifact.name,
    );
  }
  const zip = await fetchCapped(location, {
    maxBytes: options.maxBytes,
    name: artifact.name,
    timeoutMs: options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
  });
  try {
    return readZipEntry(zip, fileName, options.maxBytes);
  } catch (error) {
    if (error instanceof ZipError) {
      throw new ArtifactError(
        `artifact ${artifact.name}: ${error.message}`,
        error.reason === 'oversized' ? 'oversized' : 'malformed',
        artifact.name,
      );
    }
    throw error;
  }
}

/**
 * How long the archive's download may take, from the request to its last byte. A result
 * artifact is at most 20 MiB, which blob storage serves to a runner in seconds; a minute
 * allows for a slow runner and still ends a stalled download long before the job's own limit.
 */
export const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * GETs the signed blob URL with a deadline and a size cap. The URL's query is a credential
 * (a shared access signature), so messages name only its host.
 */
async function fetchCapped(
  url: string,
  o: { maxBytes: number; name: string; timeoutMs: number },
): Promise<Buffer> {
  const { maxBytes, name } = o;
  const where = `downloading artifact ${name} from blob storage (GET ${blobOrigin(url)}/…, the signed URL not shown)`;
  const fail = (what: string, todo = 'rerun the job later'): ArtifactError =>
    new ArtifactError(`${where} failed: ${what}; ${todo}`, 'unavailable', name);
  const signal = AbortSignal.timeout(o.timeoutMs);
  const stalled = () =>
    fail(
      `no complete answer within ${o.timeoutMs / 1000} s`,
      'the download stalled; rerun the job later',
    );
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal });
  } catch (error) {
    if (signal.aborted) throw stalled();
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    throw fail(`no answer (${[(error as Error).message, cause].filter(Boolean).join(': ')})`);
  }
  if (!response.ok || !response.body) {
    const body = await response.text().catch(() => '');
    const code = response.headers.get('x-ms-error-code') ?? /<Code>([^<]{1,100})</.exec(body)?.[1];
    throw fail(
      `HTTP ${response.status}${code ? ` ${code}` : ''}`,
      response.status === 403 || response.status === 404
        ? 'the signed URL expired or the archive is gone; rerun the job to get a fresh one'
        : 'rerun the job later',
    );
  }
  const type = response.headers.get('content-type') ?? '';
  if (/^text\/html/i.test(type)) {
    await response.body.cancel();
    throw fail(
      `HTTP ${response.status} with an HTML page (content-type ${type}), not a zip archive`,
      'a proxy between the runner and blob storage may have answered instead; rerun the job later',
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new ArtifactError(
      `artifact ${name} is ${declared} bytes, over the limit of ${maxBytes}`,
      'oversized',
      name,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new ArtifactError(
          `artifact ${name} is over the limit of ${maxBytes} bytes`,
          'oversized',
          name,
        );
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    if (signal.aborted) throw stalled();
    throw fail(`the answer broke off after ${total} bytes (${getErrorMessage(error)})`);
  }
  return Buffer.concat(chunks);
}

function blobOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unparsable URL';
  }
}
