// The measuring half shared by compare, collect and record: the config with the inputs'
// overrides, the pipeline, the result JSON on disk.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { type ResolvedSettings, resolveConfig } from '../config/index.js';
import { DEFAULT_REPORT_ID, type FailOn, INPUT, RESULT_FILE_NAME } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import type { Config } from '../model.js';
import type { PipelineOptions } from '../pipeline.js';
import { serializeResult } from '../report/json.js';
import type { Result } from '../result.js';

export interface Measured {
  result: Result;
  resultPath: string;
  failOn: FailOn;
}

/** The action's settings: perfgate.yml under `working-directory`, then the inputs over it. */
export async function loadActionConfig(
  inputs: Inputs,
  deps: Pick<ActionDeps, 'cwd'>,
): Promise<ResolvedSettings> {
  const root = resolve(deps.cwd, inputs.workingDirectory);
  const input = (name: string) => `input \`${name}\``;
  return resolveConfig(
    resolve(root, inputs.config),
    {
      threshold: inputs.threshold,
      timeBudget: inputs.timeBudget,
      failOn: inputs.failOn,
      baseline: inputs.baseline,
    },
    {
      threshold: input(INPUT.threshold),
      timeBudget: input(INPUT.timeBudget),
      failOn: input(INPUT.failOn),
      baseline: input(INPUT.baseline),
    },
  );
}

/** Where a run keeps its result JSON: one directory per report id under RUNNER_TEMP. */
export function resultPathFor(
  context: Pick<ActionContext, 'runnerTemp'>,
  reportId: string,
): string {
  return join(context.runnerTemp, 'perfgate', reportId, RESULT_FILE_NAME);
}

export async function writeResult(path: string, result: Result): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, serializeResult(result));
}

/** Runs the pipeline on the checkout and writes the result JSON. The config is loaded first,
 *  by the caller, so that a bad config fails before anything is posted. */
export async function measure(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
  config: Config,
  run: Pick<
    PipelineOptions,
    'mode' | 'base' | 'baseLabel' | 'notes' | 'storedBase' | 'onBundle'
  > & {
    pullRequest?: number;
  },
): Promise<Measured> {
  const measured = await deps.measure({
    cwd: resolve(deps.cwd, inputs.workingDirectory),
    config,
    mode: run.mode,
    ...(run.base ? { base: run.base } : {}),
    ...(run.baseLabel ? { baseLabel: run.baseLabel } : {}),
    ...(run.notes?.length ? { notes: run.notes } : {}),
    ...(run.storedBase ? { storedBase: run.storedBase } : {}),
    ...(run.onBundle ? { onBundle: run.onBundle } : {}),
    onProgress: (line) => deps.io.info(line),
    log: (line) => deps.io.info(line),
  });
  // What only the action knows: where the result belongs. report mode reads these back.
  const result: Result = {
    ...measured,
    repository: `${context.repo.owner}/${context.repo.repo}`,
    // The default report is not named in titles; the renderers fall back to this field.
    ...(inputs.reportId !== DEFAULT_REPORT_ID ? { reportId: inputs.reportId } : {}),
    ...(run.pullRequest !== undefined ? { pullRequest: run.pullRequest } : {}),
  };
  const resultPath = resultPathFor(context, inputs.reportId);
  await writeResult(resultPath, result);
  deps.io.info(`Result JSON written to ${resultPath}`);
  return { result, resultPath, failOn: config.gate.failOn };
}
