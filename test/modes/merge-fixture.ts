// Shard results built the way the sampler builds them: every row's change, interval, p-value,
// adjusted p-value and status computed by the real analysis (stats/analyze.ts) and status rule
// from the pairs the row keeps, so that they pass the recheck a merge gives every shard.
import type { MetricSamples, Order } from '../../src/model.js';
import type { Comparison, Result } from '../../src/result.js';
import { analyzeMetrics } from '../../src/stats/analyze.js';
import { createRng } from '../../src/stats/random.js';
import { summarize } from '../../src/stats/summary.js';
import { decideVerdict, metricStatus } from '../../src/verdict/index.js';
import { sampleResult } from '../github/sample-result.js';

export const CONFIG_HASH = 'c0'.repeat(32);

export interface MetricData {
  benchmark: string;
  metric?: string;
  base: number[];
  head: number[];
}

export interface ShardFixture {
  index: number;
  count: number;
  metrics: MetricData[];
  /** One per pair; alternating AB/BA when absent. */
  order?: Order[];
  /** The final look's level (sampling.level); 0.05 when absent. */
  level?: number;
  correction?: Result['gate']['correction'];
  fields?: Partial<Result>;
}

/** A shard's result whose rows follow from their pairs. */
export function shardResult(f: ShardFixture): Result {
  const level = f.level ?? 0.05;
  const n = f.metrics[0]!.base.length;
  const order = f.order ?? Array.from({ length: n }, (_, i): Order => (i % 2 ? 'BA' : 'AB'));
  const samples: MetricSamples[] = f.metrics.map((m) => ({
    spec: {
      key: `${m.benchmark}/${m.metric ?? 'wall'}`,
      benchmark: m.benchmark,
      metric: m.metric ?? 'wall',
      unit: 'ms',
      better: 'lower',
      scale: 'ratio',
    },
    base: m.base,
    head: m.head,
    order,
  }));
  const correction = f.correction ?? 'westfall-young';
  const analyses = analyzeMetrics(samples, {
    alphaAtLook: level,
    correction,
    seed: 1,
    thresholds: samples.map(() => 0.05),
    pairedTest: 'signed-rank',
  });
  const comparisons: Comparison[] = samples.map((s, i) => {
    const a = analyses[i]!;
    const status = metricStatus({ spec: s.spec, analysis: a, threshold: 0.05, alphaAtLook: level });
    return {
      key: s.spec.key,
      benchmark: s.spec.benchmark,
      metric: s.spec.metric,
      unit: s.spec.unit,
      better: s.spec.better,
      scale: s.spec.scale,
      base: summarize(s.base),
      head: summarize(s.head),
      change: a.change,
      ci: a.ci,
      pValue: a.pValue,
      adjustedPValue: a.adjustedPValue,
      threshold: 0.05,
      mde: a.mde,
      status,
      samples: { base: [...s.base], head: [...s.head], order: [...order] },
    };
  });
  const targets = [...new Set(f.metrics.map((m) => m.benchmark))];
  return sampleResult({
    mode: 'collect',
    verdict: decideVerdict(
      comparisons.map((c) => c.status),
      [],
      'resolved',
    ),
    gate: { threshold: 0.05, alpha: 0.05, correction, timeBudgetMs: 120_000, seed: 1 },
    sampling: { pairs: n, warmup: 1, looks: [n], stoppedBy: 'resolved', elapsedMs: 30_000, level },
    comparisons,
    shard: { index: f.index, count: f.count, targets, config: CONFIG_HASH },
    ...f.fields,
  });
}

/** `n` pairs of one metric: base around 100 ms with seeded noise, head `factor` times it. */
export function pairs(n: number, factor: number, seed: number, noise = 0.02): MetricData['base'][] {
  const rng = createRng(seed);
  const base = Array.from({ length: n }, () => 100 * (1 + noise * (rng.next() - 0.5)));
  const head = base.map((b) => b * factor * (1 + noise * (rng.next() - 0.5)));
  return [base, head];
}

export function metric(benchmark: string, n: number, factor: number, seed: number): MetricData {
  const [base, head] = pairs(n, factor, seed);
  return { benchmark, base: base!, head: head! };
}
