import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/model.js';
import { predictivePower } from '../../src/stats/futility.js';
import { minimumDetectableChange, rankTestFloor, rankTestPairsFor } from '../../src/stats/mde.js';
import { bootstrapHodgesLehmannCI } from '../../src/stats/paired.js';
import { createRng } from '../../src/stats/random.js';
import { crossoverTTest } from '../../src/stats/student-t.js';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxon.js';
import { withinBinomial } from './helpers.js';

describe('minimumDetectableChange', () => {
  it('is detected with about 80% power: a simulated change of that size is called 80% of the time', () => {
    // Paired log-ratios with σ = 5%, n = 40, α = 0.01, δ = 2% (lower is better).
    const n = 40;
    const sd = 0.05;
    const alpha = 0.01;
    const threshold = 0.02;
    const mde = minimumDetectableChange({
      n,
      design: 'paired',
      sd,
      alpha,
      threshold,
      scale: 'ratio',
      better: 'lower',
    })!;
    expect(mde).toBeGreaterThan(threshold);
    const shift = Math.log1p(mde);
    const rng = createRng(404);
    const trials = 400;
    let called = 0;
    for (let t = 0; t < trials; t++) {
      const d = Array.from({ length: n }, () => shift + sd * rng.normal());
      const [low] = bootstrapHodgesLehmannCI(d, { rng, resamples: 400 });
      if (wilcoxonSignedRank(d).pValue < alpha && Math.expm1(low) > threshold) called++;
    }
    expect(withinBinomial(called, trials, 0.8, 4), `${called} of ${trials}`).toBe(true);
  });

  it('grows with noise and shrinks with n; higher-is-better is a relative drop', () => {
    const base = { design: 'paired', alpha: 0.01, threshold: 0.02, scale: 'ratio' } as const;
    const a = minimumDetectableChange({ ...base, n: 40, sd: 0.05, better: 'lower' })!;
    const b = minimumDetectableChange({ ...base, n: 40, sd: 0.1, better: 'lower' })!;
    const c = minimumDetectableChange({ ...base, n: 160, sd: 0.05, better: 'lower' })!;
    expect(b).toBeGreaterThan(a);
    expect(c).toBeLessThan(a);
    const drop = minimumDetectableChange({ ...base, n: 40, sd: 0.05, better: 'higher' })!;
    // The same log distance is a smaller relative drop than a relative rise.
    expect(drop).toBeLessThan(a);
    expect(drop).toBeGreaterThan(0.02);
    // With no noise at all, only δ is left (a difference metric: absolute).
    expect(
      minimumDetectableChange({ ...base, scale: 'difference', n: 40, sd: 0, better: 'lower' }),
    ).toBeCloseTo(0.02, 15);
  });

  it('is null when the exact test cannot reach α at this n', () => {
    const input = {
      design: 'paired',
      sd: 0.05,
      threshold: 0.02,
      scale: 'ratio',
      better: 'lower',
    } as const;
    // With 10 pairs the smallest two-sided p is 2/1024 ≈ 0.00195.
    expect(minimumDetectableChange({ ...input, n: 10, alpha: 0.001 })).toBeNull();
    expect(minimumDetectableChange({ ...input, n: 10, alpha: 0.01 })).not.toBeNull();
    expect(minimumDetectableChange({ ...input, n: 10, alpha: 0 })).toBeNull();
  });

  it('names bad input', () => {
    expect(() =>
      minimumDetectableChange({
        n: 0,
        design: 'paired',
        sd: 1,
        alpha: 0.05,
        threshold: 0.02,
        scale: 'ratio',
        better: 'lower',
      }),
    ).toThrow(/n must be a positive integer/);
  });
});

