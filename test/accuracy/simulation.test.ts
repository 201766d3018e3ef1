// The simulation harness of bench/accuracy: its synthetic rounds are A/A when they should be, and
// perfgate's whole procedure (the real sampler: looks, α spending, Holm, CI beyond δ) keeps its
// family-wise A/A false-alarm rate at or below α on them, over enough seeded trials to mean
// something, while still detecting a large shift.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FIGURES,
  generateTrial,
  type ModelMetric,
  type NoiseFigures,
} from '../../bench/accuracy/noise-model.js';
import { benchGate, syntheticProbe } from '../../bench/accuracy/perfgate.js';
import { ROUTES, SLOW_ROUTES } from '../../bench/accuracy/series.js';
import { PERFGATE, simulate } from '../../bench/accuracy/simulate.js';
import { GATE_DEFAULTS } from '../../src/config/gate.js';
import { parseConfig, parsePercent } from '../../src/config/index.js';
import { mad, median } from '../../src/stats/summary.js';

/** Noisier than the defaults in every way the model has: drift, heavy tails, outliers, an
 *  order effect, so the property is checked where it is hardest to keep. */
const ROUGH: NoiseFigures = {
  ...DEFAULT_FIGURES,
  source: 'test',
  pairMs: 1000,
  lag1: 0.6,
  outlierRate: 0.05,
  outlierScale: 0.5,
  orderEffect: 0.03,
};

/** Smallest k with P(X ≥ k) ≤ 0.001 for X ~ Binomial(n, p): a count at or above it means the
 *  rate is above p, not bad luck. */
function binomialUpper(n: number, p: number): number {
  let term = (1 - p) ** n;
  let cdf = term;
  for (let k = 0; k < n; k++) {
    if (1 - cdf <= 0.001) return k + 1;
    term *= ((n - k) / (k + 1)) * (p / (1 - p));
    cdf += term;
  }
  return n;
}

const [SLOW, STEADY] = ROUTES as [string, string];

describe('synthetic rounds', () => {
  const logRatios = (
    figures: NoiseFigures,
    shift: number,
    route: string,
    metric: ModelMetric = 'p50',
  ) => {
    const t = generateTrial({
      figures,
      routes: ROUTES,
      slowRoutes: SLOW_ROUTES,
      shift,
      rounds: 2000,
      seed: 11,
    });
    return t.values.map((r) => Math.log(r.head[route]![metric]! / r.base[route]![metric]!));
  };

  it('are A/A at shift 0 and shift only the slowed route by log(1 + shift) otherwise', () => {
    expect(SLOW_ROUTES).toEqual([SLOW]);
    expect(Math.abs(median(logRatios(ROUGH, 0, SLOW)))).toBeLessThan(0.01);
    expect(median(logRatios(ROUGH, 0.2, SLOW))).toBeCloseTo(Math.log(1.2), 1);
    expect(Math.abs(median(logRatios(ROUGH, 0.2, STEADY)))).toBeLessThan(0.01);
  });

  it("reproduce the figures they are made from: each metric's robust paired SD, outliers included, and the outlier rate", () => {
    // Noisy figures of the shape the real noisy-neighbour runs gave: many pairs far out.
    const noisy: NoiseFigures = {
      ...ROUGH,
      metrics: { ...ROUGH.metrics, cpu: { level: 0.5, sdPair: 0.04, sdSide: 0.07 } },
      outlierRate: 0.15,
      outlierScale: 0.44,
    };
    for (const figures of [ROUGH, noisy, { ...ROUGH, outlierRate: 0 }]) {
      for (const m of ['p50', 'p99', 'cpu'] as const) {
        if (!figures.metrics[m]) continue;
        const lr = logRatios(figures, 0, SLOW, m);
        expect(mad(lr) / figures.metrics[m]!.sdPair).toBeGreaterThan(0.9);
        expect(mad(lr) / figures.metrics[m]!.sdPair).toBeLessThan(1.1);
      }
      const p50 = logRatios(figures, 0, SLOW);
      const far = p50.filter((x) => Math.abs(x) > 5 * figures.metrics.p50.sdPair).length;
      // 2,000 pairs: the fitted rate within a few points (the heavy-tailed core adds a little).
      expect(far / p50.length).toBeGreaterThan(figures.outlierRate * 0.7);
      expect(far / p50.length).toBeLessThan(figures.outlierRate + 0.02);
    }
  });

  it('move each metric by its fitted sensitivity, and hold cpu only when the figures have it', () => {
    // An I/O-bound route: latency moves by a fifth of the work's change, CPU time by all of it.
    const io: NoiseFigures = {
      ...ROUGH,
      metrics: { ...ROUGH.metrics, cpu: { level: 0.4, sdPair: 0.03, sdSide: 0.04 } },
      sensitivity: { p50: 0.2, cpu: 1 },
    };
    expect(median(logRatios(io, 0.2, SLOW, 'p50'))).toBeCloseTo(0.2 * Math.log(1.2), 2);
    expect(median(logRatios(io, 0.2, SLOW, 'cpu'))).toBeCloseTo(Math.log(1.2), 1);
    // Throughput has no sensitivity given: it falls by the whole shift.
    expect(median(logRatios(io, 0.2, SLOW, 'throughput'))).toBeCloseTo(-Math.log(1.2), 1);
    const without = generateTrial({
      figures: ROUGH,
      routes: ROUTES,
      slowRoutes: SLOW_ROUTES,
      shift: 0,
      rounds: 3,
      seed: 1,
    });
    expect(without.metrics).not.toContain('cpu');
    expect(without.values[0]!.base[SLOW]!.cpu).toBeUndefined();
  });
});

