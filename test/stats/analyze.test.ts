import { describe, expect, it } from 'vitest';
import type { MetricSamples, MetricSpec, Order } from '../../src/model.js';
import { analyzeMetrics } from '../../src/stats/analyze.js';
import { holm } from '../../src/stats/multiple.js';
import { createRng } from '../../src/stats/random.js';

function spec(metric: string, over: Partial<MetricSpec> = {}): MetricSpec {
  return {
    key: `api/GET /x/${metric}`,
    benchmark: 'api',
    target: 'GET /x',
    metric,
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    ...over,
  };
}

function paired(s: MetricSpec, n: number, factor: number, seed: number, sd = 0.05): MetricSamples {
  const rng = createRng(seed);
  const base: number[] = [];
  const head: number[] = [];
  const order: Order[] = [];
  for (let i = 0; i < n; i++) {
    const block = 20 * Math.exp(0.2 * rng.normal());
    base.push(block * Math.exp(sd * rng.normal()));
    head.push(block * factor * Math.exp(sd * rng.normal()));
    order.push(i % 2 ? 'AB' : 'BA');
  }
  return { spec: s, base, head, order };
}

const options = {
  alphaAtLook: 0.05,
  correction: 'holm' as const,
  seed: 7,
  bootstrapResamples: 500,
};

