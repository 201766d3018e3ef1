// The plain values passed forward between the stages of shared/DESIGN.md:
// config → plan → workspace → sampler → probes → samples → stats → verdict → advice → report.
// Nothing here does I/O; every stage imports its inputs from this file.
import type { AnyBenchmark } from './kinds/registry.js';

export type Side = 'base' | 'head';
export type Better = 'lower' | 'higher';
export type Status = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';
export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type Mode = 'compare' | 'collect' | 'report' | 'record' | 'trend' | 'merge' | 'demo';
/** Which order the two sides ran in within one block. */
export type Order = 'AB' | 'BA';

/**
 * How a metric's change is expressed and tested.
 * - `ratio`: positive quantities (timings, throughput); paired log-ratios, the change is relative.
 * - `difference`: quantities that may be zero (error rate, CLS); paired differences, the change is
 *   absolute in the metric's unit.
 * - `exact`: deterministic quantities (bytes); compared exactly, without statistics.
 */
export type Scale = 'ratio' | 'difference' | 'exact';

// Resolved configuration (what config/ produces from perfgate.yml + inputs).
// Every field is filled in: defaults are applied by config/, never downstream.

export interface GateConfig {
  /** Practical threshold δ for ratio/exact metrics, as a fraction (0.05 is 5%). */
  threshold: number;
  /** True when perfgate.yml and the flags left `threshold` at its default: a ratio metric whose
   *  catalogue entry has a δ of its own (`delta`) takes that one then. Absent means false. */
  thresholdDefaulted?: boolean;
  /** Per-metric overrides of δ keyed by metric name (`p99`, `throughput`, `lcp`) or by
   *  `benchmark/metric` or `benchmark/target/metric`; the most specific wins. */
  thresholds: Record<string, number>;
  /** Family-wise false-alarm rate over all metrics and all sequential looks. */
  alpha: number;
  /** Multiple-comparison control across metrics: Westfall–Young step-down max-T over the pairs
   *  resampled jointly (FWER, using the correlation between metrics; stats/westfall-young.ts),
   *  Holm (FWER under any dependence) or BH (FDR). */
  correction: 'westfall-young' | 'holm' | 'bh';
  /** Wall-clock budget for sampling, in milliseconds. */
  timeBudgetMs: number;
  /** Number of pairs at which the sampler looks at the data; ascending. */
  looks: number[];
  /** Warm-up rounds per side, thrown away. */
  warmup: number;
  /** Seed of every random source of a run (block order, bootstrap). */
  seed: number;
  /** What fails the gate. */
  failOn: 'regression' | 'never';
  /** When sampling may stop before the budget: `regression`, as soon as a look calls a
   *  regression (the gate's answer is then known, and the α spent at that look already covers
   *  the call) or once every metric is resolved; `resolved`, only once every metric is resolved
   *  (the full picture, at the cost of a failing gate running to its budget). Absent means
   *  `regression`, as in the config's defaults. */
  earlyStop?: 'resolved' | 'regression';
  /** `time`: looks at 4, 5, 7, 9, 12, … pairs (×1.25) below the pairs the budget allows, the last of
   *  `looks` capping the pairs (sampler/look-plan.ts); `fixed`: looks at `looks`. Absent means
   *  `fixed` here; the config's default is `time`. */
  lookPlan?: 'time' | 'fixed';
  /** Stop at a look where no metric can still be called regressed within the budget
   *  (stats/futility.ts). Absent means true, as in the config's defaults. */
  futility?: boolean;
}

export interface HttpRequestConfig {
  /** Display name of the route, `GET /products` unless given. Unique within a benchmark. */
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Status codes that count as success; default 2xx. */
  expectStatus?: number[];
}

interface ServerConfig {
  /** Shell command that starts the server; it gets PORT in its environment. */
  start: string;
  /** Path polled until it answers 2xx; when absent, the TCP port accepting is enough. */
  ready?: string;
  readyTimeoutMs: number;
  /** Extra environment for the server. */
  env: Record<string, string>;
  /** Working directory relative to the tree root. */
  cwd: string;
}

export interface HttpBenchmarkConfig extends ServerConfig {
  name: string;
  type: 'http';
  connections: number;
  /** Load per route per round: a duration in ms. */
  roundMs: number;
  /** Both servers are restarted every this many pairs (0: never). The config's parser always
   *  sets it (its default is the bench's); absent, as in hand-built configs, means never. */
  restartEvery?: number;
  /** Per-request timeout in ms; a timed-out request counts as an error. */
  timeoutMs: number;
  requests: HttpRequestConfig[];
  /** Absolute budgets in the metric's unit (ms, req/s, a fraction), keyed by the catalogue's
   *  budget key (`p95`: every route) or `<route>/<key>` (one route); absent when none is set. */
  budgets?: Record<string, number>;
  /** When its servers are CPU-profiled after the decision (profile/); absent: on-regression. */
  profile?: 'always' | 'on-regression' | 'never';
  /** The capacity search per route (kinds/http/capacity.ts), on when `slo:` is set. */
  capacity?: HttpCapacityConfig;
}

