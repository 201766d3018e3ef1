// Student's t below the signed-rank floor is for runs that cannot reach enough pairs: a run
// whose budget allows many pairs keeps the rank test at every look, so discrete noise (a pause
// paid or not, which makes nearly equal differences of one sign) cannot buy a false call at its
// early looks, where the t over-calls it (src/stats/README.md).
import { describe, expect, it } from 'vitest';
import type { MetricSpec, Observation, Side } from '../../src/model.js';
import { runSampler, type SamplerProbe } from '../../src/sampler/index.js';
import { smallRunTest } from '../../src/sampler/sampler.js';
import { createRng } from '../../src/stats/random.js';
import { type FakeClock, fakeClock, gateConfig } from './simulation.js';

describe('smallRunTest', () => {
  it('allows the t only where the planned pairs leave the rank test short of the level', () => {
    const level = 0.01 / 6;
    expect(smallRunTest(6, level)).toBe('auto');
    expect(smallRunTest(13, level)).toBe('auto');
    expect(smallRunTest(15, level)).toBe('signed-rank');
    expect(smallRunTest(200, level)).toBe('signed-rank');
  });
});

/** One latency whose runs either pay a 2× pause (half the runs) or not, with 0.2% other spread. */
function pausingProbe(seed: number, clock: FakeClock): SamplerProbe {
  const rng = createRng(seed);
  const spec: MetricSpec = {
    key: 'api/GET /x/p50',
    benchmark: 'api',
    target: 'GET /x',
    metric: 'p50',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
  };
  return {
    specs: [spec],
    async measure(_side: Side): Promise<Observation> {
      clock.advance(500);
      const pause = rng.next() < 0.5 ? 2 : 1;
      return { [spec.key]: 10 * pause * Math.exp(0.002 * rng.normal()) };
    },
  };
}

describe('an A/A run with discrete noise and a budget for many pairs', { timeout: 120_000 }, () => {
  it('keeps the false-alarm rate at or below α and calls nothing before the rank test can', async () => {
    // Four pairs that all paid the pause on one side (probability 2 × 0.25⁴ ≈ 0.8%) are four
    // equal differences: the t calls them at any level, the rank test cannot at 4 pairs.
    const trials = 2000;
    let alarms = 0;
    let early = 0;
    for (let trial = 0; trial < trials; trial++) {
      const clock = fakeClock();
      const out = await runSampler({
        gate: gateConfig({
          seed: trial,
          alpha: 0.01,
          timeBudgetMs: 60_000,
          lookPlan: 'time',
          looks: [320],
          futility: false,
          earlyStop: 'regression',
        }),
        probes: [pausingProbe(50_000 + trial, clock)],
        now: clock.now,
        bootstrapResamples: 100,
      });
      const alarm = out.statuses.some((s) => s === 'regressed' || s === 'improved');
      if (alarm) alarms++;
      if (alarm && out.pairs < 14) early++;
    }
    // Measured: 1 alarm in 2,000, none before 14 pairs; with the t at the early looks, 22
    // (1.1%, above α).
    expect(early).toBe(0);
    expect(alarms / trials).toBeLessThanOrEqual(0.01);
  });
});
