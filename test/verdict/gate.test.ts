import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { HTTP_DELTA } from '../../src/kinds/http/catalogue.js';
import type { BudgetCheck, GateConfig, MetricSpec, Verdict } from '../../src/model.js';
import { applyFailOn } from '../../src/verdict/fail-on.js';
import { decideVerdict, thresholdFor } from '../../src/verdict/gate.js';

const gate: Pick<GateConfig, 'threshold' | 'thresholds'> = {
  threshold: 0.05,
  thresholds: { p99: 0.1, 'api/p99': 0.08, 'api/GET /x/p99': 0.03, 'api/error-rate': 0.02 },
};

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

describe('thresholdFor', () => {
  it('lets the most specific override win', () => {
    expect(thresholdFor(spec('p99'), gate)).toBe(0.03);
    expect(thresholdFor(spec('p99', { target: 'GET /y', key: 'api/GET /y/p99' }), gate)).toBe(0.08);
    expect(thresholdFor(spec('p99', { benchmark: 'web', key: 'web/GET /x/p99' }), gate)).toBe(0.1);
    expect(thresholdFor(spec('p50'), gate)).toBe(0.05);
    // A metric without a target is matched by benchmark/metric and metric.
    const noTarget: MetricSpec = { ...spec('p99'), key: 'api/p99' };
    delete noTarget.target;
    expect(thresholdFor(noTarget, gate)).toBe(0.08);
  });

  it('uses absolute defaults for difference metrics', () => {
    const errorRate = spec('error-rate', { scale: 'difference', unit: 'fraction' });
    expect(thresholdFor(errorRate, { threshold: 0.05, thresholds: {} })).toBe(0.01);
    expect(thresholdFor(errorRate, gate)).toBe(0.02);
    expect(thresholdFor(spec('cls', { scale: 'difference', unit: 'unitless' }), gate)).toBe(0.01);
    expect(thresholdFor(spec('score', { scale: 'difference', unit: 'score' }), gate)).toBeCloseTo(
      5,
      12,
    );
    expect(() => thresholdFor(spec('jank', { scale: 'difference' }), gate)).toThrow(ConfigError);
    expect(() => thresholdFor(spec('jank', { scale: 'difference' }), gate)).toThrow(
      /api\/GET \/x\/jank is compared as an absolute difference \(unit ms\) and has no default threshold; set gate.thresholds\["api\/GET \/x\/jank"\]/,
    );
  });

  it("gives an HTTP ratio metric its kind's own δ only while gate.threshold is left at its default", () => {
    const defaulted = { threshold: 0.05, thresholds: {}, thresholdDefaulted: true };
    for (const m of ['p50', 'p95', 'p99', 'mean', 'throughput', 'cpu']) {
      expect(thresholdFor(spec(m), defaulted)).toBe(HTTP_DELTA);
    }
    expect(HTTP_DELTA).toBe(0.03);
    // Other kinds keep gate.threshold's default; an absolute metric keeps its own.
    expect(thresholdFor(spec('wall'), defaulted)).toBe(0.05);
    expect(thresholdFor(spec('lcp'), defaulted)).toBe(0.05);
    expect(thresholdFor(spec('gzip', { scale: 'exact', unit: 'B' }), defaulted)).toBe(0.05);
    const errorRate = spec('error-rate', { scale: 'difference', unit: 'fraction' });
    expect(thresholdFor(errorRate, defaulted)).toBe(0.01);
    // A threshold the config or a flag set applies to every metric, HTTP's too…
    expect(thresholdFor(spec('p50'), { ...defaulted, thresholdDefaulted: false })).toBe(0.05);
    expect(thresholdFor(spec('p50'), { threshold: 0.05, thresholds: {} })).toBe(0.05);
    // …and a per-metric override wins over both.
    expect(thresholdFor(spec('p50'), { ...defaulted, thresholds: { p50: 0.1 } })).toBe(0.1);
  });

  it('uses the gate threshold for exact metrics and names a bad override', () => {
    expect(thresholdFor(spec('gzip', { scale: 'exact', unit: 'B' }), gate)).toBe(0.05);
    expect(() => thresholdFor(spec('p50'), { threshold: 0.05, thresholds: { p50: -1 } })).toThrow(
      /gate.thresholds.p50: expected a number ≥ 0, got -1/,
    );
    // Keys are matched exactly: an inherited property is not an override.
    expect(thresholdFor(spec('constructor'), { threshold: 0.05, thresholds: {} })).toBe(0.05);
  });
});

