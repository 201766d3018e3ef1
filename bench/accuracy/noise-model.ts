// Synthetic rounds with the noise of a real HTTP benchmark on a shared machine, and the figures
// that describe that noise, measured from real runs (real.ts) and read back by the simulation.
//
// The model, per round i (a pair), side s, route r, latency metric m, on the log scale:
//   log v = log level_m + d_i + √ρ·sₘ·c_{i,s,r} + √(1−ρ)·sₘ·e_{i,s,r,m} + o_{i,s,r} + shift
//   d_i   slow drift shared by both sides of a pair and by every route: AR(1) with coefficient φ
//         and stationary SD σ_d (machine load that comes and goes);
//   c     a per side-round factor shared by the metrics of a route (a burst of load during that
//         route's window), so the metrics of one route are correlated (ρ);
//   e     per-metric noise; c and e are Student t with ν = 4 (heavy tails), scaled so that their
//         robust SD (MAD × 1.4826) is 1;
//   o     an occasional outlier, as the fit counts them: in a fraction q of the pairs of a route,
//         one side (either, at random) slower by at least 5 paired SDs of p50, the excess drawn
//         so that the outliers' median distance is outlierScale; shared by the route's metrics;
//   shift log(1 + shift)·κₘ on the head side of the slowed routes, κₘ the metric's sensitivity
//         (realized change over nominal, fitted from shifted real trials: an I/O-bound route's
//         latency moves by a fraction of its CPU work's change; 1 when not measured);
//   plus, per trial, a persistent offset of each side's process, N(0, processSd²/2) (so that the
//   two processes differ by processSd), on every metric of every route; drawn again at every
//   restart of the servers when the trial restarts them (restartEvery).
// sₘ = kₘ·sdPairₘ/√2, kₘ calibrated (coreScale) so that the paired log-ratio of metric m, outliers
// included, has robust SD sdPairₘ as fitted: the real runs' robust SD includes their outliers,
// so a core of the whole sdPairₘ plus outliers on top would be noisier than what was measured. Throughput
// takes the same factors with the opposite sign (a slower round serves fewer requests). The side
// measured second in a pair gets the order effect added (measured: cache, scheduler warmth).
import { createRng, type Rng } from '../../src/stats/random.js';
import { mad, median } from '../../src/stats/summary.js';
import { processOffset } from './process-offset.js';

export const LATENCY_METRICS = ['p50', 'p95', 'p99', 'mean'] as const;
/** cpu (server CPU time per request) is modelled when the figures have it: from real runs of a
 *  probe that reports it. */
export const MODEL_METRICS = [...LATENCY_METRICS, 'throughput', 'cpu'] as const;
export type ModelMetric = (typeof MODEL_METRICS)[number];

/** Metrics whose value falls when the service slows (the log scale's sign flips). */
const HIGHER_IS_BETTER: ReadonlySet<ModelMetric> = new Set(['throughput']);

export interface MetricNoise {
  /** Typical value (median over rounds), in the metric's unit. */
  level: number;
  /** Robust SD of the paired log-ratio log(head/base) in A/A rounds. */
  sdPair: number;
  /** Robust SD of one side's log values over the rounds of a run (includes the drift). */
  sdSide: number;
}

export interface NoiseFigures {
  /** Where the figures come from: `default` or `real run <date>`. */
  source: string;
  /** Wall-clock time of one pair (both sides, every route), ms: the simulation's clock step. */
  pairMs: number;
  /** p50 always; the others as measured (cpu only from a probe that reports it). */
  metrics: { p50: MetricNoise } & Partial<Record<ModelMetric, MetricNoise>>;
  /** Per metric, the slowed route's realized change over the nominal shift, both as log-ratios
   *  (the worse direction positive): 1 when absent. */
  sensitivity?: Partial<Record<ModelMetric, number>>;
  /** Lag-1 autocorrelation of one side's log p50 over consecutive rounds. */
  lag1: number;
  /** Fraction of paired p50 log-ratios beyond 5 robust SDs of their median. */
  outlierRate: number;
  /** Median distance of those outliers from the median, log scale. */
  outlierScale: number;
  /** Mean correlation of the paired log-ratios between latency metrics of one route. */
  metricCorrelation: number;
  /** Median of log(second/first) of p50 over pairs: what being measured second does. */
  orderEffect: number;
  /** Mean error rate seen (the model keeps it at 0; reported for the record). */
  errorRate: number;
  /** SD across A/A runs of the run's median p50 log-ratio, beyond what the rounds' noise within
   *  a run explains: a persistent difference between two fresh server processes of the same
   *  code (placement, JIT, scheduling), which no pairing of rounds can cancel. The
   *  DerSimonian–Laird estimate over the runs (process-offset.ts), 0 without enough runs. */
  processSd?: number;
  /** Its one-sided 95% upper bound, and the runs it was taken from (runs of ≥ 5 pairs). */
  processSdUpper?: number;
  processSdRuns?: number;
  /** Why processSd was not estimated from these runs (it is then 0 and wants --process-sd). */
  processSdNote?: string;
  /** How loaded the machine was while the figures were taken (1-minute load average). */
  loadAverage?: number;
  runs?: number;
  pairs?: number;
}

