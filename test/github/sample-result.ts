// Valid Result values for the publishing tests, checked against the schema when built.
import { type Comparison, type Result, resultSchema } from '../../src/result.js';

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    n: values.length,
    median,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mad: 0.5,
  };
};

export function comparison(
  metric: string,
  status: Comparison['status'],
  change: number,
  extra: Partial<Comparison> = {},
): Comparison {
  const base = [10, 10.5, 9.8, 10.2, 10.1, 9.9, 10.3, 10, 10.4, 9.7];
  const head = base.map((v) => v * (1 + change));
  return {
    key: `api/GET /orders/${metric}`,
    benchmark: 'api',
    target: 'GET /orders',
    metric,
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    base: summary(base),
    head: summary(head),
    change,
    ci: [change - 0.02, change + 0.02],
    pValue: status === 'unchanged' ? 0.6 : 0.001,
    adjustedPValue: status === 'unchanged' ? 0.9 : 0.004,
    threshold: 0.05,
    mde: 0.03,
    status,
    samples: { base, head, order: base.map((_, i) => (i % 2 ? 'BA' : 'AB')) },
    ...extra,
  };
}

export function sampleResult(fields: Partial<Result> = {}): Result {
  const comparisons = fields.comparisons ?? [comparison('p50', 'unchanged', 0.004)];
  const regressed = comparisons.some((c) => c.status === 'regressed');
  const result: Result = {
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    mode: 'compare',
    verdict: regressed ? 'fail' : 'pass',
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 42_000,
    base: { ref: 'main', sha: 'a'.repeat(40) },
    head: { ref: 'feature', sha: 'b'.repeat(40) },
    gate: { threshold: 0.05, alpha: 0.01, correction: 'holm', timeBudgetMs: 120_000, seed: 1 },
    sampling: { pairs: 10, warmup: 1, looks: [10], stoppedBy: 'resolved', elapsedMs: 30_000 },
    comparisons,
    budgets: [],
    advice: [],
    notes: [],
    minimumDetectableChange: 0.03,
    ...fields,
  };
  return resultSchema.parse(result);
}
