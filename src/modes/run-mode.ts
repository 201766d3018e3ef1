// The action's runner per mode; main.ts picks one by the `mode` input. (The CLI's choice of
// mode is in command-line/run.ts; both run the same mode functions.)

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import type { ActionMode } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { actionSizeCache } from '../history/size-cache-action.js';
import { runCollect } from './collect.js';
import { runCompare } from './compare.js';
import { runMerge } from './merge-action.js';
import type { ModeOutcome } from './outcome.js';
import { runRecord } from './record.js';
import { runReport } from './report.js';
import { runTrend } from './trend-action.js';

const RUNNERS: Record<
  ActionMode,
  (inputs: Inputs, context: ActionContext, deps: ActionDeps) => Promise<ModeOutcome>
> = {
  compare: runCompare,
  collect: runCollect,
  report: runReport,
  record: runRecord,
  trend: runTrend,
  merge: runMerge,
};

/** Runs the mode; one that measures keeps bundle sizes in the actions cache (input
 *  `size-cache`): restored when a bundle benchmark first reads them, saved after the run. */
export async function runMode(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const runner = RUNNERS[inputs.mode];
  if (!inputs.sizeCache || inputs.mode === 'report' || !deps.actionsCache) {
    return runner(inputs, context, deps);
  }
  const sizes = actionSizeCache(context, inputs.reportId, deps.actionsCache, deps.io);
  try {
    return await runner(inputs, context, {
      ...deps,
      measure: (options) => deps.measure({ ...options, sizeCache: sizes.cache }),
    });
  } finally {
    await sizes.save();
  }
}

export { type ModeOutcome, outcomeExitCode } from './outcome.js';