/** Figures used before any real run has been saved: of the order seen on this 2-core machine
 *  under other engineers' load (replaced by results/noise-figures.json when present). */
export const DEFAULT_FIGURES: NoiseFigures = {
  source: 'default',
  // Two routes × two sides × the default 1 s round, plus the gaps between rounds.
  pairMs: 4400,
  metrics: {
    p50: { level: 4, sdPair: 0.05, sdSide: 0.08 },
    p95: { level: 5.5, sdPair: 0.1, sdSide: 0.13 },
    p99: { level: 8, sdPair: 0.2, sdSide: 0.25 },
    mean: { level: 4.3, sdPair: 0.05, sdSide: 0.08 },
    throughput: { level: 2000, sdPair: 0.05, sdSide: 0.08 },
  },
  lag1: 0.3,
  outlierRate: 0.02,
  outlierScale: 0.3,
  metricCorrelation: 0.6,
  orderEffect: 0,
  errorRate: 0,
};

/** The same noise made `factor` times larger or smaller (every spread, outliers included; the
 *  shape, correlation and timing kept): for asking what a quieter machine would reach. */
export function scaleFigures(f: NoiseFigures, factor: number): NoiseFigures {
  if (!(factor > 0) || !Number.isFinite(factor)) {
    throw new RangeError(`noise scale must be a positive number, got ${factor}`);
  }
  if (factor === 1) return f;
  const metrics = { ...f.metrics };
  for (const m of modeledMetrics(f)) {
    const v = f.metrics[m]!;
    metrics[m] = { ...v, sdPair: v.sdPair * factor, sdSide: v.sdSide * factor };
  }
  return {
    ...f,
    metrics,
    outlierScale: f.outlierScale * factor,
    orderEffect: f.orderEffect * factor,
    processSd: (f.processSd ?? 0) * factor,
    ...(f.processSdUpper !== undefined ? { processSdUpper: f.processSdUpper * factor } : {}),
    source: `${f.source}, noise × ${factor}`,
  };
}

/** The metrics the figures describe, in MODEL_METRICS order. */
export function modeledMetrics(f: Pick<NoiseFigures, 'metrics'>): ModelMetric[] {
  return MODEL_METRICS.filter((m) => f.metrics[m] !== undefined);
}

/** Robust SD (MAD × 1.4826) of Student t with ν = 4: its MAD is 0.7407. */
const T4_ROBUST_SD = 1.0982;

function studentT4(rng: Rng): number {
  const z = rng.normal();
  let chi = 0;
  for (let k = 0; k < 4; k++) chi += rng.normal() ** 2;
  return z / Math.sqrt(chi / 4) / T4_ROBUST_SD;
}

export interface TrialSpec {
  figures: NoiseFigures;
  routes: string[];
  /** Routes whose head is slower. */
  slowRoutes: string[];
  /** Relative slowdown of the slowed routes' service time (0.03 is +3%). */
  shift: number;
  /** Rounds to generate (an upper bound on what any rule will ask for). */
  rounds: number;
  seed: number;
  /** The servers restart before every round r > 1 with (r − 1) a multiple of this (round 0 is
   *  the warm-up, as the sampler counts): each side's process offset is drawn again. */
  restartEvery?: number;
}

/** One route's metrics for one side of one round, before the order effect (the figures'
 *  metrics only). */
export type RouteValues = Partial<Record<ModelMetric, number>>;

export interface SyntheticTrial {
  routes: string[];
  /** The metrics the rounds hold (the figures'). */
  metrics: ModelMetric[];
  /** values[round][side][route] */
  values: Array<Record<'base' | 'head', Record<string, RouteValues>>>;
  orderEffect: number;
}

