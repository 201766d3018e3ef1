import { describe, expect, it } from 'vitest';
import {
  bootstrapHodgesLehmannCI,
  bootstrapShiftCI,
  changeFromLog,
  exactChange,
  expandedTail,
  hodgesLehmann,
  hodgesLehmannShift,
  hodgesLehmannWithCI,
  logFromChange,
  pairedValues,
} from '../../src/stats/paired.js';
import { createRng } from '../../src/stats/random.js';
import { median, quantile } from '../../src/stats/summary.js';
import { withinBinomial } from './helpers.js';

describe('paired values', () => {
  it('takes log-ratios for ratio metrics and differences otherwise', () => {
    const d = pairedValues('api/p50', 'ratio', [10, 20], [11, 10]);
    expect(d[0]).toBeCloseTo(Math.log(1.1), 15);
    expect(d[1]).toBeCloseTo(-Math.log(2), 15);
    expect(pairedValues('api/error-rate', 'difference', [0, 0.02], [0.01, 0])).toEqual([
      0.01, -0.02,
    ]);
    expect(changeFromLog(logFromChange(0.12))).toBeCloseTo(0.12, 15);
  });

  it('names non-positive ratio values and mismatched lengths', () => {
    expect(() => pairedValues('api/p50', 'ratio', [10, 0], [11, 12])).toThrow(
      /api\/p50 base\[1\] is 0, but a metric on the ratio scale needs positive values/,
    );
    expect(() => pairedValues('api/p50', 'ratio', [10], [11, 12])).toThrow(
      /api\/p50: base and head must hold the same number of paired values, got 1 and 2/,
    );
  });

  it('compares exact values relatively and names an undefined change', () => {
    expect(exactChange({ key: 'b/gzip' }, 1000, 1100)).toBeCloseTo(0.1, 15);
    expect(exactChange({ key: 'b/gzip' }, 0, 0)).toBe(0);
    expect(() => exactChange({ key: 'b/gzip' }, 0, 10)).toThrow(
      /b\/gzip: base is 0 and head is 10/,
    );
  });
});

describe('Hodges–Lehmann estimators', () => {
  it('is the median of the Walsh averages', () => {
    const rng = createRng(3);
    for (let t = 0; t < 20; t++) {
      const d = Array.from({ length: 1 + rng.int(15) }, () => Math.round(rng.normal() * 10) / 10);
      const walsh: number[] = [];
      for (let i = 0; i < d.length; i++)
        for (let j = i; j < d.length; j++) walsh.push((d[i]! + d[j]!) / 2);
      expect(hodgesLehmann(d)).toBeCloseTo(median(walsh), 12);
    }
    // R: wilcox.test(x - y, conf.int = TRUE)$estimate on the depression data is 0.46.
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    expect(hodgesLehmann(x.map((v, i) => v - y[i]!))).toBeCloseTo(0.46, 12);
  });

  it('estimates a two-sample shift as the median of pairwise differences', () => {
    const x = [1, 2, 3, 10];
    const y = [2.5, 3.5, 4];
    const diffs = x.flatMap((a) => y.map((b) => b - a));
    expect(hodgesLehmannShift(x, y)).toBe(median(diffs));
  });
});

/** The bootstrap without shortcuts: each resample (counts over the sorted values, drawn as
 *  the implementation draws them) expanded into a multiset, its HL computed from scratch. */
function naiveBootstrap(d: number[], seed: number, resamples: number): [number, number] {
  const rng = createRng(seed);
  const s = [...d].sort((a, b) => a - b);
  const replicates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const counts = new Array<number>(s.length).fill(0);
    for (let k = 0; k < s.length; k++) counts[rng.int(s.length)]! += 1;
    replicates.push(hodgesLehmann(s.flatMap((v, i) => new Array<number>(counts[i]!).fill(v))));
  }
  const tail = expandedTail(0.95, d.length);
  return [quantile(replicates, tail), quantile(replicates, 1 - tail)];
}

function naiveShiftBootstrap(x: number[], y: number[], seed: number, resamples: number) {
  const rng = createRng(seed);
  const xs = [...x].sort((a, b) => a - b);
  const ys = [...y].sort((a, b) => a - b);
  const draw = (values: number[]) => {
    const counts = new Array<number>(values.length).fill(0);
    for (let k = 0; k < values.length; k++) counts[rng.int(values.length)]! += 1;
    return values.flatMap((v, i) => new Array<number>(counts[i]!).fill(v));
  };
  const replicates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const rx = draw(xs);
    replicates.push(hodgesLehmannShift(rx, draw(ys)));
  }
  const tail = expandedTail(0.95, Math.min(x.length, y.length));
  return [quantile(replicates, tail), quantile(replicates, 1 - tail)];
}

