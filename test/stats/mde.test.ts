import { describe, expect, it } from 'vitest';
import { minimumDetectableChange } from '../../src/stats/mde.js';
import { bootstrapHodgesLehmannCI } from '../../src/stats/paired.js';
import { createRng } from '../../src/stats/random.js';
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
