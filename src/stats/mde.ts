// The smallest change a run could have detected, so that "unchanged" and "inconclusive" can be
// read for what they are.
import type { Better } from '../model.js';
import { requireFinite, StatsInputError } from './errors.js';
import { RANK_SUM_EXACT_MAX_TOTAL } from './mann-whitney.js';
import { normalQuantile } from './normal.js';
import { changeFromLog, expandedTail } from './paired.js';
import { studentTCritical } from './student-t.js';
import { SIGNED_RANK_EXACT_MAX_N } from './wilcoxon.js';

/** Power at which the detectable change is stated: 80%, the usual planning convention. */
export const MDE_POWER = 0.8;

export interface MdeInput {
  /** Pairs (paired design) or the size of each side (unpaired). */
  n: number;
  /** Size of the head sample in the unpaired design; n is then the base sample. */
  nHead?: number;
  design: 'paired' | 'unpaired';
  /** Robust SD on the test scale: of the log-ratios (ratio) or differences (difference) when
   *  paired; of each side's log values (or values) when unpaired. */
  sd: number;
  /** Two-sided level the test must reach: the α of the look over the number of tested metrics. */
  alpha: number;
  /** δ on the change scale (relative for ratio, absolute for difference). */
  threshold: number;
  scale: 'ratio' | 'difference';
  better: Better;
  /** Coverage of the reported CI (it must clear δ). */
  level?: number;
  power?: number;
  /** The paired test the look uses (analyze.ts pairedTestFor); the signed-rank test unless given. */
  test?: 'signed-rank' | 't';
  /** Pairs run in each order, for the t (student-t.ts crossoverTTest estimates the effect from
   *  the two orders' means); half and half unless given. */
  orders?: { ab: number; ba: number };
}

/** The fewest pairs at which the order-adjusted t can call anything: it pools the variance within
 *  the two orders on n − 2 degrees of freedom (student-t.ts). */
export const MIN_T_PAIRS = 3;

/**
 * A change Δ in the worse direction is called a regression when the test rejects and the CI
 * clears δ. With the HL estimate approximately normal with standard error
 *   se = σ·√(π/(3n))  (paired; the HL/signed-rank efficiency 3/π, Hollander & Wolfe §3.2)
 *   se = σ·√(π/3)·√(1/m + 1/n)  (unpaired),
 * each holds with probability 1 − β when
 *   test:  Δ ≥ (z_{1−α/2} + z_{1−β})·se,
 *   CI:    Δ ≥ δ + (z_CI + z_{1−β})·se,   z_CI the expanded interval's multiplier,
 * and both are the same event "the estimate is large enough", so the smallest detectable change
 * is the larger bound, at 80% power. Ratio metrics are worked on the log scale (δ becomes
 * log(1 + δ) for lower-is-better, −log(1 − δ) for higher-is-better) and returned as a relative
 * change. The result is a magnitude (≥ 0) in the worse direction.
 *
 * Null when no change could be detected at this n and α: the exact rank tests cannot go below
 * p = 2/2ⁿ (paired) or 2/C(m+n, m) (unpaired), and an α of 0 rejects nothing.
 *
 * Where the look uses the order-adjusted Student t (few pairs), there is no floor: with n_AB and
 * n_BA pairs in each order, se = σ/2·√(1/n_AB + 1/n_BA) (σ/√n when balanced), the test's
 * quantile is t_{1−α/2, n−2}, the crossover t's degrees of freedom, and the power term allows for
 * the spread being estimated (below), so a detectable change exists from 3 pairs on. Null below 3 pairs or with every pair in one order: that t calls nothing then.
 */
