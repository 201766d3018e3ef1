// Effects and their intervals: paired transforms, Hodges–Lehmann estimators, seeded bootstrap.
import type { MetricSpec, Scale } from '../model.js';
import { requireFinite, requireNonEmpty, requireProbability, StatsInputError } from './errors.js';
import { normalCdf, studentTQuantile } from './normal.js';
import type { Rng } from './random.js';
import { quantileSorted } from './summary.js';

type PairedScale = Exclude<Scale, 'exact'>;

/**
 * One value per pair on the scale the tests work on:
 * - ratio: log(head/base), so that a change is relative and symmetric (×1.1 and ÷1.1 are ±log 1.1),
 *   and noise that multiplies (timings) becomes additive;
 * - difference: head − base, for quantities that may be zero (error rate, CLS).
 * Ratio values must be positive: a zero latency or throughput has no logarithm, and a result
 * silently built without that pair would be biased, so it is an error naming the metric.
 */
export function pairedValues(
  key: string,
  scale: PairedScale,
  base: readonly number[],
  head: readonly number[],
): number[] {
  if (base.length !== head.length) {
    throw new StatsInputError(
      `${key}: base and head must hold the same number of paired values, got ${base.length} and ${head.length}`,
      key,
      { base: base.length, head: head.length },
    );
  }
  const out = new Array<number>(base.length);
  for (let i = 0; i < base.length; i++) {
    const b = requireFinite(`${key} base[${i}]`, base[i]!);
    const h = requireFinite(`${key} head[${i}]`, head[i]!);
    if (scale === 'ratio') {
      for (const [side, v] of [
        ['base', b],
        ['head', h],
      ] as const) {
        if (v <= 0) {
          throw new StatsInputError(
            `${key} ${side}[${i}] is ${v}, but a metric on the ratio scale needs positive values ` +
              '(report it on the difference scale if it can be zero)',
            `${key} ${side}[${i}]`,
            v,
          );
        }
      }
      out[i] = Math.log(h) - Math.log(b);
    } else {
      out[i] = h - b;
    }
  }
  return out;
}

/** Values of one side on the test scale (for the unpaired test): log for ratio metrics. */
export function sideValues(
  key: string,
  scale: PairedScale,
  side: string,
  values: readonly number[],
) {
  return values.map((v, i) => {
    requireFinite(`${key} ${side}[${i}]`, v);
    if (scale === 'difference') return v;
    if (v <= 0) {
      throw new StatsInputError(
        `${key} ${side}[${i}] is ${v}, but a metric on the ratio scale needs positive values`,
        `${key} ${side}[${i}]`,
        v,
      );
    }
    return Math.log(v);
  });
}

/** A log-ratio as a relative change: e^x − 1 (0.0953 → +10%). */
export function changeFromLog(x: number): number {
  return Math.expm1(x);
}

/** A relative change as a log-ratio: log(1 + c). */
export function logFromChange(change: number): number {
  return Math.log1p(change);
}

/** On the scale of MetricAnalysis.change: relative for ratio, as is for difference. */
export function toChangeScale(scale: PairedScale, x: number): number {
  return scale === 'ratio' ? changeFromLog(x) : x;
}

/**
 * Exact comparison of a deterministic quantity (bytes): the relative change (head − base)/base.
 * A base of 0 with a nonzero head has no relative change; that is an error naming the metric
 * rather than an infinite number in the result.
 */
export function exactChange(spec: Pick<MetricSpec, 'key'>, base: number, head: number): number {
  requireFinite(`${spec.key} base`, base);
  requireFinite(`${spec.key} head`, head);
  if (base === head) return 0;
  if (base === 0) {
    throw new StatsInputError(
      `${spec.key}: base is 0 and head is ${head}; a relative change from 0 is undefined ` +
        '(report the metric on the difference scale, or leave it out when it is absent on base)',
      `${spec.key} base`,
      base,
    );
  }
  return (head - base) / Math.abs(base);
}

// Hodges–Lehmann estimators, and the structure that makes their bootstrap cheap.

/**
 * Candidate values of an HL estimator in ascending order, with the two sorted-sample positions
 * each one is made from. One sample (s sorted): the Walsh averages (s_r + s_c)/2, r ≤ c. Two
 * samples (xs, ys sorted): ys_c − xs_r.
 */
interface Candidates {
  values: Float64Array;
  first: Uint32Array;
  second: Uint32Array;
}

function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