describe('bootstrap intervals', () => {
  it('equals the bootstrap computed from scratch, resample by resample', () => {
    const rng = createRng(21);
    for (const n of [1, 2, 7, 30, 61]) {
      // Rounded values: ties among the candidates, where the anchored scan must stay exact.
      const d = Array.from({ length: n }, () => Math.round(rng.normal() * 20) / 100);
      const fast = hodgesLehmannWithCI(d, { rng: createRng(n), resamples: 300 });
      const slow = naiveBootstrap(d, n, 300);
      expect(fast.ci[0]).toBeCloseTo(slow[0], 12);
      expect(fast.ci[1]).toBeCloseTo(slow[1], 12);
      expect(fast.estimate).toBe(hodgesLehmann(d));
    }
    for (const [m, k] of [
      [1, 3],
      [9, 14],
      [40, 35],
    ] as const) {
      const x = Array.from({ length: m }, () => Math.round(rng.normal() * 20) / 100);
      const y = Array.from({ length: k }, () => Math.round(rng.normal() * 20 + 5) / 100);
      const fast = bootstrapShiftCI(x, y, { rng: createRng(m), resamples: 300 });
      const slow = naiveShiftBootstrap(x, y, m, 300);
      expect(fast[0]).toBeCloseTo(slow[0]!, 12);
      expect(fast[1]).toBeCloseTo(slow[1]!, 12);
    }
  });

  it('is reproducible for a seed and contains the estimate', () => {
    const d = [0.1, 0.12, 0.08, 0.2, 0.09, 0.11, 0.1, 0.14, 0.05, 0.1, 0.13, 0.07];
    const a = bootstrapHodgesLehmannCI(d, { rng: createRng(1), resamples: 500 });
    const b = bootstrapHodgesLehmannCI(d, { rng: createRng(1), resamples: 500 });
    expect(a).toEqual(b);
    expect(a[0]).toBeLessThan(hodgesLehmann(d));
    expect(a[1]).toBeGreaterThan(hodgesLehmann(d));
    expect(bootstrapHodgesLehmannCI([0, 0, 0], { rng: createRng(1), resamples: 200 })).toEqual([
      0, 0,
    ]);
    expect(() => bootstrapHodgesLehmannCI(d, { rng: createRng(1), resamples: 10 })).toThrow(
      /bootstrap resamples must be an integer of at least 100, got 10/,
    );
  });

  it('expands small-sample intervals (Hesterberg) and hardly changes large ones', () => {
    expect(expandedTail(0.95, 10)).toBeCloseTo(0.0085, 3);
    expect(expandedTail(0.95, 1000)).toBeCloseTo(0.025, 3);
    expect(expandedTail(0.95, 1)).toBeCloseTo(0.025, 15);
  });

  // The property the report relies on: "95% CI" covers the true change 95% of the time.
  // Lognormal timings (σ = 10% per run) with a true +5% shift, 1000 seeded trials per size.
  it.each([12, 25])('covers the true shift about 95 percent of the time (n = %i pairs)', (n) => {
    const rng = createRng(1000 + n);
    const trueShift = Math.log(1.05);
    const trials = 1000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const base: number[] = [];
      const head: number[] = [];
      for (let i = 0; i < n; i++) {
        const block = Math.exp(0.2 * rng.normal()); // shared by both sides of a pair
        base.push(100 * block * Math.exp(0.1 * rng.normal()));
        head.push(105 * block * Math.exp(0.1 * rng.normal()));
      }
      const d = pairedValues('m', 'ratio', base, head);
      const [low, high] = bootstrapHodgesLehmannCI(d, { rng, resamples: 1000 });
      if (low <= trueShift && trueShift <= high) covered++;
    }
    // 3.5 binomial standard errors around 95% (±2.4 points at 1000 trials).
    expect(withinBinomial(covered, trials, 0.95)).toBe(true);
  });

  it('covers a two-sample shift about 95% of the time', () => {
    const rng = createRng(77);
    const trials = 600;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 15 }, () => rng.normal());
      const y = Array.from({ length: 15 }, () => 0.5 + rng.normal());
      const [low, high] = bootstrapShiftCI(x, y, { rng, resamples: 500 });
      if (low <= 0.5 && 0.5 <= high) covered++;
    }
    expect(withinBinomial(covered, trials, 0.95)).toBe(true);
  });
});
