// The decision rules users would otherwise pick, implemented from their documentation and source,
// applied to the same rounds perfgate sees. Each is pure: metric series in, verdict out.
//
// A run's series hold, per metric, one value per round for each side, in the order measured.
// Every rule is family-wise over the metrics it is given: the run "fails" when any metric alarms.
import type { Better } from '../../src/model.js';
import { mannWhitney } from '../../src/stats/mann-whitney.js';
import { studentTQuantile } from '../../src/stats/normal.js';

export interface MetricSeries {
  key: string;
  better: Better;
  base: readonly number[];
  head: readonly number[];
}

export interface RuleOutcome {
  /** Keys of the metrics the rule calls regressed. */
  regressed: string[];
  /** Rounds of each side the rule used. */
  samplesUsed: number;
}

function requireRounds(metrics: readonly MetricSeries[], n: number, rule: string): void {
  for (const m of metrics) {
    if (m.base.length < n || m.head.length < n) {
      throw new RangeError(
        `${rule} needs ${n} rounds of each side, but ${m.key} has ${m.base.length} base and ${m.head.length} head`,
      );
    }
  }
}

// github-action-benchmark: one value of the current run against one of the previous run.
// action.yml, input `alert-threshold`: "Percentage value such as "150%". For example, 150% means
// that an alert happens when current benchmark result is 1.5x worse than previous", default
// '200%'. src/write/findAlerts.ts: ratio = current/prev for smaller-is-better tools
// (customSmallerIsBetter), prev/current for bigger-is-better; alert when ratio > threshold.
// (https://github.com/benchmark-action/github-action-benchmark, action.yml and findAlerts.ts.)
// Here "previous" is the base measured in the same job, which is kinder than the real use
// (previous = an earlier run, on another runner).

/** Default `alert-threshold` of github-action-benchmark: 200%. */
export const GAB_DEFAULT_THRESHOLD = 2;

export function gabRatioAlert(
  metrics: readonly MetricSeries[],
  o: { threshold: number },
): RuleOutcome {
  requireRounds(metrics, 1, 'github-action-benchmark');
  const regressed = metrics.flatMap((m) => {
    const current = m.head[0]!;
    const prev = m.base[0]!;
    const ratio = m.better === 'higher' ? prev / current : current / prev;
    // 0/0 (an error rate of zero on both sides) is NaN, and NaN > threshold is false, as there.
    return ratio > o.threshold ? [m.key] : [];
  });
  return { regressed, samplesUsed: 1 };
}

// Lighthouse CI: `lhci collect` runs `numberOfRuns` times (default 3, docs/configuration.md);
// `lhci assert` with `maxNumericValue` and `aggregationMethod: 'median'` takes the median of the
// runs (packages/utils/src/assertions.js getValueForAggregationMethod: the middle of the sorted
// values, the mean of the two middle ones for an even count) and passes when median ≤ budget.
// LHCI measures only the head; the budget is fixed. We fix it as a user would from a main-branch
// run: (1 + margin) × the median of 3 base runs of the same trial (the kindest possible budget,
// set on the same machine minutes before). Higher-is-better metrics get the mirrored budget
// base / (1 + margin) with a `min` assertion.

export const LHCI_DEFAULT_RUNS = 3;

/** The median exactly as LHCI computes it (assertions.js). */
export function lhciMedian(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor((values.length - 1) / 2);
  if (values.length % 2 === 1) return sorted[mid]!;
  return (sorted[mid]! + sorted[mid + 1]!) / 2;
}

export function lhciMedianBudget(
  metrics: readonly MetricSeries[],
  o: { margin: number; runs?: number },
): RuleOutcome {
  const runs = o.runs ?? LHCI_DEFAULT_RUNS;
  requireRounds(metrics, runs, 'Lighthouse CI');
  const regressed = metrics.flatMap((m) => {
    const base = lhciMedian(m.base.slice(0, runs));
    const head = lhciMedian(m.head.slice(0, runs));
    const failed =
      m.better === 'higher' ? head < base / (1 + o.margin) : head > base * (1 + o.margin);
    return failed ? [m.key] : [];
  });
  return { regressed, samplesUsed: runs };
}

// benchstat (golang.org/x/perf/cmd/benchstat, main.go doc): "Each benchmark should be run at
// least 10 times … Pick a number of benchmark runs (at least 10, ideally 20)"; by default
// ("assume=nothing") the A/B comparison is the Mann–Whitney U test, and a change is significant
// if p < α, "-alpha … (default 0.05)", per benchmark and unit, with no correction across them
// (the doc warns that about 5% of many comparisons will differ by chance). A regression is a
// significant change in the worse direction of the medians.

export const BENCHSTAT_DEFAULT_ALPHA = 0.05;
export const BENCHSTAT_DEFAULT_COUNT = 20;

