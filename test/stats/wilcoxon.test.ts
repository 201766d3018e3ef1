import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random.js';
import { midranks } from '../../src/stats/ranks.js';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxon.js';
import { binomialUpper, withinBinomial } from './helpers.js';

/** The exact randomization p-value by enumerating all 2ⁿ sign vectors (midranks, zeros dropped). */
function bruteForceP(d: number[]): number {
  const nonzero = d.filter((x) => x !== 0);
  const { ranks } = midranks(nonzero.map(Math.abs));
  const observed = nonzero.reduce((s, x, i) => (x > 0 ? s + ranks[i]! : s), 0);
  let lower = 0;
  let upper = 0;
  const total = 2 ** nonzero.length;
  for (let mask = 0; mask < total; mask++) {
    let v = 0;
    for (let i = 0; i < nonzero.length; i++) if (mask & (1 << i)) v += ranks[i]!;
    if (v <= observed + 1e-9) lower++;
    if (v >= observed - 1e-9) upper++;
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / total);
}

describe('wilcoxonSignedRank', () => {
  it('matches R on the depression data of Hollander & Wolfe (Table 3.1)', () => {
    // R: wilcox.test(x, y, paired = TRUE) → V = 40, p-value = 0.03906
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const r = wilcoxonSignedRank(x.map((v, i) => v - y[i]!));
    expect(r.statistic).toBe(40);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(0.0390625, 12);
  });

  it('matches the normal approximation with tie and continuity correction (scipy, R)', () => {
    // scipy.stats.wilcoxon(d, method='approx', correction=True) → p = 0.3507223658625851;
    // one zero (dropped) and many ties.
    const d = [
      0.3, 0.6, 0.0, -0.6, -0.2, -0.7, 0.4, 1.6, -0.2, -0.3, 0.8, 0.7, 0.4, -0.6, 0.3, 1.0, -1.0,
      -0.2, -1.6, -1.0, -1.5, 0.1, -1.0, 0.6, 0.5, 0.1, -2.2, -0.2, 0.3, 0.4, -1.2, -0.2, -0.7,
      -0.5, 1.4, -0.5, 0.3, 1.2, -0.3, 0.2, 0.4, 0.4, -0.9, 0.4, 1.7, -1.2, 1.2, 0.4, -0.3, 2.3,
      1.1, -0.9, 0.4, 0.9, 0.1, 1.0, 0.2, 1.0, 1.7, -0.4,
    ];
    const r = wilcoxonSignedRank(d);
    expect(r).toMatchObject({ statistic: 1009, n: 59, zeros: 1, method: 'normal' });
    expect(r.pValue).toBeCloseTo(0.3507223658625851, 12);
  });

  it('computes the exact conditional p-value with ties and zeros', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + rng.int(11);
      // Rounded values make ties and zeros common.
      const d = Array.from({ length: n }, () => Math.round(rng.normal() * 2 + 0.5) / 2);
      expect(wilcoxonSignedRank(d).pValue).toBeCloseTo(bruteForceP(d), 12);
    }
  });

  it('gives p = 1 when every difference is zero', () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toMatchObject({ pValue: 1, n: 0, zeros: 3 });
  });

  it('has uniform-ish p-values under the null, exact and approximate', () => {
    const rng = createRng(2024);
    for (const n of [15, 80]) {
      const trials = 2000;
      const below = { 0.01: 0, 0.05: 0, 0.25: 0, 0.5: 0 };
      for (let t = 0; t < trials; t++) {
        // Heavy-tailed symmetric noise: a normal over a random scale.
        const d = Array.from({ length: n }, () => rng.normal() / (0.2 + rng.next()));
        const p = wilcoxonSignedRank(d).pValue;
        for (const level of [0.01, 0.05, 0.25, 0.5] as const) if (p < level) below[level]++;
      }
      // Never above the level (beyond binomial noise); close to it (the exact test is discrete).
      for (const level of [0.01, 0.05, 0.25, 0.5] as const) {
        expect(below[level] / trials).toBeLessThan(binomialUpper(trials, level));
        expect(withinBinomial(below[level], trials, level, 4)).toBe(true);
      }
    }
  });

  it('rejects non-finite input by name', () => {
    expect(() => wilcoxonSignedRank([1, Number.POSITIVE_INFINITY])).toThrow(
      /differences\[1\] must be a finite number, got Infinity/,
    );
  });
});
