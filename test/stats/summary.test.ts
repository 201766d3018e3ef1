import { describe, expect, it } from 'vitest';
import { mad, mean, median, quantile, summarize } from '../../src/stats/summary.js';

// Expected values are R's: quantile(x, p) (type 7), median, mad (constant 1.4826).
describe('summary statistics', () => {
  it('computes type-7 quantiles like R', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(x, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile(x, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile([7, 1, 3], 0.25)).toBeCloseTo(2, 12);
    expect(quantile([5], 0.99)).toBe(5);
  });

  it('computes median, mean and MAD like R', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([1e16, 1, -1e16, 1])).toBe(0.5);
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    expect(mad([2, 2, 2])).toBe(0);
  });

  it('summarizes a sample', () => {
    expect(summarize([10, 12, 11, 30])).toEqual({
      n: 4,
      median: 11.5,
      mean: 15.75,
      min: 10,
      max: 30,
      mad: 1.4826 * 1,
    });
  });

  it('names the bad input', () => {
    expect(() => summarize([])).toThrow(/values must hold at least one value, got none/);
    expect(() => median([1, Number.NaN])).toThrow(/values\[1\] must be a finite number, got NaN/);
    expect(() => quantile([1, 2], 1.5)).toThrow(/p must be between 0 and 1, got 1.5/);
  });
});