export function minimumDetectableChange(input: MdeInput): number | null {
  const { n, design, scale, better } = input;
  const nHead = input.nHead ?? n;
  const sd = requireFinite('sd', input.sd);
  const alpha = requireFinite('alpha', input.alpha);
  const threshold = requireFinite('threshold', input.threshold);
  const level = input.level ?? 0.95;
  const power = input.power ?? MDE_POWER;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(nHead) || nHead < 1) {
    throw new StatsInputError(`n must be a positive integer, got ${n} and ${nHead}`, 'n', n);
  }
  if (sd < 0 || threshold < 0) {
    throw new StatsInputError(
      `sd and threshold must not be negative, got ${sd} and ${threshold}`,
      'sd',
      sd,
    );
  }
  const t = design === 'paired' && input.test === 't';
  const ab = input.orders?.ab ?? n / 2;
  const ba = input.orders?.ba ?? n / 2;
  if (t && (n < MIN_T_PAIRS || !(ab > 0) || !(ba > 0))) return null;
  // Calls need p < α (strict), so α at or below the smallest reachable p detects nothing.
  if (alpha <= 0 || (!t && alpha <= smallestExactP(design, n, nHead))) return null;

  const se = t
    ? (sd / 2) * Math.sqrt(1 / ab + 1 / ba)
    : design === 'paired'
      ? sd * Math.sqrt(Math.PI / (3 * n))
      : sd * Math.sqrt(Math.PI / 3) * Math.sqrt(1 / n + 1 / nHead);
  const zPower = normalQuantile(power);
  const zTest =
    t && alpha < 1 ? studentTCritical(alpha, n - 2) : normalQuantile(1 - Math.min(alpha, 1) / 2);
  // −Φ⁻¹(tail), not Φ⁻¹(1 − tail): at 2 pairs the tail is ~1e-57, and 1 − tail rounds to 1.
  const zCi = -normalQuantile(expandedTail(level, Math.min(n, nHead)));
  const delta =
    scale === 'difference'
      ? threshold
      : better === 'lower'
        ? Math.log1p(threshold)
        : threshold >= 1
          ? Number.POSITIVE_INFINITY
          : -Math.log1p(-threshold);
  // With the t, the spread is estimated from few pairs, and a boundary at c estimated SDs is
  // crossed with probability Φ((Δ/se − c)/√(1 + c²/(2ν))) (the normal approximation of the
  // noncentral t, Guenther 1981; the interval's width varies with the sample's spread in the
  // same way); without it, 6 pairs called the stated change in 72% of simulated runs, not 80%.
  const spread = (c: number) => (t ? Math.sqrt(1 + (c * c) / (2 * (n - 2))) : 1);
  const worse = Math.max(
    (zTest + zPower * spread(zTest)) * se,
    delta + (zCi + zPower * spread(zCi)) * se,
  );
  if (!Number.isFinite(worse)) return null;
  if (scale === 'difference') return worse;
  return better === 'lower' ? changeFromLog(worse) : -changeFromLog(-worse);
}

/** The smallest two-sided p the signed-rank test can reach at n pairs, 2^(1−n) (every sign the
 *  same); 0 past the exact range, where the normal approximation's floor is far below any α. */
export function rankTestFloor(n: number): number {
  return smallestExactP('paired', n, n);
}

/** The fewest pairs at which the signed-rank test can reach p < level (its floor below it);
 *  Infinity for a level of 0 or less. */
export function rankTestPairsFor(level: number): number {
  if (!(level > 0)) return Number.POSITIVE_INFINITY;
  let n = 1;
  while (rankTestFloor(n) >= level) n++;
  return n;
}

/** The smallest two-sided p the exact tests can reach; 0 where the normal approximation is
 *  used (its floor is far below any α). */
function smallestExactP(design: 'paired' | 'unpaired', n: number, nHead: number): number {
  if (design === 'paired') return n <= SIGNED_RANK_EXACT_MAX_N ? 2 / 2 ** n : 0;
  if (n + nHead > RANK_SUM_EXACT_MAX_TOTAL) return 0;
  let choose = 1;
  for (let k = 1; k <= Math.min(n, nHead); k++) choose = (choose * (n + nHead - k + 1)) / k;
  return 2 / choose;
}
