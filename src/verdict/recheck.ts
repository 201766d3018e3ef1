// A result read back from an artifact (mode `report`) was written by the pull request's code:
// its statuses and verdict are recomputed here from its own numbers, with the very functions
// that decided them when it was measured (metricStatus, decideVerdict, budgetExceeded). A
// mismatch is reported as data; the caller refuses the artifact.
//
// What the artifact cannot say: the level α of the look that ended sampling (the sequential
// rule spends it from the measured block durations). Every look's level lies in [0, gate.alpha]
// (stats/sequential.ts: the levels sum to at most α), and metricStatus depends on it only
// through "adjusted p < α", so a claimed status is consistent exactly when it is the status at
// α = 0 (nothing significant) or at α = gate.alpha.
import type { Better, BudgetCheck, MetricSpec, Status, Verdict } from '../model.js';
import { applyFailOn } from './fail-on.js';
import { budgetExceeded, decideVerdict, type StoppedBy } from './gate.js';
import { metricStatus } from './status.js';

export interface RecheckComparison {
  key: string;
  benchmark: string;
  target?: string;
  metric: string;
  better: Better;
  scale: MetricSpec['scale'];
  change: number;
  ci: [number, number];
  adjustedPValue: number | null;
  threshold: number;
  status: Status;
}

export interface RecheckInput {
  verdict: Verdict;
  /** gate.alpha: the most any look may have tested at. */
  alpha: number;
  comparisons: readonly RecheckComparison[];
  budgets: readonly BudgetCheck[];
  /** Why sampling ended: a futility stop turns inconclusive metrics into a pass (gate.ts). The
   *  claim cannot be checked from the numbers, but it can only pass what a real futility stop
   *  would have passed: no row regressed and no budget exceeded. */
  stoppedBy?: StoppedBy;
}

/** The first place where the claim and the recomputation differ. */
export interface Disagreement {
  /** `comparisons[3]`, `budgets[0]` or `verdict`. */
  field: string;
  /** Which row: benchmark, target and metric; empty for the verdict. */
  benchmark?: string;
  target?: string;
  metric?: string;
  claimed: string;
  recomputed: string;
  /** Why, when the numbers themselves cannot be decided (a missing p-value, a bad δ). */
  reason?: string;
}

export interface Recheck {
  /** The verdict of the rows under `fail-on: regression`; the publisher applies its own fail-on. */
  verdict: Verdict;
  disagreement?: Disagreement;
}

export function recheckResult(input: RecheckInput): Recheck {
  for (const [i, c] of input.comparisons.entries()) {
    const row = {
      field: `comparisons[${i}]`,
      benchmark: c.benchmark,
      target: c.target,
      metric: c.metric,
    };
    let possible: Status[];
    try {
      possible = [...new Set([statusAt(c, 0), statusAt(c, input.alpha)])];
    } catch (error) {
      return {
        verdict: 'fail',
        disagreement: {
          ...row,
          claimed: c.status,
          recomputed: 'no status',
          reason: error instanceof Error ? error.message : String(error),
        },
      };
    }
    if (!possible.includes(c.status)) {
      return {
        verdict: 'fail',
        disagreement: { ...row, claimed: c.status, recomputed: possible.join(' or ') },
      };
    }
  }
  const budgets: BudgetCheck[] = [];
  for (const [i, b] of input.budgets.entries()) {
    // A budget's direction is its metric's; sizes and change limits, which have no timed
    // comparison of their own direction, are lower-is-better.
    const metric = input.comparisons.find(
      (c) => c.benchmark === b.benchmark && c.target === b.target && c.metric === b.metric,
    );
    const exceeded = budgetExceeded(metric?.better ?? 'lower', b.value, b.limit);
    if (exceeded !== b.exceeded) {
      return {
        verdict: 'fail',
        disagreement: {
          field: `budgets[${i}]`,
          benchmark: b.benchmark,
          target: b.target,
          metric: b.metric,
          claimed: b.exceeded ? 'exceeded' : 'within',
          recomputed: exceeded ? 'exceeded' : 'within',
        },
      };
    }
    budgets.push(b);
  }
  const statuses = input.comparisons.map((c) => c.status);
  const verdict = decideVerdict(statuses, budgets, input.stoppedBy);
  // `fail-on: never` at measuring time reports a failing gate as inconclusive.
  const allowed = new Set([verdict, applyFailOn(verdict, 'never').verdict]);
  if (!allowed.has(input.verdict)) {
    return {
      verdict,
      disagreement: { field: 'verdict', claimed: input.verdict, recomputed: verdict },
    };
  }
  return { verdict };
}

function statusAt(c: RecheckComparison, alphaAtLook: number): Status {
  return metricStatus({
    spec: { key: c.key, better: c.better, scale: c.scale },
    analysis: { change: c.change, ci: c.ci, adjustedPValue: c.adjustedPValue },
    threshold: c.threshold,
    alphaAtLook,
  });
}