describe("the bench's gate", () => {
  it('is the gate of the minimal user config: the product defaults, with only the budget and seed set', () => {
    const parsed = parseConfig(
      JSON.stringify({
        benchmarks: [{ name: 'x', type: 'http', start: 'node x.mjs', requests: ['/a'] }],
      }),
    );
    expect(benchGate({ timeBudgetMs: 120_000, seed: 9 })).toEqual({
      ...parsed.gate,
      timeBudgetMs: 120_000,
      seed: 9,
    });
    // The defaults as a user gets them, not the tuned δ 1% the bench used to hard-code.
    expect(benchGate({ timeBudgetMs: 60_000, seed: 1 }).threshold).toBe(
      parsePercent(GATE_DEFAULTS.threshold),
    );
  });

  it('leaves out of the synthetic probe a metric the figures do not model, and keeps the error rate', () => {
    const trial = generateTrial({
      figures: ROUGH,
      routes: ROUTES,
      slowRoutes: SLOW_ROUTES,
      shift: 0,
      rounds: 4,
      seed: 3,
    });
    const specs = syntheticProbe(trial, { now: 0 }, 1000).specs;
    const modelled = new Set<string>([...trial.metrics, 'error-rate']);
    expect(specs.length).toBeGreaterThan(0);
    expect(specs.every((s) => modelled.has(s.metric))).toBe(true);
    expect(specs.some((s) => s.metric === 'error-rate')).toBe(true);
  });
});

describe("perfgate's procedure on synthetic rounds", () => {
  it('keeps the family-wise A/A false-alarm rate at or below α with the default fail-fast stop, and detects a 30% shift', async () => {
    const aaTrials = 300;
    const result = await simulate({
      figures: ROUGH,
      shifts: [0, 0.3],
      aaTrials,
      trials: 20,
      // 25 pairs: looks at 10 and 20, then the final one; cheap enough for the suite. The bench's
      // gate stops at the first look that calls a regression (the default), so a false call at
      // any look counts.
      timeBudgetMs: 25_000,
      threshold: 0.01,
      alpha: 0.1,
      seed: 7,
      rules: [],
      bootstrapResamples: 100,
    });
    const aa = result.tally.get(PERFGATE, 'default', 0)!;
    expect(aa.trials).toBe(aaTrials);
    // α = 0.1 over 12 metrics and 3 looks: without Holm and the spending, the rate would be
    // several times α; with them it must stay below α up to binomial noise.
    const limit = binomialUpper(aaTrials, 0.1);
    expect(aa.failed).toBeLessThan(limit);
    const shifted = result.tally.get(PERFGATE, 'default', 0.3)!;
    expect(shifted.detected / shifted.trials).toBeGreaterThanOrEqual(0.8);
  });
});
