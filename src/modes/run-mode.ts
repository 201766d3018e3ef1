// One runner per mode; main.ts picks one by the `mode` input.

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import type { ActionMode } from '../constants.js';
import { EXIT } from '../errors.js';
import type { ActionContext } from '../github/context.js';
import { runCollect } from './collect.js';
import { type ModeOutcome, runCompare } from './compare.js';
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

/** The step's exit code for an outcome that did not throw (thrown errors: exitCodeFor). */
export function outcomeExitCode(outcome: ModeOutcome): number {
  if (!outcome.failure) return EXIT.pass;
  return outcome.exitCode ?? EXIT.regression;
}

export type { ModeOutcome };
