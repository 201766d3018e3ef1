// The nightly trend's rolling history between runs: each night downloads the newest history
// artifact an earlier run of this repository uploaded, appends to it (modes/trend.ts), and
// uploads it again. No artifact, or only expired ones, starts a new history and says so; any
// other failure (a refusal, a broken archive) stops the run rather than start a new history
// that would replace the real one the next night.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SERIES_FILE_NAME, seriesArtifactName } from '../constants.js';
import { listRepositoryArtifacts, readArtifactFile } from '../github/artifacts.js';
import type { RepoRef } from '../github/context.js';
import type { GitHubClient } from '../github/octokit.js';
import { MAX_SERIES_BYTES } from './series.js';

/** As history/series.ts allows for the file itself. */

export interface HistoryDownload {
  /** The artifact the history came from; none when a new history starts. */
  artifactId?: number;
  notes: string[];
}

/** Writes the newest history of earlier runs to `path`, or writes nothing and says why. */
export async function downloadHistory(
  octokit: GitHubClient,
  repo: RepoRef,
  options: { reportId: string; path: string; downloadTimeoutMs?: number },
): Promise<HistoryDownload> {
  const name = seriesArtifactName(options.reportId);
  const found = await listRepositoryArtifacts(octokit, repo, name);
  // A pull request from a fork runs in this repository too and may upload any name.
  const ours = found.filter(
    (a) =>
      a.repositoryId === null ||
      a.headRepositoryId === null ||
      a.repositoryId === a.headRepositoryId,
  );
  const newest = ours[0];
  if (!newest) {
    return {
      notes: [
        `No history artifact ${name} from an earlier run; a new history starts with this run.`,
      ],
    };
  }
  if (newest.expired) {
    return {
      notes: [
        `The history artifact ${name} (id ${newest.id}) expired${
          newest.expiresAt ? ` on ${newest.expiresAt}` : ''
        }; a new history starts with this run (a nightly schedule keeps it fresh).`,
      ],
    };
  }
  const bytes = await readArtifactFile(octokit, repo, newest, {
    maxBytes: MAX_SERIES_BYTES,
    fileName: SERIES_FILE_NAME,
    ...(options.downloadTimeoutMs ? { timeoutMs: options.downloadTimeoutMs } : {}),
  });
  await mkdir(dirname(options.path), { recursive: true });
  await writeFile(options.path, bytes);
  return {
    artifactId: newest.id,
    notes: [
      `History read from the artifact ${name} (id ${newest.id}, uploaded ${newest.createdAt ?? 'at an unknown time'}).`,
    ],
  };
}