/** Per metric: the U-test's two-sided p on the first `count` rounds, and whether the head's
 *  median is worse. */
export function benchstatComparisons(
  metrics: readonly MetricSeries[],
  count: number,
): Array<{ key: string; pValue: number; worse: boolean }> {
  requireRounds(metrics, count, 'benchstat');
  return metrics.map((m) => {
    const x = m.base.slice(0, count);
    const y = m.head.slice(0, count);
    const worse = m.better === 'higher' ? median(y) < median(x) : median(y) > median(x);
    return { key: m.key, pValue: mannWhitney(x, y).pValue, worse };
  });
}

export function benchstatUTest(
  metrics: readonly MetricSeries[],
  o: { alpha: number; count: number },
): RuleOutcome {
  const regressed = benchstatComparisons(metrics, o.count).flatMap((c) =>
    c.pValue < o.alpha && c.worse ? [c.key] : [],
  );
  return { regressed, samplesUsed: o.count };
}

function median(values: readonly number[]): number {
  return lhciMedian(values);
}

// tachometer auto-sampling (google/tachometer README "Sample size" and "Auto sampling";
// src/automatic.ts, src/stats.ts): take `sample-size` samples of each (default 50); then, until
// the timeout, check whether every difference's 95% confidence interval lies entirely on one
// side of every horizon (`horizonsResolved`, `intervalContains` is inclusive), and if not take
// 10 more samples of each. The interval of the relative difference of means (b − a)/a is
//   mean (b̄ − ā)/ā, variance (Var(ā)·b̄² + Var(b̄)·ā²)/ā⁴, Var(x̄) = s²/n,
//   ± t_{0.975, min(n_a, n_b) − 1} · √variance  (computeDifference, confidenceInterval95).
// Default horizon 0% (src/defaults.ts `horizons = ['0%']`): "is X faster or slower at all".
// A regression: the interval lies entirely above 0 (below 0 for higher-is-better). The timeout
// is expressed in rounds: sampling stops at the first check at or past `maxSamples`.

export const TACHOMETER_DEFAULT_SAMPLE_SIZE = 50;
export const TACHOMETER_BATCH = 10;

export interface Interval {
  low: number;
  high: number;
}

function meanVar(x: readonly number[]): { mean: number; variance: number; size: number } {
  const size = x.length;
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / size;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, variance: ss / (size - 1), size };
}

/** tachometer's computeDifference(a, b).relative at a given confidence level (0.95 there). */
export function tachometerRelativeInterval(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): Interval {
  const sa = meanVar(a);
  const sb = meanVar(b);
  const va = sa.variance / sa.size;
  const vb = sb.variance / sb.size;
  const mean = (sb.mean - sa.mean) / sa.mean;
  const variance = (va * sb.mean ** 2 + vb * sa.mean ** 2) / sa.mean ** 4;
  const t = studentTQuantile(1 - (1 - level) / 2, Math.min(sa.size, sb.size) - 1);
  const margin = t * Math.sqrt(variance);
  return { low: mean - margin, high: mean + margin };
}

function intervalContains(i: Interval, value: number): boolean {
  return value >= i.low && value <= i.high;
}

export function tachometerAutoSample(
  metrics: readonly MetricSeries[],
  o: { sampleSize?: number; maxSamples: number; horizons?: number[]; level?: number },
): RuleOutcome & { resolved: boolean } {
  const sampleSize = o.sampleSize ?? TACHOMETER_DEFAULT_SAMPLE_SIZE;
  const horizons = o.horizons ?? [0];
  const level = o.level ?? 0.95;
  const limit = Math.max(sampleSize, o.maxSamples);
  requireRounds(metrics, sampleSize, 'tachometer');
  let n = sampleSize;
  let intervals: Interval[] = [];
  let resolved = false;
  for (;;) {
    intervals = metrics.map((m) =>
      tachometerRelativeInterval(m.base.slice(0, n), m.head.slice(0, n), level),
    );
    // A NaN interval (0/0: an error rate of zero on both sides) contains nothing, as there.
    resolved = intervals.every((i) => horizons.every((h) => !intervalContains(i, h)));
    if (resolved || n >= limit || n + TACHOMETER_BATCH > maxLength(metrics)) break;
    n += TACHOMETER_BATCH;
  }
  const regressed = metrics.flatMap((m, k) => {
    const i = intervals[k]!;
    const worse = m.better === 'higher' ? i.high < 0 : i.low > 0;
    return worse ? [m.key] : [];
  });
  return { regressed, samplesUsed: n, resolved };
}

function maxLength(metrics: readonly MetricSeries[]): number {
  return Math.min(...metrics.map((m) => Math.min(m.base.length, m.head.length)));
}
