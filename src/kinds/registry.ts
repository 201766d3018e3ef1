// The benchmark kinds and their metric catalogues. Adding a kind is one folder under kinds/ and
// one line here; adding a metric is one catalogue entry.
import type { BenchmarkConfig } from '../model.js';
import { BUNDLE_METRICS } from './bundle/catalogue.js';
import type { Catalogue, MetricEntry } from './catalogue.js';
import { COMMAND_METRICS } from './command/catalogue.js';
import { HTTP_METRICS } from './http/catalogue.js';
import { PAGE_METRICS } from './lighthouse/catalogue.js';

export type Kind = BenchmarkConfig['type'];

export const CATALOGUES: Readonly<Record<Kind, Catalogue>> = {
  http: HTTP_METRICS,
  command: COMMAND_METRICS,
  lighthouse: PAGE_METRICS,
  bundle: BUNDLE_METRICS,
};

// Metric names are unique across kinds (test/kinds/registry.test.ts), so a MetricSpec's
// `metric` alone finds its entry.
const BY_METRIC = new Map<string, MetricEntry>(
  Object.values(CATALOGUES).flatMap((catalogue) => catalogue.map((e) => [e.metric, e] as const)),
);

/** The catalogue entry of a metric name, or undefined for a name no kind has. */
export function metricEntry(metric: string): MetricEntry | undefined {
  return BY_METRIC.get(metric);
}

/** The metric that stands for a target of this kind in one-line findings. */
export function headlineMetric(kind: Kind): MetricEntry {
  const entry = CATALOGUES[kind].find((e) => e.headline);
  if (!entry) throw new Error(`the ${kind} catalogue names no headline metric`);
  return entry;
}
