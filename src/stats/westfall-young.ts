// Westfall–Young step-down max-T across the metrics of one look: the family-wise error rate of
// Holm, without Holm's assumption-free worst case, by resampling all metrics of a pair together
// so that the reference distribution of the largest statistic carries their correlation (FCP,
// LCP and Speed Index move together; p50, mean and p95 of one route too).
import type { Order } from '../model.js';
import { StatsInputError } from './errors.js';
import { holm } from './multiple.js';
import type { Rng } from './random.js';
import { midranks } from './ranks.js';

/**
 * How the pairs are resampled, matching the per-metric test of the look (analyze.ts
 * pairedTestFor), so that each metric's own reference distribution is exactly that test's:
 * - `sign-flip`: the signed-rank regime. Swapping the labels of a block negates every metric's
 *   paired value of that block at once (and swaps its AB/BA label, which the rank statistic does
 *   not read); under "no difference" and the randomized order this is the exact randomization
 *   distribution, whatever the noise (src/stats/README.md).
 * - `rotation`: the t regime, where 2^n sign vectors are too few to reach the level. A rotation
 *   test (Langsrud 2005, "Rotation tests", Statistics and Computing 15:53–60; Solari, Finos &
 *   Goeman 2014, "Rotation-based multiple testing in the multivariate linear model", Biometrics
 *   70:954–961): with the order effect projected out, the n − 1 remaining coordinates of the
 *   metrics' pair vectors are, under normal errors with any covariance between metrics,
 *   invariant under every rotation; the reference draws a uniformly random direction in place of
 *   the effect's. One metric's rotation distribution is exactly the order-adjusted t on n − 2 df
 *   (student-t.ts), and it has no discreteness floor.
 */
export type JointReference = 'sign-flip' | 'rotation';

/** Hits expected at the level: the Monte Carlo p-value (1 + hits)/(B + 1) of a metric whose true
 *  adjusted p is half the level then falls below the level 99% of the time. */
export const WESTFALL_YOUNG_HITS = 30;
/** Fewest draws, so that adjusted p-values far above the level are still stated to ±1%. */
export const WESTFALL_YOUNG_MIN_DRAWS = 2000;
/** Largest work (draws × metrics × pairs) one look may take: 0.25 s for sign flips on a 2-core
 *  machine under a load of 10, within the analysis time the sampler reserves. */
export const WESTFALL_YOUNG_MAX_WORK = 3e7;

/**
 * Draws a look needs for its Monte Carlo p-values to resolve `level` (HITS/level), or null
 * when that would cost more than MAX_WORK, and the look then falls back to Holm. Depends on the
 * level, the metrics and the pairs only, never on the values, so the fallback leaves each look
 * with a procedure whose error rate holds.
 */
export function westfallYoungDraws(level: number, metrics: number, pairs: number): number | null {
  if (!(level > 0)) return null;
  const draws = Math.max(WESTFALL_YOUNG_MIN_DRAWS, Math.ceil(WESTFALL_YOUNG_HITS / level));
  // Exact enumeration of 2^n sign vectors costs m per vector (Gray code), so it is affordable
  // wherever 2^n ≤ draws·n; rotations and Monte Carlo flips cost m·n per draw.
  return draws * metrics * Math.max(pairs, 1) <= WESTFALL_YOUNG_MAX_WORK ? draws : null;
}

export interface WestfallYoungInput {
  /** Per metric, the paired values (head − base on the test scale), all of the same n pairs. */
  d: readonly (readonly number[])[];
  /** The AB/BA order of each pair, shared by every metric; read by rotations only (a sign flip
   *  swaps the label too, but the rank statistic does not read it). */
  order: readonly Order[];
  reference: JointReference;
  /** Monte Carlo draws (westfallYoungDraws); sign flips enumerate all 2^n when that is cheaper. */
  draws: number;
  rng: Rng;
}

export interface WestfallYoungResult {
  /** Step-down max-T adjusted p-values, one per metric, same order as `d`. */
  adjusted: number[];
  /** The resampling behind them: every sign vector, or Monte Carlo draws. */
  method: 'exact' | 'monte-carlo';
  draws: number;
}

// A statistic at or above the observed one within this relative tolerance counts as a hit:
// rounding in the running sums must never make the observed draw miss itself (anti-conservative).
const TOLERANCE = 1e-9;

