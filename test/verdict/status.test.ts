import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../src/model.js';
import { isResolved, metricStatus } from '../../src/verdict/status.js';

const latency: MetricSpec = {
  key: 'api/GET /x/p99',
  benchmark: 'api',
  target: 'GET /x',
  metric: 'p99',
  unit: 'ms',
  better: 'lower',
  scale: 'ratio',
};
const throughput: MetricSpec = {
  ...latency,
  key: 'api/GET /x/throughput',
  metric: 'throughput',
  better: 'higher',
};
const gzip: MetricSpec = {
  ...latency,
  key: 'app/main.js/gzip',
  metric: 'gzip',
  unit: 'B',
  scale: 'exact',
};

function status(
  spec: MetricSpec,
  change: number,
  ci: [number, number],
  p: number | null,
  threshold = 0.02,
) {
  return metricStatus({
    spec,
    analysis: { change, ci, adjustedPValue: p },
    threshold,
    alphaAtLook: 0.01,
  });
}

describe('metricStatus', () => {
  it('calls a lower-is-better regression only when significant and the CI is beyond +δ', () => {
    expect(status(latency, 0.1, [0.06, 0.14], 0.001)).toBe('regressed');
    expect(status(latency, 0.1, [0.06, 0.14], 0.02)).toBe('inconclusive'); // p not below α
    expect(status(latency, 0.05, [0.015, 0.09], 0.001)).toBe('inconclusive'); // CI straddles δ
    expect(status(latency, 0.021, [0.02, 0.03], 0.001)).toBe('inconclusive'); // touches δ
    expect(status(latency, -0.1, [-0.14, -0.06], 0.001)).toBe('improved');
  });

  it('calls unchanged when the CI lies within ±δ, even when significant', () => {
    expect(status(latency, 0.01, [0.005, 0.015], 0.0001)).toBe('unchanged');
    expect(status(latency, 0, [-0.02, 0.02], 0.9)).toBe('unchanged');
    expect(status(latency, 0, [-0.021, 0.01], 0.9)).toBe('inconclusive');
  });

  it('orients higher-is-better metrics: a drop is the regression', () => {
    expect(status(throughput, -0.1, [-0.14, -0.06], 0.001)).toBe('regressed');
    expect(status(throughput, 0.1, [0.06, 0.14], 0.001)).toBe('improved');
    expect(status(throughput, -0.1, [-0.14, -0.06], 0.5)).toBe('inconclusive');
    expect(status(throughput, 0.01, [-0.01, 0.015], 0.5)).toBe('unchanged');
  });

  it('decides exact metrics without a test, and reports changes within δ as unchanged', () => {
    expect(status(gzip, 0.03, [0.03, 0.03], null)).toBe('regressed');
    expect(status(gzip, 0.01, [0.01, 0.01], null)).toBe('unchanged');
    expect(status(gzip, -0.03, [-0.03, -0.03], null)).toBe('improved');
    expect(status(gzip, 0.02, [0.02, 0.02], null)).toBe('unchanged'); // exactly δ is not beyond it
    expect(status(gzip, 0.001, [0.001, 0.001], null, 0)).toBe('regressed'); // δ = 0: any growth
    expect(status({ ...gzip, better: 'higher' }, 0.03, [0.03, 0.03], null)).toBe('improved');
  });

  it('names inconsistent input', () => {
    expect(() => status(latency, 0, [0, 0], null)).toThrow(
      /api\/GET \/x\/p99 is on the ratio scale but has no adjusted p-value/,
    );
    expect(() => status(latency, 0, [0, 0], 0.5, -1)).toThrow(
      /threshold of api\/GET \/x\/p99 must be a number ≥ 0, got -1/,
    );
  });

  it('treats only inconclusive as unresolved', () => {
    expect(
      ['regressed', 'improved', 'unchanged', 'inconclusive'].map((s) => isResolved(s as never)),
    ).toEqual([true, true, true, false]);
  });
});
