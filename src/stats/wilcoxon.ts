// Wilcoxon signed-rank test of "the paired differences are symmetric about 0", two-sided.
//
// Why it is exact here and not only asymptotically right: the sampler draws the order of each
// block (AB or BA) at random. Under "head and base do not differ", swapping the labels of a block
// flips the sign of its difference and changes nothing else, so given the |differences| the
// signs are independent fair coins, whatever the noise, drift, order effect or tails. That
// randomization distribution is exactly the one the exact test below enumerates.
//
// Zeros: Wilcoxon's method (zero differences are dropped before ranking), as R's wilcox.test
// and scipy's default do, so p-values can be checked against them. Under the randomization a
// zero difference carries no sign, so dropping it leaves the test exact. Ties among the
// nonzero |differences| get midranks, and the exact distribution is that of the midranks
// (the conditional permutation distribution), computed by dynamic programming over the
// doubled rank sums (integers).
import { requireFinite } from './errors.js';
import { normalCdf } from './normal.js';
import { midranks, tieTerm } from './ranks.js';

export interface RankTestResult {
  /** Signed-rank: V, the sum of the ranks of the positive differences (R's V).
   *  Rank-sum: W, the rank sum of the first sample minus m(m+1)/2 (R's W, the U of x). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
}

export interface SignedRankResult extends RankTestResult {
  /** Differences that took part (the nonzero ones). */
  n: number;
  zeros: number;
}

/** Largest number of nonzero differences for which the exact distribution is computed; the
 *  dynamic programme costs O(n³) and the normal approximation is excellent beyond 50. */
export const SIGNED_RANK_EXACT_MAX_N = 50;

export function wilcoxonSignedRank(
  differences: readonly number[],
  options: { exactMaxN?: number } = {},
): SignedRankResult {
  const exactMaxN = options.exactMaxN ?? SIGNED_RANK_EXACT_MAX_N;
  const nonzero: number[] = [];
  for (let i = 0; i < differences.length; i++) {
    const d = requireFinite(`differences[${i}]`, differences[i]!);
    if (d !== 0) nonzero.push(d);
  }
  const n = nonzero.length;
  const zeros = differences.length - n;
  if (n === 0) return { statistic: 0, pValue: 1, method: 'exact', n, zeros };

  const { ranks, tieSizes } = midranks(nonzero.map(Math.abs));
  let v = 0;
  for (let i = 0; i < n; i++) if (nonzero[i]! > 0) v += ranks[i]!;

  if (n <= exactMaxN) {
    return { statistic: v, pValue: exactSignedRankP(ranks, v), method: 'exact', n, zeros };
  }
  // Normal approximation with tie and continuity correction (Hollander & Wolfe, Nonparametric
  // Statistical Methods, 3rd ed., §3.1; the same formula as R's wilcox.test):
  //   E[V] = n(n+1)/4,  Var[V] = n(n+1)(2n+1)/24 − Σ(t³−t)/48,
  //   z = (V − E[V] − ½·sign(V − E[V])) / √Var[V].
  const centred = v - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm(tieSizes) / 48);
  const z = (centred - 0.5 * Math.sign(centred)) / sigma;
  return { statistic: v, pValue: twoSidedNormal(z), method: 'normal', n, zeros };
}

/** Exact two-sided p of the signed-rank statistic for the given (mid)ranks: each rank enters
 *  the sum with probability ½ independently. p = min(1, 2·min(P(V ≤ v), P(V ≥ v))).
 *  The distribution is symmetric (flipping every sign maps V to total − V), so that is
 *  min(1, 2·P(V ≤ min(v, total − v))), and only sums up to that bound need to be tracked. */
function exactSignedRankP(ranks: Float64Array, v: number): number {
  const doubled = Array.from(ranks, (r) => Math.round(2 * r));
  const total = doubled.reduce((a, b) => a + b, 0);
  const observed = Math.round(2 * v);
  const bound = Math.min(observed, total - observed);
  const dist = new Float64Array(bound + 1);
  dist[0] = 1;
  let reach = 0;
  for (const r of doubled) {
    reach = Math.min(bound, reach + r);
    for (let s = reach; s >= r; s--) dist[s] = 0.5 * (dist[s]! + dist[s - r]!);
    for (let s = Math.min(r - 1, reach); s >= 0; s--) dist[s] = 0.5 * dist[s]!;
  }
  let tail = 0;
  for (let s = 0; s <= bound; s++) tail += dist[s]!;
  return Math.min(1, 2 * tail);
}

/** p = min(1, 2·min(P(S ≤ s), P(S ≥ s))) for a distribution over 0..length−1. */
export function twoSidedFromDistribution(dist: Float64Array, observed: number): number {
  let lower = 0;
  let upper = 0;
  for (let s = 0; s < dist.length; s++) {
    if (s <= observed) lower += dist[s]!;
    if (s >= observed) upper += dist[s]!;
  }
  return Math.min(1, 2 * Math.min(lower, upper));
}

export function twoSidedNormal(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}
