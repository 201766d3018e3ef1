// The action's side of a measuring mode: its inputs and the run's context as the entry-neutral
// RunRequest, its deps as RunDeps, and the base a pull request event implies.
import { join, resolve } from 'node:path';
import { InputError, type Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { DEFAULT_REPORT_ID, INPUT, RESULT_FILE_NAME } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { logProgress } from '../sampler/progress.js';
import { actionsLogGroup } from '../workspace/build.js';
import type { MeasuringMode, RunDeps, RunRequest } from './measure.js';

/** The run's page, where the job summary with the full report is. */
export function runUrl(context: ActionContext): string | undefined {
  if (!context.runId) return undefined;
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

/** The base to compare with: the input, else the pull request's base commit (named by its
 *  branch in reports, since a commit id is what the event pins but not what people read). */
export function baseFor(
  inputs: Inputs,
  context: ActionContext,
): { base: string; baseLabel?: string } {
  if (inputs.base !== undefined) return { base: inputs.base };
  const pr = context.pullRequest;
  if (pr === undefined) {
    throw new InputError(
      INPUT.base,
      '',
      `a base branch or commit, because this ${context.eventName || 'local'} event carries no pull request`,
    );
  }
  return { base: pr.baseSha, baseLabel: pr.baseRef };
}

/** Where a run keeps its result JSON: one directory per report id under RUNNER_TEMP. */
export function resultPathFor(
  context: Pick<ActionContext, 'runnerTemp'>,
  reportId: string,
): string {
  return join(context.runnerTemp, 'perfgate', reportId, RESULT_FILE_NAME);
}

/** perfgate.yml under `working-directory` with the inputs over it, and where the result goes. */
export function actionRequest(
  mode: MeasuringMode,
  inputs: Inputs,
  context: ActionContext,
  deps: Pick<ActionDeps, 'cwd'>,
): RunRequest {
  // record measures the pushed commit alone; trend takes its base from the history unless told;
  // the others compare with the pull request's base.
  const onBranch = mode === 'record' || mode === 'trend';
  const refs =
    mode === 'record'
      ? {}
      : mode === 'trend'
        ? inputs.base !== undefined
          ? { base: inputs.base }
          : {}
        : baseFor(inputs, context);
  const pullRequest = onBranch ? undefined : context.pullRequest?.number;
  const root = resolve(deps.cwd, inputs.workingDirectory);
  const input = (name: string) => `input \`${name}\``;
  return {
    cwd: root,
    configFile: inputs.config,
    overrides: {
      threshold: inputs.threshold,
      timeBudget: inputs.timeBudget,
      failOn: inputs.failOn,
      shard: inputs.shard,
      // The input defaults to `auto` in every mode, and means something only in compare.
      ...(mode === 'compare' ? { baseline: inputs.baseline } : {}),
    },
    overrideNames: {
      threshold: input(INPUT.threshold),
      timeBudget: input(INPUT.timeBudget),
      failOn: input(INPUT.failOn),
      baseline: input(INPUT.baseline),
      shard: input(INPUT.shard),
    },
    ...refs,
    about: {
      repository: `${context.repo.owner}/${context.repo.repo}`,
      // The default report is not named in titles; the renderers fall back to this field.
      ...(inputs.reportId !== DEFAULT_REPORT_ID ? { reportId: inputs.reportId } : {}),
      ...(pullRequest !== undefined ? { pullRequest } : {}),
    },
    resultPath: resultPathFor(context, inputs.reportId),
  };
}

/** The action's deps for a measuring mode: the log is the step's, progress lines included. */
export function actionRunDeps(
  deps: ActionDeps,
  extra: Pick<RunDeps, 'settled' | 'artifactBaseline'> = {},
): RunDeps {
  return {
    measure: deps.measure,
    log: (line) => deps.io.info(line),
    // One line per look, not per pair, and each build's output folded: a CI log stays short.
    progress: logProgress((line) => deps.io.info(line)),
    outputGroup: actionsLogGroup((line) => deps.io.info(line)),
    ...extra,
  };
}