describe('decideVerdict', () => {
  const budget = (exceeded: boolean): BudgetCheck => ({
    benchmark: 'web',
    metric: 'lcp',
    unit: 'ms',
    limit: 2500,
    value: exceeded ? 2600 : 2400,
    exceeded,
  });

  it('fails on a regression or an exceeded budget', () => {
    expect(decideVerdict(['unchanged', 'regressed'], [])).toBe('fail');
    expect(decideVerdict(['unchanged'], [budget(true)])).toBe('fail');
    expect(decideVerdict(['inconclusive', 'regressed'], [])).toBe('fail');
  });

  it('is inconclusive when nothing failed but something is inconclusive', () => {
    expect(decideVerdict(['improved', 'inconclusive'], [budget(false)])).toBe('inconclusive');
  });

  it('passes a run stopped for futility: no metric could still be called regressed', () => {
    expect(decideVerdict(['unchanged', 'inconclusive'], [], 'futility')).toBe('pass');
    // Only futility: a run that ran out of budget or pairs stays inconclusive.
    expect(decideVerdict(['unchanged', 'inconclusive'], [], 'budget')).toBe('inconclusive');
    expect(decideVerdict(['inconclusive'], [], 'max-pairs')).toBe('inconclusive');
    // Never over a regression or an exceeded budget.
    expect(decideVerdict(['inconclusive', 'regressed'], [], 'futility')).toBe('fail');
    expect(decideVerdict(['inconclusive'], [budget(true)], 'futility')).toBe('fail');
  });

  it('passes when everything is unchanged or improved and budgets hold', () => {
    expect(decideVerdict(['improved', 'unchanged'], [budget(false)])).toBe('pass');
    expect(decideVerdict([], [])).toBe('pass');
  });

  it('never fails with failOn never, and never hides a regression as a pass', () => {
    const never = (verdict: Verdict) => applyFailOn(verdict, 'never').verdict;
    expect(never(decideVerdict(['regressed'], []))).toBe('inconclusive');
    expect(never(decideVerdict(['unchanged'], [budget(true)]))).toBe('inconclusive');
    expect(never(decideVerdict(['unchanged'], []))).toBe('pass');
  });
});

describe('applyFailOn', () => {
  it('decides the reported verdict, the step and the check from the verdict and fail-on', () => {
    expect(applyFailOn('fail', 'regression')).toEqual({
      verdict: 'fail',
      fails: true,
      conclusion: 'failure',
      waived: false,
    });
    expect(applyFailOn('fail', 'never')).toEqual({
      verdict: 'inconclusive',
      fails: false,
      conclusion: 'neutral',
      waived: true,
    });
    for (const failOn of ['regression', 'never'] as const) {
      expect(applyFailOn('inconclusive', failOn)).toEqual({
        verdict: 'inconclusive',
        fails: false,
        conclusion: 'neutral',
        waived: false,
      });
      expect(applyFailOn('pass', failOn)).toEqual({
        verdict: 'pass',
        fails: false,
        conclusion: 'success',
        waived: false,
      });
    }
  });

  it('changes nothing when applied twice', () => {
    for (const verdict of ['pass', 'fail', 'inconclusive'] as const) {
      for (const failOn of ['regression', 'never'] as const) {
        const once = applyFailOn(verdict, failOn);
        expect(applyFailOn(once.verdict, failOn).verdict).toBe(once.verdict);
        expect(applyFailOn(once.verdict, failOn).fails).toBe(once.fails);
      }
    }
  });
});
