// Synthetic runs of a slow probe with the noise measured in real pairs (measure.ts, figures.ts).
//
// One run of side s, metric m:
//   ratio       v = level · exp(sₘ·wₛ·zₘ/c + o + second·orderₘ) · (1 + shift if head and m slows)
//   difference  v = max(floor, level + sₘ·wₛ·zₘ/c + o + second·orderₘ) · (1 + shift if …)
//   z       normal with the measured correlation between metrics (Cholesky), so that a burst of
//           load moves FCP, LCP and Speed Index of the same run together;
//   wₛ      √(ν/χ²_ν), shared by the metrics of the run: z·w is multivariate Student t with
//           ν = 4, heavy-tailed as load spikes are; c makes its paired difference's robust SD 1;
//   o       with the measured per-run outlier rate, a slow outlier |N(0,1)|·outlierScale on every
//           metric of the run (a pause hits the whole run; one uniform draw per run, so the
//           rarer spikes come with the commoner ones); outlierScale itself for a metric without
//           spread, whose only variation is a discrete spike (Max Potential FID 16 → ~320 ms);
//   second  1 for the side measured second in its pair (the measured order effect), else 0.
// sₘ = sdPairₘ, the measured robust SD of the paired d, so the d's of A/A pairs have that robust
// SD. Runs are independent apart from the order effect: slow drift, which pairing cancels, is
// left out (its trace in the d's, the lag-1 autocorrelation, is reported with the figures).
import { createRng, type Rng } from '../../src/stats/random.js';
import { mad, median } from '../../src/stats/summary.js';
import { type MeasuredPair, type PairFigures, pairDifferences, type Scale } from './figures.js';

export interface MetricNoise {
  metric: string;
  scale: Scale;
  /** Typical value, in the metric's unit. */
  level: number;
  /** Robust SD of the paired d (log-ratio for ratio metrics, head − base otherwise). */
  sdPair: number;
  /** Probability that a run is a slow outlier, and the outlier's typical size on the d scale. */
  outlierRate: number;
  outlierScale: number;
  /** Added to the run measured second in its pair, on the d scale. */
  orderEffect: number;
  /** Whether a slowdown of the timed work moves this metric (timings do, bytes and CLS not). */
  slows: boolean;
  /** Difference metrics: values never go below this (0 for TBT, CLS). */
  floor?: number;
}

export interface SlowNoise {
  /** Where the figures come from. */
  source: string;
  metrics: MetricNoise[];
  /** Correlation of the metrics' normal scores, in the order of `metrics`. */
  correlation: number[][];
  /** Degrees of freedom of the run noise (Student t). */
  nu: number;
}

export const DEFAULT_NU = 4;

/** Lower Cholesky factor of a correlation matrix; a matrix that is not positive definite (a
 *  correlation estimated from few pairs can be) is shrunk towards the identity until it is. */
export function cholesky(r: readonly (readonly number[])[]): number[][] {
  const n = r.length;
  for (let shrink = 0; shrink <= 1; shrink += 0.05) {
    const a = r.map((row, i) => row.map((v, j) => (i === j ? 1 : v * (1 - shrink))));
    const l = a.map(() => new Array<number>(n).fill(0));
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i]![j]!;
        for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
        if (i === j) {
          if (s <= 1e-9) ok = false;
          else l[i]![i] = Math.sqrt(s);
        } else l[i]![j] = s / l[j]![j]!;
      }
    }
    if (ok) return l;
  }
  throw new RangeError(
    `correlation: expected a symmetric matrix with unit diagonal, got ${JSON.stringify(r)}`,
  );
}

function tMixing(rng: Rng, nu: number): number {
  let chi = 0;
  for (let i = 0; i < nu; i++) chi += rng.normal() ** 2;
  return Math.sqrt(nu / chi);
}

