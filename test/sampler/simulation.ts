// A simulated benchmark for the sampler's tests: correlated latency metrics of one route with
// drift, an order effect, heavy tails and outliers, driven by a fake clock.
import type { GateConfig, MetricSpec, Observation, Side } from '../../src/model.js';
import type { SamplerProbe } from '../../src/sampler/index.js';
import { createRng } from '../../src/stats/random.js';

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export function fakeClock(): FakeClock {
  let t = 0;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface RouteSimulation {
  seed: number;
  clock: FakeClock;
  /** Head's multiplier per metric (latencies up is worse; throughput is divided by the p50 one). */
  headFactor?: number;
  /** Scale of the heavy-tailed noise shared by all metrics of a run (log scale). */
  noise?: number;
  /** How much faster the second run of a block is (log scale). */
  orderEffect?: number;
  /** Share of runs that are 1.5–3× slower. */
  outlierRate?: number;
  /** Fake duration of one run, ms. */
  runMs?: number;
  benchmark?: string;
}

function spec(benchmark: string, metric: string, over: Partial<MetricSpec> = {}): MetricSpec {
  return {
    key: `${benchmark}/GET /x/${metric}`,
    benchmark,
    target: 'GET /x',
    metric,
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    ...over,
  };
}

/**
 * p50, p90, p99, mean and throughput of one route, plus an error rate (mostly zeros, many ties)
 * and an exact response size. Every run shares:
 * - slow drift of the machine (a random walk in log scale plus a sine over the run),
 * - an order effect (the second run of a block is faster: warm caches),
 * - a heavy-tailed common factor (Student t with 3 degrees of freedom),
 * - occasional outlier runs (1.5–3× slower).
 */
export function routeProbe(sim: RouteSimulation): SamplerProbe {
  const benchmark = sim.benchmark ?? 'api';
  const rng = createRng(sim.seed);
  const noise = sim.noise ?? 0.01;
  const orderEffect = sim.orderEffect ?? 0.01;
  const outlierRate = sim.outlierRate ?? 0.01;
  const factor = sim.headFactor ?? 1;
  const runMs = sim.runMs ?? 1000;
  let calls = 0;
  let walk = 0;
  const specs = [
    spec(benchmark, 'p50'),
    spec(benchmark, 'p90'),
    spec(benchmark, 'p99'),
    spec(benchmark, 'mean'),
    spec(benchmark, 'throughput', { unit: 'req/s', better: 'higher' }),
    spec(benchmark, 'error-rate', { unit: 'fraction', scale: 'difference' }),
    spec(benchmark, 'size', { unit: 'B', scale: 'exact' }),
  ];
  const t3 = () => {
    const chi2 = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
    return rng.normal() / Math.sqrt(chi2 / 3);
  };
  return {
    benchmark,
    specs,
    async measure(side: Side): Promise<Observation> {
      calls++;
      walk += 0.003 * rng.normal();
      const drift = walk + 0.05 * Math.sin(calls / 25);
      const order = calls % 2 === 0 ? -orderEffect : 0;
      const outlier = rng.next() < outlierRate ? Math.log(1.5 + 1.5 * rng.next()) : 0;
      const common = drift + order + outlier + noise * t3();
      const f = side === 'head' ? factor : 1;
      const at = (level: number, spread: number, own: number) =>
        level * f * Math.exp(spread * common + own * rng.normal());
      sim.clock.advance(runMs * (0.9 + 0.2 * rng.next()));
      let errors = 0;
      while (rng.next() < 0.3) errors++; // geometric: mostly 0, ties everywhere
      return {
        [specs[0]!.key]: at(10, 1, 0.01),
        [specs[1]!.key]: at(18, 1.2, 0.012),
        [specs[2]!.key]: at(40, 1.5, 0.025),
        [specs[3]!.key]: at(12, 1, 0.01),
        [specs[4]!.key]: (800 / f) * Math.exp(-common + 0.005 * rng.normal()),
        [specs[5]!.key]: errors / 1000,
        [specs[6]!.key]: 51_200,
      };
    },
  };
}

export function gateConfig(over: Partial<GateConfig> = {}): GateConfig {
  return {
    threshold: 0.02,
    thresholds: {},
    alpha: 0.05,
    correction: 'holm',
    timeBudgetMs: 600_000,
    looks: [10, 20, 40, 80, 160],
    warmup: 1,
    seed: 1,
    failOn: 'regression',
    ...over,
  };
}
