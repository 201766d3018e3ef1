import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/model.js';
import { pairedTestFor } from '../../src/stats/analyze.js';
import { holm } from '../../src/stats/multiple.js';
import { createRng, type Rng } from '../../src/stats/random.js';
import { crossoverTTest } from '../../src/stats/student-t.js';
import {
  type JointEntry,
  westfallYoung,
  westfallYoungAdjust,
  westfallYoungDraws,
} from '../../src/stats/westfall-young.js';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxon.js';
import { binomialUpper, withinBinomial } from './helpers.js';

function orders(rng: Rng, n: number): Order[] {
  return Array.from({ length: n }, () => (rng.next() < 0.5 ? 'AB' : 'BA'));
}

/** Unit-variance run noise: normal, or t₃ with 1% outliers of 8 standard deviations. */
function noise(rng: Rng, heavy: boolean): number {
  if (!heavy) return rng.normal();
  let chi = 0;
  for (let k = 0; k < 3; k++) chi += rng.normal() ** 2;
  const t = rng.normal() / Math.sqrt(chi / 3) / Math.sqrt(3);
  return rng.next() < 0.01 ? t + (rng.next() < 0.5 ? -8 : 8) : t;
}

/**
 * Metric j of a pair: θ_j + γ·z + σ(√ℓ_j·F_g(j) + √(1 − ℓ_j)·e_j), z = ±1 by the pair's order
 * (γ the order effect), F_g a factor shared by the metrics of group g.
 */
interface Design {
  loadings: number[];
  group: number[];
}
// Lighthouse-like: FCP, LCP and Speed Index on one factor, TBT and TTI half on it, two apart.
const LIGHTHOUSE: Design = {
  loadings: [0.9, 0.9, 0.9, 0.5, 0.5, 0, 0],
  group: [0, 0, 0, 0, 0, 1, 2],
};
const INDEPENDENT: Design = { loadings: [0, 0, 0, 0, 0, 0, 0], group: [0, 1, 2, 3, 4, 5, 6] };
// Three routes of five metrics (p50, mean, p95, p99, throughput), one factor per route.
const ROUTES: Design = {
  loadings: new Array(15).fill(0.8),
  group: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2],
};

interface Look {
  holm: boolean[];
  westfallYoung: boolean[];
}

/** One look at α on simulated pairs: the look's own test per metric (pairedTestFor), then Holm
 *  and Westfall–Young on the same p-values. */
function look(
  rng: Rng,
  options: {
    n: number;
    design: Design;
    alpha: number;
    heavy?: boolean;
    sigma?: number;
    orderEffect?: number;
    theta?: number[];
    draws?: number;
  },
): Look {
  const { n, design, alpha } = options;
  const m = design.loadings.length;
  const sigma = options.sigma ?? 1;
  const order = orders(rng, n);
  const d = design.loadings.map(() => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    const factors = [0, 1, 2, 3, 4, 5, 6].map(() => noise(rng, options.heavy ?? false));
    const z = order[i] === 'BA' ? 1 : -1;
    for (let j = 0; j < m; j++) {
      const l = design.loadings[j]!;
      const e = Math.sqrt(l) * factors[design.group[j]!]! + Math.sqrt(1 - l) * noise(rng, false);
      d[j]![i] = (options.theta?.[j] ?? 0) + (options.orderEffect ?? 0) * z + sigma * e;
    }
  }
  const test = pairedTestFor(n, alpha / m);
  const p = d.map((x) =>
    test === 't' ? crossoverTTest(x, order).pValue : wilcoxonSignedRank(x).pValue,
  );
  const entries: JointEntry[] = d.map((x, j) => ({
    pValue: p[j]!,
    paired: { d: x, order, reference: test === 't' ? 'rotation' : 'sign-flip' },
  }));
  const { adjusted } = westfallYoungAdjust(entries, {
    level: alpha,
    rng,
    ...(options.draws ? { draws: options.draws } : {}),
  });
  return { holm: holm(p).map((q) => q < alpha), westfallYoung: adjusted.map((q) => q < alpha) };
}

