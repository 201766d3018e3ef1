// HTTP load per route: one short fixed-duration round per route per side (load-round.ts), its
// metrics announced from the catalogue and reported from the round's summary (round-summary.ts).
// The server's CPU time per request needs the server's pid and /proc (workspace/process-cpu.ts);
// where either is missing the probe leaves the metric out, and says why, rather than report a
// 0 that would read as "no work".
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBenchmarkConfig, MetricSpec, Observation, Side } from '../../model.js';
import { cpuSource, ProcessCpuError, startTreeCpu } from '../../workspace/process-cpu.js';
import { catalogueSpec, disposalGuard, metricKey, type Probe, ProbeError } from '../types.js';
import { NoCapacityError } from './capacity.js';
import { type CapacityRun, createCapacityRun } from './capacity-run.js';
import { HTTP_METRICS } from './catalogue.js';
import { HttpRouteError, type HttpRouteFailure, measureRoute, routeUrl } from './load-round.js';
import { type OptionalHttpMetric, type RouteSample, routeMetrics } from './round-summary.js';

/** `server-cpu`: the server's CPU time, readable when the probe started, no longer is. */
export type HttpProbeFailure = HttpRouteFailure | 'server-exited' | 'server-cpu';

export class HttpProbeError extends ProbeError {
  override name = 'HttpProbeError';
  readonly route: string;
  readonly url: string;
  readonly reason: HttpProbeFailure;
  constructor(
    message: string,
    data: {
      benchmark: string;
      side: Side;
      route: string;
      url: string;
      reason: HttpProbeFailure;
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
  /** The root of the server's process tree, whose CPU time the `cpu` metric reads; without
   *  it the metric is left out. */
  pid?: number;
}

export interface HttpProbeOptions {
  signal?: AbortSignal;
  /** How long a failed round waits for the server's exit to be noticed (ms); default 500. */
  exitGraceMs?: number;
  /** Measure the servers' CPU time per request (`cpu`) where it can be read; default true. */
  serverCpu?: boolean;
  /** Told why a metric is left out. */
  log?: (line: string) => void;
  /** Stops a side's server and starts a fresh one of the same tree; the probe calls it every
   *  `restartEvery` pairs of the benchmark. Without it the servers are never restarted. */
  restart?: (side: Side) => Promise<HttpServerHandle>;
}

/** The metrics createHttpProbe reports for one route, in the catalogue's order; `without`
 *  leaves out metrics the probe cannot read. */
export function routeSpecs(
  benchmark: string,
  route: string,
  without: readonly OptionalHttpMetric[] = [],
): MetricSpec[] {
  return measuredMetrics(without).map((m) => catalogueSpec(m, benchmark, route));
}

function measuredMetrics(without: readonly OptionalHttpMetric[]) {
  return HTTP_METRICS.filter((m) => !(without as readonly string[]).includes(m.metric));
}

/**
 * Why the servers' CPU time cannot be read, or undefined when it can: each must have a pid
 * whose tree /proc shows (Linux). Read once here, so a round never finds out halfway.
 */
export function serverCpuUnavailable(servers: Record<Side, HttpServerHandle>): string | undefined {
  for (const side of ['base', 'head'] as const) {
    const { pid } = servers[side];
    if (pid === undefined) return `the ${side} server's process id is not known`;
    try {
      startTreeCpu(pid);
    } catch (err) {
      if (err instanceof ProcessCpuError) return err.message;
      throw err;
    }
  }
  return undefined;
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
  const without: OptionalHttpMetric[] = bench.capacity ? [] : ['capacity'];
  if (o.serverCpu === false) without.push('cpu');
  else {
    const why = serverCpuUnavailable(servers);
    if (why !== undefined) {
      without.push('cpu');
      o.log?.(
        `benchmark "${bench.name}": server CPU time per request (cpu) is not measured: ${why}`,
      );
    }
  }
  const metrics = measuredMetrics(without);
  const specs = bench.requests.flatMap((r) => routeSpecs(bench.name, r.name, without));
  const guard = disposalGuard(bench.name, o.signal);
  const { signal } = guard;
  const capacity: CapacityRun | undefined = bench.capacity
    ? createCapacityRun({ ...bench, capacity: bench.capacity }, servers, {
        signal,
        serverCpu: !without.includes('cpu'),
      })
    : undefined;
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

  // A persistent difference between two processes of the same code (heap layout, JIT
  // decisions) would pass for a change however many pairs a run takes; fresh processes every
  // `restartEvery` pairs turn it into noise the pairs average out (bench/RESULTS.md, issue 12).
  const restartedAt: Record<Side, number> = { base: 0, head: 0 };
  async function restartIfDue(side: Side, round: number): Promise<void> {
    const every = bench.restartEvery ?? 0;
    if (!o.restart || every <= 0 || round <= 0 || round % every !== 0) return;
    if (restartedAt[side] === round) return;
    // Marked once the fresh server is up: a restart that failed is tried again by the
    // sampler's retry of the round, rather than the round going on with the stopped server.
    servers[side] = await o.restart(side);
    restartedAt[side] = round;
    // The fresh process's first requests run cold: one round per route, thrown away, as the
    // sampler's warm-up does for the first processes.
    await loadRoutes(side, round, false);
  }

  async function measure(side: Side, round: number): Promise<Observation> {
    await restartIfDue(side, round);
    return loadRoutes(side, round, true);
  }

  async function loadRoutes(side: Side, round: number, keep: boolean): Promise<Observation> {
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
          ...(without.includes('cpu') ? {} : { serverCpu: () => startTreeCpu(server.pid!) }),
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
        if (err instanceof ProcessCpuError) {
          throw new HttpProbeError(
            `${where}: cannot read the server's CPU time: ${errorText(err)}`,
            { ...data, reason: 'server-cpu' },
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
      // A ratio metric cannot take 0 (its log-ratio is infinite). With schedstat's ns a server
      // that answered ran for some; with stat's 10 ms ticks a light round may show none.
      if (sample.serverCpuMs === 0) {
        throw new HttpProbeError(
          `${where}: the server's CPU time in the round was 0 at the resolution of /proc ` +
            `(${cpuSource() === 'stat' ? '10 ms ticks from /proc/<pid>/stat' : 'schedstat'}) ` +
            `over ${sample.requests} requests; lengthen round-duration (${bench.roundMs} ms)`,
          { ...data, reason: 'server-cpu' },
        );
      }
      if (!keep) continue;
      const values: Partial<Record<string, number>> = routeMetrics(sample);
      if (capacity) {
        try {
          values.capacity = await capacity.estimate(side, round, route.name);
        } catch (err) {
          if (signal.aborted) throw err;
          const exited = await exitedCause(server, true);
          if (exited !== undefined) {
            throw new HttpProbeError(
              `${where}: the server exited during the capacity search: ${errorText(exited)}`,
              { ...data, reason: 'server-exited' },
              { cause: exited },
            );
          }
          if (err instanceof NoCapacityError) {
            throw new HttpProbeError(
              `${where}: ${err.message}`,
              { ...data, reason: 'no-response' },
              { cause: err },
            );
          }
          throw err;
        }
      }
      for (const m of metrics) {
        const value = values[m.metric];
        // measureRoute reads the CPU time whenever asked, or throws: never a gap.
        if (value === undefined) throw new Error(`${where}: the round has no ${m.metric}`);
        obs[metricKey(bench.name, route.name, m.metric)] = value;
      }
    }
    return obs;
  }

  return {
    benchmark: bench.name,
    specs,
    measure: (side, round) => guard.round(() => measure(side, round)),
    ...(capacity ? { evidence: async () => capacity.evidence() } : {}),
    dispose: guard.dispose,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