/**
 * Westfall & Young (1993), Resampling-Based Multiple Testing, Algorithm 2.8 (step-down max-T):
 * with the observed statistics sorted |T|₍₁₎ ≥ … ≥ |T|₍ₘ₎, the adjusted p of the k-th is the
 * reference probability that max over the metrics ranked k … m of |T*| reaches |T|₍ₖ₎, made
 * monotone. It keeps the family-wise error rate in the strong sense: at the first false call
 * the metrics still in play include every true null I₀, and the one called has the largest
 * observed |T| of I₀, so the call needs max_{I₀}|T*| ≥ max_{I₀}|T| as rarely as the level; and
 * the reference distribution of I₀'s statistics depends on I₀'s values only (flipping or
 * rotating a pair moves every metric at once, but each statistic reads its own metric), so what
 * the other metrics do does not matter (subset pivotality). Monte Carlo p-values count the
 * observed draw as one of B + 1 exchangeable draws, which keeps them valid at any B.
 */
export function westfallYoung(input: WestfallYoungInput): WestfallYoungResult {
  const { d, order, reference, rng } = input;
  const m = d.length;
  const n = m === 0 ? order.length : d[0]!.length;
  if (reference === 'rotation' && order.length !== n) {
    throw new StatsInputError(
      `order must hold one AB/BA label per pair (${n}) for rotations, got ${order.length}`,
      'order',
      order.length,
    );
  }
  if (!Number.isInteger(input.draws) || input.draws < 1) {
    throw new StatsInputError(
      `draws must be a whole number ≥ 1, got ${String(input.draws)}`,
      'draws',
      input.draws,
    );
  }
  d.forEach((values, j) => {
    if (values.length !== n) {
      throw new StatsInputError(
        `d[${j}] must hold one value per pair (${n}, as d[0]), got ${values.length}`,
        `d[${j}]`,
        values.length,
      );
    }
  });
  if (m === 0) return { adjusted: [], method: 'exact', draws: 0 };
  const none = { adjusted: d.map(() => 1), method: 'exact' as const, draws: 0 };
  const joint = reference === 'rotation' ? rotationScores(d, order) : signedRankScores(d);
  if (joint === null) return none;
  const { scores, observed, axis } = joint;

  // Metrics by observed statistic, largest first (ties by index, for determinism).
  const ranked = observed.map((_, j) => j).sort((a, b) => observed[b]! - observed[a]! || a - b);
  const threshold = ranked.map((j) => observed[j]! * (1 - TOLERANCE) - 1e-300);
  const hits = new Float64Array(m);
  const stat = new Float64Array(m);
  const tally = (): void => {
    let running = 0;
    for (let k = m - 1; k >= 0; k--) {
      const s = stat[ranked[k]!]!;
      if (s > running) running = s;
      if (running >= threshold[k]!) hits[k]!++;
    }
  };

  let method: 'exact' | 'monte-carlo' = 'monte-carlo';
  let total: number;
  if (reference === 'sign-flip' && n <= 30 && 2 ** n <= input.draws * n) {
    method = 'exact';
    total = enumerateSignFlips(scores, m, n, stat, tally);
  } else if (reference === 'sign-flip') {
    total = input.draws + 1;
    hits.fill(1); // the observed draw
    sampleSignFlips(scores, m, n, input.draws, rng, stat, tally);
  } else {
    total = input.draws + 1;
    hits.fill(1);
    sampleRotations(scores, axis!, m, n, input.draws, rng, stat, tally);
  }

  const adjusted = new Array<number>(m);
  let running = 0;
  for (let k = 0; k < m; k++) {
    running = Math.max(running, Math.min(1, hits[k]! / total));
    adjusted[ranked[k]!] = running;
  }
  return { adjusted, method, draws: method === 'exact' ? total : input.draws };
}

interface JointScores {
  /** Pair-major: scores[i·m + j], pair i, metric j. */
  scores: Float64Array;
  /** |T| of each metric on the observed data. */
  observed: number[];
  /** Rotations: the unit order axis ẑ, projected out of each draw. */
  axis?: number[];
}

/**
 * The signed-rank regime: a_ij = sign(d_ij)·R_ij / √(Σᵢ R_ij²), R the midranks of the nonzero
 * |d| of metric j (zeros score 0, as the test drops them). Flipping pair i negates row i, and
 * |Σᵢ sᵢ a_ij| is the signed-rank statistic centred and divided by its reference standard
 * deviation, so metrics with ties or zeros are on one scale.
 */
