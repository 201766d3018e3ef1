// mode `record` (push to the default branch): measure one commit and keep it as the baseline
// artifact of that commit, next to the usual result artifact. The baseline artifact also holds
// perfgate-baseline.json, the commit's bundle snapshots, which a later `compare` against this
// exact commit uses instead of building and measuring it again (history/baseline-artifact.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { baselineArtifactName, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import type { ActionContext } from '../github/context.js';
import {
  BASELINE_FILE_NAME,
  createBaselineFile,
  serializeBaseline,
} from '../history/bundle-baseline.js';
import type { BundleOutcome } from '../kinds/bundle/probe.js';
import { VERSION } from '../version.js';
import type { ModeOutcome } from './compare.js';
import { loadActionConfig, measure } from './measure.js';
import { gateFailure, writeStepReport } from './publish.js';

export async function runRecord(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const { config } = await loadActionConfig(inputs, deps);
  const bundles = new Map<string, BundleOutcome>();
  const { result, resultPath, failOn } = await measure(inputs, context, deps, config, {
    mode: 'record',
    onBundle: (bench, outcome) => bundles.set(bench.name, outcome),
  });
  const resultName = resultArtifactName(inputs.reportId);
  const baselineName = baselineArtifactName(result.head.sha, inputs.reportId);
  const notes: string[] = [];

  const extra: string[] = [];
  const file = createBaselineFile(config, result.head.sha, bundles, { version: VERSION });
  if (file) {
    try {
      const path = join(resultPath, '..', BASELINE_FILE_NAME);
      await writeFile(path, serializeBaseline(file));
      extra.push(path);
    } catch (error) {
      // The result still makes a baseline for history; only the reuse of sizes is lost.
      io.warning(`Bundle snapshots not stored: ${getErrorMessage(error)}`);
      notes.push(
        `Bundle snapshots: **not stored** (${getErrorMessage(error)}); comparisons against this commit will measure it again.`,
      );
    }
  }

  const uploaded = await deps.upload(resultName, resultPath);
  const baseline = await deps.upload(baselineName, resultPath, extra);
  io.info(`Baseline artifact ${baselineName} uploaded (id ${baseline.id}).`);
  await writeStepReport(io, {
    result,
    resultPath,
    reportId: inputs.reportId,
    artifactId: uploaded.id,
    artifactName: resultName,
    notes: [
      `Result artifact: \`${resultName}\` (id ${uploaded.id}).`,
      `Baseline artifact: \`${baselineName}\` (id ${baseline.id}), kept for the repository's artifact retention period${
        extra.length > 0
          ? `; with the bundle snapshots of ${bundles.size} benchmark${bundles.size === 1 ? '' : 's'}, which \`compare\` against this commit uses instead of measuring it again`
          : ''
      }.`,
      ...notes,
    ],
  });
  return { failure: gateFailure(result, failOn) };
}
