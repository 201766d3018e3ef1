// The smallest detectable change where the report has none to show: why a tested metric has no
// estimate, and the headline line's figure or reason (markdown and terminal alike).
import type { Comparison, Result } from '../result.js';
import { MIN_T_PAIRS, rankTestFloor, rankTestPairsFor } from '../stats/mde.js';
import { formatMagnitude, pluralize, STOPPED_BY } from './format.js';

/** A p-value or level in a sentence: two significant figures, an exponent below 0.001. */
function formatLevel(p: number): string {
  return p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1);
}

/** The tested metrics (not exact ones) the run called regressed or improved. Where there are any,
 *  a change was callable at these pairs, so no metric's lack of an estimate may read as "nothing
 *  was detectable" (the estimate's Bonferroni bound is stricter than Westfall–Young's calls). */
export function calledTested(result: Result): Comparison[] {
  return result.comparisons.filter(
    (x) => x.scale !== 'exact' && (x.status === 'regressed' || x.status === 'improved'),
  );
}

/**
 * Why a tested metric has no detectable change (its `mde` is null), from what the result holds:
 * its pairs and orders, gate.alpha and the number of tested metrics. The level of the last look
 * is not in the result, but it is at most α over the tested metrics, so the pairs the rank test
 * needs are stated as a least number (the sampler's note gives the exact level). `short` is the
 * table cell's form.
 */
export function noDetectableReason(c: Comparison, result: Result, short = false): string {
  const n = Math.min(c.base.n, c.head.n);
  const testedAll = result.comparisons.filter((x) => x.scale !== 'exact');
  const order = c.samples.order;
  const oneOrder = order.length === n && order.every((o) => o === order[0]);
  // The estimate holds each metric to its look's level over the tested metrics; the correction
  // across metrics (Westfall–Young counts metrics that move together about once) can call below
  // that bound. Where it did, "none" would contradict the calls: the estimate is only not made.
  const called = calledTested(result);
  const bounded = n >= MIN_T_PAIRS && called.length > 0 && !oneOrder;
  const none = bounded
    ? `not estimated at ${pluralize(n, 'pair')}`
    : `none at ${pluralize(n, 'pair')}`;
  if (short) return none;
  if (bounded) {
    return (
      `${none}: the estimate holds each metric to the last look's level over the ` +
      `${pluralize(testedAll.length, 'tested metric')} (at most ` +
      `${formatLevel(result.gate.alpha / testedAll.length)}), which was below the rank test's ` +
      `smallest p-value at ${pluralize(n, 'pair')} (${formatLevel(rankTestFloor(n))}), yet the ` +
      `correction across metrics, less strict for metrics that move together, called ` +
      `${called.length} of them`
    );
  }
  if (c.scale === 'ratio' && c.better === 'higher' && c.threshold >= 1) {
    return `none: a fall of ${formatMagnitude(c.threshold, 'ratio', '').slice(1)} or more cannot be measured as a ratio`;
  }
  if (n < MIN_T_PAIRS)
    return `${none}: no test can call a change from fewer than ${MIN_T_PAIRS} pairs`;
  const tested = Math.max(1, testedAll.length);
  const bound = result.gate.alpha / tested;
  const parts: string[] = [];
  if (rankTestFloor(n) >= bound) {
    parts.push(
      `the rank test needs at least ${pluralize(rankTestPairsFor(bound), 'pair')} to reach p < ${formatLevel(bound)} ` +
        `(α over ${pluralize(tested, 'tested metric')})`,
    );
  }
  if (oneOrder) {
    parts.push(
      `every pair ran in the same order (${order[0]}), so the t used at few pairs cannot tell a change from an order effect`,
    );
  }
  if (parts.length === 0) {
    parts.push(
      `the level left for the last look was below the rank test's smallest p-value at ${pluralize(n, 'pair')} (${formatLevel(rankTestFloor(n))})`,
    );
  }
  return `${none}: ${parts.join('; ')}`;
}

/**
 * The headline's figure: the median over the ratio metrics where there is one; otherwise why
 * there is none, or the figure of a tested difference metric where only those are tested.
 */
export function detectableSummary(result: Result): string {
  if (result.minimumDetectableChange !== null) {
    return `${formatMagnitude(result.minimumDetectableChange, 'ratio', '')} (median over the metrics)`;
  }
  const tested = result.comparisons.filter((c) => c.scale !== 'exact');
  if (tested.length === 0) return 'not available (no statistically tested ratio metrics)';
  const ratio = tested.filter((c) => c.scale === 'ratio');
  const withMde = tested.filter((c) => c.mde !== null);
  if (ratio.length === 0 && withMde.length > 0) {
    const c = withMde[0]!;
    return `${formatMagnitude(c.mde!, c.scale, c.unit)} (${c.metric}; no ratio metric was tested)`;
  }
  const c = (ratio.length > 0 ? ratio : tested)[0]!;
  const reason = noDetectableReason(c, result);
  const early =
    result.sampling.stoppedBy === 'futility' || result.sampling.stoppedBy === 'resolved';
  return early
    ? `${reason} — sampling ${STOPPED_BY[result.sampling.stoppedBy]} (the notes say what the budget could call)`
    : reason;
}
