// The status of each exactly measured row (bundle sizes): decided here with metricStatus, like
// every timed metric's. A file on one side only is `unchanged`: it has no size to compare with,
// and its bytes are gated in the total, its groups and its budgets (result.ts, `presence`).
import type { BundleComparison } from '../kinds/bundle/compare.js';
import { bundleRows, type ExactRow, MAX_FILE_ROWS } from '../kinds/bundle/rows.js';
import type { MetricSpec } from '../model.js';
import type { Comparison } from '../result.js';
import { metricStatus } from './status.js';

/** δ of every row, or a function of its spec (thresholdFor with the run's gate). */
export type ExactThreshold = number | ((spec: MetricSpec) => number);

/** Result-JSON comparisons of exact rows: one sample a side, no statistics; the change itself is
 *  always reported, its status is regressed beyond +δ, improved beyond −δ, else unchanged. */
export function exactComparisons(
  rows: readonly ExactRow[],
  threshold: ExactThreshold,
): Comparison[] {
  return rows.map(({ spec, base, head, change, presence }) => {
    const delta = typeof threshold === 'number' ? threshold : threshold(spec);
    const status =
      presence !== undefined
        ? 'unchanged'
        : metricStatus({
            spec,
            analysis: { change, ci: [change, change], adjustedPValue: null },
            threshold: delta,
            alphaAtLook: 0,
          });
    const out: Comparison = {
      key: spec.key,
      benchmark: spec.benchmark,
      metric: spec.metric,
      unit: spec.unit,
      better: spec.better,
      scale: spec.scale,
      base: exactSummary(base),
      head: exactSummary(head),
      change,
      ci: [change, change],
      pValue: null,
      adjustedPValue: null,
      threshold: delta,
      mde: null,
      status,
      samples: { base: [base], head: [head], order: [] },
    };
    if (spec.target !== undefined) out.target = spec.target;
    if (presence !== undefined) out.presence = presence;
    return out;
  });
}

/** A bundle comparison's rows (kinds/bundle/rows.ts), judged. */
export function bundleToComparisons(
  comparison: BundleComparison,
  threshold: ExactThreshold,
  maxFiles = MAX_FILE_ROWS,
): Comparison[] {
  return exactComparisons(bundleRows(comparison, maxFiles), threshold);
}

function exactSummary(value: number) {
  return { n: 1, median: value, mean: value, min: value, max: value, mad: 0 };
}
