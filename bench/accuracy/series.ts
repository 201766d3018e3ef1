// The metrics of the bench's service as perfgate's HTTP probe reports them, and the conversion of
// rounds (synthetic or recorded) into the per-metric series the peer rules read.

import { routeSpecs } from '../../src/kinds/http/probe.js';
import { metricKey } from '../../src/kinds/types.js';
import type { MetricSamples, MetricSpec } from '../../src/model.js';
import { MODEL_METRICS, type ModelMetric, observed, type SyntheticTrial } from './noise-model.js';
import type { MetricSeries } from './rules.js';

export const BENCHMARK = 'service';
/** The routes of service.mjs: `slow` is the one the head version slows down. */
export const ROUTES = ['slow', 'steady'];
export const SLOW_ROUTES = ['slow'];
/** The metric whose detection the power targets are about. */
export const TARGET_METRIC = 'p50';

/** What createHttpProbe announces for each route (src/kinds/http/probe.ts), in the same order. */
export function serviceSpecs(routes: readonly string[] = ROUTES): MetricSpec[] {
  return routes.flatMap((route) => routeSpecs(BENCHMARK, route));
}

export function targetKey(route = SLOW_ROUTES[0]!): string {
  return metricKey(BENCHMARK, route, TARGET_METRIC);
}

/** The key of `route`'s `metric`, and back. */
export function routeOf(key: string): string | undefined {
  return ROUTES.find((r) => key.startsWith(`${BENCHMARK}/${r}/`));
}

function isModelMetric(m: string): m is ModelMetric {
  return (MODEL_METRICS as readonly string[]).includes(m);
}

/**
 * A synthetic trial as the peers measure it: every round runs base then head (tachometer's loop
 * runs the specs in a fixed order; the others do not randomize either), so the order effect
 * always lands on head. Error rate is 0 on both sides.
 */
export function peerSeries(trial: SyntheticTrial, rounds: number): MetricSeries[] {
  const n = Math.min(rounds, trial.values.length);
  return serviceSpecs(trial.routes).map((spec) => {
    const route = spec.target!;
    const base: number[] = [];
    const head: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = trial.values[i]!;
      if (isModelMetric(spec.metric)) {
        base.push(observed(row.base[route]!, false, trial.orderEffect)[spec.metric]);
        head.push(observed(row.head[route]!, true, trial.orderEffect)[spec.metric]);
      } else {
        base.push(0);
        head.push(0);
      }
    }
    return { key: spec.key, better: spec.better, base, head };
  });
}

/** Recorded samples (from a real run) as series for the peers. */
export function samplesSeries(samples: readonly MetricSamples[]): MetricSeries[] {
  return samples.map((s) => ({
    key: s.spec.key,
    better: s.spec.better,
    base: s.base,
    head: s.head,
  }));
}
