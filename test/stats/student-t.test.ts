import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/model.js';
import { pairedTestFor } from '../../src/stats/analyze.js';
import { createRng, type Rng } from '../../src/stats/random.js';
import {
  crossoverTTest,
  logGamma,
  studentTCritical,
  studentTTwoSided,
} from '../../src/stats/student-t.js';
import { binomialUpper } from './helpers.js';

describe("Student's t distribution", () => {
  it('matches published values (R: 2 * pt(-|t|, df))', () => {
    expect(studentTTwoSided(2, 5)).toBeCloseTo(0.1019395, 6);
    expect(studentTTwoSided(12.7062, 1)).toBeCloseTo(0.05, 5);
    expect(studentTTwoSided(4.302653, 2)).toBeCloseTo(0.05, 6);
    expect(studentTTwoSided(31.59905, 2)).toBeCloseTo(0.001, 6);
    expect(studentTTwoSided(0, 7)).toBeCloseTo(1, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('inverts to the critical value, far into the tail', () => {
    expect(studentTCritical(0.05, 10)).toBeCloseTo(2.228139, 5);
    for (const nu of [2, 3, 5, 11]) {
      for (const level of [0.05, 1e-3, 1e-6]) {
        expect(studentTTwoSided(studentTCritical(level, nu), nu) / level).toBeCloseTo(1, 6);
      }
    }
  });
});

describe('crossover t test', () => {
  it('gives the textbook statistic, and makes no call where the order effect is confounded', () => {
    const r = crossoverTTest([0.1, 0.3, 0.2, 0.4], ['AB', 'AB', 'BA', 'BA']);
    // means 0.2 (AB) and 0.3 (BA): effect 0.25; s² = (0.01 + 0.01 + 0.01 + 0.01)/2 = 0.02;
    // se = (0.1414/2)·√(1/2 + 1/2) = 0.0707; t = 3.536 on 2 df
    expect(r.estimate).toBeCloseTo(0.25, 12);
    expect(r.statistic).toBeCloseTo(3.5355, 3);
    expect(r.pValue).toBeCloseTo(0.0715, 3);
    expect(crossoverTTest([0.1, 0.2, 0.3], ['AB', 'AB', 'AB']).pValue).toBe(1);
    expect(crossoverTTest([0.1, 0.1, 0.2, 0.2], ['AB', 'AB', 'BA', 'BA']).pValue).toBe(1);
  });

  // The false-alarm property where the test is used: 3–12 pairs, each run's noise drawn from a
  // distribution, the block order a fair coin, the second run of a block faster by γ (an order
  // effect ten times the noise's scale, or none), at the levels of early looks.
  const runNoise: Record<string, (rng: Rng) => number> = {
    normal: (rng) => rng.normal(),
    't₃ with 5% outliers of 3×': (rng) => {
      const chi2 = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
      return rng.normal() / Math.sqrt(chi2 / 3) + (rng.next() < 0.05 ? Math.log(3) : 0);
    },
    'uniform (light tails)': (rng) => rng.next(),
    'exponential (skewed)': (rng) => -Math.log(rng.next()),
  };
  for (const [name, noise] of Object.entries(runNoise)) {
    it(`keeps its false-alarm rate at or below the level at 3–12 pairs: ${name}`, () => {
      const rng = createRng(41);
      const trials = 12_000;
      const levels = [0.01, 0.001];
      for (const gamma of [0, 10]) {
        for (const n of [3, 4, 6, 9, 12]) {
          const hits = [0, 0];
          for (let i = 0; i < trials; i++) {
            const d: number[] = [];
            const order: Order[] = [];
            for (let k = 0; k < n; k++) {
              const o: Order = rng.next() < 0.5 ? 'AB' : 'BA';
              const first = noise(rng);
              const second = noise(rng) - gamma;
              d.push(o === 'AB' ? second - first : first - second);
              order.push(o);
            }
            const p = crossoverTTest(d, order).pValue;
            levels.forEach((level, k) => {
              if (p < level) hits[k]!++;
            });
          }
          levels.forEach((level, k) => {
            expect(hits[k]! / trials, `γ = ${gamma}, n = ${n}, level ${level}`).toBeLessThanOrEqual(
              binomialUpper(trials, level),
            );
          });
        }
      }
    });
  }
});

describe('the paired test of a look', () => {
  it('is the signed-rank test only where its floor 2^(1−n) lies well below the level', () => {
    // 7 metrics at α = 0.01: level 0.0014; the floor is 0.00098 at 11 pairs, 0.00012 at 14.
    expect(pairedTestFor(10, 0.01 / 7)).toBe('t');
    expect(pairedTestFor(13, 0.01 / 7)).toBe('t');
    expect(pairedTestFor(14, 0.01 / 7)).toBe('signed-rank');
    expect(pairedTestFor(40, 1e-6)).toBe('signed-rank');
    expect(pairedTestFor(20, 1e-6)).toBe('t');
  });
});
