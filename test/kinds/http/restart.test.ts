// The http kind's restarts: every `restart-every` pairs both sides get fresh server processes,
// the old ones end, a restarted side is warmed up before its round counts, and the run's
// disposal stops the restarted servers too. Real servers on loopback, in their own processes.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpProbe } from '../../../src/kinds/http/probe.js';
import { startHttp } from '../../../src/kinds/http/start.js';
import type { Probe } from '../../../src/kinds/types.js';
import type { HttpBenchmarkConfig } from '../../../src/model.js';
import { type RunningServer, startServer } from '../../../src/workspace/server.js';
import { processesWith } from '../../helpers/processes.js';

const ROUND_MS = 400;
const FIXTURES = fileURLToPath(new URL('../../fixtures/probes/', import.meta.url));

function bench(marker: string, restartEvery: number): HttpBenchmarkConfig {
  return {
    name: 'api',
    type: 'http',
    start: `"${process.execPath}" server.mjs`,
    ready: '/stats',
    readyTimeoutMs: 10_000,
    env: { PERFGATE_TEST_MARKER: marker },
    cwd: '.',
    connections: 2,
    roundMs: ROUND_MS,
    restartEvery,
    timeoutMs: 2000,
    requests: [{ name: 'GET /delay', method: 'GET', path: '/delay?ms=1', headers: {} }],
  };
}

const disposers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of disposers.splice(0).reverse()) await stop();
});

async function started(b: HttpBenchmarkConfig): Promise<Probe> {
  const tree = (side: 'base' | 'head') => ({ side, ref: side, sha: '0'.repeat(40), dir: FIXTURES });
  const out = await startHttp(b, {
    sides: { base: tree('base'), head: tree('head') },
    log: () => {},
    onDispose: (stop) => disposers.push(stop),
  });
  if (!('probe' in out)) throw new Error('startHttp returned no probe');
  return out.probe;
}

describe('http servers restarted every k pairs', () => {
  it('gives both sides fresh processes at rounds k, 2k, …, ends the old ones, and warms each fresh one up', async () => {
    const marker = `restart-${process.pid}-${Date.now()}`;
    const probe = await started(bench(marker, 2));
    const first = new Set(processesWith(marker));
    expect(first.size).toBeGreaterThanOrEqual(2);

    const seen: Array<Set<number>> = [];
    const took: Record<number, number> = {};
    for (let round = -1; round <= 4; round++) {
      for (const side of ['base', 'head'] as const) {
        const t = performance.now();
        const obs = await probe.measure(side, round);
        if (side === 'base') took[round] = performance.now() - t;
        expect(obs['api/GET /delay/p50']).toBeGreaterThan(0);
      }
      // A retried round (the sampler retries a failed one) does not restart again.
      if (round === 2) await probe.measure('head', 2);
      seen.push(new Set(processesWith(marker)));
    }
    const [warm, r0, r1, r2, r3, r4] = seen as [Set<number>, ...Set<number>[]];
    const disjoint = (a: Set<number>, b: Set<number>) => [...a].every((p) => !b.has(p));
    // No restart for the warm-up, round 0 or round 1; fresh processes at 2 and at 4 only.
    for (const s of [warm, r0, r1]) expect(s).toEqual(first);
    expect(disjoint(r2!, first)).toBe(true);
    expect(r2!.size).toBe(first.size);
    expect(r3).toEqual(r2);
    expect(disjoint(r4!, r2!)).toBe(true);
    expect(r4!.size).toBe(first.size);
    // A restarted side loads its route for a whole round before the round that counts: its
    // measure takes at least a round longer than one without a restart (the restart alone is
    // ~0.1–0.3 s here, less than the round).
    expect(took[2]! - took[1]!).toBeGreaterThanOrEqual(ROUND_MS);
    expect(took[4]! - took[3]!).toBeGreaterThanOrEqual(ROUND_MS);
    // Two sides started, then two per restart at rounds 2 and 4: the run stops every one.
    expect(disposers).toHaveLength(6);
    for (const stop of disposers.splice(0).reverse()) await stop();
    expect(processesWith(marker)).toEqual([]);
  });

  it('never restarts with restart-every 0', async () => {
    const marker = `norestart-${process.pid}-${Date.now()}`;
    const probe = await started(bench(marker, 0));
    const first = processesWith(marker).sort();
    for (let round = 0; round <= 3; round++) {
      for (const side of ['base', 'head'] as const) await probe.measure(side, round);
    }
    expect(processesWith(marker).sort()).toEqual(first);
    expect(disposers).toHaveLength(2);
  });

  it('tries a failed restart again when the sampler retries the round', async () => {
    const marker = `retry-${process.pid}-${Date.now()}`;
    const b = bench(marker, 2);
    const serve = async (side: 'base' | 'head'): Promise<RunningServer> => {
      const server = await startServer({
        command: b.start,
        cwd: FIXTURES,
        env: b.env,
        ready: '/stats',
        readyTimeoutMs: 10_000,
        side,
        name: 'api',
      });
      disposers.push(() => server.stop());
      return server;
    };
    const servers = { base: await serve('base'), head: await serve('head') };
    let attempts = 0;
    const probe = createHttpProbe(b, servers, {
      restart: async (side) => {
        attempts++;
        await servers[side].stop();
        if (attempts === 1) throw new Error('the fresh server did not come up');
        return serve(side);
      },
    });
    await probe.measure('base', 1);
    await expect(probe.measure('base', 2)).rejects.toThrow(/did not come up/);
    // The retry restarts again and measures the fresh server, not the stopped one.
    const obs = await probe.measure('base', 2);
    expect(obs['api/GET /delay/p50']).toBeGreaterThan(0);
    expect(attempts).toBe(2);
  });
});