function signedRankScores(d: readonly (readonly number[])[]): JointScores {
  const m = d.length;
  const n = d[0]!.length;
  const scores = new Float64Array(n * m);
  const observed = new Array<number>(m).fill(0);
  d.forEach((values, j) => {
    const nonzero: number[] = [];
    for (let i = 0; i < n; i++) if (values[i]! !== 0) nonzero.push(i);
    if (nonzero.length === 0) return;
    const { ranks } = midranks(nonzero.map((i) => Math.abs(values[i]!)));
    let squares = 0;
    for (const r of ranks) squares += r * r;
    const scale = 1 / Math.sqrt(squares);
    let sum = 0;
    nonzero.forEach((i, k) => {
      const a = Math.sign(values[i]!) * ranks[k]! * scale;
      scores[i * m + j] = a;
      sum += a;
    });
    observed[j] = Math.abs(sum);
  });
  return { scores, observed };
}

/**
 * The t regime: the crossover model d = θ + γ·z + e, z = +1 for BA and −1 for AB (the order
 * effect γ), as in student-t.ts. Projecting out z leaves n − 1 coordinates in which the paired
 * values of metric j are y_j = θ_j·x + e_j, x the projected vector of ones; with u = x/‖x‖ and
 * ŷ_j = y_j/‖y_j‖, the order-adjusted t is r·√(n − 2)/√(1 − r²) with r = u·ŷ_j, increasing in
 * |r|, so the max-T over metrics sharing n is the max of |r|. A rotation replaces u by a uniform
 * direction v of that space: v = Pg/‖Pg‖, g standard normal, and v·ŷ_j = g·ŷ_j/‖Pg‖ because ŷ_j
 * is already orthogonal to z. Null when there is no direction to test: fewer than 3 pairs or
 * every block of one order (the t then makes no call either).
 */
function rotationScores(
  d: readonly (readonly number[])[],
  order: readonly Order[],
): JointScores | null {
  const m = d.length;
  const n = order.length;
  if (n < 3) return null;
  const zHat = order.map((o) => (o === 'BA' ? 1 : -1) / Math.sqrt(n));
  const project = (values: readonly number[]): number[] => {
    let along = 0;
    for (let i = 0; i < n; i++) along += values[i]! * zHat[i]!;
    return values.map((v, i) => v - along * zHat[i]!);
  };
  const norm = (values: readonly number[]): number =>
    Math.sqrt(values.reduce((s, v) => s + v * v, 0));
  const x = project(new Array<number>(n).fill(1));
  const xNorm = norm(x);
  if (!(xNorm > 1e-9 * Math.sqrt(n))) return null;
  const u = x.map((v) => v / xNorm);
  const scores = new Float64Array(n * m);
  const observed = new Array<number>(m).fill(0);
  d.forEach((values, j) => {
    const y = project(values);
    const yNorm = norm(y);
    // No spread left once the order effect is out: no direction, no call (as the t).
    if (!(yNorm > 1e-12 * norm(values))) return;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const unit = y[i]! / yNorm;
      scores[i * m + j] = unit;
      r += unit * u[i]!;
    }
    observed[j] = Math.min(1, Math.abs(r));
  });
  return { scores, observed, axis: zHat };
}

/** All 2^n sign vectors in Gray-code order: each step flips one pair, m additions. */
function enumerateSignFlips(
  scores: Float64Array,
  m: number,
  n: number,
  stat: Float64Array,
  tally: () => void,
): number {
  const sums = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) sums[j]! += scores[i * m + j]!;
  const sign = new Int8Array(n).fill(1);
  const total = 2 ** n;
  for (let step = 0; step < total; step++) {
    if (step > 0) {
      // The pair to flip is the lowest set bit of the step (reflected binary Gray code).
      const i = 31 - Math.clz32(step & -step);
      const factor = -2 * sign[i]!;
      sign[i] = -sign[i]! as 1 | -1;
      for (let j = 0; j < m; j++) sums[j]! += factor * scores[i * m + j]!;
    }
    for (let j = 0; j < m; j++) stat[j] = Math.abs(sums[j]!);
    tally();
  }
  return total;
}

