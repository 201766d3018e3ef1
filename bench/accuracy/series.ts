// The metrics of the bench's service as perfgate's HTTP probe reports them, and the conversion of
// rounds (synthetic or recorded) into the per-metric series the peer rules read.

import { routeSpecs } from '../../src/kinds/http/probe.js';
import { metricKey } from '../../src/kinds/types.js';
import type { MetricSamples, MetricSpec } from '../../src/model.js';
import { type ModelMetric, observed, type SyntheticTrial } from './noise-model.js';
import type { MetricSeries } from './rules.js';
import { BENCHMARK, ROUTE_PATHS } from './user-config.js';

export { BENCHMARK };

/** The routes as perfgate names them from the user config's plain paths (`GET /slow`):
 *  `GET /slow` is the one the head version slows down. */
export const ROUTES = ROUTE_PATHS.map((path) => `GET ${path}`);
export const SLOW_ROUTES = [ROUTES[0]!];
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

/**
 * A synthetic trial as the peers measure it: every round runs base then head (tachometer's loop
 * runs the specs in a fixed order; the others do not randomize either), so the order effect
 * always lands on head. Error rate is 0 on both sides; metrics the figures lack are left out.
 */
export function peerSeries(trial: SyntheticTrial, rounds: number): MetricSeries[] {
  const n = Math.min(rounds, trial.values.length);
  const modelled = new Set<string>(trial.metrics);
  return serviceSpecs(trial.routes)
    .filter((spec) => modelled.has(spec.metric) || spec.scale === 'difference')
    .map((spec) => {
      const route = spec.target!;
      const metric = spec.metric as ModelMetric;
      const base: number[] = [];
      const head: number[] = [];
      for (let i = 0; i < n; i++) {
        const row = trial.values[i]!;
        base.push(observed(row.base[route]!, false, trial.orderEffect)[metric] ?? 0);
        head.push(observed(row.head[route]!, true, trial.orderEffect)[metric] ?? 0);
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
