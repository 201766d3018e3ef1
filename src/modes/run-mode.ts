// The action's runner per mode; main.ts picks one by the `mode` input. (The CLI's choice of
// mode is in command-line/run.ts; both run the same mode functions.)

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import type { ActionMode } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { runCollect } from './collect.js';
import { runCompare } from './compare.js';
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
};

export function runMode(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  return RUNNERS[inputs.mode](inputs, context, deps);
}

export { type ModeOutcome, outcomeExitCode } from './outcome.js';