describe('Westfall–Young step-down max-T', () => {
  const alternating: Order[] = ['AB', 'BA', 'AB', 'BA', 'BA'];

  it('equals the enumerated values of a five-pair case', () => {
    // One metric all positive: only the all-plus and all-minus of 32 sign vectors reach its
    // signed-rank sum, p = 2/32, Wilcoxon's exact p; a copy of it costs nothing.
    const up = [1, 2, 3, 4, 5];
    const single = westfallYoung({
      d: [up],
      order: alternating,
      reference: 'sign-flip',
      draws: 1000,
      rng: createRng(1),
    });
    expect(single).toEqual({ adjusted: [0.0625], method: 'exact', draws: 32 });
    expect(wilcoxonSignedRank(up).pValue).toBeCloseTo(0.0625, 12);
    const twins = westfallYoung({
      d: [up, up],
      order: alternating,
      reference: 'sign-flip',
      draws: 1000,
      rng: createRng(1),
    });
    expect(twins.adjusted).toEqual([0.0625, 0.0625]);
    // With [−1, 2, −3, 4, 5] beside it: the first reaches |W| = 15 at its two sign vectors and at
    // the two that make the second all one sign, 4/32; the second, last in the step-down, is on
    // its own: |W| ≥ 7 at 14 of 32 (rank subsets summing to ≤ 4 or ≥ 11), its Wilcoxon p.
    const pair = westfallYoung({
      d: [up, [-1, 2, -3, 4, 5]],
      order: alternating,
      reference: 'sign-flip',
      draws: 1000,
      rng: createRng(1),
    });
    expect(pair.adjusted).toEqual([4 / 32, 14 / 32]);
    expect(wilcoxonSignedRank([-1, 2, -3, 4, 5]).pValue).toBeCloseTo(14 / 32, 12);
  });

  it('reduces, for one metric under rotations, to the order-adjusted t', () => {
    const rng = createRng(3);
    const order = orders(rng, 6);
    const d = [0.12, 0.3, -0.05, 0.22, 0.18, 0.09];
    const t = crossoverTTest(d, order).pValue;
    const draws = 40_000;
    const { adjusted, method } = westfallYoung({
      d: [d],
      order,
      reference: 'rotation',
      draws,
      rng: createRng(4),
    });
    expect(method).toBe('monte-carlo');
    expect(t).toBeGreaterThan(0.005);
    expect(withinBinomial(Math.round(adjusted[0]! * (draws + 1)) - 1, draws, t)).toBe(true);
  });

  it('is a monotone step-down at or above the raw p-values, and at or below Holm when exact', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 40; trial++) {
      const n = 10;
      const order = orders(rng, n);
      const shared = Array.from({ length: n }, () => rng.normal());
      const d = [0, 1, 2, 3, 4].map((j) =>
        shared.map((s) => 0.4 * (j % 2) + (j < 3 ? s : 0) + rng.normal()),
      );
      const p = d.map((x) => wilcoxonSignedRank(x).pValue);
      const exact = westfallYoung({ d, order, reference: 'sign-flip', draws: 2000, rng });
      expect(exact.method).toBe('exact');
      // No ties or zeros: every metric's statistic has the same reference distribution, so the
      // exact max-T is never above Holm (the union bound), and never below the raw p.
      const h = holm(p);
      exact.adjusted.forEach((q, j) => {
        expect(q).toBeGreaterThanOrEqual(p[j]! - 1e-12);
        expect(q).toBeLessThanOrEqual(h[j]! + 1e-12);
      });
      const entries: JointEntry[] = d.map((x) => ({
        pValue: crossoverTTest(x, order).pValue,
        paired: { d: x, order, reference: 'rotation' },
      }));
      const { adjusted } = westfallYoungAdjust(entries, { level: 0.05, rng });
      // Step-down: ranked by raw p (the t is monotone in |r| at a common n), never decreasing.
      const ranked = entries
        .map((_, j) => j)
        .sort((a, b) => entries[a]!.pValue - entries[b]!.pValue);
      for (let k = 0; k < ranked.length; k++) {
        const j = ranked[k]!;
        expect(adjusted[j]).toBeGreaterThanOrEqual(entries[j]!.pValue);
        if (k > 0) expect(adjusted[j]).toBeGreaterThanOrEqual(adjusted[ranked[k - 1]!]!);
      }
    }
  });

  it('splits the level by weight where metrics do not share pairs, and falls back to Holm', () => {
    const rng = createRng(6);
    const order = orders(rng, 12);
    const d = [0, 1, 2].map(() => order.map(() => 0.5 + rng.normal()));
    const entries: JointEntry[] = [
      ...d.map((x) => ({
        pValue: wilcoxonSignedRank(x).pValue,
        paired: { d: x, order, reference: 'sign-flip' as const },
      })),
      { pValue: 0.004 },
    ];
    const { adjusted, fallback } = westfallYoungAdjust(entries, { level: 0.05, rng });
    expect(fallback).toBeNull();
    // The unpaired metric is a group of one among four: Bonferroni, 4 × 0.004.
    expect(adjusted[3]).toBeCloseTo(0.016, 12);
    const alone = westfallYoung({ d, order, reference: 'sign-flip', draws: 2000, rng }).adjusted;
    for (let j = 0; j < 3; j++) {
      expect(adjusted[j]).toBeCloseTo(
        Math.min(1, Math.max(alone[j]!, entries[j]!.pValue) / 0.75),
        12,
      );
    }
    // A level the draws cannot resolve within the work allowed: Holm, whatever the values.
    expect(westfallYoungDraws(1e-7, 3, 12)).toBeNull();
    const tiny = westfallYoungAdjust(entries, { level: 1e-7, rng });
    expect(tiny.fallback).toBe('holm');
    expect(tiny.adjusted).toEqual(holm(entries.map((e) => e.pValue)));
    expect(westfallYoungDraws(0.01, 20, 150)).toBe(3000);
  });

  it('names bad input', () => {
    const rng = createRng(1);
    expect(() =>
      westfallYoung({
        d: [[1, 2], [1]],
        order: ['AB', 'BA'],
        reference: 'sign-flip',
        draws: 10,
        rng,
      }),
    ).toThrow(/d\[1\] must hold one value per pair \(2, as d\[0\]\), got 1/);
    expect(() =>
      westfallYoung({ d: [[1, 2, 3]], order: ['AB'], reference: 'rotation', draws: 10, rng }),
    ).toThrow(/order must hold one AB\/BA label per pair \(3\) for rotations, got 1/);
    expect(() =>
      westfallYoung({ d: [[1]], order: ['AB'], reference: 'sign-flip', draws: 0.5, rng }),
    ).toThrow(/draws must be a whole number ≥ 1, got 0.5/);
    // No direction to test: every block of one order, or too few pairs (the t makes no call).
    const sameOrder = westfallYoung({
      d: [[1, 2, 3, 4]],
      order: ['AB', 'AB', 'AB', 'AB'],
      reference: 'rotation',
      draws: 10,
      rng,
    });
    expect(sameOrder.adjusted).toEqual([1]);
  });
});

