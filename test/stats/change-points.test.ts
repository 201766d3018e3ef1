import { describe, expect, it } from 'vitest';
import { detectChangePoints } from '../../src/stats/change-points.js';
import { createRng, type Rng } from '../../src/stats/random.js';

/** A nightly series: lognormal noise (σ = 3%) with an occasional wild night, and steps. */
function series(rng: Rng, length: number, steps: Array<[index: number, factor: number]>): number[] {
  return Array.from({ length }, (_, i) => {
    const level = steps.reduce((l, [at, factor]) => (i >= at ? l * factor : l), 100);
    const outlier = rng.next() < 0.03 ? 1.5 : 1;
    return level * outlier * Math.exp(0.03 * rng.normal());
  });
}

describe('detectChangePoints', () => {
  it('finds a 10% step in noise, where it is, with its size', () => {
    const rng = createRng(1);
    let found = 0;
    for (let trial = 0; trial < 50; trial++) {
      const values = series(rng, 60, [[35, 1.1]]);
      const points = detectChangePoints(values, { seed: trial });
      const near = points.filter((p) => Math.abs(p.index - 35) <= 2);
      if (near.length === 1) {
        found++;
        expect(near[0]!.change).toBeGreaterThan(0.06);
        expect(near[0]!.change).toBeLessThan(0.14);
        expect(near[0]!.pValue).toBeLessThanOrEqual(0.01);
      }
    }
    expect(found).toBeGreaterThanOrEqual(47);
  });

  it('finds two steps, one up and one down', () => {
    const rng = createRng(2);
    const values = series(rng, 90, [
      [30, 1.15],
      [60, 0.8],
    ]);
    const points = detectChangePoints(values, { seed: 3 });
    expect(points.map((p) => p.index)).toEqual([30, 60]);
    expect(points[0]!.change).toBeGreaterThan(0.1);
    expect(points[1]!.change).toBeLessThan(-0.15);
    expect(points[1]!.before).toBeCloseTo(points[0]!.after, 10);
  });

  it('finds nothing in pure noise most of the time', () => {
    const rng = createRng(4);
    let falseAlarms = 0;
    const trials = 300;
    for (let trial = 0; trial < trials; trial++) {
      if (detectChangePoints(series(rng, 60, []), { seed: trial }).length > 0) falseAlarms++;
    }
    // α = 0.01 per series; 3.5 binomial standard errors above it is 2%.
    expect(falseAlarms / trials).toBeLessThan(0.03);
  });

  it('merges away changes smaller than minChange', () => {
    const rng = createRng(5);
    const values = series(rng, 80, [[40, 1.06]]).map((v, i) => (i >= 40 ? v : v * 0.98));
    expect(detectChangePoints(values, { seed: 1, alpha: 0.05 }).length).toBeGreaterThan(0);
    expect(detectChangePoints(values, { seed: 1, alpha: 0.05, minChange: 0.2 })).toEqual([]);
  });

  it('works on the difference scale and names bad input', () => {
    const values = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 0.05) + (i % 3) * 0.001);
    const [point] = detectChangePoints(values, { seed: 1, scale: 'difference' });
    expect(point?.index).toBe(20);
    expect(point?.change).toBeCloseTo(0.05, 10);
    expect(() => detectChangePoints([1, 0, 2], { seed: 1 })).toThrow(
      /values\[1\] is 0, but a ratio series needs positive values/,
    );
    expect(() => detectChangePoints([1, 2], { seed: 1, permutations: 5 })).toThrow(
      /permutations must be an integer of at least 99, got 5/,
    );
    expect(detectChangePoints([1, 2, 3], { seed: 1 })).toEqual([]);
  });
});
