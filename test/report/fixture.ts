// A hand-made, realistic Result: an API whose p50 regressed and whose throughput improved,
// unchanged p99, error rate (a difference metric), CLS and bundle size (exact), an
// inconclusive LCP, two budgets (one exceeded), one suggested fix and one note.
// Summaries are computed from the samples, so medians in expected texts can be checked by
// hand from the arrays below.
import type { Order } from '../../src/model.js';
import type { Comparison, Result } from '../../src/result.js';

export function summarize(values: readonly number[]): Comparison['base'] {
  const sorted = [...values].sort((a, b) => a - b);
  const median = (xs: number[]) => {
    const mid = Math.floor(xs.length / 2);
    return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  };
  const m = median(sorted);
  return {
    n: values.length,
    median: m,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mad: median(sorted.map((v) => Math.abs(v - m)).sort((a, b) => a - b)) * 1.4826,
  };
}

const ORDER: Order[] = ['AB', 'BA', 'BA', 'AB', 'AB', 'BA', 'AB', 'BA', 'BA', 'AB', 'BA', 'AB'];

interface ComparisonFields extends Omit<Comparison, 'base' | 'head' | 'samples' | 'key'> {
  base: number[];
  head: number[];
}

export function comparison(fields: ComparisonFields): Comparison {
  const { base, head, ...rest } = fields;
  return {
    ...rest,
    key: [fields.benchmark, fields.target, fields.metric].filter((x) => x !== undefined).join('/'),
    base: summarize(base),
    head: summarize(head),
    samples: { base, head, order: ORDER.slice(0, base.length) },
  };
}

