// The futility stop and the time-planned looks on the simulated route (test/sampler/simulation.ts):
// what they save on A/A runs, what they cost in power, and that the false-alarm rate holds.
import { describe, expect, it } from 'vitest';
import { runSampler } from '../../src/sampler/index.js';
import { plannedLooks } from '../../src/sampler/look-plan.js';
import { predictivePower } from '../../src/stats/futility.js';
import { median } from '../../src/stats/summary.js';
import { binomialUpper } from '../stats/helpers.js';
import { fakeClock, gateConfig, routeProbe } from './simulation.js';

const HEAVY = { timeout: 120_000 };

describe('predictive power', () => {
  it('is high for an estimate beyond the boundary, low for one at 0, and 0/1 with no pairs left', () => {
    const noise = [0.03, -0.03, 0.01, -0.01, 0.02, -0.02, 0.04, -0.04];
    const at = (shift: number, plannedPairs: number) =>
      predictivePower({
        d: noise.map((x) => x + shift),
        worse: 1,
        delta: 0.01,
        plannedPairs,
        level: 0.001,
      });
    expect(at(0.3, 100)).toBeGreaterThan(0.99);
    expect(at(0, 100)).toBeLessThan(0.1);
    expect(at(0, 8)).toBe(0);
    expect(at(0.3, 8)).toBe(1);
    // More pairs ahead, more chance: power grows with the planned pairs for a small shift.
    expect(at(0.02, 400)).toBeGreaterThan(at(0.02, 40));
  });
});

describe('time-planned looks', () => {
  it('start at 4 pairs and grow by about 1.25, below the pair limit', () => {
    expect(plannedLooks(5)).toEqual([4]);
    expect(plannedLooks(6)).toEqual([4, 5]);
    expect(plannedLooks(100)).toEqual([4, 5, 7, 9, 12, 15, 19, 24, 30, 38, 48, 60, 75, 94]);
    expect(plannedLooks(4)).toEqual([]);
  });
});

describe('futility stop on the simulated route', HEAVY, () => {
  const run = (trial: number, headFactor: number, futility: boolean) => {
    const clock = fakeClock();
    return runSampler({
      gate: gateConfig({
        seed: trial,
        alpha: 0.05,
        timeBudgetMs: 300_000,
        lookPlan: 'time',
        looks: [320],
        futility,
      }),
      probes: [routeProbe({ seed: 90_000 + trial, clock, headFactor, noise: 0.03 })],
      now: clock.now,
      bootstrapResamples: 100,
    });
  };

  it('ends A/A runs early with the false-alarm rate at or below α', async () => {
    const trials = 150;
    let alarms = 0;
    const pairs: number[] = [];
    let futile = 0;
    for (let trial = 0; trial < trials; trial++) {
      const out = await run(trial, 1, true);
      if (out.statuses.some((s) => s === 'regressed' || s === 'improved')) alarms++;
      if (out.stoppedBy === 'futility') futile++;
      pairs.push(out.pairs);
    }
    expect(alarms / trials).toBeLessThanOrEqual(binomialUpper(trials, 0.05));
    // 300 s at ~2 s a pair is ~145 pairs; futility ends most runs far sooner.
    expect(futile / trials).toBeGreaterThanOrEqual(0.8);
    expect(median(pairs)).toBeLessThanOrEqual(48);
  });

  it('costs no power at +10% and +20%', async () => {
    for (const factor of [1.1, 1.2]) {
      let withStop = 0;
      let without = 0;
      for (let trial = 0; trial < 40; trial++) {
        if ((await run(trial, factor, true)).statuses.includes('regressed')) withStop++;
        if ((await run(trial, factor, false)).statuses.includes('regressed')) without++;
      }
      expect(withStop, `×${factor}`).toBe(without);
      expect(withStop, `×${factor}`).toBeGreaterThanOrEqual(38);
    }
  });
});

describe('slow benchmarks get a verdict (#20)', () => {
  // 10 s runs in a 2-minute budget: about 5 pairs after the warm-up. Before the t at few pairs
  // and the time-planned looks, the first look was at 10 pairs and this was inconclusive.
  const slow = (trial: number, headFactor: number) => {
    const clock = fakeClock();
    return runSampler({
      gate: gateConfig({
        seed: trial,
        alpha: 0.01,
        timeBudgetMs: 120_000,
        lookPlan: 'time',
        looks: [320],
      }),
      probes: [routeProbe({ seed: 5_000 + trial, clock, headFactor, noise: 0.01, runMs: 10_000 })],
      now: clock.now,
      bootstrapResamples: 200,
    });
  };

  it('calls +25% regressed within 6 pairs, and makes no call when nothing changed', async () => {
    let regressed = 0;
    let alarms = 0;
    const trials = 40;
    for (let trial = 0; trial < trials; trial++) {
      const out = await slow(trial, 1.25);
      expect(out.pairs).toBeLessThanOrEqual(6);
      if (out.statuses[0] === 'regressed') regressed++;
      const same = await slow(trial, 1);
      if (same.statuses.some((s) => s === 'regressed' || s === 'improved')) alarms++;
    }
    // Measured 21/40 (t₃ noise, 1% outliers of 1.5–3×, drift, Holm over 6 metrics at α = 1%):
    // about half the runs, where the fixed looks at 10, 20, … made no call at all. #20 asks for
    // every run; what is left is in src/stats/README.md.
    expect(regressed).toBeGreaterThanOrEqual(18);
    expect(alarms).toBeLessThanOrEqual(2);
  });
});
