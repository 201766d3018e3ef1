// Student's t on the paired values (order-adjusted): the test used at few pairs, where the exact signed-rank test
// cannot reach the level a look needs (its smallest two-sided p at n pairs is 2^(1−n)).
import type { Order } from '../model.js';
import { requireFinite, requireNonEmpty, StatsInputError } from './errors.js';

// Lanczos approximation of log Γ (g = 7, 9 coefficients; Press et al., Numerical Recipes 3rd ed.
// §6.1; relative error below 1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (!(x > 0)) throw new StatsInputError(`logGamma needs x > 0, got ${x}`, 'x', x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta by the modified Lentz method (Numerical Recipes
 *  §6.4, betacf); converges fast for x < (a + 1)/(a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta I_x(a, b), 0 ≤ x ≤ 1 (Numerical Recipes §6.4, betai). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new StatsInputError(`x must be in [0, 1], got ${x}`, 'x', x);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(x, a, b)) / a
    : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(|T| ≥ |t|) for T ~ Student t with ν degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2)
 *  (Abramowitz & Stegun 26.7.1 with 26.5.27); exact in the far tail, where a look's level is. */
export function studentTTwoSided(t: number, nu: number): number {
  requireFinite('t', t);
  if (!(nu > 0)) throw new StatsInputError(`degrees of freedom must be > 0, got ${nu}`, 'nu', nu);
  return regularizedBeta(nu / (nu + t * t), nu / 2, 0.5);
}

export interface PairedTResult {
  /** The order-adjusted effect: the mean of the AB blocks' values and the BA blocks' halved. */
  estimate: number;
  statistic: number;
  pValue: number;
  df: number;
}

/**
 * Student's t for the AB/BA crossover (Hills & Armitage 1979, "The two-period cross-over
 * clinical trial", Br. J. Clin. Pharmacol. 8:7–20; Jones & Kenward, Design and Analysis of
 * Cross-over Trials, 2nd ed., §2.3), two-sided: with d̄_AB and d̄_BA the means of the paired
 * values (head − base) of the blocks run in each order, the effect is (d̄_AB + d̄_BA)/2, the order
 * effect (the second run of a block being faster) cancels, and
 *   T = effect / (s/2 · √(1/n_AB + 1/n_BA)),  s² the pooled variance within orders, n − 2 df.
 *
 * Why it may be used where the signed-rank test cannot reach the level: it has no discreteness
 * floor. Why the order adjustment: a plain t on the d's, where an order effect γ is large next to
 * the noise, sees d ≈ ±γ, nearly equal magnitudes, and calls them an effect far more often than
 * its level (measured: 25 times its level at 1% with 4 pairs); adjusted, the values within an
 * order are centred again. What it assumes: within an order, the values are symmetric about their
 * mean and not far from normal in the tails the level reaches. Tails heavier than normal make it
 * conservative (Efron 1969, JASA 64:1278–1302; Benjamini 1983, JASA 78:645–654): an outlier
 * inflates s more than the mean. What breaks it: noise that is a few discrete levels (a run
 * either pays a 2× pause or not, with little other spread), where nearly equal values of one sign
 * are not rare; test/stats/student-t.test.ts measures both.
 *
 * Blocks all of one order: the effect and the order effect cannot be told apart, so no call
 * (p = 1); under the randomized order this happens with probability 2^(1−n). Fewer than 3 pairs
 * or no spread: no call either.
 */
export function crossoverTTest(d: readonly number[], order: readonly Order[]): PairedTResult {
  requireNonEmpty('differences', d);
  if (order.length !== d.length) {
    throw new StatsInputError(
      `one order per paired value is needed, got ${order.length} for ${d.length}`,
      'order',
      order.length,
    );
  }
  const sums = { AB: 0, BA: 0 };
  const counts = { AB: 0, BA: 0 };
  d.forEach((x, i) => {
    sums[order[i]!] += requireFinite('difference', x);
    counts[order[i]!]++;
  });
  const none = { estimate: 0, statistic: 0, pValue: 1, df: Math.max(0, d.length - 2) };
  if (counts.AB === 0 || counts.BA === 0 || d.length < 3) {
    const all = (sums.AB + sums.BA) / d.length;
    return { ...none, estimate: all };
  }
  const means = { AB: sums.AB / counts.AB, BA: sums.BA / counts.BA };
  let squares = 0;
  d.forEach((x, i) => {
    squares += (x - means[order[i]!]) ** 2;
  });
  const df = d.length - 2;
  const estimate = (means.AB + means.BA) / 2;
  const se = (Math.sqrt(squares / df) / 2) * Math.sqrt(1 / counts.AB + 1 / counts.BA);
  if (!(se > 1e-12 * Math.abs(estimate)) || se === 0) return { ...none, estimate };
  const statistic = estimate / se;
  return { estimate, statistic, pValue: Math.min(1, studentTTwoSided(statistic, df)), df };
}

/** The t with P(|T| ≥ t) = level for ν degrees of freedom, by bisection on studentTTwoSided
 *  (monotone), to 1e-10 relative: the Cornish–Fisher expansion (normal.ts) is too rough in the
 *  far tails few degrees of freedom reach. */
export function studentTCritical(level: number, nu: number): number {
  if (!(level > 0 && level < 1)) {
    throw new StatsInputError(`level must be in (0, 1), got ${level}`, 'level', level);
  }
  let low = 0;
  let high = 1;
  while (studentTTwoSided(high, nu) > level) high *= 2;
  while (high - low > 1e-10 * high) {
    const middle = (low + high) / 2;
    if (studentTTwoSided(middle, nu) > level) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
