import { describe, expect, it } from 'vitest';
import {
  normalCdf,
  normalQuantile,
  normalSurvival,
  studentTQuantile,
} from '../../src/stats/normal.js';

// Reference values from scipy.stats 1.17 (norm.cdf, norm.sf, norm.ppf, t.ppf).
describe('the normal distribution', () => {
  it.each([
    [-10, 7.61985302416047e-24],
    [-5, 2.866515718791933e-7],
    [-1.96, 0.024997895148220435],
    [-1, 0.15865525393145707],
    [0, 0.5],
    [0.3, 0.6179114221889526],
    [2.5, 0.9937903346742238],
  ])('Φ(%d) = %d', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 14);
    expect(Math.abs(normalCdf(z) - p) / p).toBeLessThan(1e-12);
  });

  it('keeps precision in the upper tail', () => {
    expect(Math.abs(normalSurvival(8) - 6.22096057427174e-16) / 6.22e-16).toBeLessThan(1e-12);
    expect(normalSurvival(3)).toBeCloseTo(0.0013498980316300933, 15);
  });

  it.each([
    [1e-12, -7.034483825301131],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.2, -0.8416212335729142],
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.999999999999, 7.0344869100478356],
  ])('Φ⁻¹(%d) = %d', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 9);
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(/p must be strictly between 0 and 1, got 1/);
  });

  it.each([
    [9, 2.262157162798205],
    [19, 2.0930240544083087],
    [39, 2.022690920036761],
    [4, 2.7764451051977934],
  ])('t quantile 0.975 with %d degrees of freedom ≈ %d', (nu, t) => {
    expect(Math.abs(studentTQuantile(0.975, nu) - t)).toBeLessThan(nu >= 9 ? 1e-4 : 2e-3);
  });
});