const unitScale = new Map<number, number>();
/** Robust SD of the difference of two independent standard t_ν draws, by seeded simulation
 *  (no closed form for the difference of t's); dividing by it makes the d's robust SD 1. */
export function pairScale(nu: number): number {
  let c = unitScale.get(nu);
  if (c === undefined) {
    const rng = createRng(20_260_512 + nu);
    const d = Array.from(
      { length: 100_000 },
      () => rng.normal() * tMixing(rng, nu) - rng.normal() * tMixing(rng, nu),
    );
    c = mad(d);
    unitScale.set(nu, c);
  }
  return c;
}

export interface RunDraw {
  head: boolean;
  second: boolean;
  /** Relative slowdown of the timed work on the head side (0.1 is +10%). */
  shift: number;
}

/** A source of runs: each call is one run of one side, values keyed by metric. */
export function noiseSource(
  noise: SlowNoise,
  seed: number,
): (run: RunDraw) => Record<string, number> {
  const rng = createRng(seed);
  const l = cholesky(noise.correlation);
  if (l.length !== noise.metrics.length) {
    throw new RangeError(
      `correlation: expected ${noise.metrics.length} rows (one per metric), got ${l.length}`,
    );
  }
  const c = pairScale(noise.nu);
  return (run) => {
    const n = noise.metrics.map(() => rng.normal());
    const w = tMixing(rng, noise.nu);
    const outlier = rng.next();
    const size = Math.abs(rng.normal());
    const values: Record<string, number> = {};
    noise.metrics.forEach((m, i) => {
      let z = 0;
      for (let k = 0; k <= i; k++) z += l[i]![k]! * n[k]!;
      const better = m.metric === 'score' ? -1 : 1;
      let e = (m.sdPair * w * z) / c;
      // Spikes of a metric without spread are discrete (16 ms or ~320 ms): their measured size.
      if (outlier < m.outlierRate) e += better * (m.sdPair > 0 ? size : 1) * m.outlierScale;
      if (run.second) e += m.orderEffect;
      const factor = run.head && m.slows ? 1 + run.shift : 1;
      values[m.metric] =
        m.scale === 'ratio'
          ? m.level * Math.exp(e) * factor
          : Math.max(m.floor ?? Number.NEGATIVE_INFINITY, m.level + e) * factor;
    });
    return values;
  };
}

/** The generator's parameters for one metric from its measured pair figures: the outlier rate
 *  per run is half the share of pairs beyond 5 robust SDs (either run of the pair may have been
 *  the slow one), their size the median distance of those pairs from the median. A metric whose
 *  d's have no spread (robust SD 0: TBT at 0 or Max Potential FID at 16 ms in most runs) varies
 *  only by spikes: the share of runs away from the typical value, the median distance. */
export function metricNoise(
  metric: string,
  scale: Scale,
  f: PairFigures,
  pairs: readonly MeasuredPair[],
  o: { slows: boolean; level?: number; floor?: number },
): MetricNoise {
  let outlierRate = 0;
  let outlierScale = 0;
  if (f.sdPair > 0) {
    const d = pairDifferences(pairs, metric, scale);
    const center = median(d);
    const far = d.map((x) => Math.abs(x - center)).filter((x) => x > 5 * f.sdPair);
    outlierRate = far.length / d.length / 2;
    outlierScale = far.length > 0 ? median(far) : 0;
  } else if (scale !== 'exact') {
    const runs = pairs.flatMap((p) => [p.base[metric]!, p.head[metric]!]);
    const away = runs.filter((v) => v !== f.level).map((v) => Math.abs(v - f.level));
    outlierRate = away.length / runs.length;
    outlierScale = away.length > 0 ? median(away) : 0;
  }
  return {
    metric,
    scale,
    level: o.level ?? f.level,
    sdPair: f.sdPair,
    outlierRate,
    outlierScale,
    orderEffect: f.orderEffect,
    slows: o.slows,
    ...(o.floor !== undefined ? { floor: o.floor } : {}),
  };
}
