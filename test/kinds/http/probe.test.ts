import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_METRICS } from '../../../src/kinds/http/catalogue.js';
import { HttpRouteError, measureRoute } from '../../../src/kinds/http/load-round.js';
import { createHttpProbe, HttpProbeError } from '../../../src/kinds/http/probe.js';
import { quantile, routeMetrics, summariseRound } from '../../../src/kinds/http/round-summary.js';
import { ProbeError } from '../../../src/kinds/types.js';
import type { HttpBenchmarkConfig, HttpRequestConfig } from '../../../src/model.js';
import { ServerExitedError, startServer } from '../../../src/workspace/server.js';
import {
  type FixtureServer,
  FixtureServerExited,
  freePort,
  getJson,
  startFixtureServer,
  waitFor,
} from './fixture-server.js';

const get = (path: string, extra: Partial<HttpRequestConfig> = {}): HttpRequestConfig => ({
  name: `GET ${path}`,
  method: 'GET',
  path,
  headers: {},
  ...extra,
});

const load = { connections: 2, durationMs: 250, timeoutMs: 2000 };

function bench(requests: HttpRequestConfig[], roundMs = 250): HttpBenchmarkConfig {
  return {
    name: 'api',
    type: 'http',
    start: 'unused',
    readyTimeoutMs: 1000,
    env: {},
    cwd: '.',
    connections: 2,
    roundMs,
    timeoutMs: 2000,
    requests,
  };
}

interface Stats {
  requests: number;
  openSockets: number;
}

describe('quantile (Hyndman & Fan type 7)', () => {
  it('interpolates between order statistics like R quantile(type = 7)', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(x, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(x, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile(x, 0.99)).toBeCloseTo(9.91, 12);
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(10);
    expect(quantile([7], 0.99)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile(x, 1.5)).toThrow(/within \[0, 1\], got 1.5/);
  });
});

describe('summariseRound', () => {
  it('computes p50, p95, p99 and the mean from known latencies', () => {
    // 1..100 ms out of order (i·37 mod 100 visits each once): type 7 gives p95 = 95 + 0.05.
    const latencies = Float64Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const s = summariseRound(latencies, {
      badStatus: 2,
      timeouts: 3,
      socketErrors: 1,
      wallMs: 500,
      statusCodes: { '200': 98, '503': 2 },
      failures: { timeout: 3, ECONNRESET: 1 },
    });
    expect(s.p50).toBeCloseTo(50.5, 12);
    expect(s.p95).toBeCloseTo(95.05, 12);
    expect(s.p99).toBeCloseTo(99.01, 12);
    expect(s.mean).toBeCloseTo(50.5, 12);
    expect([s.min, s.max]).toEqual([1, 100]);
    expect(s.throughput).toBe(200);
    expect(s.requests).toBe(104);
    expect(s.errorRate).toBeCloseTo(6 / 104, 12);
    expect(s.responses).toBe(100);
    // No server CPU time was read: no cpu, rather than a 0 that would read as "no work".
    expect(s.cpu).toBeUndefined();
    expect('cpu' in routeMetrics(s)).toBe(false);
  });

  it('divides the server CPU time by every request that finished, failed ones too', () => {
    const s = summariseRound(Float64Array.from([1, 2, 3]), {
      badStatus: 1,
      timeouts: 1,
      socketErrors: 0,
      wallMs: 1000,
      statusCodes: { '200': 2, '500': 1 },
      failures: { timeout: 1 },
      serverCpuMs: 10,
    });
    expect(s.requests).toBe(4);
    expect(s.cpu).toBe(2.5);
    expect(routeMetrics(s).cpu).toBe(2.5);
  });

  it('feeds every catalogue metric, p95 among them and p90 not', () => {
    const s = summariseRound(Float64Array.from([4, 1, 3, 2]), {
      badStatus: 0,
      timeouts: 0,
      socketErrors: 0,
      wallMs: 1000,
      statusCodes: { '200': 4 },
      failures: {},
      serverCpuMs: 2,
    });
    const values = routeMetrics(s);
    // Every metric of the catalogue but capacity, which the capacity search gives (capacity.ts).
    expect(Object.keys(values).sort()).toEqual(
      HTTP_METRICS.map((m) => m.metric)
        .filter((m) => m !== 'capacity')
        .sort(),
    );
    expect(values.p95).toBeCloseTo(3.85, 12);
    expect('p90' in values).toBe(false);
    expect(values['error-rate']).toBe(0);
    expect(values.cpu).toBe(0.5);
  });
});

