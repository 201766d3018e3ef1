// What the noise of one metric measured in AB/BA pairs looks like, from the pairs themselves:
// the figures measure.ts saves and noise.ts reproduces. Ratio metrics are read as log-ratios
// (as perfgate's paired test reads them), difference metrics as head − base in their unit.
import { MAD_TO_SD, mad, median } from '../../src/stats/summary.js';

export type Scale = 'ratio' | 'difference' | 'exact';

/** One measured pair: both sides' values of every metric, and which side ran first. */
export interface MeasuredPair {
  order: 'AB' | 'BA';
  base: Record<string, number>;
  head: Record<string, number>;
  /** Wall time of the pair (both runs), ms. */
  pairMs: number;
}

export interface PairFigures {
  /** Median value over every run, in the metric's unit. */
  level: number;
  /** Robust SD (MAD × 1.4826) of the paired differences d (log-ratio or head − base). */
  sdPair: number;
  /** Fraction of d's farther than 5 robust SDs from their median (a normal has 6·10⁻⁷). */
  beyond5: number;
  /** Largest |d − median| in robust SDs: how heavy the worst pair was. */
  maxZ: number;
  /** Lag-1 autocorrelation of the d's in measuring order (drift that pairing does not cancel). */
  lag1: number;
  /** Median of (second run − first run) on the d scale: what being measured second does. */
  orderEffect: number;
  /** Fraction of pairs with d exactly 0 (a metric that does not vary, as TBT on a quiet page). */
  zeros: number;
}

export function pairDifferences(
  pairs: readonly MeasuredPair[],
  key: string,
  scale: Scale,
): number[] {
  return pairs.map((p) => {
    const b = p.base[key]!;
    const h = p.head[key]!;
    return scale === 'ratio' ? Math.log(h / b) : h - b;
  });
}

export function pairFigures(
  pairs: readonly MeasuredPair[],
  key: string,
  scale: Scale,
): PairFigures {
  if (pairs.length < 3) {
    throw new RangeError(`pairs of ${key}: expected at least 3 pairs, got ${pairs.length}`);
  }
  const d = pairDifferences(pairs, key, scale);
  const center = median(d);
  const sd = mad(d);
  const z = d.map((x) => (sd > 0 ? Math.abs(x - center) / sd : 0));
  // Second minus first: in an AB pair head ran second, in a BA pair base did.
  const secondMinusFirst = d.map((x, i) => (pairs[i]!.order === 'AB' ? x : -x));
  return {
    level: median(pairs.flatMap((p) => [p.base[key]!, p.head[key]!])),
    sdPair: sd,
    beyond5: z.filter((v) => v > 5).length / d.length,
    maxZ: Math.max(...z),
    lag1: lag1(d),
    orderEffect: median(secondMinusFirst),
    zeros: d.filter((x) => x === 0).length / d.length,
  };
}

/** Lag-1 autocorrelation; 0 for a constant series. */
export function lag1(x: readonly number[]): number {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += (x[i]! - m) ** 2;
    if (i > 0) num += (x[i]! - m) * (x[i - 1]! - m);
  }
  return den > 0 ? num / den : 0;
}

/** Spearman's rank correlation; 0 when either series is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y));
}

/** The Pearson correlation that a Spearman correlation corresponds to under normality,
 *  2·sin(πρ_S/6) (Pearson 1907): the generator works with normal scores. */
export function spearmanToPearson(rho: number): number {
  return 2 * Math.sin((Math.PI * rho) / 6);
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Midranks from 1. */
function ranks(x: readonly number[]): number[] {
  const idx = x.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Robust SD the way the figures take it, for tests of the generator. */
export const robustSd = mad;
export { MAD_TO_SD };
