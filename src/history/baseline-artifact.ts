// `compare` with `baseline: auto`: when every benchmark is a bundle benchmark (sizes only, which
// are deterministic; plan.ts decides that), look for the baseline artifact `record` uploaded for the exact merge-base
// commit and hand its snapshots to the pipeline, which then neither builds nor measures the base.
// Anything that stops that (no artifact, expired, refused, malformed, recorded with other
// settings) becomes a note in the result, and the base is measured in the job as usual.
import { baselineArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import {
  type ArtifactRecord,
  listRepositoryArtifacts,
  readArtifactFile,
} from '../github/artifacts.js';
import type { RepoRef } from '../github/context.js';
import type { GitHubClient } from '../github/octokit.js';
import type { Config } from '../model.js';
import type { StoredBaseLookUp } from '../plan.js';
import {
  BASELINE_FILE_NAME,
  BaselineError,
  MAX_BASELINE_BYTES,
  parseBaseline,
  type StoredBase,
  storedBaseFor,
} from './bundle-baseline.js';

export interface BaselineLookUp {
  storedBase?: StoredBase;
  /** Why no stored baseline is used, when one was looked for. */
  notes: string[];
}

const measuredInstead = 'the base was built and measured in this job';

/** `baseline: auto` for plan.ts: looks only where a stored base could be used. */
export function artifactBaseline(
  octokit: GitHubClient,
  repo: RepoRef,
  run: { reportId: string; config: Config },
  log: (line: string) => void = () => {},
): StoredBaseLookUp {
  return {
    onlyWhereUsable: true,
    find: (mergeBase) => lookUpBaseline(octokit, repo, { ...run, mergeBase }, log),
  };
}

export async function lookUpBaseline(
  octokit: GitHubClient,
  repo: RepoRef,
  run: { mergeBase: string; reportId: string; config: Config },
  log: (line: string) => void = () => {},
): Promise<BaselineLookUp> {
  const { mergeBase } = run;
  const name = baselineArtifactName(mergeBase, run.reportId);
  const short = mergeBase.slice(0, 12);
  const refused = (why: string): BaselineLookUp => ({
    notes: [
      `Stored baseline ${name} of the merge-base ${short} not used: ${why}; ${measuredInstead}.`,
    ],
  });

  let found: ArtifactRecord[];
  try {
    found = await listRepositoryArtifacts(octokit, repo, name);
  } catch (error) {
    // The message names the call, what came back and, for a 403, the permission to grant.
    return refused(`looking it up failed: ${getErrorMessage(error)}`);
  }
  if (found.length === 0) {
    return {
      notes: [
        `No stored baseline ${name} of the merge-base ${short} (mode record uploads one for each push to the default branch, kept for the artifact retention period); ${measuredInstead}.`,
      ],
    };
  }
  // Anyone whose workflow runs here can upload an artifact of any name, a fork's pull request
  // included: only a run of this repository on that very commit is trusted to have recorded it.
  const trusted = found.filter(
    (a) =>
      (a.headSha === null || a.headSha === mergeBase) &&
      (a.repositoryId === null ||
        a.headRepositoryId === null ||
        a.repositoryId === a.headRepositoryId),
  );
  const artifact = trusted[0];
  if (!artifact) {
    const a = found[0]!;
    return refused(
      a.repositoryId !== a.headRepositoryId
        ? `artifact id ${a.id} was uploaded by a workflow run from a fork`
        : `artifact id ${a.id} was uploaded by a workflow run of ${a.headSha?.slice(0, 12)}, not of ${short}`,
    );
  }
  if (artifact.expired) {
    return refused(
      `artifact id ${artifact.id} expired${artifact.expiresAt ? ` on ${artifact.expiresAt}` : ''}`,
    );
  }
  const source = `${name} (artifact id ${artifact.id})`;
  try {
    const bytes = await readArtifactFile(octokit, repo, artifact, {
      maxBytes: MAX_BASELINE_BYTES,
      fileName: BASELINE_FILE_NAME,
    });
    const file = parseBaseline(bytes);
    const storedBase = storedBaseFor(file, run.config, mergeBase, source);
    log(`Using the stored baseline ${source} for the merge-base ${short}.`);
    return { storedBase, notes: [] };
  } catch (error) {
    const why = getErrorMessage(error);
    return refused(
      error instanceof BaselineError
        ? `artifact id ${artifact.id} holds a ${BASELINE_FILE_NAME} that is ${error.reason}: ${why}`
        : why,
    );
  }
}