export function makeResult(): Result {
  const api = { benchmark: 'api', target: 'GET /orders' } as const;
  return {
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    mode: 'compare',
    verdict: 'fail',
    startedAt: '2024-05-14T09:30:00.000Z',
    durationMs: 185_000,
    repository: 'acme/shop',
    pullRequest: 42,
    base: { ref: 'main', sha: 'def5678aa11bb22cc33dd44ee55ff66778899aab' },
    head: { ref: 'feature/faster-orders', sha: 'abc1234ff00ee11dd22cc33bb44aa5566778899f' },
    gate: { threshold: 0.05, alpha: 0.05, correction: 'holm', timeBudgetMs: 120_000, seed: 42 },
    sampling: {
      pairs: 12,
      warmup: 1,
      looks: [10, 20, 40, 80],
      stoppedBy: 'resolved',
      elapsedMs: 92_400,
    },
    comparisons: [
      comparison({
        ...api,
        metric: 'p50',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
        // medians 12.3 ms and 16.1 ms
        base: [12.1, 12.4, 12.3, 12.6, 12.2, 12.5, 12.3, 12.0, 12.4, 12.3, 12.7, 12.2],
        head: [16.0, 16.3, 15.9, 16.4, 16.1, 16.2, 15.8, 16.1, 16.5, 16.0, 16.2, 16.1],
        change: 0.312,
        ci: [0.25, 0.379],
        pValue: 0.0001,
        adjustedPValue: 0.0006,
        threshold: 0.05,
        mde: 0.041,
        status: 'regressed',
      }),
      comparison({
        ...api,
        metric: 'p99',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
        // medians 48.2 ms and 48.7 ms
        base: [47.9, 48.3, 48.1, 48.6, 47.8, 48.2, 48.4, 48.0, 48.5, 48.2, 48.1, 48.3],
        head: [48.6, 48.9, 48.4, 49.1, 48.7, 48.5, 48.8, 48.6, 49.0, 48.7, 48.5, 48.9],
        change: 0.012,
        ci: [-0.021, 0.038],
        pValue: 0.41,
        adjustedPValue: 1,
        threshold: 0.05,
        mde: 0.045,
        status: 'unchanged',
      }),
      comparison({
        ...api,
        metric: 'throughput',
        unit: 'req/s',
        better: 'higher',
        scale: 'ratio',
        // medians 812 and 912 req/s
        base: [805, 818, 812, 809, 815, 811, 820, 808, 813, 812, 806, 816],
        head: [905, 915, 912, 920, 908, 912, 918, 910, 911, 916, 907, 914],
        change: 0.123,
        ci: [0.081, 0.16],
        pValue: 0.0004,
        adjustedPValue: 0.002,
        threshold: 0.05,
        mde: 0.035,
        status: 'improved',
      }),
      comparison({
        ...api,
        metric: 'error-rate',
        unit: 'fraction',
        better: 'lower',
        scale: 'difference',
        // medians 0.001 and 0.001 (0.10%)
        base: [0.001, 0, 0.002, 0.001, 0.001, 0, 0.001, 0.002, 0.001, 0.001, 0, 0.001],
        head: [0.001, 0.001, 0, 0.002, 0.001, 0.001, 0.003, 0, 0.001, 0.001, 0.002, 0.001],
        change: 0.0002,
        ci: [-0.0004, 0.0009],
        pValue: 0.62,
        adjustedPValue: 1,
        threshold: 0.005,
        mde: 0.003,
        status: 'unchanged',
      }),
      comparison({
        benchmark: 'web',
        target: '/',
        metric: 'lcp',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
        // medians 2410 ms and 2530 ms
        base: [2390, 2420, 2400, 2450, 2380, 2410, 2430, 2410, 2395, 2440, 2405, 2415],
        head: [2480, 2610, 2450, 2530, 2700, 2390, 2530, 2560, 2470, 2640, 2500, 2580],
        change: 0.048,
        ci: [-0.012, 0.109],
        pValue: 0.09,
        adjustedPValue: 0.27,
        threshold: 0.05,
        mde: 0.07,
        status: 'inconclusive',
      }),
      comparison({
        benchmark: 'web',
        target: '/',
        metric: 'cls',
        unit: 'unitless',
        better: 'lower',
        scale: 'difference',
        // medians 0.052 and 0.05
        base: [0.052, 0.052, 0.051, 0.053, 0.052, 0.052, 0.05, 0.052, 0.054, 0.052, 0.051, 0.052],
        head: [0.05, 0.05, 0.049, 0.051, 0.05, 0.05, 0.052, 0.05, 0.049, 0.05, 0.051, 0.05],
        change: -0.002,
        ci: [-0.004, 0.001],
        pValue: 0.12,
        adjustedPValue: 0.48,
        threshold: 0.05,
        mde: 0.01,
        status: 'unchanged',
      }),
      comparison({
        benchmark: 'bundle',
        target: 'total',
        metric: 'gzip',
        unit: 'B',
        better: 'lower',
        scale: 'exact',
        base: [182_340],
        head: [183_210],
        // 183,210 / 182,340 − 1
        change: 870 / 182_340,
        ci: [870 / 182_340, 870 / 182_340],
        pValue: null,
        adjustedPValue: null,
        threshold: 0.05,
        mde: null,
        status: 'unchanged',
      }),
    ],
    budgets: [
      {
        benchmark: 'bundle',
        target: 'total',
        metric: 'gzip',
        unit: 'B',
        limit: 200_000,
        value: 183_210,
        exceeded: false,
      },
      {
        benchmark: 'web',
        target: '/',
        metric: 'lcp',
        unit: 'ms',
        limit: 2500,
        value: 2530,
        exceeded: true,
      },
    ],
    advice: [
      {
        rule: 'n-plus-one-query',
        title: 'Batch the per-order customer lookups in GET /orders',
        fix: 'GET /orders now calls `loadCustomer()` once per order; load all customers with one query (`WHERE id IN (...)`).',
        evidence: [
          'p50 of api GET /orders rose 31.2% [+25.0%, +37.9%]',
          'CPU profile: loadCustomer self time 4.1 ms -> 9.8 ms per request',
        ],
        metrics: ['api/GET /orders/p50'],
      },
    ],
    notes: ['One head sample of web / lcp failed (Chrome crashed) and was retried.'],
    minimumDetectableChange: 0.07,
  };
}
