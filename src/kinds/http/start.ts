// Starts an http benchmark: its server in each tree, then the probe that loads them. The probe
// restarts them every `restart-every` pairs through `restart` here, so the run stops every
// server it started, the restarted ones too.
import { join } from 'node:path';
import type { HttpBenchmarkConfig, Side } from '../../model.js';
import { type RunningServer, startServer } from '../../workspace/server.js';
import type { KindRun, Started } from '../types.js';
import { createHttpProbe } from './probe.js';

export async function startHttp(bench: HttpBenchmarkConfig, run: KindRun): Promise<Started> {
  const servers: Partial<Record<Side, RunningServer>> = {};
  const start = async (side: Side, restart: boolean): Promise<RunningServer> => {
    if (!restart) run.log(`Starting ${bench.name} (${side}): ${bench.start}`);
    const server = await startServer({
      command: bench.start,
      cwd: join(run.sides[side].dir, bench.cwd),
      env: bench.env,
      ready: bench.ready,
      readyTimeoutMs: bench.readyTimeoutMs,
      side,
      name: bench.name,
      // A restart's start-up output is not shown again: the first start's group has it.
      ...(restart
        ? {}
        : { group: run.outputGroup?.(`Server ${bench.name} (${side}): ${bench.start}`) }),
    });
    run.onDispose(() => server.stop());
    return server;
  };
  for (const side of ['base', 'head'] as const) servers[side] = await start(side, false);
  const probe = createHttpProbe(bench, servers as Record<Side, RunningServer>, {
    signal: run.signal,
    log: run.log,
    // The probe keeps `servers` current: it puts each fresh server in place of the old.
    restart: async (side) => {
      await servers[side]!.stop();
      return start(side, true);
    },
  });
  return { probe };
}