function sampleSignFlips(
  scores: Float64Array,
  m: number,
  n: number,
  draws: number,
  rng: Rng,
  stat: Float64Array,
  tally: () => void,
): void {
  const sums = new Float64Array(m);
  for (let b = 0; b < draws; b++) {
    sums.fill(0);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (i % 30 === 0) bits = Math.floor(rng.next() * 1073741824);
      const row = i * m;
      if (bits & 1) for (let j = 0; j < m; j++) sums[j]! += scores[row + j]!;
      else for (let j = 0; j < m; j++) sums[j]! -= scores[row + j]!;
      bits >>>= 1;
    }
    for (let j = 0; j < m; j++) stat[j] = Math.abs(sums[j]!);
    tally();
  }
}

function sampleRotations(
  scores: Float64Array,
  zHat: readonly number[],
  m: number,
  n: number,
  draws: number,
  rng: Rng,
  stat: Float64Array,
  tally: () => void,
): void {
  const sums = new Float64Array(m);
  for (let b = 0; b < draws; b++) {
    sums.fill(0);
    let squares = 0;
    let along = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.normal();
      squares += g * g;
      along += g * zHat[i]!;
      const row = i * m;
      for (let j = 0; j < m; j++) sums[j]! += g * scores[row + j]!;
    }
    const length = Math.sqrt(squares - along * along);
    for (let j = 0; j < m; j++) stat[j] = Math.abs(sums[j]!) / length;
    tally();
  }
}

/** One tested metric of a look, as analyze.ts hands it over. */
export interface JointEntry {
  /** The metric's own raw p-value (signed-rank, t or rank-sum). */
  pValue: number;
  /** Paired metrics: the paired values, their pairs' orders and the look's reference. Absent for
   *  unpaired metrics (Mann–Whitney), which take part as Bonferroni singletons. */
  paired?: { d: readonly number[]; order: readonly Order[]; reference: JointReference };
}

/**
 * Adjusted p-values for the tested metrics of one look under `westfall-young`.
 *
 * Metrics that share their pairs (the same n and the same orders: every block measures every
 * probe, so in a run that is all the paired metrics) form one group resampled jointly; unpaired
 * metrics, and paired metrics of another pair sequence, form groups of their own, of one metric
 * each when unpaired. Group g of size m_g among m gets the weight m_g/m and its step-down
 * adjusted p-values are divided by it (a weighted Bonferroni split, valid under any dependence
 * between groups); with one group, the usual case, the weight is 1.
 *
 * Each adjusted p is at least the metric's raw p: the exact max-T value always is, and raising a
 * Monte Carlo one only makes the procedure more conservative.
 *
 * `level` is the look's α: where the Monte Carlo p-values cannot resolve it within the work
 * allowed (westfallYoungDraws), the whole look falls back to Holm. That choice reads the level,
 * the metrics and the pairs, never the values.
 */
export function westfallYoungAdjust(
  entries: readonly JointEntry[],
  options: {
    level: number;
    rng: Rng;
    /** Fixed Monte Carlo draws in place of westfallYoungDraws (simulations; valid at any B). */
    draws?: number;
  },
): { adjusted: number[]; fallback: 'holm' | null } {
  const m = entries.length;
  const groups = new Map<string, number[]>();
  entries.forEach((entry, k) => {
    // Sign flips need the pairs only; rotations also the order axis they project out.
    const key = !entry.paired
      ? `unpaired:${k}`
      : entry.paired.reference === 'rotation'
        ? `rotation:${entry.paired.order.join('')}`
        : `sign-flip:${entry.paired.d.length}`;
    const members = groups.get(key);
    if (members) members.push(k);
    else groups.set(key, [k]);
  });
  const draws: Array<number | null> = [];
  for (const members of groups.values()) {
    const first = entries[members[0]!]!.paired;
    draws.push(
      first && members.length > 1
        ? (options.draws ?? westfallYoungDraws(options.level, members.length, first.d.length))
        : 0,
    );
  }
  if (draws.some((b) => b === null))
    return { adjusted: holm(entries.map((e) => e.pValue)), fallback: 'holm' };

  const adjusted = new Array<number>(m);
  [...groups.values()].forEach((members, g) => {
    const weight = members.length / m;
    const first = entries[members[0]!]!.paired;
    const within =
      first && members.length > 1
        ? westfallYoung({
            d: members.map((k) => entries[k]!.paired!.d),
            order: first.order,
            reference: first.reference,
            draws: draws[g]!,
            rng: options.rng,
          }).adjusted
        : members.map((k) => entries[k]!.pValue);
    members.forEach((k, i) => {
      adjusted[k] = Math.min(1, Math.max(within[i]!, entries[k]!.pValue) / weight);
    });
  });
  return { adjusted, fallback: null };
}
