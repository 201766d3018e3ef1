// mode `collect` (pull_request, also from forks): the same measurement as compare with a
// read-only token; the result goes only into an artifact, for mode `report` to publish from a
// workflow_run workflow that never runs the pull request's code.

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { resultArtifactName } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { baseFor, type ModeOutcome } from './compare.js';
import { loadActionConfig, measure } from './measure.js';
import { gateFailure, writeStepReport } from './publish.js';

export async function runCollect(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const { base, baseLabel } = baseFor(inputs, context);
  const pr = context.pullRequest;
  if (!pr)
    io.warning(
      'This event carries no pull request: mode `report` will have no pull request to post on.',
    );
  const { result, resultPath, failOn } = await measure(
    inputs,
    context,
    deps,
    (await loadActionConfig(inputs, deps)).config,
    {
      mode: 'collect',
      base,
      baseLabel,
      pullRequest: pr?.number,
    },
  );
  // The artifact is the whole point of collect: failing to upload it fails the step.
  const artifactName = resultArtifactName(inputs.reportId);
  const artifact = await deps.upload(artifactName, resultPath);
  io.info(
    `Result artifact ${artifactName} uploaded (id ${artifact.id}); mode \`report\` publishes it.`,
  );
  await writeStepReport(io, {
    result,
    resultPath,
    reportId: inputs.reportId,
    artifactId: artifact.id,
    artifactName,
    notes: [
      `Result artifact: \`${artifactName}\` (id ${artifact.id}).`,
      'PR comment and check run: posted by the workflow that runs perfgate in mode `report` when this run completes.',
    ],
  });
  return { failure: gateFailure(result, failOn) };
}
