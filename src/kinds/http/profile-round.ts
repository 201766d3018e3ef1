// CPU profiles of an http benchmark's servers, after the sampler has decided: each side's server
// started again, on a fresh port, with the profiler preload in NODE_OPTIONS (profile/preload.ts),
// so the servers that were measured never carried it; then one load round per profiled round,
// the same load as the measured rounds (measureRoute), with the profiler running around it.
import { join } from 'node:path';
import type { HttpBenchmarkConfig, HttpRequestConfig, Side, Tree } from '../../model.js';
import { startProfiling } from '../../profile/control.js';
import { withProfiler } from '../../profile/preload.js';
import { type RunningServer, startServer } from '../../workspace/server.js';
import { measureRoute } from './load-round.js';

export interface ProfiledServer {
  side: Side;
  server: RunningServer;
  /** Where the server's Node.js processes listen for the profiler's start and stop. */
  controlDir: string;
}

/** Starts one side's server with the profiler preloaded; the caller stops it. */
export async function startProfiledServer(
  bench: HttpBenchmarkConfig,
  tree: Tree,
  profiler: { preload: string; controlDir: string },
): Promise<ProfiledServer> {
  const env = withProfiler(bench.env, profiler.preload, { control: profiler.controlDir });
  const server = await startServer({
    command: bench.start,
    cwd: join(tree.dir, bench.cwd),
    env,
    ready: bench.ready,
    readyTimeoutMs: bench.readyTimeoutMs,
    side: tree.side,
    name: bench.name,
  });
  return { side: tree.side, server, controlDir: profiler.controlDir };
}

export interface ProfiledRoundOutcome {
  /** Node.js processes profiled: 0 when none runs the preload (not a Node.js server). */
  processes: number;
  /** Requests answered in the round. */
  requests: number;
  /** One .cpuprofile per profiled process. */
  files: string[];
}

/** A load round of one route; `name` (lowercase letters, digits, dashes) names its files. With
 *  `profile: false` it is a warm-up: the same load, nothing recorded. */
export async function profiledRouteRound(
  bench: HttpBenchmarkConfig,
  side: ProfiledServer,
  route: HttpRequestConfig,
  o: { name: string; profile: boolean; signal?: AbortSignal },
): Promise<ProfiledRoundOutcome> {
  const profiling = o.profile ? await startProfiling(side.controlDir, o.name) : undefined;
  let requests: number;
  try {
    const sample = await measureRoute(side.server.url, route, {
      connections: bench.connections,
      durationMs: bench.roundMs,
      timeoutMs: bench.timeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    requests = sample.requests;
  } catch (error) {
    await profiling?.stop().catch(() => []);
    throw error;
  }
  const files = profiling ? await profiling.stop() : [];
  return { processes: profiling?.processes ?? 0, requests, files };
}
