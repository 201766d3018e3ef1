// Starts an http benchmark: its server in each tree, then the probe that loads them.
import { join } from 'node:path';
import type { HttpBenchmarkConfig, Side } from '../../model.js';
import { type RunningServer, startServer } from '../../workspace/server.js';
import type { KindRun, Started } from '../types.js';
import { createHttpProbe } from './probe.js';

export async function startHttp(bench: HttpBenchmarkConfig, run: KindRun): Promise<Started> {
  const servers: Partial<Record<Side, RunningServer>> = {};
  for (const side of ['base', 'head'] as const) {
    run.log(`Starting ${bench.name} (${side}): ${bench.start}`);
    const server = await startServer({
      command: bench.start,
      cwd: join(run.sides[side].dir, bench.cwd),
      env: bench.env,
      ready: bench.ready,
      readyTimeoutMs: bench.readyTimeoutMs,
      side,
      name: bench.name,
      group: run.outputGroup?.(`Server ${bench.name} (${side}): ${bench.start}`),
    });
    run.onDispose(() => server.stop());
    servers[side] = server;
  }
  const probe = createHttpProbe(bench, servers as Record<Side, RunningServer>, {
    signal: run.signal,
    log: run.log,
  });
  return { probe };
}
