// mode `record` (push to the default branch): measure one commit and keep it as the baseline
// artifact of that commit, next to the usual result artifact.
import { baselineArtifactName, resultArtifactName } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import type { ModeOutcome } from './compare.js';
import type { Inputs } from './inputs.js';
import type { ActionDeps } from './io.js';
import { loadActionConfig, measure } from './measure.js';
import { gateFailure, writeStepReport } from './publish.js';

export async function runRecord(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const { result, resultPath, failOn } = await measure(
    inputs,
    context,
    deps,
    await loadActionConfig(inputs, deps),
    { mode: 'record' },
  );
  const resultName = resultArtifactName(inputs.reportId);
  const baselineName = baselineArtifactName(result.head.sha, inputs.reportId);
  const uploaded = await deps.upload(resultName, resultPath);
  const baseline = await deps.upload(baselineName, resultPath);
  io.info(`Baseline artifact ${baselineName} uploaded (id ${baseline.id}).`);
  await writeStepReport(io, {
    result,
    resultPath,
    reportId: inputs.reportId,
    artifactId: uploaded.id,
    artifactName: resultName,
    notes: [
      `Result artifact: \`${resultName}\` (id ${uploaded.id}).`,
      `Baseline artifact: \`${baselineName}\` (id ${baseline.id}), kept for the repository's artifact retention period.`,
    ],
  });
  return { failure: gateFailure(result, failOn) };
}
