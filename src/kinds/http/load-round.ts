// One load round of one route with autocannon: a fixed window of keep-alive connections, its
// responses counted as they arrive. Latencies come from autocannon's per-response `response`
// event (process.hrtime, sub-millisecond) rather than its HDR histogram, which records whole
// milliseconds.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { HttpRequestConfig } from '../../model.js';
import { type RouteSample, summariseRound } from './round-summary.js';

export interface MeasureRouteOptions {
  connections: number;
  durationMs: number;
  /** Per-request timeout; a timed-out request counts as an error. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Starts counting the server's CPU time (process-cpu.ts startTreeCpu) and returns what reads
   * the ns spent since. Called synchronously as the window opens and as it closes, so the time
   * matches the window whose requests it is divided by.
   */
  serverCpu?: () => () => number;
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
 * it rejects (abort, unreachable server). With `serverCpu`, the server's CPU time over the same
 * window is in the sample too: it also holds the connections' setup and the work of the (at most
 * `connections`) requests in flight at the close, which the window's responses carry between
 * them; a round of hundreds of requests makes that small, and base and head pay it alike.
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
    let cpuSince: (() => number) | undefined;
    let serverCpuNs: number | undefined;
    try {
      cpuSince = o.serverCpu?.();
    } catch (err) {
      reject(err);
      return;
    }
    const t0 = performance.now();

    const onAbort = () => close(o.signal?.reason);
    // Closes the measured window; autocannon then destroys its clients on its next tick and
    // calls back, which settles the promise. Nothing is counted after this.
    function close(reason?: unknown): void {
      if (!open) return;
      open = false;
      wallMs = performance.now() - t0;
      if (reason !== undefined) failure = reason;
      else if (cpuSince !== undefined) {
        try {
          serverCpuNs = cpuSince();
        } catch (err) {
          failure = err;
        }
      }
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
        resolve(
          summariseRound(latencies.subarray(0, responses), {
            badStatus,
            timeouts,
            socketErrors,
            wallMs,
            statusCodes,
            failures,
            ...(serverCpuNs !== undefined ? { serverCpuMs: serverCpuNs / 1e6 } : {}),
          }),
        );
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
