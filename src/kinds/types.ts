// The probe contract the sampler drives: one probe per benchmark, one observation per side
// per round, every metric announced up front as a MetricSpec.
import type { StoredBase } from '../history/bundle-baseline.js';
import type { SizeCache } from '../history/size-cache.js';
import type { BundleBenchmarkConfig, MetricSpec, Observation, Side, Tree } from '../model.js';
import type { OutputGroup } from '../workspace/build.js';
import type { BundleOutcome } from './bundle/probe.js';
import type { MetricEntry } from './catalogue.js';

export interface Probe {
  benchmark: string;
  /** Every metric `measure` reports, known before sampling starts. */
  specs: MetricSpec[];
  /** One round on one side; the observation holds a value for every spec's key. */
  measure(side: Side, round: number): Promise<Observation>;
  /** What advice/ reads after sampling, for a kind whose advice needs more than its metrics
   *  (Lighthouse's audits). */
  evidence?(): Promise<unknown>;
  /** Stops anything still running; safe to call more than once. */
  dispose?(): Promise<void>;
}

/**
 * The metric key of model.ts: `benchmark/target/metric`, or `benchmark/metric` without a target.
 * Names are joined verbatim (a route name holds slashes: `api/GET /products/p99`), because
 * gate.thresholds is keyed by the same text the user reads in the report.
 */
export function metricKey(benchmark: string, target: string | undefined, metric: string): string {
  return target === undefined ? `${benchmark}/${metric}` : `${benchmark}/${target}/${metric}`;
}

export function metricSpec(fields: Omit<MetricSpec, 'key'>): MetricSpec {
  const spec: MetricSpec = {
    key: metricKey(fields.benchmark, fields.target, fields.metric),
    benchmark: fields.benchmark,
    metric: fields.metric,
    unit: fields.unit,
    better: fields.better,
    scale: fields.scale,
  };
  if (fields.target !== undefined) spec.target = fields.target;
  return spec;
}

/** The spec of a catalogue entry in one benchmark (and target): unit, direction and scale are
 *  the catalogue's, never the probe's. */
export function catalogueSpec(entry: MetricEntry, benchmark: string, target?: string): MetricSpec {
  const { metric, unit, better, scale } = entry;
  return metricSpec({
    benchmark,
    ...(target === undefined ? {} : { target }),
    metric,
    unit,
    better,
    scale,
  });
}

/**
 * What the command and HTTP probes share about their end: `measure` runs a round through
 * `round`, which refuses once the probe is disposed; `dispose` aborts `signal` (the caller's
 * signal and the probe's own, combined) and waits for the round in flight to settle.
 */
export function disposalGuard(benchmark: string, outer?: AbortSignal) {
  const disposed = new AbortController();
  const signal = outer ? AbortSignal.any([outer, disposed.signal]) : disposed.signal;
  let running: Promise<unknown> = Promise.resolve();
  return {
    signal,
    round<T>(measure: () => Promise<T>): Promise<T> {
      if (disposed.signal.aborted) {
        return Promise.reject(new Error(`benchmark "${benchmark}": probe already disposed`));
      }
      const p = measure();
      running = p.catch(() => undefined);
      return p;
    },
    async dispose(): Promise<void> {
      disposed.abort(new Error(`benchmark "${benchmark}": probe disposed`));
      await running;
    },
  };
}

/**
 * A round that could not be measured. The sampler tells these apart from bugs: it may retry a
 * round or stop the run with exit code 3 ("the measurement itself failed").
 */
export class ProbeError extends Error {
  override name = 'ProbeError';
  readonly benchmark: string;
  readonly side: Side;
  constructor(message: string, benchmark: string, side: Side, options?: { cause?: unknown }) {
    super(message, options);
    this.benchmark = benchmark;
    this.side = side;
  }
}

/**
 * What a kind's starter (kinds/<kind>/start.ts) gets from the run: the two trees, and where to
 * hand what it starts so the run stops it whatever happens.
 */
export interface KindRun {
  sides: Record<Side, Tree>;
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Stopped with the run's other resources, in reverse order, from the moment it is added. */
  onDispose(stop: () => Promise<unknown>): void;
  /** The merge-base's bundle snapshots, when plan.ts judged a stored baseline usable. */
  storedBase?: StoredBase;
  /** Said in the result's notes (e.g. a suite's benchmarks on one side only); `log` if absent. */
  note?: (line: string) => void;
  /** Compressed sizes kept between runs; the pipeline flushes it. */
  sizeCache?: SizeCache;
  /** Where a server's start-up output is shown (a folded group of a CI log); nowhere if absent. */
  outputGroup?: (title: string) => OutputGroup;
}

/** A started kind: a probe the sampler drives in rounds, or sizes measured once, exactly. */
export type Started = { probe: Probe } | { bundle: BundleBenchmarkConfig; outcome: BundleOutcome };
