// The `cpu` metric against a real server in its own process: per request, a route doing twice
// the work costs twice the CPU time, whatever the latency does.
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureRoute } from '../../../src/kinds/http/load-round.js';
import {
  createHttpProbe,
  HttpProbeError,
  serverCpuUnavailable,
} from '../../../src/kinds/http/probe.js';
import type { HttpBenchmarkConfig, HttpRequestConfig } from '../../../src/model.js';
import { ProcessCpuError, startTreeCpu } from '../../../src/workspace/process-cpu.js';
import { CPU_SERVER, type FixtureServer, getJson, startFixtureServer } from './fixture-server.js';

const get = (path: string): HttpRequestConfig => ({
  name: `GET ${path}`,
  method: 'GET',
  path,
  headers: {},
});

function bench(requests: HttpRequestConfig[]): HttpBenchmarkConfig {
  return {
    name: 'api',
    type: 'http',
    start: 'unused',
    readyTimeoutMs: 1000,
    env: {},
    cwd: '.',
    connections: 2,
    roundMs: 400,
    timeoutMs: 5000,
    requests,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

describe('server CPU time per request', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer({}, CPU_SERVER);
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('is about twice as much on a route doing twice the work', async () => {
    // Both sides on the one server: only the routes differ.
    const probe = createHttpProbe(
      bench([get('/hash?units=0'), get('/hash?units=1'), get('/hash?units=2')]),
      { base: server, head: server },
    );
    const key = (units: number, metric: string) => `api/GET /hash?units=${units}/${metric}`;
    // The first round warms the JIT up and is left out.
    await probe.measure('base', 0);
    const rounds: Array<Record<string, number>> = [];
    for (let round = 1; round <= 5; round++) rounds.push(await probe.measure('base', round));
    await probe.dispose!();
    // Per round, so that the two routes met the same load on this shared machine (measured with
    // a dozen other processes running, one round's reading moved ±30%).
    const ratio = (a: number, b: number) =>
      median(rounds.map((r) => r[key(a, 'cpu')]! / r[key(b, 'cpu')]!));
    const net = median(
      rounds.map(
        (r) => (r[key(2, 'cpu')]! - r[key(0, 'cpu')]!) / (r[key(1, 'cpu')]! - r[key(0, 'cpu')]!),
      ),
    );
    // A unit is ~0.7 ms of hashing on the CI machine; the request's own handling (parsing, the
    // response, the socket) comes on top of either route: units=0 costs just that, ~0.1–0.3 ms,
    // so the plain ratio is (2w + o)/(w + o), about 1.8. Total CPU per round instead of per
    // request would give about 1 (the server is busy the whole round either way).
    expect(ratio(2, 1)).toBeGreaterThan(1.5);
    expect(ratio(2, 1)).toBeLessThan(2.2);
    expect(net).toBeGreaterThan(1.4);
    expect(net).toBeLessThan(2.6);
    // Two connections keep a request queued behind the other: latency holds that wait, the
    // CPU time does not.
    for (const r of rounds) expect(r[key(2, 'cpu')]!).toBeLessThan(r[key(2, 'p50')]!);
  });

  it("reads the server's own CPU time, not the load generator's", async () => {
    // autocannon runs in this process, and a worker here burns CPU all through the round: a
    // reading that took this process in would be far above what the server says it spent.
    const usage = async () => (await getJson<{ us: number }>(`${server.url}/usage`)).us * 1e-3;
    const burner = new Worker(
      `const end = Date.now() + 400; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);`,
      { eval: true },
    );
    const mine = process.cpuUsage();
    const before = await usage();
    const s = await measureRoute(server.url, get('/hash?units=1'), {
      connections: 2,
      durationMs: 400,
      timeoutMs: 5000,
      serverCpu: () => startTreeCpu(server.pid),
    });
    const truth = (await usage()) - before;
    await new Promise((resolve) => burner.once('exit', resolve));
    const here = process.cpuUsage(mine);
    const ownMs = (here.user + here.system) / 1000;
    expect(s.cpu).toBeCloseTo(s.serverCpuMs! / s.requests, 12);
    // The server's getrusage also holds the two /usage requests, the connections' setup and the
    // requests in flight at the window's close, all outside the window.
    expect(s.serverCpuMs!).toBeGreaterThan(0.8 * truth - 20);
    expect(s.serverCpuMs!).toBeLessThan(truth + 5);
    // What this process spent meanwhile, which the reading must not hold.
    expect(ownMs).toBeGreaterThan(150);
  });

  it('leaves cpu out, and says why, when a server has no pid', () => {
    const lines: string[] = [];
    const noPid = { url: server.url, assertAlive() {} };
    const servers = { base: server, head: noPid };
    expect(serverCpuUnavailable(servers)).toBe("the head server's process id is not known");
    const probe = createHttpProbe(bench([get('/status')]), servers, {
      log: (line) => lines.push(line),
    });
    expect(probe.specs.map((s) => s.metric)).toEqual([
      'p50',
      'p95',
      'p99',
      'mean',
      'throughput',
      'error-rate',
    ]);
    expect(lines).toEqual([
      'benchmark "api": server CPU time per request (cpu) is not measured: the head server\'s process id is not known',
    ]);
    // Switched off: left out without a word.
    const off = createHttpProbe(
      bench([get('/status')]),
      { base: server, head: server },
      {
        serverCpu: false,
        log: (line) => lines.push(line),
      },
    );
    expect(off.specs.some((s) => s.metric === 'cpu')).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it('leaves cpu out when a pid is not running', () => {
    // Far above pid_max on Linux (2^22): never a live process.
    const gone = { url: server.url, assertAlive() {}, pid: 2 ** 30 };
    expect(serverCpuUnavailable({ base: gone, head: server })).toBe(
      `process ${2 ** 30} is not running (no /proc/${2 ** 30}/stat)`,
    );
  });

  it('fails the round as server-cpu when the tree it reads is gone but the server seems alive', async () => {
    // A process that ends inside the round stands for a server tree /proc no longer shows,
    // while assertAlive has nothing to say: the round must fail, not report a CPU time.
    const brief = spawn('sleep', ['0.2'], { stdio: 'ignore' });
    const ended = new Promise((resolve) => brief.once('exit', resolve));
    const odd = { url: server.url, assertAlive() {}, pid: brief.pid! };
    const probe = createHttpProbe(
      bench([get('/status')]),
      { base: odd, head: server },
      {
        exitGraceMs: 50,
      },
    );
    expect(probe.specs.some((s) => s.metric === 'cpu')).toBe(true);
    const err = await probe.measure('base', 0).catch((e: unknown) => e);
    await ended;
    expect(err).toBeInstanceOf(HttpProbeError);
    expect(err).toMatchObject({ side: 'base', route: 'GET /status', reason: 'server-cpu' });
    expect((err as Error).cause).toBeInstanceOf(ProcessCpuError);
    expect((err as Error).message).toContain(
      `benchmark "api", base side, GET /status (${server.url}/status): cannot read the server's CPU time: process ${brief.pid} is not running`,
    );
  });

  it('fails the round as server-cpu rather than report a CPU time of 0', async () => {
    // A sleeping process stands for a server whose work /proc cannot resolve (stat's ticks on a
    // light round): 0 would make the log-ratio infinite.
    const idle = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const quiet = { url: server.url, assertAlive() {}, pid: idle.pid! };
      const probe = createHttpProbe(bench([get('/status')]), { base: quiet, head: server });
      const err = await probe.measure('base', 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpProbeError);
      expect(err).toMatchObject({ side: 'base', route: 'GET /status', reason: 'server-cpu' });
      expect((err as Error).message).toMatch(
        /the server's CPU time in the round was 0 at the resolution of \/proc \(schedstat\) over \d+ requests; lengthen round-duration \(400 ms\)/,
      );
    } finally {
      idle.kill('SIGKILL');
    }
  });
});
