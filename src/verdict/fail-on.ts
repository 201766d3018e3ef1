// What `fail-on` does to a verdict, in one place: the result's verdict, whether the step fails
// (exit 1) and the check run's conclusion all come from here, for every mode.
import type { GateConfig, Verdict } from '../model.js';

export type FailOn = GateConfig['failOn'];
export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface GateEffect {
  /** The verdict as reported: what would fail is `inconclusive` (neutral, never a pass) under
   *  `fail-on: never`, so the check still draws the eye to it. */
  verdict: Verdict;
  /** The step fails with exit 1. */
  fails: boolean;
  conclusion: CheckConclusion;
  /** A failing gate that fail-on turned neutral. */
  waived: boolean;
}

/** `verdict` as decideVerdict gives it, under `failOn`. Applying it twice changes nothing. */
export function applyFailOn(verdict: Verdict, failOn: FailOn): GateEffect {
  if (verdict === 'fail') {
    return failOn === 'never'
      ? { verdict: 'inconclusive', fails: false, conclusion: 'neutral', waived: true }
      : { verdict: 'fail', fails: true, conclusion: 'failure', waived: false };
  }
  if (verdict === 'inconclusive') {
    return { verdict, fails: false, conclusion: 'neutral', waived: false };
  }
  return { verdict, fails: false, conclusion: 'success', waived: false };
}
