// Mann–Whitney U (Wilcoxon rank-sum) test, two-sided, for metrics whose pairs are not
// meaningful. Its null ("all 2n values are exchangeable") is stronger than the signed-rank
// test's: slow drift over a run makes early and late values differ, which the paired test
// cancels and this one does not. Use it only where pairing is meaningless.
import { requireNonEmpty } from './errors.js';
import { midranks, tieTerm } from './ranks.js';
import { type RankTestResult, twoSidedFromDistribution, twoSidedNormal } from './wilcoxon.js';

/** Largest m + n for which the exact (conditional on ties) distribution is computed; the
 *  dynamic programme costs O(m·(m+n)³). */
export const RANK_SUM_EXACT_MAX_TOTAL = 60;

export interface RankSumResult extends RankTestResult {
  m: number;
  n: number;
}

/** Tests x (e.g. base) against y (head). W is R's statistic: the rank sum of x − m(m+1)/2. */
export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  options: { exactMaxTotal?: number } = {},
): RankSumResult {
  requireNonEmpty('x', x);
  requireNonEmpty('y', y);
  const exactMaxTotal = options.exactMaxTotal ?? RANK_SUM_EXACT_MAX_TOTAL;
  const m = x.length;
  const n = y.length;
  const { ranks, tieSizes } = midranks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < m; i++) rankSumX += ranks[i]!;
  const w = rankSumX - (m * (m + 1)) / 2;

  if (m + n <= exactMaxTotal) {
    return { statistic: w, pValue: exactRankSumP(ranks, m, rankSumX), method: 'exact', m, n };
  }
  // Normal approximation with tie and continuity correction (Hollander & Wolfe §4.1; R's
  // wilcox.test): E[W] = mn/2, Var[W] = mn/12 · ((N+1) − Σ(t³−t)/(N(N−1))), N = m + n.
  const total = m + n;
  const centred = w - (m * n) / 2;
  const sigma = Math.sqrt(((m * n) / 12) * (total + 1 - tieTerm(tieSizes) / (total * (total - 1))));
  if (sigma === 0) return { statistic: w, pValue: 1, method: 'normal', m, n };
  const z = (centred - 0.5 * Math.sign(centred)) / sigma;
  return { statistic: w, pValue: twoSidedNormal(z), method: 'normal', m, n };
}

/** Exact two-sided p: every choice of m of the N (mid)ranks for x is equally likely. Counts of
 *  subsets by size and doubled rank sum, normalised at the end. */
function exactRankSumP(ranks: Float64Array, m: number, rankSumX: number): number {
  const doubled = Array.from(ranks, (r) => Math.round(2 * r)).sort((a, b) => a - b);
  const maxSum = doubled.slice(-m).reduce((a, b) => a + b, 0);
  const width = maxSum + 1;
  // ways[j·width + s]: subsets of size j with doubled rank sum s among the items seen so far.
  const ways = new Float64Array((m + 1) * width);
  ways[0] = 1;
  let seen = 0;
  let reach = 0;
  for (const r of doubled) {
    seen++;
    reach = Math.min(maxSum, reach + r);
    // Only sizes and sums reachable with the items seen so far can change.
    for (let j = Math.min(m, seen); j >= 1; j--) {
      const row = j * width;
      const prev = (j - 1) * width;
      for (let s = reach; s >= r; s--) ways[row + s]! += ways[prev + s - r]!;
    }
  }
  const dist = ways.slice(m * width, (m + 1) * width);
  let count = 0;
  for (let s = 0; s < width; s++) count += dist[s]!;
  for (let s = 0; s < width; s++) dist[s] = dist[s]! / count;
  return twoSidedFromDistribution(dist, Math.round(2 * rankSumX));
}