/** The terms a route must meet at a request rate: latencies in ms, an error rate 0..1. */
export interface HttpSlo {
  p50?: number;
  p95?: number;
  p99?: number;
  mean?: number;
  errorRate?: number;
}

export interface HttpCapacityConfig {
  slo: HttpSlo;
  /** The highest rate tried (req/s): a side that meets the SLO there is reported as ≥ it. */
  maxRate: number;
  /** How long one rate is offered in the search, in ms. */
  stepMs: number;
}

export interface LighthouseBenchmarkConfig {
  name: string;
  type: 'lighthouse';
  /** A static directory (relative to the tree root) served on loopback... */
  serve?: string;
  /** ...or a server, as for http. Exactly one of serve and server is set. */
  server?: ServerConfig;
  pages: string[];
  preset: 'desktop' | 'mobile';
  /** Absolute budgets, in the metric's unit (ms for timings, unitless for CLS, bytes for weight). */
  budgets: Record<string, number>;
}

export interface BundleBenchmarkConfig {
  name: string;
  type: 'bundle';
  /** Globs relative to the tree root. */
  files: string[];
  compression: Array<'gzip' | 'brotli'>;
  groups: Record<string, string[]>;
  /** Absolute budgets in bytes keyed `total.gzip`, `<group>.brotli`, `<file>.raw`… */
  budgets: Record<string, number>;
  /** Relative limit on any size's growth (0.05 is 5%); the gate fails past it. */
  maxChange?: number;
}

export interface CommandBenchmarkConfig {
  name: string;
  type: 'command';
  run: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Absolute budgets in ms keyed `wall`; absent when none is set. */
  budgets?: Record<string, number>;
  /** When its runs are CPU-profiled after the decision (profile/); absent: on-regression. */
  profile?: 'always' | 'on-regression' | 'never';
}

/** A benchmark of any kind: the union of what the kinds' schemas produce (kinds/registry.ts),
 *  so a new kind needs no line here. */
export type BenchmarkConfig = AnyBenchmark;

export interface Config {
  /** Run in each tree before measuring (shell command). */
  build?: string;
  buildTimeoutMs: number;
  benchmarks: BenchmarkConfig[];
  gate: GateConfig;
}

/** A checked-out tree of one side. */
export interface Tree {
  side: Side;
  /** The ref the user named (or the resolved default). */
  ref: string;
  sha: string;
  /** Absolute path of the tree's root. */
  dir: string;
}

/** One metric a probe reports, known before sampling starts. */
export interface MetricSpec {
  /** Unique within a run: `benchmark/target/metric` (or `benchmark/metric`). */
  key: string;
  benchmark: string;
  /** The route, page, file or group within the benchmark, when it has several. */
  target?: string;
  /** `p50`, `p95`, `p99`, `mean`, `throughput`, `error-rate`, `lcp`, `gzip`… */
  metric: string;
  unit: string;
  better: Better;
  scale: Scale;
}

/** One run of one probe on one side: metric key → value. */
export type Observation = Record<string, number>;

/** Paired samples of one metric: entry i of base and head come from the same block. */
export interface MetricSamples {
  spec: MetricSpec;
  base: number[];
  head: number[];
  order: Order[];
}

/** What stats/ computes for one metric at one look. */
export interface MetricAnalysis {
  n: number;
  /** Relative change for ratio/exact (0.12 is +12%, head vs base); absolute for difference. */
  change: number;
  /** Confidence interval of `change`, same scale. */
  ci: [number, number];
  /** Two-sided raw p-value of no change; null where no test applies (exact metrics). */
  pValue: number | null;
  /** p-value adjusted across metrics; null where no test applies. */
  adjustedPValue: number | null;
  /** Smallest change in the worse direction this run could have detected (same scale). */
  mde: number | null;
  /** The test behind pValue: the signed-rank test, Student's t at few pairs (stats/analyze.ts
   *  pairedTestFor), or Mann–Whitney for unpaired metrics; absent for exact metrics. */
  test?: 'signed-rank' | 't' | 'rank-sum';
}

export interface SampleSummary {
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  /** Robust spread: median absolute deviation × 1.4826. */
  mad: number;
}

export interface BudgetCheck {
  benchmark: string;
  target?: string;
  metric: string;
  unit: string;
  limit: number;
  value: number;
  exceeded: boolean;
}
