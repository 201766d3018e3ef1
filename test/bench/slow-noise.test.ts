// The slow-probe bench's noise generator (bench/slow/noise.ts) must reproduce the figures it is
// given, or the simulated power and false-alarm rates describe some other noise.
import { describe, expect, it } from 'vitest';
import { pearson, robustSd, spearman, spearmanToPearson } from '../../bench/slow/figures.js';
import { cholesky, noiseSource, type SlowNoise } from '../../bench/slow/noise.js';

const PAIRS = 4000;

/** A/A pairs in random order, as the sampler draws them; d per metric on its scale. */
function pairs(noise: SlowNoise, seed: number, shift = 0) {
  const draw = noiseSource(noise, seed);
  const d: Record<string, number[]> = Object.fromEntries(noise.metrics.map((m) => [m.metric, []]));
  for (let i = 0; i < PAIRS; i++) {
    const headFirst = i % 2 === 0;
    const head = draw({ head: true, second: !headFirst, shift });
    const base = draw({ head: false, second: headFirst, shift });
    for (const m of noise.metrics) {
      const h = head[m.metric]!;
      const b = base[m.metric]!;
      d[m.metric]!.push(m.scale === 'ratio' ? Math.log(h / b) : h - b);
    }
  }
  return d;
}

const PAGE: SlowNoise = {
  source: 'test',
  nu: 4,
  metrics: [
    {
      metric: 'fcp',
      scale: 'ratio',
      level: 800,
      sdPair: 0.04,
      outlierRate: 0,
      outlierScale: 0,
      orderEffect: 0,
      slows: true,
    },
    {
      metric: 'lcp',
      scale: 'ratio',
      level: 1200,
      sdPair: 0.06,
      outlierRate: 0,
      outlierScale: 0,
      orderEffect: 0,
      slows: true,
    },
    {
      metric: 'max-potential-fid',
      scale: 'difference',
      level: 40,
      sdPair: 8,
      outlierRate: 0,
      outlierScale: 0,
      orderEffect: 0,
      slows: true,
      floor: 0,
    },
    {
      metric: 'weight',
      scale: 'exact',
      level: 5000,
      sdPair: 0,
      outlierRate: 0,
      outlierScale: 0,
      orderEffect: 0,
      slows: false,
    },
  ],
  correlation: [
    [1, 0.8, 0.3, 0],
    [0.8, 1, 0.2, 0],
    [0.3, 0.2, 1, 0],
    [0, 0, 0, 1],
  ],
};

describe('slow-probe noise generator', () => {
  it('gives the paired differences the robust SD it is given, per metric', () => {
    const d = pairs(PAGE, 11);
    expect(robustSd(d.fcp!) / 0.04).toBeGreaterThan(0.94);
    expect(robustSd(d.fcp!) / 0.04).toBeLessThan(1.06);
    expect(robustSd(d.lcp!) / 0.06).toBeGreaterThan(0.94);
    expect(robustSd(d.lcp!) / 0.06).toBeLessThan(1.06);
    expect(robustSd(d['max-potential-fid']!) / 8).toBeGreaterThan(0.9);
    expect(robustSd(d['max-potential-fid']!) / 8).toBeLessThan(1.1);
    // Bytes do not vary.
    expect(d.weight!.every((x) => x === 0)).toBe(true);
  });

  it('keeps the correlation between metrics', () => {
    const d = pairs(PAGE, 12);
    const r = (a: string, b: string) => spearmanToPearson(spearman(d[a]!, d[b]!));
    expect(r('fcp', 'lcp')).toBeGreaterThan(0.74);
    expect(r('fcp', 'lcp')).toBeLessThan(0.86);
    expect(r('fcp', 'max-potential-fid')).toBeGreaterThan(0.22);
    expect(r('fcp', 'max-potential-fid')).toBeLessThan(0.38);
    // Uncorrelated stays uncorrelated: the run's shared heavy-tail factor does not link the d's.
    const independent: SlowNoise = {
      ...PAGE,
      correlation: PAGE.correlation.map((row, i) => row.map((_, j) => (i === j ? 1 : 0))),
    };
    const e = pairs(independent, 13);
    expect(Math.abs(spearman(e.fcp!, e.lcp!))).toBeLessThan(0.06);
  });

  it('has heavy tails, outliers at the given rate, the order effect, and the shift on head', () => {
    const noise: SlowNoise = {
      source: 'test',
      nu: 4,
      metrics: [
        {
          metric: 'wall',
          scale: 'ratio',
          level: 1000,
          sdPair: 0.03,
          outlierRate: 0.05,
          outlierScale: 0.5,
          orderEffect: 0.02,
          slows: true,
        },
      ],
      correlation: [[1]],
    };
    const draw = noiseSource(noise, 14);
    let far = 0;
    let secondMinusFirst = 0;
    for (let i = 0; i < PAIRS; i++) {
      const first = Math.log(draw({ head: false, second: false, shift: 0 }).wall!);
      const second = Math.log(draw({ head: false, second: true, shift: 0 }).wall!);
      if (Math.abs(second - first) > 0.25) far++;
      secondMinusFirst += second - first;
    }
    // About 2 × 5% of pairs hold an outlier of |N|·0.5, beyond 0.25 in ~62% of them: ~6%.
    expect(far / PAIRS).toBeGreaterThan(0.045);
    expect(far / PAIRS).toBeLessThan(0.08);
    expect(secondMinusFirst / PAIRS).toBeGreaterThan(0.015);
    expect(secondMinusFirst / PAIRS).toBeLessThan(0.025);

    const shifted = pairs(
      { ...noise, metrics: [{ ...noise.metrics[0]!, outlierRate: 0, orderEffect: 0 }] },
      15,
      0.25,
    );
    const mean = shifted.wall!.reduce((a, b) => a + b, 0) / PAIRS;
    expect(Math.abs(mean - Math.log(1.25))).toBeLessThan(0.005);
  });

  it('repairs a correlation matrix that is not positive definite', () => {
    const l = cholesky([
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ]);
    expect(l.every((row) => row.every(Number.isFinite))).toBe(true);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });
});
