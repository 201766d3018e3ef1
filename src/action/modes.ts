// One runner per mode; main.ts picks one by the `mode` input.
import type { ActionMode } from '../constants.js';
import type { ActionContext } from '../github/context.js';
import { runCollect } from './collect.js';
import { type ModeOutcome, runCompare } from './compare.js';
import type { Inputs } from './inputs.js';
import type { ActionDeps } from './io.js';
import { runRecord } from './record.js';
import { runReport } from './report.js';

const RUNNERS: Record<
  ActionMode,
  (inputs: Inputs, context: ActionContext, deps: ActionDeps) => Promise<ModeOutcome>
> = {
  compare: runCompare,
  collect: runCollect,
  report: runReport,
  record: runRecord,
};

export function runMode(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  return RUNNERS[inputs.mode](inputs, context, deps);
}

export type { ModeOutcome };
