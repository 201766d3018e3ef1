// Result artifacts: uploaded with @actions/artifact (the Actions results service), read back
// through the REST API (list a run's artifacts, download the zip) with hard size limits,
// because in `report` mode the artifact comes from a fork's pull request and is untrusted.
import { dirname } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { RESULT_FILE_NAME } from '../constants.js';
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

function toRecord(a: {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string | null;
  expires_at: string | null;
  workflow_run?: {
    id?: number;
    head_sha?: string;
    repository_id?: number;
    head_repository_id?: number;
  } | null;
}): ArtifactRecord {
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

/** The artifact named `name` in one workflow run (every page looked at), or undefined. */
export async function findRunArtifact(
  octokit: GitHubClient,
  repo: RepoRef,
  runId: number,
  name: string,
): Promise<ArtifactRecord | undefined> {
  const iterator = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunArtifacts, {
    ...repo,
    run_id: runId,
    name,
    per_page: 100,
  });
  for await (const { data } of iterator) {
    const found = data.find((a) => a.name === name);
    if (found) return toRecord(found);
  }
  return undefined;
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
  const { data } = await octokit.rest.actions.listArtifactsForRepo({
    ...repo,
    name,
    per_page: 100,
  });
  const matches = data.artifacts.filter((a) => a.name === name).map(toRecord);
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
  options: { maxBytes: number; fileName?: string },
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
  const response = await octokit.rest.actions.downloadArtifact({
    ...repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
    request: { redirect: 'manual' },
  });
  const location = (response.headers as Record<string, string | undefined>).location;
  if (!location) {
    throw new ArtifactError(
      `downloading artifact ${artifact.name} gave HTTP ${response.status} without a redirect`,
      'unavailable',
      artifact.name,
    );
  }
  const zip = await fetchCapped(location, options.maxBytes, artifact.name);
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

async function fetchCapped(url: string, maxBytes: number, name: string): Promise<Buffer> {
  const response = await fetch(url, { redirect: 'follow' });
  if (!response.ok || !response.body) {
    throw new ArtifactError(
      `downloading artifact ${name} from blob storage gave HTTP ${response.status}`,
      'unavailable',
      name,
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
  return Buffer.concat(chunks);
}
