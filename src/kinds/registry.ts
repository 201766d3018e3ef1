// The benchmark kinds, listed once: each one's metric catalogue, its schema fragment of
// perfgate.yml and how the pipeline starts it. config/ assembles the benchmark union from it
// (and model.ts's BenchmarkConfig is the union of the schemas' outputs); verdict/, report/ and
// advice/ read the catalogues; the pipeline starts each benchmark through `startKind`.
// Adding a kind is one folder under kinds/ and one line here; adding a metric is one catalogue
// entry. (Loading the registry loads the probes' modules, not their tools: Lighthouse and
// Chromium are started only when a benchmark needs them.)
import type { z } from 'zod';
import { BUNDLE_METRICS } from './bundle/catalogue.js';
import { bundleSchema } from './bundle/schema.js';
import { startBundle } from './bundle/start.js';
import type { Catalogue, MetricEntry } from './catalogue.js';
import { COMMAND_METRICS } from './command/catalogue.js';
import { commandSchema } from './command/schema.js';
import { startCommand } from './command/start.js';
import { HTTP_METRICS } from './http/catalogue.js';
import { httpSchema } from './http/schema.js';
import { startHttp } from './http/start.js';
import { PAGE_METRICS } from './lighthouse/catalogue.js';
import { findChrome } from './lighthouse/chrome.js';
import { lighthouseSchema } from './lighthouse/schema.js';
import { startLighthouse } from './lighthouse/start.js';
import { SUITE_METRICS } from './suite/catalogue.js';
import { suiteSchema } from './suite/schema.js';
import { startSuite } from './suite/start.js';
import { files, pages, routes, self } from './targets.js';
import type { KindRun, Started } from './types.js';

export type StartKind<B> = (bench: B, run: KindRun) => Promise<Started>;

export interface KindDefinition<K extends string = string> {
  /** Its metrics, in report order. */
  catalogue: Catalogue;
  /** Its entry of `benchmarks:` (`type: <kind>` and its fields) to its resolved config. */
  schema: z.ZodType<{ name: string; type: K }, unknown>;
  /** Starts one benchmark of the kind for a run: its probe (or, for sizes, its measurement). */
  start: StartKind<never>;
  /** What a benchmark measures each metric of: routes, pages, or the benchmark itself
   *  (undefined); budgets without a target apply to each. */
  targets: (bench: never) => Array<string | undefined>;
  /** What the kind needs of the machine, checked when the config is read, before anything is
   *  built; throws a usage error that says how to get it. */
  preflight?: () => void;
}

/** In the order the JSON Schema and the config's errors list the kinds. */
export const KINDS = {
  http: { catalogue: HTTP_METRICS, schema: httpSchema, start: startHttp, targets: routes },
  lighthouse: {
    catalogue: PAGE_METRICS,
    schema: lighthouseSchema,
    start: startLighthouse,
    targets: pages,
    preflight: () => void findChrome(),
  },
  bundle: { catalogue: BUNDLE_METRICS, schema: bundleSchema, start: startBundle, targets: files },
  command: {
    catalogue: COMMAND_METRICS,
    schema: commandSchema,
    start: startCommand,
    targets: self,
  },
  suite: { catalogue: SUITE_METRICS, schema: suiteSchema, start: startSuite, targets: () => [] },
} as const satisfies Record<string, KindDefinition>;

export type Kind = keyof typeof KINDS;

/** The targets of one benchmark, through its kind's entry. */
export function targetsOf(bench: AnyBenchmark): Array<string | undefined> {
  return (KINDS[bench.type].targets as (b: AnyBenchmark) => Array<string | undefined>)(bench);
}

/** The resolved config of one kind's benchmark: what its schema produces. */
export type BenchmarkOf<K extends Kind> = z.output<(typeof KINDS)[K]['schema']>;

/** Any benchmark of any kind (model.ts's BenchmarkConfig). */
export type AnyBenchmark = { [K in Kind]: BenchmarkOf<K> }[Kind];

/** Starts one benchmark through its kind's entry (`kinds` is a seam for tests). */
export function startKind<B extends { type: string }>(
  bench: B,
  run: KindRun,
  kinds: Readonly<Record<string, { start: StartKind<never> }>> = KINDS,
): Promise<Started> {
  const kind = Object.hasOwn(kinds, bench.type) ? kinds[bench.type] : undefined;
  if (!kind) throw new Error(`no benchmark kind "${bench.type}"`);
  return (kind.start as StartKind<B>)(bench, run);
}

/** Each kind's preflight, once per kind the benchmarks use (kinds/lighthouse: Chrome). */
export function preflightKinds(benchmarks: readonly { type: string }[]): void {
  for (const type of new Set(benchmarks.map((b) => b.type))) {
    const kind: KindDefinition | undefined = Object.hasOwn(KINDS, type)
      ? KINDS[type as Kind]
      : undefined;
    kind?.preflight?.();
  }
}

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