// The candidate values are computed by these two expressions only, so that counting
// "candidates below v" agrees bit for bit with the sorted order.
function walsh(s: Float64Array, r: number, c: number): number {
  return (s[r]! + s[c]!) / 2;
}

function shift(xs: Float64Array, ys: Float64Array, r: number, c: number): number {
  return ys[c]! - xs[r]!;
}

/**
 * Candidates in ascending order without sorting all of them. Walsh averages (ys absent): row r
 * holds walsh(r, c) for c = r … n − 1; shifts: row r holds shift(r, c) for c = 0 … ny − 1. Each
 * row ascends in c, so a k-way merge of the rows with a binary heap costs O(size · log rows)
 * instead of a comparison sort of the whole set.
 */
function sortedCandidates(xs: Float64Array, ys?: Float64Array): Candidates {
  const rows = xs.length;
  const columns = ys ? ys.length : rows;
  const size = ys ? rows * columns : (rows * (rows + 1)) / 2;
  const value = (r: number, c: number) => (ys ? shift(xs, ys, r, c) : walsh(xs, r, c));
  const values = new Float64Array(size);
  const first = new Uint32Array(size);
  const second = new Uint32Array(size);
  const heapRow = new Uint32Array(rows);
  const heapKey = new Float64Array(rows);
  const column = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    column[r] = ys ? 0 : r;
    heapRow[r] = r;
    heapKey[r] = value(r, column[r]!);
  }
  let heapSize = rows;
  const siftDown = (start: number) => {
    let i = start;
    const row = heapRow[i]!;
    const key = heapKey[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && heapKey[child + 1]! < heapKey[child]!) child++;
      if (heapKey[child]! >= key) break;
      heapRow[i] = heapRow[child]!;
      heapKey[i] = heapKey[child]!;
      i = child;
    }
    heapRow[i] = row;
    heapKey[i] = key;
  };
  for (let i = (heapSize >> 1) - 1; i >= 0; i--) siftDown(i);
  for (let k = 0; k < size; k++) {
    const r = heapRow[0]!;
    const c = column[r]!;
    values[k] = heapKey[0]!;
    first[k] = r;
    second[k] = c;
    column[r] = c + 1;
    if (c + 1 < columns) {
      heapKey[0] = value(r, c + 1);
    } else {
      heapSize--;
      heapRow[0] = heapRow[heapSize]!;
      heapKey[0] = heapKey[heapSize]!;
    }
    siftDown(0);
  }
  return { values, first, second };
}

/** One-sample HL estimator: the median of the Walsh averages (dᵢ + dⱼ)/2, i ≤ j
 *  (Hodges & Lehmann 1963; Hollander & Wolfe §3.2). The point estimate that goes with the
 *  signed-rank test: robust to outliers, efficient (95.5% of the mean's under normality). */
export function hodgesLehmann(d: readonly number[]): number {
  requireNonEmpty('differences', d);
  return quantileSorted(sortedCandidates(sortedValues(d)).values, 0.5);
}

/** Two-sample Hodges–Lehmann estimator of the shift of y against x: median of yⱼ − xᵢ
 *  (Hollander & Wolfe §4.2), the estimate that goes with the Mann–Whitney test. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[]): number {
  requireNonEmpty('x', x);
  requireNonEmpty('y', y);
  return quantileSorted(sortedCandidates(sortedValues(x), sortedValues(y)).values, 0.5);
}

export interface BootstrapOptions {
  rng: Rng;
  /** Number of bootstrap resamples. */
  resamples: number;
  /** Coverage of the interval, 0.95 by default. */
  level?: number;
}

function multinomialCounts(n: number, rng: Rng, out: Float64Array): void {
  out.fill(0);
  for (let k = 0; k < n; k++) out[rng.int(n)]! += 1;
}

/**
 * Hesterberg's expanded percentile interval ("What teachers should know about the bootstrap",
 * The American Statistician 69(4), 2015, §5.1): the percentile interval is too narrow in small
 * samples (its spread is that of a z interval with the plug-in variance, n−1 over n too small),
 * so the tail probability is set to α'/2 = Φ(−√(n/(n−1))·t_{1−α/2, n−1}). At n = 10 the 95%
 * interval takes the 0.85% and 99.15% quantiles; by n = 80 it is nearly the plain one.
 * Simulation (test/stats) puts the plain interval of the HL at 91% coverage for n = 10 and 93–94%
 * for n = 20–40; expanded, 95–96.5%.
 */