/** Derived parameters of the model from the figures (see the header). */
export function modelParameters(f: NoiseFigures) {
  const s = f.metrics.p50.sdPair / Math.SQRT2;
  const driftVar = Math.max(0, f.metrics.p50.sdSide ** 2 - s ** 2);
  const sigmaD = Math.sqrt(driftVar);
  const total = driftVar + s ** 2;
  // lag1 = φ·σ_d² / (σ_d² + s²) for an AR(1) drift plus white noise.
  const phi = driftVar > 0 ? Math.min(0.995, Math.max(0, (f.lag1 * total) / driftVar)) : 0;
  const rho = Math.min(0.95, Math.max(0, f.metricCorrelation));
  return { sigmaD, phi, rho };
}

/** MAD of the standard normal: |N(0,1)| / NORMAL_MAD has median 1. */
const NORMAL_MAD = 0.6745;

/** The outliers' size beyond the core: at least 5 paired SDs of p50 (the fit's cut), with the
 *  fitted median distance. */
function outlierSize(f: NoiseFigures, rng: Rng): number {
  const cut = 5 * f.metrics.p50.sdPair;
  const typical = Math.max(f.outlierScale, cut);
  return cut + ((typical - cut) * Math.abs(rng.normal())) / NORMAL_MAD;
}

/** One pair's outlier on the log scale, head minus base (0 in most pairs). */
function pairOutlier(f: NoiseFigures, rng: Rng): { base: number; head: number } {
  if (!(rng.next() < f.outlierRate)) return { base: 0, head: 0 };
  const size = outlierSize(f, rng);
  return rng.next() < 0.5 ? { base: size, head: 0 } : { base: 0, head: size };
}

const coreScales = new WeakMap<NoiseFigures, Partial<Record<ModelMetric, number>>>();

/**
 * kₘ of the header: the factor on metric m's core spread that makes its paired log-ratio, the
 * outliers included, have robust SD sdPairₘ. Found by bisection on a fixed seeded sample (so
 * the same figures always give the same k). Also without outliers: two heavy-tailed sides do not
 * add in quadrature on the robust scale.
 */
export function coreScale(f: NoiseFigures, m: ModelMetric): number {
  const cached = coreScales.get(f)?.[m];
  if (cached !== undefined) return cached;
  const target = f.metrics[m]!.sdPair;
  const rho = modelParameters(f).rho;
  let k = 1;
  if (target > 0) {
    const rng = createRng(0x5eed);
    const draws = Array.from({ length: 20_000 }, () => {
      const side = () => Math.sqrt(rho) * studentT4(rng) + Math.sqrt(1 - rho) * studentT4(rng);
      const o = pairOutlier(f, rng);
      return { core: ((side() - side()) * target) / Math.SQRT2, outlier: o.head - o.base };
    });
    const robustSdAt = (scale: number) => mad(draws.map((d) => scale * d.core + d.outlier));
    let low = 0.05;
    let high = 1;
    for (let i = 0; i < 30; i++) {
      k = (low + high) / 2;
      if (robustSdAt(k) > target) high = k;
      else low = k;
    }
  }
  coreScales.set(f, { ...coreScales.get(f), [m]: k });
  return k;
}

