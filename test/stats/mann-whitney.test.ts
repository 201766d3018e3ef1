import { describe, expect, it } from 'vitest';
import { mannWhitney } from '../../src/stats/mann-whitney.js';
import { createRng } from '../../src/stats/random.js';
import { midranks } from '../../src/stats/ranks.js';
import { binomialUpper } from './helpers.js';

/** Exact two-sided p by enumerating every choice of the x positions among the pooled values. */
function bruteForceP(x: number[], y: number[]): number {
  const { ranks } = midranks([...x, ...y]);
  const observed = x.reduce((s, _, i) => s + ranks[i]!, 0);
  const total = x.length + y.length;
  let lower = 0;
  let upper = 0;
  let count = 0;
  for (let mask = 0; mask < 2 ** total; mask++) {
    let bits = 0;
    let sum = 0;
    for (let i = 0; i < total; i++) {
      if (mask & (1 << i)) {
        bits++;
        sum += ranks[i]!;
      }
    }
    if (bits !== x.length) continue;
    count++;
    if (sum <= observed + 1e-9) lower++;
    if (sum >= observed - 1e-9) upper++;
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / count);
}

describe('mannWhitney', () => {
  it('matches R on the example of ?wilcox.test', () => {
    // R: wilcox.test(x, y, alternative = "g") → W = 35, p-value = 0.1272; two-sided 0.2544
    // (scipy.stats.mannwhitneyu(method='exact') → 0.2544122544122544).
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitney(x, y);
    expect(r).toMatchObject({ statistic: 35, method: 'exact', m: 10, n: 5 });
    expect(r.pValue).toBeCloseTo(0.2544122544122544, 12);
  });

  it('matches the normal approximation with ties (scipy asymptotic, continuity corrected)', () => {
    const x = [
      0.2, -0.5, 0.1, -1.2, -0.6, -0.2, 0.9, 1.1, -1.3, -0.8, 0.6, -2.0, -0.5, -0.1, 1.3, 0.7, -0.3,
      -0.4, -0.3, 1.5, -0.4, -0.3, 0.4, -0.1, -0.2, -1.1, 0, -0.4, 1.2, 0.7, 0, 0.7, -0.3, 1.1, 0,
      0.6, -1.3, 0.3, -1.7, -2.0,
    ];
    const y = [
      0.2, -0.4, 0.7, 2.7, -0.3, -0.1, 0.7, 1.0, 0.3, 0.3, 1.2, 1.0, -0.5, 0.4, 0.5, -0.6, 0.8,
      -0.4, 1.5, 0.7, 0.6, -0.1, 0.4, -1.5, -0.6, 0.9, -1.6, 1.3, -1.2, 1.3, -0.3, 1.3, 0.6, -1.0,
      1.7,
    ];
    const r = mannWhitney(x, y);
    expect(r).toMatchObject({ statistic: 519.5, method: 'normal' });
    expect(r.pValue).toBeCloseTo(0.0556684810845945, 12);
  });

  it('computes the exact conditional p-value with ties', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 30; trial++) {
      const m = 2 + rng.int(7);
      const n = 2 + rng.int(7);
      const draw = () => Math.round(rng.normal() * 2) / 2;
      const x = Array.from({ length: m }, draw);
      const y = Array.from({ length: n }, draw);
      expect(mannWhitney(x, y).pValue).toBeCloseTo(bruteForceP(x, y), 12);
    }
  });

  it('does not reject more often than α under the null, exact and approximate', () => {
    const rng = createRng(99);
    for (const size of [12, 40]) {
      const trials = 1500;
      let rejected = 0;
      for (let t = 0; t < trials; t++) {
        const x = Array.from({ length: size }, () => rng.normal());
        const y = Array.from({ length: size }, () => rng.normal());
        if (mannWhitney(x, y).pValue < 0.05) rejected++;
      }
      expect(rejected / trials).toBeLessThan(binomialUpper(trials, 0.05));
      expect(rejected / trials).toBeGreaterThan(0.03);
    }
  });

  it('names an empty sample', () => {
    expect(() => mannWhitney([], [1])).toThrow(/x must hold at least one value/);
  });
});
