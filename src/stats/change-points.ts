// Change points in a metric's history (the nightly trend mode): where did the level shift?
//
// Binary segmentation (Scott & Knott 1974; Vostrikova 1981) with a rank statistic and a
// permutation test at each split:
// - values are taken on the log scale for ratio metrics (a step is a relative change) and as
//   they are for difference metrics, then ranked within the segment, so one wild night cannot
//   make or hide a change (rank CUSUM; Pettitt 1979 uses the same idea);
// - for each split k the left part's rank sum Sₖ is standardised,
//   Tₖ = |Sₖ − k(L+1)/2| / √(k(L−k)(L+1)/12), and T = maxₖ Tₖ over splits that leave at least
//   minSegment points on each side;
// - T is compared with its permutation distribution (the segment's ranks shuffled): under "no
//   change" the values are exchangeable, so p = (1 + #{T* ≥ T})/(permutations + 1) is valid
//   without any assumption about the noise's shape (Good, Permutation Tests, §3);
// - a significant split is kept and both halves are searched again. In pure noise the first
//   test is the only one that can start a false alarm, so P(any change point) ≤ α.
// Serial correlation (slow drift of a shared runner) breaks exchangeability; such drift is then
// reported as change, which for a nightly series is what one wants to see anyway.
import { requireNonEmpty, requireProbability, StatsInputError } from './errors.js';
import { createRng, type Rng } from './random.js';
import { midranks } from './ranks.js';
import { median } from './summary.js';

export interface ChangePoint {
  /** Index of the first value of the new level. */
  index: number;
  /** Medians of the segments before and after (in the values' unit). */
  before: number;
  after: number;
  /** after/before − 1 for ratio series, after − before for difference series. */
  change: number;
  /** Permutation p-value of the split when it was found. */
  pValue: number;
}

export interface ChangePointOptions {
  seed: number;
  scale?: 'ratio' | 'difference';
  /** Level of each split's permutation test; 0.01 by default (a tracking issue should not
   *  open on noise). */
  alpha?: number;
  permutations?: number;
  /** Fewest points on each side of a change; 5 by default. */
  minSegment?: number;
  /** Changes smaller than this (relative for ratio, absolute for difference) are merged away. */
  minChange?: number;
}

export function detectChangePoints(
  values: readonly number[],
  options: ChangePointOptions,
): ChangePoint[] {
  requireNonEmpty('values', values);
  const scale = options.scale ?? 'ratio';
  const alpha = requireProbability('alpha', options.alpha ?? 0.01);
  const permutations = options.permutations ?? 999;
  const minSegment = options.minSegment ?? 5;
  const minChange = options.minChange ?? 0;
  if (!Number.isInteger(permutations) || permutations < 99) {
    throw new StatsInputError(
      `permutations must be an integer of at least 99, got ${permutations}`,
      'permutations',
      permutations,
    );
  }
  if (!Number.isInteger(minSegment) || minSegment < 1) {
    throw new StatsInputError(
      `minSegment must be a positive integer, got ${minSegment}`,
      'minSegment',
      minSegment,
    );
  }
  if (!(minChange >= 0)) {
    throw new StatsInputError(`minChange must be ≥ 0, got ${minChange}`, 'minChange', minChange);
  }
  const series = values.map((v, i) => {
    if (scale === 'difference') return v;
    if (v <= 0) {
      throw new StatsInputError(
        `values[${i}] is ${v}, but a ratio series needs positive values`,
        `values[${i}]`,
        v,
      );
    }
    return Math.log(v);
  });

  const rng = createRng(options.seed);
  const found = new Map<number, number>();
  const pending: Array<[number, number]> = [[0, series.length]];
  while (pending.length > 0) {
    const [start, end] = pending.shift()!;
    if (end - start < 2 * minSegment) continue;
    const split = bestSplit(series.slice(start, end), minSegment, permutations, alpha, rng);
    if (!split) continue;
    found.set(start + split.offset, split.pValue);
    pending.push([start, start + split.offset], [start + split.offset, end]);
  }

  // Describe each change by the medians of its neighbouring segments; drop the smallest change
  // below minChange and describe again, until every change is large enough.
  let indexes = [...found.keys()].sort((a, b) => a - b);
  for (;;) {
    const points = describe(values, indexes, scale, found);
    const smallest = points.reduce<ChangePoint | undefined>(
      (min, p) =>
        Math.abs(p.change) < minChange && (!min || Math.abs(p.change) < Math.abs(min.change))
          ? p
          : min,
      undefined,
    );
    if (!smallest) return points;
    indexes = indexes.filter((i) => i !== smallest.index);
  }
}

function describe(
  values: readonly number[],
  indexes: number[],
  scale: 'ratio' | 'difference',
  pValues: Map<number, number>,
): ChangePoint[] {
  const bounds = [0, ...indexes, values.length];
  return indexes.map((index, k) => {
    const before = median(values.slice(bounds[k]!, index));
    const after = median(values.slice(index, bounds[k + 2]!));
    const change = scale === 'ratio' ? after / before - 1 : after - before;
    return { index, before, after, change, pValue: pValues.get(index)! };
  });
}

/** max over admissible k of the standardised rank-sum of the first k ranks, and its argmax. */
function maxStatistic(ranks: Float64Array, minSegment: number): { value: number; at: number } {
  const length = ranks.length;
  let sum = 0;
  let best = -1;
  let at = minSegment;
  for (let k = 1; k < length - minSegment + 1; k++) {
    sum += ranks[k - 1]!;
    if (k < minSegment) continue;
    const t =
      Math.abs(sum - (k * (length + 1)) / 2) / Math.sqrt((k * (length - k) * (length + 1)) / 12);
    if (t > best) {
      best = t;
      at = k;
    }
  }
  return { value: best, at };
}

function bestSplit(
  segment: number[],
  minSegment: number,
  permutations: number,
  alpha: number,
  rng: Rng,
): { offset: number; pValue: number } | undefined {
  const { ranks } = midranks(segment);
  const observed = maxStatistic(ranks, minSegment);
  const shuffled = Float64Array.from(ranks);
  // Stop as soon as the split can no longer be significant: p > α once 1 + exceed > α(P + 1).
  const limit = alpha * (permutations + 1);
  let exceed = 0;
  for (let b = 0; b < permutations; b++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    // A tiny tolerance so that floating noise in equal statistics counts as "at least as large".
    if (maxStatistic(shuffled, minSegment).value >= observed.value - 1e-12) exceed++;
    if (1 + exceed > limit) return undefined;
  }
  return { offset: observed.at, pValue: (1 + exceed) / (permutations + 1) };
}