export function expandedTail(level: number, n: number): number {
  const alpha = 1 - level;
  if (n < 2) return alpha / 2;
  return normalCdf(-Math.sqrt(n / (n - 1)) * studentTQuantile(1 - alpha / 2, n - 1));
}

function percentileInterval(replicates: Float64Array, tail: number): [number, number] {
  replicates.sort();
  return [quantileSorted(replicates, tail), quantileSorted(replicates, 1 - tail)];
}

function checkBootstrap(o: BootstrapOptions): number {
  if (!Number.isInteger(o.resamples) || o.resamples < 100) {
    throw new StatsInputError(
      `bootstrap resamples must be an integer of at least 100, got ${String(o.resamples)}`,
      'resamples',
      o.resamples,
    );
  }
  return requireProbability('level', o.level ?? 0.95);
}

/** Resamples scanned from the start before an anchor is chosen. */
const PILOT_RESAMPLES = 16;

/**
 * Where later resamples may start their scan: below the lowest crossing seen in the pilot by
 * as much again as that crossing lies below the full sample's median, moved to the start of its
 * group of equal values (so that "index < anchor" means "value < values[anchor]").
 */
function chooseAnchor(values: Float64Array, lowest: number, lowRank: number): number {
  const middle = lowRank - 1;
  let anchor = Math.max(0, Math.min(lowest, middle) - Math.abs(middle - lowest) - 1);
  while (anchor > 0 && values[anchor - 1] === values[anchor]) anchor--;
  return anchor;
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani, An Introduction to the Bootstrap, §13.3)
 * of the one-sample HL estimator, expanded for small samples (see expandedTail): resample the
 * pairs with replacement, recompute HL, take the tail and 1 − tail quantiles (type 7) of the
 * replicates.
 *
 * Why percentile and not BCa: under the randomized block order the paired values are symmetric
 * about the true effect (see wilcoxon.ts), so the bias and skewness that BCa corrects are
 * absent to first order, while BCa's acceleration comes from the jackknife, which is unreliable
 * for median-type statistics (Efron & Tibshirani §11.6). The percentile interval is also
 * transformation-respecting, so the interval of the log-ratio maps exactly onto the interval of
 * the relative change. Its coverage is checked by simulation in test/stats.
 */
export function bootstrapHodgesLehmannCI(
  d: readonly number[],
  options: BootstrapOptions,
): [number, number] {
  return hodgesLehmannWithCI(d, options).ci;
}

/**
 * The one-sample HL estimate and its bootstrap interval, sharing the sorted candidates.
 *
 * Cost. A resample of the n sorted values is a multiset with counts w_r, so its Walsh averages
 * are the original candidates with weights w_r·w_c (r < c) and w_r(w_r+1)/2 (r = c), and its HL
 * is their weighted median: a scan of the candidates, sorted once, with no sorting per resample.
 * The scan need not start at the smallest candidate: the weight of all candidates below a value
 * v is Σ_r [w_r(w_r+1)/2 + w_r·(W(J_r) − W(r+1))] over rows with J_r > r, where W are prefix
 * sums of w and J_r counts the columns with (s_r + s_c)/2 < v, O(n) per resample. After a pilot
 * the scan starts at an anchor below every crossing seen (falling back to the start when a
 * resample's median lies below it), which cuts the scan from about n²/4 candidates to a band
 * around the median whose width shrinks like n^1.5.
 */