describe('Westfall–Young family-wise error rate, simulated', () => {
  // α = 0.05 so that 1000 trials can tell a rate above it; Monte Carlo p-values count the
  // observed draw among B + 1 exchangeable ones, so they are valid at the 250 draws used here.
  const alpha = 0.05;
  const trials = 1000;
  const conditions = [
    { name: 'correlated (Lighthouse-like)', design: LIGHTHOUSE },
    { name: 'independent', design: INDEPENDENT },
    {
      name: 't₃ with 1% outliers and an order effect 3× the noise',
      design: LIGHTHOUSE,
      heavy: true,
      orderEffect: 3,
    },
  ];
  for (const condition of conditions) {
    it(`keeps P(any false call) ≤ α at 3–12 and 40 pairs: ${condition.name}`, () => {
      for (const n of [3, 4, 6, 9, 12, 40]) {
        const rng = createRng(1000 * n + condition.name.length);
        let falseCalls = 0;
        for (let trial = 0; trial < trials; trial++) {
          const { westfallYoung: called } = look(rng, { n, alpha, draws: 250, ...condition });
          if (called.some(Boolean)) falseCalls++;
        }
        expect(falseCalls / trials, `${n} pairs`).toBeLessThanOrEqual(binomialUpper(trials, alpha));
      }
    });
  }
});

describe('Westfall–Young power next to Holm, simulated on the same data', () => {
  const trials = 1000;
  const count = (
    seed: number,
    options: Omit<Parameters<typeof look>[1], 'alpha'>,
    shifted: number[],
  ): { holm: number; westfallYoung: number } => {
    const rng = createRng(seed);
    const hits = { holm: 0, westfallYoung: 0 };
    for (let trial = 0; trial < trials; trial++) {
      const result = look(rng, { ...options, alpha: 0.05 });
      if (shifted.some((j) => result.holm[j])) hits.holm++;
      if (shifted.some((j) => result.westfallYoung[j])) hits.westfallYoung++;
    }
    return hits;
  };

  it('calls +25% on FCP, LCP and Speed Index more often at 5 and 6 pairs', () => {
    const theta = [0.25, 0.25, 0.25, 0, 0, 0, 0].map(Math.log1p);
    for (const [n, gain] of [
      [5, 0.03],
      [6, 0.03],
    ] as const) {
      const hits = count(n, { n, design: LIGHTHOUSE, sigma: 0.1, theta, draws: 1000 }, [0, 1, 2]);
      expect(hits.westfallYoung / trials).toBeGreaterThan(hits.holm / trials + gain);
    }
  });

  it('calls +10% on p50, mean and p95 of one route more often at 20 pairs', () => {
    const theta = [0.1, 0.1, 0.1, ...new Array(12).fill(0)].map(Math.log1p);
    const hits = count(20, { n: 20, design: ROUTES, sigma: 0.1, theta, draws: 1000 }, [0, 1, 2]);
    expect(hits.westfallYoung / trials).toBeGreaterThan(hits.holm / trials + 0.02);
  });
});
