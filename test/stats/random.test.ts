import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../src/stats/random.js';

describe('createRng', () => {
  it('repeats its stream for a seed and differs between nearby seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    // Seeds beyond 32 bits are not folded onto small ones.
    expect(createRng(2 ** 32 + 42).next()).not.toBe(createRng(42).next());
  });

  it('draws uniform values in [0, 1) and integers in 0..n-1', () => {
    const rng = createRng(1);
    const bins = new Array<number>(10).fill(0);
    const draws = 100_000;
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(outside).toBe(0);
    // χ² with 9 degrees of freedom: 27.9 is its 0.999 quantile.
    const expected = draws / 10;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.9);

    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(450);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });

  it('draws standard normals', () => {
    const rng = createRng(7);
    const n = 50_000;
    let sum = 0;
    let sumSq = 0;
    let beyond196 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      if (Math.abs(z) > 1.959964) beyond196++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
    expect(Math.abs(beyond196 / n - 0.05)).toBeLessThan(0.005);
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number, got NaN/);
  });
});

describe('deriveSeed', () => {
  it('gives each label its own stable seed', () => {
    expect(deriveSeed(1, 'api/p99')).toBe(deriveSeed(1, 'api/p99'));
    expect(deriveSeed(1, 'api/p99')).not.toBe(deriveSeed(1, 'api/p90'));
    expect(deriveSeed(1, 'api/p99')).not.toBe(deriveSeed(2, 'api/p99'));
    expect(deriveSeed(1, 'a', 'b')).not.toBe(deriveSeed(1, 'ab'));
  });
});
