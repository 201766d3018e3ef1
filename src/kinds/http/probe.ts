// HTTP load per route: one short fixed-duration round per route per side (load-round.ts), its
// metrics announced from the catalogue and reported from the round's summary (round-summary.ts).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBenchmarkConfig, MetricSpec, Observation, Side } from '../../model.js';
import { catalogueSpec, disposalGuard, metricKey, type Probe, ProbeError } from '../types.js';
import { HTTP_METRICS } from './catalogue.js';
import { HttpRouteError, type HttpRouteFailure, measureRoute, routeUrl } from './load-round.js';
import { type RouteSample, routeMetrics } from './round-summary.js';

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

/** The metrics createHttpProbe reports for one route, in the catalogue's order. */
export function routeSpecs(benchmark: string, route: string): MetricSpec[] {
  return HTTP_METRICS.map((m) => catalogueSpec(m, benchmark, route));
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
      const values = routeMetrics(sample);
      for (const m of HTTP_METRICS)
        obs[metricKey(bench.name, route.name, m.metric)] = values[m.metric];
    }
    return obs;
  }

  return {
    benchmark: bench.name,
    specs,
    measure: (side) => guard.round(() => measure(side)),
    dispose: guard.dispose,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
