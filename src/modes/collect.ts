// mode `collect`: the same measurement as compare, without a stored baseline. `runCollect` is
// the action's (pull_request, also from forks): with a read-only token, the result goes only
// into an artifact, for mode `report` to publish from a workflow_run workflow that never runs
// the pull request's code.

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { shardArtifactName } from '../config/shard.js';
import { resultArtifactName } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { profileFiles } from '../profile/artifact.js';
import { actionRequest, actionRunDeps } from './action-run.js';
import { measureRun, type RunDeps, type RunOutcome, type RunRequest } from './measure.js';
import type { ModeOutcome } from './outcome.js';
import { writeStepReport } from './publish.js';

export function collect(request: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  return measureRun('collect', request, deps);
}

export async function runCollect(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const request = actionRequest('collect', inputs, context, deps);
  if (!context.pullRequest)
    io.warning(
      'This event carries no pull request: mode `report` will have no pull request to post on.',
    );
  const { result, resultPath, failure } = await collect(request, actionRunDeps(deps));
  // The artifact is the whole point of collect: failing to upload it fails the step.
  // Each shard of a matrix uploads its own: names are unique within a run.
  const artifactName = result.shard
    ? shardArtifactName(inputs.reportId, result.shard)
    : resultArtifactName(inputs.reportId);
  const artifact = await deps.upload(artifactName, resultPath!, profileFiles(result, resultPath!));
  const publisher = result.shard ? 'merge' : 'report';
  io.info(
    `Result artifact ${artifactName} uploaded (id ${artifact.id}); mode \`${publisher}\` publishes it.`,
  );
  await writeStepReport(io, {
    result,
    resultPath: resultPath!,
    reportId: inputs.reportId,
    artifactId: artifact.id,
    artifactName,
    notes: [
      `Result artifact: \`${artifactName}\` (id ${artifact.id}).`,
      result.shard
        ? "PR comment and check run: posted by the matrix's merge job (mode `merge`), with every shard's result."
        : 'PR comment and check run: posted by the workflow that runs perfgate in mode `report` when this run completes.',
    ],
  });
  return { failure };
}