export function hodgesLehmannWithCI(
  d: readonly number[],
  options: BootstrapOptions,
): { estimate: number; ci: [number, number] } {
  requireNonEmpty('differences', d);
  const level = checkBootstrap(options);
  const n = d.length;
  const s = sortedValues(d);
  const { values, first, second } = sortedCandidates(s);
  const total = values.length;
  const lowRank = Math.floor((total + 1) / 2);
  const highRank = Math.floor(total / 2) + 1;
  const w = new Float64Array(n);
  const prefix = new Float64Array(n + 1);
  const below = new Uint32Array(n);
  let anchor = 0;
  let lowest = total;
  const replicates = new Float64Array(options.resamples);
  for (let b = 0; b < options.resamples; b++) {
    multinomialCounts(n, options.rng, w);
    let cum = 0;
    let k = 0;
    if (anchor > 0) {
      for (let r = 0; r < n; r++) prefix[r + 1] = prefix[r]! + w[r]!;
      let weightBelow = 0;
      for (let r = 0; r < n; r++) {
        const j = below[r]!;
        if (j <= r) break; // J is non-increasing: no later row has candidates below the anchor
        const wr = w[r]!;
        weightBelow += (wr * (wr + 1)) / 2 + wr * (prefix[j]! - prefix[r + 1]!);
      }
      if (weightBelow < lowRank) {
        cum = weightBelow;
        k = anchor;
      }
    }
    // The weighted median: this loop is the whole cost of the analysis.
    for (; cum < lowRank; k++) {
      const wr = w[first[k]!]!;
      cum += first[k] === second[k] ? (wr * (wr + 1)) / 2 : wr * w[second[k]!]!;
    }
    if (k - 1 < lowest) lowest = k - 1;
    const low = values[k - 1]!;
    for (; cum < highRank; k++) {
      const wr = w[first[k]!]!;
      cum += first[k] === second[k] ? (wr * (wr + 1)) / 2 : wr * w[second[k]!]!;
    }
    replicates[b] = (low + values[k - 1]!) / 2;
    if (b + 1 === PILOT_RESAMPLES) {
      anchor = chooseAnchor(values, lowest, lowRank);
      // J_r: columns c with walsh(r, c) < values[anchor]; non-increasing in r.
      let j = n;
      for (let r = 0; r < n; r++) {
        while (j > 0 && walsh(s, r, j - 1) >= values[anchor]!) j--;
        below[r] = j;
      }
    }
  }
  return {
    estimate: quantileSorted(values, 0.5),
    ci: percentileInterval(replicates, expandedTail(level, n)),
  };
}

/** Expanded percentile bootstrap interval of the two-sample HL shift: x and y resampled
 *  independently; the weight of ys_c − xs_r is u_r·v_c; the expansion uses the smaller size. */
export function bootstrapShiftCI(
  x: readonly number[],
  y: readonly number[],
  options: BootstrapOptions,
): [number, number] {
  return hodgesLehmannShiftWithCI(x, y, options).ci;
}

/** The two-sample HL shift and its bootstrap interval, sharing the sorted candidates; the same
 *  anchored scan as hodgesLehmannWithCI, with the weight below v = Σ_r u_r·V(J_r), J_r the
 *  columns with ys_c − xs_r < v (non-decreasing in r) and V prefix sums of v. */
export function hodgesLehmannShiftWithCI(
  x: readonly number[],
  y: readonly number[],
  options: BootstrapOptions,
): { estimate: number; ci: [number, number] } {
  requireNonEmpty('x', x);
  requireNonEmpty('y', y);
  const level = checkBootstrap(options);
  const xs = sortedValues(x);
  const ys = sortedValues(y);
  const nx = xs.length;
  const ny = ys.length;
  const { values, first, second } = sortedCandidates(xs, ys);
  const total = values.length;
  const lowRank = Math.floor((total + 1) / 2);
  const highRank = Math.floor(total / 2) + 1;
  const u = new Float64Array(nx);
  const v = new Float64Array(ny);
  const prefix = new Float64Array(ny + 1);
  const below = new Uint32Array(nx);
  let anchor = 0;
  let lowest = total;
  const replicates = new Float64Array(options.resamples);
  for (let b = 0; b < options.resamples; b++) {
    multinomialCounts(nx, options.rng, u);
    multinomialCounts(ny, options.rng, v);
    let cum = 0;
    let k = 0;
    if (anchor > 0) {
      for (let c = 0; c < ny; c++) prefix[c + 1] = prefix[c]! + v[c]!;
      let weightBelow = 0;
      for (let r = 0; r < nx; r++) weightBelow += u[r]! * prefix[below[r]!]!;
      if (weightBelow < lowRank) {
        cum = weightBelow;
        k = anchor;
      }
    }
    for (; cum < lowRank; k++) cum += u[first[k]!]! * v[second[k]!]!;
    if (k - 1 < lowest) lowest = k - 1;
    const low = values[k - 1]!;
    for (; cum < highRank; k++) cum += u[first[k]!]! * v[second[k]!]!;
    replicates[b] = (low + values[k - 1]!) / 2;
    if (b + 1 === PILOT_RESAMPLES) {
      anchor = chooseAnchor(values, lowest, lowRank);
      let j = 0;
      for (let r = 0; r < nx; r++) {
        while (j < ny && shift(xs, ys, r, j) < values[anchor]!) j++;
        below[r] = j;
      }
    }
  }
  return {
    estimate: quantileSorted(values, 0.5),
    ci: percentileInterval(replicates, expandedTail(level, Math.min(nx, ny))),
  };
}