describe('minimumDetectableChange with the order-adjusted t', () => {
  const input = {
    design: 'paired',
    sd: 0.05,
    alpha: 0.01,
    threshold: 0.02,
    scale: 'ratio',
    better: 'lower',
    test: 't',
  } as const;

  it('is called about 80% of the time at its size: crossover t and the expanded HL interval, 6 pairs', () => {
    const n = 6;
    const mde = minimumDetectableChange({ ...input, n, orders: { ab: 3, ba: 3 } })!;
    expect(mde).toBeGreaterThan(0.1);
    const shift = Math.log1p(mde);
    const order: Order[] = ['AB', 'BA', 'AB', 'BA', 'AB', 'BA'];
    const rng = createRng(606);
    const trials = 400;
    let called = 0;
    for (let t = 0; t < trials; t++) {
      const d = Array.from({ length: n }, () => shift + input.sd * rng.normal());
      const [low] = bootstrapHodgesLehmannCI(d, { rng, resamples: 400 });
      if (crossoverTTest(d, order).pValue < input.alpha && Math.expm1(low) > input.threshold) {
        called++;
      }
    }
    expect(withinBinomial(called, trials, 0.8, 4), `${called} of ${trials}`).toBe(true);
  });

  it('needs 3 pairs and both orders, and grows when the orders are unbalanced', () => {
    expect(minimumDetectableChange({ ...input, n: 1 })).toBeNull();
    expect(minimumDetectableChange({ ...input, n: 2 })).toBeNull();
    expect(minimumDetectableChange({ ...input, n: 3 })).not.toBeNull();
    expect(minimumDetectableChange({ ...input, n: 5, orders: { ab: 5, ba: 0 } })).toBeNull();
    const balanced = minimumDetectableChange({ ...input, n: 8, orders: { ab: 4, ba: 4 } })!;
    const lopsided = minimumDetectableChange({ ...input, n: 8, orders: { ab: 7, ba: 1 } })!;
    expect(minimumDetectableChange({ ...input, n: 8 })).toBeCloseTo(balanced, 12);
    expect(lopsided).toBeGreaterThan(balanced);
    // The rank test at the same n and level detects nothing: 2^(1−8) = 0.0078 is not below 0.005.
    expect(
      minimumDetectableChange({ ...input, n: 8, alpha: 0.005, test: 'signed-rank' }),
    ).toBeNull();
    expect(minimumDetectableChange({ ...input, n: 8, alpha: 0.005 })).not.toBeNull();
  });
});

describe('the signed-rank floor', () => {
  it('is 2^(1−n) in the exact range and 0 past it', () => {
    expect(rankTestFloor(4)).toBe(0.125);
    expect(rankTestFloor(10)).toBeCloseTo(2 / 1024, 15);
    expect(rankTestFloor(80)).toBe(0);
  });

  it('names the fewest pairs whose floor is below a level', () => {
    for (const level of [0.5, 0.05, 0.0014, 1e-4, 3.2e-7]) {
      const n = rankTestPairsFor(level);
      expect(rankTestFloor(n)).toBeLessThan(level);
      expect(rankTestFloor(n - 1)).toBeGreaterThanOrEqual(level);
    }
    // 2^(1−n) < 0.0014 from n = 11 (2^−10 = 0.00098; 2^−9 = 0.00195).
    expect(rankTestPairsFor(0.0014)).toBe(11);
    expect(rankTestPairsFor(0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('at two pairs, where the interval’s tail is ~1e-57', () => {
  // 1 − tail rounds to 1 there, which Φ⁻¹ refuses: a one-pair Lighthouse run ended with exit 3
  // ("p must be strictly between 0 and 1, got 1") before the quantile was taken from the tail.
  it('gives a finite detectable change and a predictive power instead of throwing', () => {
    const mde = minimumDetectableChange({
      n: 2,
      design: 'paired',
      sd: 0.05,
      alpha: 0.01,
      threshold: 0.05,
      scale: 'ratio',
      better: 'lower',
    });
    expect(mde === null || Number.isFinite(mde)).toBe(true);
    const power = predictivePower({
      d: [0.1, 0.12],
      worse: 1,
      delta: Math.log1p(0.05),
      plannedPairs: 2,
      level: 0.005,
    });
    expect(power).toBeGreaterThanOrEqual(0);
    expect(power).toBeLessThanOrEqual(1);
  });
});