describe('analyzeMetrics', () => {
  it('estimates a relative change with its CI, p-value and detectable change', () => {
    const [a] = analyzeMetrics([paired(spec('p50'), 40, 1.1, 1)], {
      ...options,
      thresholds: [0.02],
    });
    expect(a!.n).toBe(40);
    expect(a!.change).toBeGreaterThan(0.07);
    expect(a!.change).toBeLessThan(0.13);
    expect(a!.ci[0]).toBeLessThan(a!.change);
    expect(a!.ci[1]).toBeGreaterThan(a!.change);
    expect(a!.ci[0]).toBeGreaterThan(0.02);
    expect(a!.pValue).toBeLessThan(1e-6);
    expect(a!.adjustedPValue).toBe(a!.pValue);
    expect(a!.mde).toBeGreaterThan(0.02);
    expect(a!.mde).toBeLessThan(0.1);
  });

  it('adjusts p-values across the tested metrics only', () => {
    const samples = [
      paired(spec('p50'), 30, 1.03, 1),
      paired(spec('p90'), 30, 1.0, 2),
      {
        spec: spec('gzip', { scale: 'exact', unit: 'B' }),
        base: [1000],
        head: [1100],
        order: ['AB'] as Order[],
      },
      paired(spec('p99'), 30, 0.98, 3),
    ];
    const result = analyzeMetrics(samples, { ...options, thresholds: [0.02, 0.02, 0.05, 0.02] });
    const raw = [result[0]!, result[1]!, result[3]!].map((a) => a.pValue!);
    const expected = holm(raw);
    expect([result[0]!, result[1]!, result[3]!].map((a) => a.adjustedPValue)).toEqual(expected);
    expect(result[2]).toEqual({
      n: 1,
      change: expect.closeTo(0.1, 12),
      ci: [expect.closeTo(0.1, 12), expect.closeTo(0.1, 12)],
      pValue: null,
      adjustedPValue: null,
      mde: null,
    });
  });

  it('adjusts jointly under westfall-young: correlated metrics pay less than under Holm', () => {
    // p50, mean and p95 of one route: one block factor and a shared +4%, little noise apart.
    const rng = createRng(11);
    const n = 30;
    const order: Order[] = Array.from({ length: n }, () => (rng.next() < 0.5 ? 'AB' : 'BA'));
    const shared = Array.from({ length: n }, () => 0.04 + 0.05 * rng.normal());
    const route = ['p50', 'mean', 'p95'].map((metric) => {
      const base = shared.map(() => 20 * Math.exp(0.2 * rng.normal()));
      const head = base.map((b, i) => b * Math.exp(shared[i]! + 0.005 * rng.normal()));
      return { spec: spec(metric), base, head, order };
    });
    const errors = {
      spec: spec('error-rate', { scale: 'difference', unit: 'fraction' }),
      base: new Array<number>(n).fill(0),
      head: new Array<number>(n).fill(0),
      order,
    };
    const bytes = {
      spec: spec('gzip', { scale: 'exact', unit: 'B' }),
      base: [1000],
      head: [1000],
      order: ['AB'] as Order[],
    };
    const other = paired(spec('p99'), n, 1.0, 12);
    const samples = [...route, errors, bytes, other];
    const run = (correction: 'holm' | 'westfall-young') =>
      analyzeMetrics(samples, {
        ...options,
        correction,
        thresholds: [0.02, 0.02, 0.02, 0.01, 0.05, 0.02],
        unpaired: [false, false, false, false, false, true],
      });
    const joint = run('westfall-young');
    const holmed = run('holm');
    expect(run('westfall-young')).toEqual(joint);
    expect(joint[4]!.adjustedPValue).toBeNull();
    expect(joint[3]!.adjustedPValue).toBe(1);
    joint.forEach((a, i) => {
      if (a.pValue === null) return;
      expect(a.pValue).toBe(holmed[i]!.pValue);
      expect(a.adjustedPValue!).toBeGreaterThanOrEqual(a.pValue);
    });
    // The unpaired p99 is a group of its own, one of five tested: Bonferroni.
    expect(joint[5]!.adjustedPValue).toBeCloseTo(Math.min(1, 5 * joint[5]!.pValue!), 12);
    // The three route metrics move as one: the step-down charges them about once, Holm five or
    // four times (0.8 = 4/5, the route's weight against the unpaired group, is the only charge).
    for (let i = 0; i < 3; i++) {
      expect(joint[i]!.adjustedPValue!).toBeLessThan(holmed[i]!.adjustedPValue! / 2);
    }
  });

  it('gives each metric the same interval whatever the other metrics are', () => {
    const p50 = paired(spec('p50'), 25, 1.05, 1);
    const p90 = paired(spec('p90'), 25, 1.0, 2);
    const alone = analyzeMetrics([p50], { ...options, thresholds: [0.02] })[0]!;
    const together = analyzeMetrics([p90, p50], { ...options, thresholds: [0.02, 0.02] })[1]!;
    expect(together.ci).toEqual(alone.ci);
    expect(together.change).toBe(alone.change);
  });

  it('works on the difference scale (absolute change) and with zeros', () => {
    const s = spec('error-rate', { scale: 'difference', unit: 'fraction' });
    const base = new Array<number>(20).fill(0);
    const [a] = analyzeMetrics([{ spec: s, base, head: base, order: base.map(() => 'AB') }], {
      ...options,
      thresholds: [0.01],
    });
    expect(a).toMatchObject({ n: 20, change: 0, ci: [0, 0], pValue: 1, adjustedPValue: 1 });
    expect(a!.mde).toBeCloseTo(0.01, 12);
    const [b] = analyzeMetrics(
      [
        {
          spec: s,
          base,
          head: base.map((_, i) => (i < 15 ? 0.05 : 0)),
          order: base.map(() => 'AB'),
        },
      ],
      { ...options, thresholds: [0.01] },
    );
    expect(b!.change).toBeCloseTo(0.05, 12);
  });

  it('uses Mann–Whitney and the two-sample shift where pairs are not meaningful', () => {
    const samples = [paired(spec('p50'), 30, 1.1, 4, 0.02)];
    const [a] = analyzeMetrics(samples, { ...options, thresholds: [0.02], unpaired: [true] });
    // The between-block spread (20%) is not cancelled without pairing: a wide interval.
    expect(a!.ci[1] - a!.ci[0]).toBeGreaterThan(0.1);
    const [b] = analyzeMetrics(samples, { ...options, thresholds: [0.02] });
    expect(b!.ci[1] - b!.ci[0]).toBeLessThan(0.05);
    expect(b!.pValue!).toBeLessThan(a!.pValue!);
  });

  it('names bad options', () => {
    const samples = [paired(spec('p50'), 10, 1, 1)];
    expect(() => analyzeMetrics(samples, { ...options, thresholds: [] })).toThrow(
      /thresholds must hold one δ per metric \(1\), got 0/,
    );
    expect(() => analyzeMetrics(samples, { ...options, thresholds: [-1] })).toThrow(
      /thresholds\[0\] \(api\/GET \/x\/p50\) must be a number ≥ 0, got -1/,
    );
    expect(() =>
      analyzeMetrics(samples, { ...options, alphaAtLook: 2, thresholds: [0.02] }),
    ).toThrow(/alphaAtLook must be strictly between 0 and 1, got 2/);
  });
});
