// mode `record`: measure one commit. `record` is the mode for either entry and also returns the
// commit's bundle snapshots (perfgate-baseline.json), which a later `compare` against this exact
// commit uses instead of building and measuring it again (history/baseline-artifact.ts).
// `runRecord` is the action's (push to the default branch): it keeps the result as the baseline
// artifact of that commit, next to the usual result artifact.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { baselineArtifactName, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import type { ActionContext } from '../github/context.js';
import {
  BASELINE_FILE_NAME,
  type BaselineFile,
  createBaselineFile,
  serializeBaseline,
} from '../history/bundle-baseline.js';
import type { BundleOutcome } from '../kinds/bundle/probe.js';
import { VERSION } from '../version.js';
import { actionRequest, actionRunDeps } from './action-run.js';
import { measureRun, type RunDeps, type RunOutcome, type RunRequest } from './measure.js';
import type { ModeOutcome } from './outcome.js';
import { writeStepReport } from './publish.js';

export interface RecordOutcome extends RunOutcome {
  /** The commit's bundle snapshots; none without a bundle benchmark. */
  baseline?: BaselineFile;
}

export async function record(request: RunRequest, deps: RunDeps): Promise<RecordOutcome> {
  const bundles = new Map<string, BundleOutcome>();
  const outcome = await measureRun('record', request, deps, {
    onBundle: (bench, measured) => bundles.set(bench.name, measured),
  });
  const baseline = createBaselineFile(outcome.config, outcome.result.head.sha, bundles, {
    version: VERSION,
  });
  return baseline ? { ...outcome, baseline } : outcome;
}

export async function runRecord(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const { result, resultPath, failure, baseline } = await record(
    actionRequest('record', inputs, context, deps),
    actionRunDeps(deps),
  );
  const resultName = resultArtifactName(inputs.reportId);
  const baselineName = baselineArtifactName(result.head.sha, inputs.reportId);
  const notes: string[] = [];

  const extra: string[] = [];
  if (baseline) {
    try {
      const path = join(resultPath!, '..', BASELINE_FILE_NAME);
      await writeFile(path, serializeBaseline(baseline));
      extra.push(path);
    } catch (error) {
      // The result still makes a baseline for history; only the reuse of sizes is lost.
      io.warning(`Bundle snapshots not stored: ${getErrorMessage(error)}`);
      notes.push(
        `Bundle snapshots: **not stored** (${getErrorMessage(error)}); comparisons against this commit will measure it again.`,
      );
    }
  }

  const uploaded = await deps.upload(resultName, resultPath!);
  const stored = await deps.upload(baselineName, resultPath!, extra);
  io.info(`Baseline artifact ${baselineName} uploaded (id ${stored.id}).`);
  const benchmarks = Object.keys(baseline?.bundles ?? {}).length;
  await writeStepReport(io, {
    result,
    resultPath: resultPath!,
    reportId: inputs.reportId,
    artifactId: uploaded.id,
    artifactName: resultName,
    notes: [
      `Result artifact: \`${resultName}\` (id ${uploaded.id}).`,
      `Baseline artifact: \`${baselineName}\` (id ${stored.id}), kept for the repository's artifact retention period${
        extra.length > 0
          ? `; with the bundle snapshots of ${benchmarks} benchmark${benchmarks === 1 ? '' : 's'}, which \`compare\` against this commit uses instead of measuring it again`
          : ''
      }.`,
      ...notes,
    ],
  });
  return { failure };
}
