// The statistics of one HTTP round: the per-request latencies and counts a load round collected,
// summarised into the route's metrics. Pure.
import type { HTTP_METRICS } from './catalogue.js';

export type HttpMetric = (typeof HTTP_METRICS)[number]['metric'];
/** Metrics a round has only where the probe can read them (the server's CPU time needs /proc),
 *  or only where they are asked for (capacity needs an slo; it comes from capacity.ts, not from
 *  the round). */
export type OptionalHttpMetric = 'cpu' | 'capacity';
export type HttpMetricValues = Record<Exclude<HttpMetric, OptionalHttpMetric>, number> &
  Partial<Record<OptionalHttpMetric, number>>;

/** What a round counted besides the latencies. */
export interface RoundCounts {
  badStatus: number;
  timeouts: number;
  socketErrors: number;
  /** Length of the measured window, in ms. */
  wallMs: number;
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  /** Failures without a response, by error code or message (`ECONNRESET`, `timeout`). */
  failures: Record<string, number>;
  /** CPU time of the server's process tree in the window, in ms; absent when not read. */
  serverCpuMs?: number;
}

export interface RouteSample extends RoundCounts {
  /** Latency percentiles and mean over every response (any status), in ms. */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Fastest and slowest response, in ms. */
  min: number;
  max: number;
  /** Responses per second of the measured window, whatever their status: a route that starts
   *  failing shows in errorRate, and a throughput of 0 would leave the log-ratio undefined. */
  throughput: number;
  /** (unexpected statuses + timeouts + socket errors) / requests, 0..1. */
  errorRate: number;
  /** Requests that finished in the window: responses plus failures. */
  requests: number;
  responses: number;
  /** serverCpuMs / requests: the server's CPU time per request, in ms, when it was read. Failed
   *  requests count, as in errorRate: a timed-out request may have cost the server work too. */
  cpu?: number;
}

/**
 * Quantile by linear interpolation between order statistics: Hyndman & Fan (1996) definition 7,
 * the default of R and NumPy. h = (n − 1)·p; Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * `sorted` must be ascending and non-empty.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be within [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/** The round's sample from its response latencies (ms, any order; sorted in place) and counts. */
export function summariseRound(latencies: Float64Array, counts: RoundCounts): RouteSample {
  const responses = latencies.length;
  if (responses === 0) throw new RangeError('summariseRound needs at least one response');
  const sorted = latencies.sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const failed = counts.timeouts + counts.socketErrors;
  return {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    mean: sum / responses,
    min: sorted[0]!,
    max: sorted[responses - 1]!,
    throughput: responses / (counts.wallMs / 1000),
    errorRate: (counts.badStatus + failed) / (responses + failed),
    requests: responses + failed,
    responses,
    ...counts,
    ...(counts.serverCpuMs !== undefined ? { cpu: counts.serverCpuMs / (responses + failed) } : {}),
  };
}

/** The catalogue's metrics of a sample: a metric added to HTTP_METRICS fails to compile here
 *  until the round computes it (or it is declared optional). */
export function routeMetrics(s: RouteSample): HttpMetricValues {
  return {
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    mean: s.mean,
    throughput: s.throughput,
    'error-rate': s.errorRate,
    ...(s.cpu !== undefined ? { cpu: s.cpu } : {}),
  };
}
