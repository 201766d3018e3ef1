// What every mode ends with, whichever entry ran it: why the run fails, if it does, and the exit
// code that goes with it (the CLI returns it; the action sets it on the step).
import type { FailOn } from '../constants.js';
import { EXIT } from '../errors.js';
import { describeCounts } from '../report/statuses.js';
import type { Result } from '../result.js';
import { applyFailOn } from '../verdict/fail-on.js';

export interface ModeOutcome {
  /** Why the run fails; undefined when it succeeds. */
  failure?: string;
  /** The exit code when it fails: 1 for the gate (a regression or a budget), 3 when the report
   *  could not be published (exit 1 is the contract's "regression" and must mean only that).
   *  Absent means 1. */
  exitCode?: number;
}

/** Why the run fails, or undefined: a regression or an exceeded budget under `fail-on: regression`. */
export function gateFailure(result: Result, failOn: FailOn): string | undefined {
  if (!applyFailOn(result.verdict, failOn).fails) return undefined;
  return `perfgate: ${describeCounts(result)} (fail-on: regression).`;
}

/** The exit code of an outcome that did not throw (thrown errors: exitCodeFor). */
export function outcomeExitCode(outcome: ModeOutcome): number {
  if (!outcome.failure) return EXIT.pass;
  return outcome.exitCode ?? EXIT.regression;
}