export function generateTrial(spec: TrialSpec): SyntheticTrial {
  const { figures: f, routes } = spec;
  const rng = createRng(spec.seed);
  const { sigmaD, phi, rho } = modelParameters(f);
  const slow = new Set(spec.slowRoutes);
  const logShift = Math.log1p(spec.shift);
  const metrics = modeledMetrics(f);
  const values: SyntheticTrial['values'] = [];
  const drawOffsets = (from: Rng) => ({
    base: ((f.processSd ?? 0) / Math.SQRT2) * from.normal(),
    head: ((f.processSd ?? 0) / Math.SQRT2) * from.normal(),
  });
  let processOffset = drawOffsets(rng);
  // A restart's offsets come from their own stream, so that every other draw stays as it was
  // without restarts (and the results saved before restarts were modelled reproduce).
  const restartRng = createRng((spec.seed ^ 0x9e3779b9) >>> 0);
  let d = sigmaD * rng.normal();
  const innovation = sigmaD * Math.sqrt(1 - phi * phi);
  for (let i = 0; i < spec.rounds; i++) {
    if (isRestart(i, spec.restartEvery)) processOffset = drawOffsets(restartRng);
    d = phi * d + innovation * rng.normal();
    const round = { base: {}, head: {} } as SyntheticTrial['values'][number];
    const outliers = Object.fromEntries(routes.map((r) => [r, pairOutlier(f, rng)]));
    for (const side of ['base', 'head'] as const) {
      for (const route of routes) {
        const c = studentT4(rng);
        const o = outliers[route]![side];
        const shifted = side === 'head' && slow.has(route) ? logShift : 0;
        const v: RouteValues = {};
        for (const m of metrics) {
          const noiseOf = f.metrics[m]!;
          const sm = (coreScale(f, m) * noiseOf.sdPair) / Math.SQRT2;
          const noise = Math.sqrt(rho) * sm * c + Math.sqrt(1 - rho) * sm * studentT4(rng);
          const sign = HIGHER_IS_BETTER.has(m) ? -1 : 1;
          const moved = shifted * (f.sensitivity?.[m] ?? 1);
          v[m] = noiseOf.level * Math.exp(sign * (d + noise + o + moved + processOffset[side]));
        }
        round[side][route] = v;
      }
    }
    values.push(round);
  }
  return { routes, metrics, values, orderEffect: f.orderEffect };
}

/** Whether the servers restart before round i of a trial (round 0 is the warm-up). */
export function isRestart(i: number, every: number | undefined): boolean {
  return every !== undefined && every > 0 && i > 1 && (i - 1) % every === 0;
}

/** A route's values as observed, with the order effect applied to the side measured second. */
export function observed(v: RouteValues, second: boolean, orderEffect: number): RouteValues {
  if (!second || orderEffect === 0) return v;
  const out: RouteValues = {};
  for (const [m, x] of Object.entries(v) as Array<[ModelMetric, number]>) {
    out[m] = x * Math.exp(HIGHER_IS_BETTER.has(m) ? -orderEffect : orderEffect);
  }
  return out;
}

/** One real run's per-round values of one route's metric, paired, in the order measured. */
export interface PairedSeries {
  base: number[];
  head: number[];
  /** Which side ran first in each pair. */
  firstSide: Array<'base' | 'head'>;
}

function robustSd(x: readonly number[]): number {
  return x.length < 3 ? 0 : mad(x);
}

/** Pearson's correlation of the first min(|x|, |y|) values; 0 below 3 or without spread. */
export function correlation(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 3) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
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

function lag1(x: readonly number[]): number {
  if (x.length < 4) return 0;
  return correlation(x.slice(0, -1), x.slice(1));
}

function logRatios(s: PairedSeries): number[] {
  return s.base.map((b, i) => Math.log(s.head[i]! / b));
}

function pooledMedian(values: number[]): number {
  return values.length === 0 ? 0 : median(values);
}

/** Shortest A/A run whose pairs count: a futility stop can end an A/A run at 4 pairs. */
const MIN_PAIRS = 3;

/**
 * The figures of A/A runs: every run is a map route → metric → paired series. The paired spread
 * is the robust SD of every run's log-ratios pooled: in an A/A run they are centred on 0 (the
 * same code, a random order), so pooling needs no per-run centring and uses the short runs a
 * futility stop leaves (a per-run SD needs more pairs than those have). It includes whatever
 * differs between two fresh processes. One side's spread is pooled from the deviations of each
 * run's log values from that run's mean (each run has its own level), corrected for the mean's
 * degree of freedom. The correlation between metrics and the outliers are taken on the pooled
 * log-ratios too; lag-1 needs longer runs, and the between-process SD (process-offset.ts) three
 * runs of at least 5 pairs: each is 0 without them.
 */
