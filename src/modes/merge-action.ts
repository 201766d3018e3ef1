// mode `merge` in the action: the job after a matrix of `collect` jobs with `shard: i/n`. It
// downloads every shard artifact of this workflow run for the report id, reads each as untrusted
// data (size limits, the schema, the recheck), merges them (merge.ts) and posts one comment, one
// check run, one job summary and one merged artifact. It runs no pull request code, so it is the
// one job of the matrix that needs a token that can write.
import { InputError, type Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { resolveFailOn } from '../config/resolve.js';
import { shardArtifactPrefix } from '../config/shard.js';
import { DEFAULT_REPORT_ID, INPUT, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import { ArtifactError, listRunArtifacts, readArtifactFile } from '../github/artifacts.js';
import type { ActionContext } from '../github/context.js';
import type { GitHubClient } from '../github/octokit.js';
import { parseResult } from '../report/json.js';
import { MAX_RESULT_BYTES, type Result } from '../result.js';
import { resultPathFor, runUrl } from './action-run.js';
import { writeResult } from './measure.js';
import { mergeShards, type ShardInput, ShardMismatchError, withFailOn } from './merge.js';
import type { ModeOutcome } from './outcome.js';
import { publishStep, refusalCheck, uploadResult } from './publish.js';
import { InconsistentResultError } from './report.js';

export async function runMerge(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const runId = context.runId;
  if (!runId) {
    throw new InputError(
      INPUT.mode,
      'merge',
      'a mode for a workflow run',
      'merge reads the shard artifacts of the run it is part of, and GITHUB_RUN_ID is not set',
    );
  }
  const failOn = resolveFailOn(inputs.failOn, undefined, `input \`${INPUT.failOn}\``);
  const octokit = deps.github(inputs.githubToken);
  const pr = context.pullRequest;
  const target = {
    repo: context.repo,
    headSha: pr?.headSha ?? context.sha,
    reportId: inputs.reportId,
    detailsUrl: runUrl(context),
  };
  const repository = `${context.repo.owner}/${context.repo.repo}`;
  let merged: Result;
  let sources: string[];
  try {
    const shards = await downloadShards(octokit, context, runId, inputs.reportId, deps);
    sources = shards.map((s) => s.source);
    for (const s of shards) {
      if (s.result.repository !== undefined && s.result.repository !== repository) {
        throw new ShardMismatchError(
          `${s.source} was measured in ${s.result.repository}, not ${repository}`,
          'repository',
        );
      }
    }
    merged = mergeShards(shards);
  } catch (error) {
    // Shards that cannot be merged must not leave the pull request silent: a failing check says
    // why. (An API outage is not the shards' fault: no check for that.)
    const refused =
      error instanceof ArtifactError ||
      error instanceof ShardMismatchError ||
      error instanceof InconsistentResultError;
    if (inputs.checkRun && refused) await refusalCheck(octokit, target, error, io);
    throw error;
  }
  io.info(`Merged ${sources.length} shards: verdict ${merged.verdict}.`);

  const result = withFailOn(
    {
      ...merged,
      repository,
      ...(inputs.reportId !== DEFAULT_REPORT_ID ? { reportId: inputs.reportId } : {}),
      ...(pr ? { pullRequest: pr.number } : {}),
    },
    failOn,
  );
  const resultPath = resultPathFor(context, inputs.reportId);
  await writeResult(resultPath, result);
  const artifactName = resultArtifactName(inputs.reportId);
  const { artifactId, note } = await uploadResult(deps.upload, io, {
    name: artifactName,
    label: 'Merged result artifact',
    resultPath,
  });
  return publishStep(
    octokit,
    result,
    {
      ...target,
      pullRequest: pr?.number,
      comment: inputs.comment,
      checkRun: inputs.checkRun,
      failOn,
      ...(artifactId !== undefined ? { artifactName } : {}),
    },
    {
      resultPath,
      artifactId,
      notesBefore: [
        `Source: ${sources.length} shard artifacts of workflow run ${runId} (\`${shardArtifactPrefix(inputs.reportId)}*\`).`,
      ],
      notesAfter: [note],
    },
    io,
  );
}

const SHARD_PART = /^(\d+)-of-(\d+)$/;

/** Every shard artifact of this run for the report id, read and schema-checked; an artifact
 *  whose name and content disagree on its part is refused. */
async function downloadShards(
  octokit: GitHubClient,
  context: ActionContext,
  runId: number,
  reportId: string,
  deps: ActionDeps,
): Promise<ShardInput[]> {
  const prefix = shardArtifactPrefix(reportId);
  // Exactly `<prefix><i>-of-<n>`: another report id may start with this one's name.
  const artifacts = (await listRunArtifacts(octokit, context.repo, runId, prefix)).filter((a) =>
    SHARD_PART.test(a.name.slice(prefix.length)),
  );
  if (artifacts.length === 0) {
    throw new ArtifactError(
      `workflow run ${runId} has no shard artifacts ${prefix}<i>-of-<n>: did the matrix's jobs (mode collect with input \`${INPUT.shard}\`, report-id "${reportId}") run and upload before this job?`,
      'missing',
      `${prefix}*`,
    );
  }
  const shards: ShardInput[] = [];
  for (const artifact of artifacts.sort((a, b) => a.name.localeCompare(b.name))) {
    const source = `artifact ${artifact.name} of workflow run ${runId}`;
    const bytes = await readArtifactFile(octokit, context.repo, artifact, {
      maxBytes: MAX_RESULT_BYTES,
      ...(deps.downloadTimeoutMs === undefined ? {} : { timeoutMs: deps.downloadTimeoutMs }),
    });
    let result: Result;
    try {
      result = parseResult(bytes, { maxBytes: MAX_RESULT_BYTES });
    } catch (error) {
      throw new ArtifactError(
        `${source} was rejected: ${getErrorMessage(error)}`,
        'malformed',
        artifact.name,
      );
    }
    const [, index, count] = SHARD_PART.exec(artifact.name.slice(prefix.length))!;
    if (result.shard && `${result.shard.index}/${result.shard.count}` !== `${index}/${count}`) {
      throw new ShardMismatchError(
        `${source} holds shard ${result.shard.index}/${result.shard.count}, not the ${index}/${count} its name says`,
        'shard',
      );
    }
    deps.io.info(`Read ${source}: verdict ${result.verdict}.`);
    shards.push({ source, result });
  }
  return shards;
}
