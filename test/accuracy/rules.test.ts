// The peer rules of bench/accuracy behave as their documentation says, on small fixed inputs.
import { describe, expect, it } from 'vitest';
import {
  benchstatUTest,
  gabRatioAlert,
  lhciMedian,
  lhciMedianBudget,
  type MetricSeries,
  tachometerAutoSample,
  tachometerRelativeInterval,
} from '../../bench/accuracy/rules.js';

const lower = (key: string, base: number[], head: number[]): MetricSeries => ({
  key,
  better: 'lower',
  base,
  head,
});
const higher = (key: string, base: number[], head: number[]): MetricSeries => ({
  key,
  better: 'higher',
  base,
  head,
});

describe('github-action-benchmark ratio alert', () => {
  it('alerts only when current/previous is strictly above the threshold (smaller is better)', () => {
    const metrics = [
      lower('doubled', [10], [20]),
      lower('more-than-doubled', [10], [20.01]),
      lower('faster', [10], [4]),
    ];
    expect(gabRatioAlert(metrics, { threshold: 2 }).regressed).toEqual(['more-than-doubled']);
    expect(gabRatioAlert(metrics, { threshold: 1.1 }).regressed).toEqual([
      'doubled',
      'more-than-doubled',
    ]);
  });

  it('uses previous/current for bigger-is-better metrics and never alerts on 0/0', () => {
    const metrics = [higher('throughput', [1000], [450]), lower('error-rate', [0], [0])];
    const out = gabRatioAlert(metrics, { threshold: 2 });
    expect(out).toEqual({ regressed: ['throughput'], samplesUsed: 1 });
  });
});

describe('Lighthouse CI median-of-3 budget', () => {
  it('takes the median as assertions.js does (middle value; mean of the two middle ones)', () => {
    expect(lhciMedian([3, 1, 2])).toBe(2);
    expect(lhciMedian([4, 1, 3, 2])).toBe(2.5);
  });

  it('fails when the median of 3 head runs exceeds the budget, whatever one run does', () => {
    // Budget: median of base (10) × 1.1 = 11.
    const over = lower('lcp', [9, 10, 30], [11.5, 10, 12]);
    const under = lower('ttfb', [10, 10, 10], [10.9, 50, 9]);
    const slower = higher('throughput', [100, 100, 100], [90, 95, 80]);
    const out = lhciMedianBudget([over, under, slower], { margin: 0.1 });
    expect(out).toEqual({ regressed: ['lcp', 'throughput'], samplesUsed: 3 });
  });
});

describe('benchstat U-test', () => {
  const base = Array.from({ length: 20 }, (_, i) => 100 + i);
  it('calls a separated slower head regressed at α 0.05, and not a faster one', () => {
    const slower = base.map((v) => v + 50);
    const faster = base.map((v) => v - 50);
    const out = benchstatUTest([lower('slower', base, slower), lower('faster', base, faster)], {
      alpha: 0.05,
      count: 20,
    });
    expect(out).toEqual({ regressed: ['slower'], samplesUsed: 20 });
  });

  it('does not call interleaved samples or all-equal samples, and applies no correction', () => {
    const interleaved = base.map((v) => v + 0.5);
    const zeros = new Array<number>(20).fill(0);
    expect(
      benchstatUTest([lower('same', base, interleaved), lower('error-rate', zeros, zeros)], {
        alpha: 0.05,
        count: 20,
      }).regressed,
    ).toEqual([]);
  });

  it('tests each metric at α on its own, without a correction across metrics', () => {
    // A +5 shift of 20 ranks gives p = 0.0171 (exact): called at 0.05 on all ten metrics,
    // where Holm or Bonferroni over ten would need p < 0.005.
    const shifted = base.map((v) => v + 5);
    const ten = Array.from({ length: 10 }, (_, k) => lower(`m${k}`, base, shifted));
    expect(benchstatUTest(ten, { alpha: 0.05, count: 20 }).regressed).toHaveLength(10);
    expect(benchstatUTest(ten, { alpha: 0.01, count: 20 }).regressed).toHaveLength(0);
  });

  it('refuses series shorter than the count it is asked for', () => {
    expect(() => benchstatUTest([lower('m', [1, 2], [1, 2])], { alpha: 0.05, count: 20 })).toThrow(
      /benchstat needs 20 rounds of each side, but m has 2 base and 2 head/,
    );
  });
});

describe('tachometer auto-sampling', () => {
  it('computes the relative-difference interval of stats.ts', () => {
    // ā = 12.5, b̄ = 15.5, s² = 3.5 each, n = 6: mean 3/12.5, variance
    // (3.5/6·15.5² + 3.5/6·12.5²)/12.5⁴, t(0.975, 5) = 2.570582.
    const i = tachometerRelativeInterval([10, 11, 12, 13, 14, 15], [13, 14, 15, 16, 17, 18]);
    const half = 2.570582 * Math.sqrt(((3.5 / 6) * 15.5 ** 2 + (3.5 / 6) * 12.5 ** 2) / 12.5 ** 4);
    expect(i.low).toBeCloseTo(0.24 - half, 3);
    expect(i.high).toBeCloseTo(0.24 + half, 3);
  });

  const rounds = 200;
  const wave = (i: number) => 100 + 10 * Math.sin(i * 1.7);

  it('stops at the minimum 50 samples once the interval clears the 0% horizon, and calls it', () => {
    const base = Array.from({ length: rounds }, (_, i) => wave(i));
    const head = base.map((v) => v * 1.3);
    const out = tachometerAutoSample([lower('p50', base, head)], { maxSamples: 150 });
    expect(out).toEqual({ regressed: ['p50'], samplesUsed: 50, resolved: true });
  });

  it('adds batches of 10 until the timeout while an interval straddles 0, calling nothing', () => {
    const base = Array.from({ length: rounds }, (_, i) => wave(i));
    const head = Array.from({ length: rounds }, (_, i) => wave(i + 1));
    const out = tachometerAutoSample([lower('p50', base, head)], { maxSamples: 87 });
    // 50, 60, 70, 80, 90: the check at 90 is the first at or past the 87-sample timeout.
    expect(out.samplesUsed).toBe(90);
    expect(out.resolved).toBe(false);
    expect(out.regressed).toEqual([]);
  });
});
