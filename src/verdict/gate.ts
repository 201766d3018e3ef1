// The overall gate and the threshold δ of each metric.

import { ConfigError } from '../config/errors.js';
import { metricEntry } from '../kinds/registry.js';
import type { Better, BudgetCheck, GateConfig, MetricSpec, Status, Verdict } from '../model.js';
import type { Result } from '../result.js';

export type StoppedBy = Result['sampling']['stoppedBy'];

/**
 * Default δ of a difference-scale metric, absolute in the metric's unit (a relative threshold
 * means nothing for a quantity that is often 0): its catalogue entry's `threshold.default`, where
 * `points` reads the gate's threshold as points of a 0–100 score (5% → 5 points).
 */
export function defaultDifferenceThreshold(
  spec: Pick<MetricSpec, 'key' | 'metric' | 'unit'>,
  gate: Pick<GateConfig, 'threshold'>,
): number {
  const byDefault = metricEntry(spec.metric)?.threshold?.default;
  if (byDefault === 'points') return gate.threshold * 100;
  if (byDefault !== undefined) return byDefault;
  throw new ConfigError([
    {
      path: 'gate.thresholds',
      message:
        `${spec.key} is compared as an absolute difference (unit ${spec.unit}) and has no default ` +
        `threshold; set gate.thresholds["${spec.key}"] to the smallest change that matters, in ${spec.unit}`,
    },
  ]);
}

/**
 * δ of one metric: an override in gate.thresholds keyed `benchmark/target/metric`, then
 * `benchmark/metric`, then `metric` (the most specific wins); else gate.threshold for ratio and
 * exact metrics (relative: 0.05 is 5%) and defaultDifferenceThreshold for difference metrics.
 * Overrides of difference metrics are absolute in the metric's unit.
 */
export function thresholdFor(
  spec: MetricSpec,
  gate: Pick<GateConfig, 'threshold' | 'thresholds' | 'thresholdDefaulted'>,
): number {
  const keys = [
    ...(spec.target === undefined ? [] : [`${spec.benchmark}/${spec.target}/${spec.metric}`]),
    `${spec.benchmark}/${spec.metric}`,
    spec.metric,
  ];
  for (const key of keys) {
    if (Object.hasOwn(gate.thresholds, key)) {
      return checkedThreshold(`gate.thresholds.${key}`, gate.thresholds[key]!);
    }
  }
  if (spec.scale === 'difference') return defaultDifferenceThreshold(spec, gate);
  const own = spec.scale === 'ratio' ? metricEntry(spec.metric)?.delta : undefined;
  if (gate.thresholdDefaulted === true && own !== undefined) return own;
  return checkedThreshold('gate.threshold', gate.threshold);
}

function checkedThreshold(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError([
      { path: field, message: `expected a number ≥ 0, got ${String(value)}`, value },
    ]);
  }
  return value;
}

/**
 * - fail: a metric regressed or a budget is exceeded;
 * - inconclusive: nothing failed but some metric is inconclusive, and sampling ended for another
 *   reason than futility;
 * - pass: every metric is unchanged or improved and every budget holds; or nothing failed and
 *   sampling stopped for futility (`stoppedBy` 'futility'): no metric could still be called
 *   regressed within the budget. That stop is the futility bound of a group-sequential design,
 *   whose conventional outcome is "no regression shown" (src/stats/README.md): the run accepts
 *   the head as far as the budget can tell, and the metrics that never resolved stay marked
 *   inconclusive in the report, which says why the gate passed.
 * `fail-on` is applied to this afterwards, once, by applyFailOn (fail-on.ts).
 */
export function decideVerdict(
  statuses: readonly Status[],
  budgets: readonly BudgetCheck[],
  stoppedBy?: StoppedBy,
): Verdict {
  if (statuses.includes('regressed') || budgets.some((b) => b.exceeded)) return 'fail';
  if (statuses.includes('inconclusive') && stoppedBy !== 'futility') return 'inconclusive';
  return 'pass';
}

/** A budget is exceeded when the value is past its limit in the worse direction. */
export function budgetExceeded(better: Better, value: number, limit: number): boolean {
  return better === 'higher' ? value < limit : value > limit;
}
