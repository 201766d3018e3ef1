// The server of one side's pages: perfgate's static file server for `serve`, or the project's own
// command for `server`. Started on the side's first round, stopped by the probe's dispose().
import { join } from 'node:path';
import type { LighthouseBenchmarkConfig, Side, Tree } from '../../model.js';
import { startServer } from '../../workspace/server.js';
import { startStaticServer } from '../../workspace/static-server.js';

export interface PageServer {
  origin: string;
  stop(): Promise<void>;
  /** Throws when the server has exited (a static server never does). */
  assertAlive(): void;
}

export async function startPageServer(
  bench: LighthouseBenchmarkConfig,
  tree: Tree,
  side: Side,
  onServerOutput?: (side: Side, text: string) => void,
): Promise<PageServer> {
  if (bench.serve !== undefined) {
    const server = await startStaticServer(join(tree.dir, bench.serve));
    return { origin: server.origin, stop: () => server.close(), assertAlive: () => {} };
  }
  const s = bench.server!;
  const server = await startServer({
    command: s.start,
    cwd: join(tree.dir, s.cwd),
    env: s.env,
    ...(s.ready !== undefined ? { ready: s.ready } : {}),
    readyTimeoutMs: s.readyTimeoutMs,
    side,
    name: bench.name,
    ...(onServerOutput ? { onOutput: (text: string) => onServerOutput(side, text) } : {}),
  });
  return {
    origin: server.url,
    stop: () => server.stop(),
    assertAlive: () => server.assertAlive(),
  };
}
