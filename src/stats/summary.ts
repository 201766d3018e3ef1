// Descriptive statistics of one side's sample.
import type { SampleSummary } from '../model.js';
import { requireNonEmpty, requireProbability } from './errors.js';

/** Scale factor that makes the MAD a consistent estimator of σ under normality: 1/Φ⁻¹(3/4). */
export const MAD_TO_SD = 1.4826;

/** A sorted copy; Float64Array sorts numerically. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Quantile of already sorted values, Hyndman & Fan (1996) type 7 (R's default):
 *  h = (n − 1)·p, Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). */
export function quantileSorted(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const xLo = sortedValues[lo]!;
  return xLo + (h - lo) * (sortedValues[hi]! - xLo);
}

export function quantile(values: readonly number[], p: number): number {
  requireNonEmpty('values', values);
  requireProbability('p', p, false);
  return quantileSorted(sortedCopy(values), p);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  requireNonEmpty('values', values);
  // Kahan–Babuška summation keeps long series of large timings exact enough.
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + compensation) / values.length;
}

/** Median absolute deviation from the median, × 1.4826 (a robust estimate of σ). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return MAD_TO_SD * median(values.map((v) => Math.abs(v - m)));
}

export function summarize(values: readonly number[]): SampleSummary {
  requireNonEmpty('values', values);
  const s = sortedCopy(values);
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    mean: mean(values),
    min: s[0]!,
    max: s[s.length - 1]!,
    mad: mad(values),
  };
}