export function measureFigures(
  runs: Array<Record<string, Partial<Record<ModelMetric | 'error-rate', PairedSeries>>>>,
  extra: {
    pairMs: number;
    loadAverage?: number;
    source: string;
    sensitivity?: Partial<Record<ModelMetric, number>>;
    /** Why the runs cannot give the between-process SD, when their lengths depended on their
     *  values (a futility or early stop): absent when every run ran to its budget. */
    lengthsSelected?: string;
  },
): NoiseFigures {
  const seriesOf = (m: ModelMetric) =>
    runs.flatMap((run) =>
      Object.values(run).flatMap((route) => {
        const s = route[m];
        return s && s.base.length >= MIN_PAIRS ? [s] : [];
      }),
    );
  const metrics = {} as NoiseFigures['metrics'];
  for (const m of MODEL_METRICS) {
    const series = seriesOf(m);
    // p50 is always there (the model's spreads are built on it); the others when measured.
    if (series.length === 0 && m !== 'p50') continue;
    const deviations = series.flatMap((s) => {
      const logs = s.base.map(Math.log);
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const k = Math.sqrt(logs.length / (logs.length - 1));
      return logs.map((x) => (x - mean) * k);
    });
    metrics[m] = {
      level: pooledMedian(series.flatMap((s) => s.base)),
      sdPair: robustSd(series.flatMap(logRatios)),
      sdSide: robustSd(deviations),
    };
  }
  const p50Series = seriesOf('p50');
  let outliers = 0;
  let total = 0;
  const excess: number[] = [];
  const order: number[] = [];
  const pooled = p50Series.flatMap(logRatios);
  const centre = pooledMedian(pooled);
  const spread = robustSd(pooled);
  for (const s of p50Series) {
    const r = logRatios(s);
    for (const x of r) {
      total++;
      if (spread > 0 && Math.abs(x - centre) > 5 * spread) {
        outliers++;
        excess.push(Math.abs(x - centre));
      }
    }
    s.firstSide.forEach((first, i) => {
      // log(second/first): head/base when base ran first, base/head otherwise.
      const x = r[i]!;
      order.push(first === 'base' ? x : -x);
    });
  }
  // Pooled per route over the runs (their log-ratios are all centred on 0), then averaged.
  const correlations: number[] = [];
  const routes = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  for (const route of routes) {
    const lr = LATENCY_METRICS.map((m) =>
      runs.flatMap((run) => {
        const s = run[route]?.[m];
        return s && s.base.length >= MIN_PAIRS && run[route]?.p50 ? logRatios(s) : [];
      }),
    ).filter((x) => x.length >= 5);
    for (let a = 0; a < lr.length; a++) {
      for (let b = a + 1; b < lr.length; b++) {
        if (lr[a]!.length === lr[b]!.length) correlations.push(correlation(lr[a]!, lr[b]!));
      }
    }
  }
  const errorRates = runs.flatMap((run) =>
    Object.values(run).flatMap((route) => route['error-rate']?.base ?? []),
  );
  // One offset on every route, as the model puts it: each pair's p50 log-ratio averaged over the
  // routes the run measured. Only from runs that ran to their budget: where a stop chose a run's
  // length from its values, its median is chosen too (the futility stop ends A/A runs whose
  // estimate fell low, and those that go on are the ones whose estimate rose), and that spread
  // between runs reads as an offset the processes do not have.
  const offset =
    extra.lengthsSelected !== undefined
      ? undefined
      : processOffset(
          runs.flatMap((run) => {
            const routes = Object.values(run).flatMap((route) =>
              route.p50 ? [logRatios(route.p50)] : [],
            );
            if (routes.length === 0) return [];
            const pairs = Math.min(...routes.map((r) => r.length));
            return [
              Array.from(
                { length: pairs },
                (_, i) => routes.reduce((a, r) => a + r[i]!, 0) / routes.length,
              ),
            ];
          }),
        );
  const figures: NoiseFigures = {
    source: extra.source,
    pairMs: extra.pairMs,
    metrics,
    lag1: pooledMedian(
      p50Series.filter((s) => s.base.length >= 5).map((s) => lag1(s.base.map(Math.log))),
    ),
    outlierRate: total > 0 ? outliers / total : 0,
    outlierScale: excess.length > 0 ? median(excess) : 0,
    metricCorrelation: pooledMedian(correlations),
    orderEffect: pooledMedian(order),
    errorRate:
      errorRates.length > 0 ? errorRates.reduce((a, b) => a + b, 0) / errorRates.length : 0,
    processSd: offset?.sd ?? 0,
    ...(offset ? { processSdUpper: offset.upper, processSdRuns: offset.runs } : {}),
    ...(extra.lengthsSelected !== undefined ? { processSdNote: extra.lengthsSelected } : {}),
    runs: runs.length,
    pairs: p50Series.reduce((a, s) => a + s.base.length, 0),
  };
  if (extra.loadAverage !== undefined) figures.loadAverage = extra.loadAverage;
  if (extra.sensitivity !== undefined && Object.keys(extra.sensitivity).length > 0) {
    figures.sensitivity = extra.sensitivity;
  }
  return figures;
}
