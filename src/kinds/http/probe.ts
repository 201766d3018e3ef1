// HTTP load per route with autocannon: one short fixed-duration round per route per side.
// Latencies come from autocannon's per-response `response` event (process.hrtime, sub-millisecond)
// rather than its HDR histogram, which records whole milliseconds.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type {
  HttpBenchmarkConfig,
  HttpRequestConfig,
  MetricSpec,
  Observation,
  Side,
} from '../../model.js';
import { disposalGuard, metricKey, metricSpec, type Probe, ProbeError } from '../types.js';

export interface RouteSample {
  /** Latency percentiles and mean over every response (any status), in ms. */
  p50: number;
  p90: number;
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
  badStatus: number;
  timeouts: number;
  socketErrors: number;
  /** Length of the measured window, in ms. */
  wallMs: number;
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  /** Failures without a response, by error code or message (`ECONNRESET`, `timeout`). */
  failures: Record<string, number>;
}

export interface MeasureRouteOptions {
  connections: number;
  durationMs: number;
  /** Per-request timeout; a timed-out request counts as an error. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type HttpRouteFailure = 'cannot-connect' | 'no-response' | 'invalid-request';

/** A route that could not be measured at all (as opposed to one that answered badly). */
export class HttpRouteError extends Error {
  override name = 'HttpRouteError';
  readonly url: string;
  readonly method: string;
  readonly reason: HttpRouteFailure;
  /** The socket error code, for `cannot-connect`. */
  readonly code: string | undefined;
  constructor(
    message: string,
    data: { url: string; method: string; reason: HttpRouteFailure; code?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.url = data.url;
    this.method = data.method;
    this.reason = data.reason;
    this.code = data.code;
  }
}

export class HttpProbeError extends ProbeError {
  override name = 'HttpProbeError';
  readonly route: string;
  readonly url: string;
  readonly reason: HttpRouteFailure | 'server-exited';
  constructor(
    message: string,
    data: {
      benchmark: string;
      side: Side;
      route: string;
      url: string;
      reason: HttpRouteFailure | 'server-exited';
    },
    options?: { cause?: unknown },
  ) {
    super(message, data.benchmark, data.side, options);
    this.route = data.route;
    this.url = data.url;
    this.reason = data.reason;
  }
}

/** The methods autocannon's request builder accepts (lib/httpMethods.js), less HEAD: its
 *  response parser waits for the body a HEAD response never has, so every request times out. */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH'];
/** Socket errors that mean nothing is listening there: retrying for the round would only spin. */
const CANNOT_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
/** autocannon notices `stop()` only on its sample tick; a short tick ends a round promptly. */
const SAMPLE_INTERVAL_MS = 10;

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

function checkPositive(field: string, value: number, integer: boolean): void {
  const ok = Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new RangeError(
      `${field} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`,
    );
  }
}

function isExpected(status: number, expect: number[] | undefined): boolean {
  return expect === undefined ? status >= 200 && status < 300 : expect.includes(status);
}

/** Joins the server's base URL and a route path: `http://127.0.0.1:4100` + `/products?page=2`. */
export function routeUrl(base: string, path: string): string {
  if (!path.startsWith('/')) {
    throw new RangeError(`request path must start with "/", got ${JSON.stringify(path)}`);
  }
  return base.replace(/\/+$/, '') + path;
}

/**
 * Loads one route for `durationMs` with `connections` keep-alive connections and summarises the
 * responses that completed inside that window. Requests still in flight when the window closes
 * are dropped. autocannon is stopped and its sockets destroyed before this settles, also when
 * it rejects (abort, unreachable server).
 *
 * Throws HttpRouteError `cannot-connect` as soon as a connection is refused (nothing listens
 * there), and `no-response` when the window holds no response at all (every request timed out
 * or failed): there are no latencies to report then.
 */
export async function measureRoute(
  url: string,
  request: HttpRequestConfig,
  o: MeasureRouteOptions,
): Promise<RouteSample> {
  checkPositive('connections', o.connections, true);
  checkPositive('durationMs', o.durationMs, false);
  checkPositive('timeoutMs', o.timeoutMs, false);
  const method = request.method.toUpperCase();
  const target = routeUrl(url, request.path);
  if (!METHODS.includes(method)) {
    throw new HttpRouteError(
      `request method must be one of ${METHODS.join(', ')}, got ${JSON.stringify(request.method)}`,
      { url: target, method, reason: 'invalid-request' },
    );
  }
  o.signal?.throwIfAborted();

  let latencies = new Float64Array(1024);
  let responses = 0;
  let badStatus = 0;
  let timeouts = 0;
  let socketErrors = 0;
  const statusCodes: Record<string, number> = {};
  const failures: Record<string, number> = {};

  return new Promise<RouteSample>((resolve, reject) => {
    let open = true;
    let failure: unknown;
    let wallMs = 0;
    let timer: NodeJS.Timeout | undefined;
    let instance: autocannon.Instance | undefined;
    const t0 = performance.now();

    const onAbort = () => close(o.signal?.reason);
    // Closes the measured window; autocannon then destroys its clients on its next tick and
    // calls back, which settles the promise. Nothing is counted after this.
    function close(reason?: unknown): void {
      if (!open) return;
      open = false;
      wallMs = performance.now() - t0;
      if (reason !== undefined) failure = reason;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      instance?.stop();
    }

    function finish(err: unknown): void {
      close();
      if (err) {
        reject(
          new HttpRouteError(
            `autocannon could not load ${method} ${target}: ${String((err as Error).message ?? err)}`,
            { url: target, method, reason: 'invalid-request' },
            { cause: err },
          ),
        );
      } else if (failure !== undefined) {
        reject(failure);
      } else if (responses === 0) {
        const seen = Object.entries(failures)
          .map(([k, n]) => `${n}× ${k}`)
          .join(', ');
        reject(
          new HttpRouteError(
            `no response from ${method} ${target} within ${Math.round(wallMs)} ms` +
              ` (${seen || 'every request still in flight'}); raise roundMs or timeoutMs`,
            { url: target, method, reason: 'no-response' },
          ),
        );
      } else {
        const sorted = latencies.subarray(0, responses).sort();
        let sum = 0;
        for (const v of sorted) sum += v;
        const failed = timeouts + socketErrors;
        resolve({
          p50: quantile(sorted, 0.5),
          p90: quantile(sorted, 0.9),
          p99: quantile(sorted, 0.99),
          mean: sum / responses,
          min: sorted[0]!,
          max: sorted[responses - 1]!,
          throughput: responses / (wallMs / 1000),
          errorRate: (badStatus + failed) / (responses + failed),
          requests: responses + failed,
          responses,
          badStatus,
          timeouts,
          socketErrors,
          wallMs,
          statusCodes,
          failures,
        });
      }
    }

    try {
      instance = autocannon(
        {
          url: target,
          method: method as NonNullable<autocannon.Options['method']>,
          headers: { ...request.headers },
          ...(request.body !== undefined ? { body: request.body } : {}),
          connections: o.connections,
          // A safety net only: the window below ends the round.
          duration: o.durationMs / 1000 + 30,
          sampleInt: SAMPLE_INTERVAL_MS,
          // autocannon takes whole seconds ≥ 1 here; the exact value is set per client below.
          timeout: Math.max(1, Math.ceil(o.timeoutMs / 1000)),
          setupClient: (client) => {
            // Client reads `this.timeout` (ms) after setupClient when it arms its timer
            // (lib/httpClient.js), so sub-second timeouts work; test/kinds/http checks it.
            (client as unknown as { timeout: number }).timeout = o.timeoutMs;
          },
        },
        (err) => finish(err),
      );
    } catch (err) {
      clearTimeout(timer);
      reject(
        new HttpRouteError(
          `autocannon could not load ${method} ${target}: ${String((err as Error).message ?? err)}`,
          { url: target, method, reason: 'invalid-request' },
          { cause: err },
        ),
      );
      return;
    }

    // Settled already: autocannon calls back synchronously when it rejects its options.
    if (!open) return;
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (!open) return;
      if (responses === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[responses++] = responseTime;
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (!isExpected(statusCode, request.expectStatus)) badStatus++;
    });
    instance.on('reqError', (err: unknown) => {
      if (!open) return;
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code === 'string') {
        socketErrors++;
        failures[code] = (failures[code] ?? 0) + 1;
        if (CANNOT_CONNECT.has(code)) {
          close(
            new HttpRouteError(
              `cannot connect to ${target} (${code}): is the server listening?`,
              { url: target, method, reason: 'cannot-connect', code },
              { cause: err },
            ),
          );
        }
      } else {
        // autocannon reports a timed-out request as a plain Error('request timed out').
        timeouts++;
        failures.timeout = (failures.timeout ?? 0) + 1;
      }
    });

    timer = setTimeout(() => close(), o.durationMs);
    if (o.signal?.aborted) close(o.signal.reason);
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface HttpServerHandle {
  url: string;
  /** Throws when the server process has exited. */
  assertAlive(): void;
}

export interface HttpProbeOptions {
  signal?: AbortSignal;
  /** How long a failed round waits for the server's exit to be noticed (ms); default 500. */
  exitGraceMs?: number;
}

/** Totals per route and side over every measured round, for advice/. */
export interface HttpRouteEvidence {
  rounds: number;
  requests: number;
  statusCodes: Record<string, number>;
  failures: Record<string, number>;
}

export interface HttpEvidence {
  kind: 'http';
  benchmark: string;
  routes: Record<string, Record<Side, HttpRouteEvidence>>;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

const emptyEvidence = (): HttpRouteEvidence => ({
  rounds: 0,
  requests: 0,
  statusCodes: {},
  failures: {},
});

/** The metrics createHttpProbe reports for one route, in the order it reports them. */
export function routeSpecs(benchmark: string, route: string): MetricSpec[] {
  const t = { benchmark, target: route };
  return [
    metricSpec({ ...t, metric: 'p50', unit: 'ms', better: 'lower', scale: 'ratio' }),
    metricSpec({ ...t, metric: 'p90', unit: 'ms', better: 'lower', scale: 'ratio' }),
    metricSpec({ ...t, metric: 'p99', unit: 'ms', better: 'lower', scale: 'ratio' }),
    metricSpec({ ...t, metric: 'mean', unit: 'ms', better: 'lower', scale: 'ratio' }),
    metricSpec({ ...t, metric: 'throughput', unit: 'req/s', better: 'higher', scale: 'ratio' }),
    // A fraction 0..1 (the report shows it as a percentage); it may be 0, hence difference.
    metricSpec({
      ...t,
      metric: 'error-rate',
      unit: 'fraction',
      better: 'lower',
      scale: 'difference',
    }),
  ];
}

export function createHttpProbe(
  bench: HttpBenchmarkConfig,
  servers: Record<Side, HttpServerHandle>,
  o: HttpProbeOptions = {},
): Probe {
  const names = new Set<string>();
  for (const r of bench.requests) {
    if (names.has(r.name)) {
      throw new RangeError(
        `benchmarks "${bench.name}": request names must be unique, got ${JSON.stringify(r.name)} twice`,
      );
    }
    names.add(r.name);
  }
  const specs = bench.requests.flatMap((r) => routeSpecs(bench.name, r.name));
  const evidence: HttpEvidence = { kind: 'http', benchmark: bench.name, routes: {} };
  for (const r of bench.requests) {
    evidence.routes[r.name] = { base: emptyEvidence(), head: emptyEvidence() };
  }
  const guard = disposalGuard(bench.name, o.signal);
  const { signal } = guard;
  const exitGraceMs = o.exitGraceMs ?? 500;

  // A crashed server shows first as refused connections; its exit may reach this process a
  // moment later, so a failed round polls assertAlive briefly to name the real cause.
  async function exitedCause(server: HttpServerHandle, wait: boolean): Promise<unknown> {
    const deadline = performance.now() + (wait ? exitGraceMs : 0);
    for (;;) {
      try {
        server.assertAlive();
      } catch (err) {
        return err;
      }
      if (performance.now() >= deadline) return undefined;
      await sleep(25);
    }
  }

  async function measure(side: Side): Promise<Observation> {
    const server = servers[side];
    const obs: Observation = {};
    for (const route of bench.requests) {
      const data = {
        benchmark: bench.name,
        side,
        route: route.name,
        url: routeUrl(server.url, route.path),
      };
      const where = `benchmark "${bench.name}", ${side} side, ${route.name} (${data.url})`;
      let sample: RouteSample;
      try {
        sample = await measureRoute(server.url, route, {
          connections: bench.connections,
          durationMs: bench.roundMs,
          timeoutMs: bench.timeoutMs,
          signal,
        });
      } catch (err) {
        if (signal.aborted) throw err;
        const exited = await exitedCause(server, true);
        if (exited !== undefined) {
          throw new HttpProbeError(
            `${where}: the server exited: ${errorText(exited)}`,
            { ...data, reason: 'server-exited' },
            { cause: exited },
          );
        }
        if (err instanceof HttpRouteError) {
          throw new HttpProbeError(
            `${where}: ${err.message}`,
            { ...data, reason: err.reason },
            { cause: err },
          );
        }
        throw err;
      }
      const exited = await exitedCause(server, false);
      if (exited !== undefined) {
        throw new HttpProbeError(
          `${where}: the server exited during the round: ${errorText(exited)}`,
          { ...data, reason: 'server-exited' },
          { cause: exited },
        );
      }
      const t = evidence.routes[route.name]![side];
      t.rounds++;
      t.requests += sample.requests;
      addCounts(t.statusCodes, sample.statusCodes);
      addCounts(t.failures, sample.failures);
      const key = (metric: string) => metricKey(bench.name, route.name, metric);
      obs[key('p50')] = sample.p50;
      obs[key('p90')] = sample.p90;
      obs[key('p99')] = sample.p99;
      obs[key('mean')] = sample.mean;
      obs[key('throughput')] = sample.throughput;
      obs[key('error-rate')] = sample.errorRate;
    }
    return obs;
  }

  return {
    benchmark: bench.name,
    specs,
    measure: (side) => guard.round(() => measure(side)),
    async evidence() {
      return structuredClone(evidence);
    },
    dispose: guard.dispose,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
