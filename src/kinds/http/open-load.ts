// One step of the capacity search: a route offered a fixed request rate for a fixed time, as
// users arrive (an open model): request n is due at t0 + n/rate whether or not earlier ones have
// been answered, and its latency runs from when it was due, so a queue in the server, in the
// kernel or in this client counts as users would feel it. A closed loop of connections (autocannon's
// rounds) would slow its own arrivals as the server slows and hide the queue (coordinated
// omission).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HttpRequestConfig } from '../../model.js';
import { routeUrl } from './load-round.js';

export interface LoadStepOptions {
  /** Requests per second offered. */
  rate: number;
  durationMs: number;
  /** A request not answered within this counts as an error (`timeout`). */
  timeoutMs: number;
  /** After the window, how long answers are still awaited; a request unanswered by then is
   *  `late` (its latency is at least the wait, beyond every SLO latency the search uses). */
  drainMs: number;
  signal?: AbortSignal;
  /** As in load-round.ts: starts counting the server's CPU time, returns what reads the ns spent
   *  since. Read as the window opens and as it closes. */
  serverCpu?: () => () => number;
}

export interface LoadStep {
  /** The rate offered (req/s) and the requests it made due in the window. */
  rate: number;
  sent: number;
  /** Answered in time, any status. */
  answered: number;
  /** Still unanswered when the drain ended. */
  late: number;
  /** Latency quantiles (ms) over every request sent, a late one counting as +∞; null when
   *  more than that share of them was late. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Mean over answered requests (ms); null when any was late. */
  mean: number | null;
  /** (unexpected status + timeouts + socket errors) / sent, 0..1. */
  errorRate: number;
  /** Failures by kind: `HTTP 503`, `timeout`, `ECONNRESET`. */
  errors: Record<string, number>;
  /** The server's CPU use over the window, in cores (1 = one core busy the whole time). */
  serverCores?: number;
}

/** A socket per request in flight up to this; beyond it requests wait in the agent, and the
 *  wait counts in their latency. */
const MAX_SOCKETS = 512;

function isExpected(status: number, expect: number[] | undefined): boolean {
  return expect === undefined ? status >= 200 && status < 300 : expect.includes(status);
}

/**
 * Offers `rate` req/s of `request` to the server at `base` for `durationMs` and waits up to
 * `drainMs` more for the answers. Its own agent and sockets are destroyed before it settles.
 * Rejects only when aborted or when nothing listens (every request refused).
 */
export async function loadStep(
  base: string,
  request: HttpRequestConfig,
  o: LoadStepOptions,
): Promise<LoadStep> {
  if (!(o.rate > 0) || !(o.durationMs > 0)) {
    throw new RangeError(
      `a load step needs a positive rate and duration, got ${o.rate}, ${o.durationMs}`,
    );
  }
  o.signal?.throwIfAborted();
  const url = new URL(routeUrl(base, request.path));
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const interval = 1000 / o.rate;
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  let settled = 0;
  let refused = 0;
  let sent = 0;
  const body = request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (
    body !== undefined &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')
  ) {
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const fail = (kind: string) => {
    failed++;
    errors[kind] = (errors[kind] ?? 0) + 1;
  };

  const cpuSince = o.serverCpu?.();
  const t0 = performance.now();
  let serverNs: number | undefined;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  // What is still in flight, so the step leaves no timer or socket behind when it ends.
  const inFlight = new Set<() => void>();

  const send = (due: number) => {
    sent++;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const req = http.request(url, { method: request.method, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (!settle()) return;
        latencies.push(performance.now() - due);
        if (!isExpected(res.statusCode ?? 0, request.expectStatus)) fail(`HTTP ${res.statusCode}`);
      });
      res.on('error', () => {});
    });
    const cancel = () => {
      finished = true;
      clearTimeout(timer);
      req.destroy();
    };
    inFlight.add(cancel);
    // True the first time only: an answer, a timeout and an error each end a request once.
    function settle(): boolean {
      if (finished) return false;
      finished = true;
      clearTimeout(timer);
      inFlight.delete(cancel);
      settled++;
      if (sent === total && settled === total) allSettled();
      return true;
    }
    timer = setTimeout(
      () => {
        if (!settle()) return;
        fail('timeout');
        req.destroy();
      },
      Math.max(1, due + o.timeoutMs - performance.now()),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!settle()) return;
      const code = err.code ?? 'socket error';
      if (code === 'ECONNREFUSED') refused++;
      fail(code);
    });
    if (body !== undefined) req.write(body);
    req.end();
  };

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(o.signal?.reason);
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});

  try {
    // Due requests go out on each timer tick; a tick late by a millisecond sends several at
    // once, each still timed from when it was due.
    await Promise.race([
      aborted,
      new Promise<void>((resolve) => {
        let next = 0;
        const pump = () => {
          const now = performance.now();
          while (next < total && t0 + next * interval <= now) send(t0 + next++ * interval);
          if (next < total) setTimeout(pump, Math.max(0, t0 + next * interval - performance.now()));
          else resolve();
        };
        pump();
      }),
    ]);
    const windowEnd = t0 + o.durationMs;
    await Promise.race([
      aborted,
      new Promise((r) => setTimeout(r, Math.max(0, windowEnd - performance.now()))),
    ]);
    if (cpuSince !== undefined) serverNs = cpuSince();
    await Promise.race([aborted, done, new Promise((r) => setTimeout(r, o.drainMs))]);
  } finally {
    if (onAbort) o.signal?.removeEventListener('abort', onAbort);
    for (const cancel of inFlight) cancel();
    agent.destroy();
  }
  if (refused === total) {
    throw new Error(`cannot connect to ${url.href} (ECONNREFUSED): is the server listening?`);
  }
  const late = total - latencies.length - (failed - countErrorsWithLatency(errors));
  const answered = latencies.length;
  const all = Float64Array.from(latencies).sort();
  // Requests without an answer (late, timed out, failed) sort above every answer: a quantile
  // that reaches one of them is unbounded. Otherwise Hyndman & Fan's definition 7, as
  // round-summary.ts's quantile, over all the requests sent.
  const at = (p: number): number | null => {
    const h = (total - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    if (hi >= all.length) return null;
    return all[lo]! + (h - lo) * (all[hi]! - all[lo]!);
  };
  let sum = 0;
  for (const v of all) sum += v;
  const out: LoadStep = {
    rate: o.rate,
    sent: total,
    answered,
    late,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: late > 0 || answered === 0 ? null : sum / answered,
    errorRate: failed / total,
    errors,
  };
  if (serverNs !== undefined) out.serverCores = serverNs / 1e6 / o.durationMs;
  return out;
}

/** Failures that still got an answer (an unexpected status): they have a latency too. */
function countErrorsWithLatency(errors: Record<string, number>): number {
  let n = 0;
  for (const [kind, count] of Object.entries(errors)) if (kind.startsWith('HTTP ')) n += count;
  return n;
}