describe('measureRoute against a real server', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('measures a 20 ms route with sub-millisecond resolution', async () => {
    const s = await measureRoute(server.url, get('/delay?ms=20'), load);
    const values = [s.p50, s.p95, s.p99, s.mean];
    // autocannon's own histogram holds whole milliseconds; these come from hrtime.
    expect(values.some((v) => !Number.isInteger(v))).toBe(true);
    // The server cannot answer sooner than 20 ms (less Node's up-to-1-ms early timers). Other
    // test files share the two cores and stall some requests, so the tight upper bound is on
    // the fastest request and the median's is loose.
    expect(s.min).toBeGreaterThanOrEqual(19);
    expect(s.min).toBeLessThan(50);
    expect(s.p50).toBeGreaterThanOrEqual(19);
    expect(s.p50).toBeLessThan(100);
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.mean).toBeGreaterThanOrEqual(19);
    expect(s.errorRate).toBe(0);
    expect(s.statusCodes).toEqual({ '200': s.responses });
    expect(s.requests).toBe(s.responses);
    // Two connections, one request each at a time, ≥ 19 ms apiece: at most 2000/19 req/s.
    expect(s.throughput).toBeGreaterThan(10);
    expect(s.throughput).toBeLessThanOrEqual(2000 / 19);
    expect(s.throughput).toBeCloseTo(s.responses / (s.wallMs / 1000), 9);
    expect(s.wallMs).toBeGreaterThanOrEqual(250);
    // The window closes on a timer; only a stalled event loop delays it much.
    expect(s.wallMs).toBeLessThan(1500);
    expect(s.max).toBeGreaterThanOrEqual(s.p99);
  });

  it('measures a slower route as slower', async () => {
    // All at once on one server, so load from other test files hits every route alike. Floors
    // are certain (the server's timer, less Node's up-to-1-ms early firing); what a loaded
    // machine adds is stalls that delay every route alike, so the 10 ms gap shows in the
    // fastest requests and the medians are ordered against a gap no stall closes.
    const [fast, mid, slow] = await Promise.all(
      [5, 15, 100].map((ms) =>
        measureRoute(server.url, get(`/delay?ms=${ms}`), { ...load, durationMs: 300 }),
      ),
    );
    expect(fast!.min).toBeGreaterThanOrEqual(4);
    expect(mid!.min).toBeGreaterThanOrEqual(14);
    expect(slow!.min).toBeGreaterThanOrEqual(99);
    expect(fast!.min).toBeLessThan(15);
    expect(mid!.min).toBeLessThan(99);
    expect(slow!.p50).toBeGreaterThan(mid!.p50);
    expect(slow!.p50).toBeGreaterThan(fast!.p50);
    expect(slow!.mean).toBeGreaterThan(fast!.mean);
    expect(fast!.throughput).toBeGreaterThan(slow!.throughput);
  });

  it('sends the method, headers and body of a POST', async () => {
    const body = JSON.stringify({ sku: 'perfgate-1', qty: 2 });
    const s = await measureRoute(
      server.url,
      {
        name: 'POST /echo',
        method: 'post',
        path: '/echo',
        headers: { 'content-type': 'application/json', 'x-perfgate-probe': 'yes' },
        body,
      },
      load,
    );
    const rec = await getJson<{
      count: number;
      last: { method: string; headers: Record<string, string>; body: string };
    }>(`${server.url}/recorded`);
    expect(s.errorRate).toBe(0);
    expect(rec.count).toBeGreaterThanOrEqual(s.responses);
    expect(rec.last.method).toBe('POST');
    expect(rec.last.body).toBe(body);
    expect(rec.last.headers['content-type']).toBe('application/json');
    expect(rec.last.headers['x-perfgate-probe']).toBe('yes');
    expect(rec.last.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('counts every 500 as an error and still measures its latency', async () => {
    const s = await measureRoute(server.url, get('/status?code=500'), load);
    expect(s.responses).toBeGreaterThan(0);
    expect(s.errorRate).toBe(1);
    expect(s.badStatus).toBe(s.responses);
    expect(s.statusCodes).toEqual({ '500': s.responses });
    // Failed responses still count as responses: errorRate carries the failure.
    expect(s.throughput).toBeCloseTo(s.responses / (s.wallMs / 1000), 9);
    expect(Number.isFinite(s.p50) && s.p50 > 0).toBe(true);
    expect(s.p99).toBeGreaterThanOrEqual(s.p50);
  });

  it('takes expectStatus as the definition of success', async () => {
    const s = await measureRoute(
      server.url,
      get('/status?code=404', { expectStatus: [404] }),
      load,
    );
    expect(s.errorRate).toBe(0);
    expect(s.throughput).toBeGreaterThan(0);
    const twoHundred = await measureRoute(
      server.url,
      get('/status?code=200', { expectStatus: [201] }),
      load,
    );
    expect(twoHundred.errorRate).toBe(1);
  });

  it('counts a request that outlives timeoutMs as an error, below one second too', async () => {
    // Every second request hangs; with a 100 ms timeout each connection alternates.
    const s = await measureRoute(server.url, get('/hang?every=2'), {
      connections: 2,
      durationMs: 400,
      timeoutMs: 100,
    });
    expect(s.timeouts).toBeGreaterThanOrEqual(2);
    expect(s.failures).toEqual({ timeout: s.timeouts });
    expect(s.requests).toBe(s.responses + s.timeouts);
    expect(s.errorRate).toBeCloseTo(s.timeouts / s.requests, 12);
    expect(s.errorRate).toBeGreaterThan(0.1);
    expect(s.errorRate).toBeLessThan(0.9);
  });

  it('rejects with no-response when every request times out', async () => {
    const err = await measureRoute(server.url, get('/hang?every=1'), {
      connections: 1,
      durationMs: 300,
      timeoutMs: 100,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRouteError);
    expect(err).toMatchObject({ reason: 'no-response', method: 'GET' });
    expect((err as Error).message).toMatch(/no response from GET http:\/\/127\.0\.0\.1:\d+\/hang/);
    expect((err as Error).message).toMatch(/\d+× timeout/);
  });

  it('stops autocannon and closes its sockets when the round ends', async () => {
    await measureRoute(server.url, get('/delay?ms=2'), { ...load, connections: 4 });
    const stats = await waitFor(
      () => getJson<Stats>(`${server.url}/stats`),
      (st) => st.openSockets === 0,
      2000,
    );
    expect(stats.openSockets).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    const later = await getJson<Stats>(`${server.url}/stats`);
    expect(later.requests).toBe(stats.requests);
  });

  it('stops at once and closes its sockets when aborted', async () => {
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(new Error('stop now')), 100);
    const err = await measureRoute(server.url, get('/delay?ms=2'), {
      ...load,
      durationMs: 5000,
      signal: ac.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('stop now');
    expect(performance.now() - started).toBeLessThan(2000);
    const stats = await waitFor(
      () => getJson<Stats>(`${server.url}/stats`),
      (st) => st.openSockets === 0,
      2000,
    );
    expect(stats.openSockets).toBe(0);
    await expect(
      measureRoute(server.url, get('/delay?ms=2'), { ...load, signal: ac.signal }),
    ).rejects.toThrow('stop now');
  });

  it('fails fast with cannot-connect when nothing listens', async () => {
    const port = await freePort();
    const started = performance.now();
    const err = await measureRoute(`http://127.0.0.1:${port}`, get('/products'), {
      ...load,
      durationMs: 3000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRouteError);
    expect(err).toMatchObject({
      reason: 'cannot-connect',
      code: 'ECONNREFUSED',
      url: `http://127.0.0.1:${port}/products`,
    });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('names the field of bad input', async () => {
    await expect(
      measureRoute(server.url, get('/delay', { method: 'FETCH' }), load),
    ).rejects.toThrow(/request method must be one of GET, .*, got "FETCH"/);
    await expect(
      measureRoute(server.url, get('/delay', { method: 'HEAD' }), load),
    ).rejects.toMatchObject({ name: 'HttpRouteError', reason: 'invalid-request' });
    await expect(measureRoute(server.url, get('delay'), load)).rejects.toThrow(
      /request path must start with "\/", got "delay"/,
    );
    await expect(
      measureRoute(server.url, get('/delay'), { ...load, connections: 0 }),
    ).rejects.toThrow(/connections must be a positive integer, got 0/);
  });
});

describe('createHttpProbe', () => {
  let base: FixtureServer;
  let head: FixtureServer;
  beforeAll(async () => {
    [base, head] = await Promise.all([
      startFixtureServer(),
      // The same routes, four times slower: what a regressing PR looks like.
      startFixtureServer({ DELAY_FACTOR: '4' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([base?.kill(), head?.kill()]);
  });

  it('announces seven metrics per route', () => {
    const probe = createHttpProbe(bench([get('/delay?ms=5'), get('/status?code=500')]), {
      base,
      head,
    });
    expect(probe.benchmark).toBe('api');
    expect(probe.specs).toHaveLength(14);
    expect(probe.specs.slice(0, 7)).toEqual([
      {
        key: 'api/GET /delay?ms=5/p50',
        benchmark: 'api',
        target: 'GET /delay?ms=5',
        metric: 'p50',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
      },
      expect.objectContaining({ metric: 'p95', unit: 'ms', better: 'lower', scale: 'ratio' }),
      expect.objectContaining({ metric: 'p99', unit: 'ms', better: 'lower', scale: 'ratio' }),
      expect.objectContaining({ metric: 'mean', unit: 'ms', better: 'lower', scale: 'ratio' }),
      expect.objectContaining({
        key: 'api/GET /delay?ms=5/cpu',
        metric: 'cpu',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
      }),
      expect.objectContaining({
        metric: 'throughput',
        unit: 'req/s',
        better: 'higher',
        scale: 'ratio',
      }),
      expect.objectContaining({
        key: 'api/GET /delay?ms=5/error-rate',
        metric: 'error-rate',
        unit: 'fraction',
        better: 'lower',
        scale: 'difference',
      }),
    ]);
    expect(() => createHttpProbe(bench([get('/a'), get('/a')]), { base, head })).toThrow(
      /request names must be unique, got "GET \/a" twice/,
    );
  });

  it('measures each side on its own server, every route, every spec', async () => {
    const probe = createHttpProbe(bench([get('/delay?ms=5'), get('/status?code=500')]), {
      base,
      head,
    });
    const served = async () =>
      Promise.all([base, head].map((srv) => getJson<Stats>(`${srv.url}/stats`)));
    const [b0, h0] = await served();
    const b = await probe.measure('base', 0);
    const [b1, h1] = await served();
    const h = await probe.measure('head', 0);
    const [b2, h2] = await served();
    // Each side's load went to its own server and nowhere else.
    expect(b1!.requests - b0!.requests).toBeGreaterThan(0);
    expect(h1!.requests).toBe(h0!.requests);
    expect(h2!.requests - h1!.requests).toBeGreaterThan(0);
    expect(b2!.requests).toBe(b1!.requests);
    for (const obs of [b, h]) {
      expect(Object.keys(obs).sort()).toEqual(probe.specs.map((s) => s.key).sort());
      expect(Object.values(obs).every(Number.isFinite)).toBe(true);
    }
    const p50 = 'api/GET /delay?ms=5/p50';
    expect(b[p50]).toBeGreaterThanOrEqual(4);
    // The head server waits four times as long: no request there can take under 20 ms.
    expect(h[p50]).toBeGreaterThanOrEqual(19);
    expect(b['api/GET /status?code=500/error-rate']).toBe(1);
    expect(h['api/GET /delay?ms=5/error-rate']).toBe(0);
    // Each server spent some CPU time on each request, read from its own process tree.
    expect(b['api/GET /delay?ms=5/cpu']).toBeGreaterThan(0);
    expect(h['api/GET /status?code=500/cpu']).toBeGreaterThan(0);
    // What advice/ reads is the metrics: the probe keeps no evidence beside them.
    expect(probe.evidence).toBeUndefined();
    await probe.dispose!();
  });

  it('names the benchmark, side and url when the server refuses connections', async () => {
    const port = await freePort();
    const down = { url: `http://127.0.0.1:${port}`, assertAlive() {} };
    const probe = createHttpProbe(
      bench([get('/products')]),
      { base: down, head },
      {
        exitGraceMs: 50,
      },
    );
    const err = await probe.measure('base', 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpProbeError);
    expect(err).toBeInstanceOf(ProbeError);
    expect(err).toMatchObject({
      name: 'HttpProbeError',
      benchmark: 'api',
      side: 'base',
      route: 'GET /products',
      url: `http://127.0.0.1:${port}/products`,
      reason: 'cannot-connect',
    });
    expect((err as Error).message).toContain(
      `benchmark "api", base side, GET /products (http://127.0.0.1:${port}/products)`,
    );
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('surfaces a server that crashes mid-round through assertAlive', async () => {
    const doomed = await startFixtureServer();
    try {
      const probe = createHttpProbe(bench([get('/delay?ms=1'), get('/crash')]), {
        base,
        head: doomed,
      });
      const err = await probe.measure('head', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpProbeError);
      expect(err).toMatchObject({ side: 'head', route: 'GET /crash', reason: 'server-exited' });
      expect((err as Error).cause).toBeInstanceOf(FixtureServerExited);
      expect((err as Error).message).toMatch(/the server exited.*code 3/);
    } finally {
      await doomed.kill();
    }
  });

  it("takes the workspace's running servers as they are", async () => {
    const started = await startServer({
      command: `"${process.execPath}" server.mjs`,
      cwd: fileURLToPath(new URL('../../fixtures/probes/', import.meta.url)),
      readyTimeoutMs: 10_000,
      side: 'head',
      name: 'api',
    });
    try {
      const probe = createHttpProbe(bench([get('/delay?ms=1'), get('/crash')]), {
        base,
        head: started,
      });
      const err = await probe.measure('head', 0).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: 'HttpProbeError',
        route: 'GET /crash',
        reason: 'server-exited',
      });
      expect((err as Error).cause).toBeInstanceOf(ServerExitedError);
      expect((err as Error).message).toContain('The head server of "api" exited with code 3');
    } finally {
      await started.stop();
    }
  });

  it('surfaces a server killed between rounds', async () => {
    const doomed = await startFixtureServer();
    try {
      const probe = createHttpProbe(bench([get('/delay?ms=1')]), { base: doomed, head });
      await probe.measure('base', 0);
      await doomed.kill();
      const err = await probe.measure('base', 1).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'HttpProbeError', side: 'base', reason: 'server-exited' });
      expect((err as Error).message).toMatch(/signal SIGKILL/);
    } finally {
      await doomed.kill();
    }
  });

  it('dispose ends a round in flight', async () => {
    const probe = createHttpProbe(bench([get('/delay?ms=2')], 10_000), { base, head });
    const started = performance.now();
    const pending = probe.measure('base', 0).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await probe.dispose!();
    const err = await pending;
    expect((err as Error).message).toMatch(/probe disposed/);
    expect(performance.now() - started).toBeLessThan(3000);
    await expect(probe.measure('base', 1)).rejects.toThrow(/already disposed/);
  });
});
