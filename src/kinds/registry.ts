// The benchmark kinds: each one's metric catalogue and its schema fragment of perfgate.yml,
// listed once. config/ assembles the benchmark union from it; verdict/, report/ and advice/ read
// the catalogues. How the pipeline starts each kind's probe is in starters.ts, apart, because
// config/ must not load the probes (autocannon, Lighthouse, child processes).
// Adding a kind is one folder under kinds/ and one line here (and one in starters.ts, which the
// compiler asks for); adding a metric is one catalogue entry.
import type { z } from 'zod';
import type { BenchmarkConfig } from '../model.js';
import { BUNDLE_METRICS } from './bundle/catalogue.js';
import { bundleSchema } from './bundle/schema.js';
import type { Catalogue, MetricEntry } from './catalogue.js';
import { COMMAND_METRICS } from './command/catalogue.js';
import { commandSchema } from './command/schema.js';
import { HTTP_METRICS } from './http/catalogue.js';
import { httpSchema } from './http/schema.js';
import { PAGE_METRICS } from './lighthouse/catalogue.js';
import { lighthouseSchema } from './lighthouse/schema.js';

export type Kind = BenchmarkConfig['type'];

/** The resolved config of one kind's benchmark. */
export type BenchmarkOf<K extends Kind> = Extract<BenchmarkConfig, { type: K }>;

export interface KindDefinition<K extends string = Kind> {
  /** Its metrics, in report order. */
  catalogue: Catalogue;
  /** Its entry of `benchmarks:` (`type: <kind>` and its fields) to its resolved config. */
  schema: z.ZodType<{ name: string; type: K }, unknown>;
}

/** In the order the JSON Schema and the config's errors list the kinds. */
export const KINDS = {
  http: { catalogue: HTTP_METRICS, schema: httpSchema },
  lighthouse: { catalogue: PAGE_METRICS, schema: lighthouseSchema },
  bundle: { catalogue: BUNDLE_METRICS, schema: bundleSchema },
  command: { catalogue: COMMAND_METRICS, schema: commandSchema },
} as const satisfies { [K in Kind]: KindDefinition<K> };

export const CATALOGUES: Readonly<Record<Kind, Catalogue>> = Object.fromEntries(
  Object.entries(KINDS).map(([kind, definition]) => [kind, definition.catalogue]),
) as unknown as Record<Kind, Catalogue>;

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
