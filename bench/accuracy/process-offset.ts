// The between-process offset of real A/A runs as a random effect (bench/RESULTS.md, issue 12):
// each run's median paired log-ratio scatters around 0 by its own sampling noise, which the run's
// rounds measure (a seeded bootstrap of the median), plus τ, the SD of the difference between two
// processes of the same code, which no number of pairs within a run can average out.
// τ is the DerSimonian–Laird estimate (DerSimonian & Laird 1986, "Meta-analysis in clinical
// trials", Controlled Clinical Trials 7:177–188), its one-sided 95% upper bound the Q-profile one
// (Viechtbauer 2007, "Confidence intervals for the amount of heterogeneity in meta-analysis",
// Statistics in Medicine 26:37–52), and Cochran's Q tests τ = 0.
//
// It replaces the covariance of each run's two halves (√max(0, cov) over runs of ≥ 10 pairs).
// In 200 seeded sets of 12 A/A runs of 5–48 pairs at 15% noise a pair and no offset, that one
// came out positive in 54% of the sets (mean 1.24%), this one in 38% (mean 0.77%, median 0); at
// a true 3% their medians were 2.92% and 2.62% (test/accuracy/process-offset.test.ts checks this
// one's side). Neither pins τ within ±2% from a dozen runs: the upper bound says how far it may
// go. Both need runs whose lengths did not depend on their values: the futility stop ends the
// A/A runs whose estimate fell low and lets the others go on, which spreads the runs' medians by
// their lengths (real.ts figuresFromTrials takes τ only from runs that ran to their budget). bench/accuracy/process-offset.py is the same estimate in Python, which the results of
// 2026-12-03 were first read with.
import { createRng, type Rng } from '../../src/stats/random.js';
import { logGamma } from '../../src/stats/student-t.js';
import { median } from '../../src/stats/summary.js';

/** Shortest run whose median has a usable bootstrap variance (a futility stop can end an A/A
 *  run at 4 pairs, where the bootstrap of a median sees a handful of distinct values). */
export const MIN_OFFSET_PAIRS = 5;
/** Fewer runs than this say nothing about a spread between them. */
export const MIN_OFFSET_RUNS = 3;
/** Bootstrap resamples of each run's median (process-offset.py's count). */
const RESAMPLES = 2000;

export interface ProcessOffset {
  /** τ, the DerSimonian–Laird estimate of the SD between runs beyond their own noise. */
  sd: number;
  /** Its one-sided 95% upper bound (Q-profile). */
  upper: number;
  /** Cochran's Q of the runs' medians, its degrees of freedom and p-value for τ = 0. */
  q: number;
  df: number;
  p: number;
  /** Runs counted (those of at least MIN_OFFSET_PAIRS pairs). */
  runs: number;
}

/** Regularized lower incomplete gamma P(a, x): its series below a + 1, the continued fraction
 *  (modified Lentz) above (Numerical Recipes, §6.2). */
function lowerGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * front;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return 1 - front * h;
}

export function chiSquareCdf(x: number, df: number): number {
  return lowerGammaRegularized(df / 2, x / 2);
}

/** The chi-square quantile by bisection of its CDF. */
export function chiSquareQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function bootstrapMedianVariance(x: readonly number[], rng: Rng, resamples: number): number {
  const n = x.length;
  const resample = new Array<number>(n);
  const medians: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) resample[i] = x[rng.int(n)]!;
    medians.push(median(resample));
  }
  const mean = medians.reduce((a, v) => a + v, 0) / resamples;
  return medians.reduce((a, v) => a + (v - mean) ** 2, 0) / (resamples - 1);
}

/** The generalized Q of the medians when the runs' variances are widened by t2. */
function generalizedQ(medians: readonly number[], variances: readonly number[], t2: number) {
  const w = variances.map((v) => 1 / (v + t2));
  const total = w.reduce((a, v) => a + v, 0);
  const centre = w.reduce((a, wi, i) => a + wi * medians[i]!, 0) / total;
  return w.reduce((a, wi, i) => a + wi * (medians[i]! - centre) ** 2, 0);
}

/**
 * τ of runs given as each run's paired log-ratios (head over base, one per pair), with the upper
 * bound and Cochran's Q; undefined below MIN_OFFSET_RUNS runs of MIN_OFFSET_PAIRS pairs. Seeded:
 * the same runs give the same figures.
 */
export function processOffset(
  runs: readonly (readonly number[])[],
  o: { seed?: number; resamples?: number } = {},
): ProcessOffset | undefined {
  const rng = createRng(o.seed ?? 1);
  const resamples = o.resamples ?? RESAMPLES;
  const usable = runs.filter((r) => r.length >= MIN_OFFSET_PAIRS);
  if (usable.length < MIN_OFFSET_RUNS) return undefined;
  const medians = usable.map((r) => median(r));
  // A run whose every pair is alike has no spread to resample; a floor keeps its weight finite.
  const variances = usable.map((r) => Math.max(bootstrapMedianVariance(r, rng, resamples), 1e-12));
  const k = usable.length;
  const df = k - 1;
  const q = generalizedQ(medians, variances, 0);
  const w = variances.map((v) => 1 / v);
  const sw = w.reduce((a, v) => a + v, 0);
  const c = sw - w.reduce((a, v) => a + v * v, 0) / sw;
  const sd = Math.sqrt(Math.max(0, (q - df) / c));
  // Q-profile: the largest τ² whose generalized Q still reaches the chi-square's lower 5%.
  const target = chiSquareQuantile(0.05, df);
  let upper = 0;
  if (q > target) {
    let lo = 0;
    let hi = Math.max(...variances);
    while (generalizedQ(medians, variances, hi) > target) hi *= 2;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (generalizedQ(medians, variances, mid) > target) lo = mid;
      else hi = mid;
    }
    upper = Math.sqrt(hi);
  }
  return { sd, upper, q, df, p: 1 - chiSquareCdf(q, df), runs: k };
}
