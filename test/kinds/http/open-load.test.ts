// One step of the capacity search against a real server in its own process: arrivals keep
// their schedule whatever the server does (an open model), latency runs from when a request was
// due, unanswered requests are counted late and push the quantiles they land on out of bounds,
// failures are counted by kind, and nothing is left open afterwards.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStep } from '../../../src/kinds/http/open-load.js';
import type { HttpRequestConfig } from '../../../src/model.js';
import { type FixtureServer, getJson, startFixtureServer } from './fixture-server.js';

const get = (path: string): HttpRequestConfig => ({ name: path, method: 'GET', path, headers: {} });
const step = { durationMs: 500, timeoutMs: 5000, drainMs: 300 };

describe('loadStep', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await server?.kill();
  });

  it('sends rate × duration requests on schedule, even when each takes longer than the gap', async () => {
    // 200 req/s for 0.5 s against a 40 ms route: a closed loop of a few connections would send
    // far fewer; arrivals that do not wait for answers send all 100.
    const before = await getJson<{ requests: number }>(`${server.url}/stats`);
    const s = await loadStep(server.url, get('/delay?ms=40'), { ...step, rate: 200 });
    const after = await getJson<{ requests: number }>(`${server.url}/stats`);
    expect(s.sent).toBe(100);
    expect(after.requests - before.requests).toBe(100);
    expect(s.answered).toBe(100);
    expect(s.late).toBe(0);
    expect(s.errorRate).toBe(0);
    expect(s.p50!).toBeGreaterThanOrEqual(40);
    expect(s.p50!).toBeLessThan(120);
    expect(s.mean!).toBeGreaterThanOrEqual(40);
  });

  it('counts a request unanswered by the end of the drain as late: a quantile on it is unbounded', async () => {
    // Every 4th request never answers: 25% late, so p50 is bounded and p95 is not.
    const s = await loadStep(server.url, get('/hang?every=4'), {
      ...step,
      rate: 100,
      drainMs: 150,
    });
    expect(s.sent).toBe(50);
    expect(s.late).toBeGreaterThanOrEqual(12);
    expect(s.late).toBeLessThanOrEqual(13);
    expect(s.answered + s.late).toBe(50);
    expect(s.p50).not.toBeNull();
    expect(s.p95).toBeNull();
    expect(s.mean).toBeNull();
    // Late is not an error: no timeout had passed.
    expect(s.errorRate).toBe(0);
    // The hung requests' sockets were closed with the step.
    await new Promise((r) => setTimeout(r, 200));
    const stats = await getJson<{ openSockets: number }>(`${server.url}/stats`);
    expect(stats.openSockets).toBe(0);
  });

  it('reads a quantile that falls exactly on the last answer as that answer, the next as unbounded', async () => {
    // 21 requests, the 21st never answers: p95's position (20 × 0.95 = 19) is the 20th answer,
    // p99's (19.8) lies between it and the unanswered one.
    const s = await loadStep(server.url, get('/hang?every=21'), {
      ...step,
      rate: 42,
      drainMs: 150,
    });
    expect(s.sent).toBe(21);
    expect(s.late).toBe(1);
    expect(Number.isFinite(s.p95)).toBe(true);
    expect(s.p99).toBeNull();
  });

  it('counts unexpected statuses and timeouts by kind in the error rate', async () => {
    const bad = await loadStep(server.url, get('/status?code=503'), { ...step, rate: 40 });
    expect(bad.errors).toEqual({ 'HTTP 503': 20 });
    expect(bad.errorRate).toBe(1);
    expect(bad.p50).not.toBeNull(); // an error answer still has a latency
    const expected = await loadStep(
      server.url,
      { ...get('/status?code=503'), expectStatus: [503] },
      { ...step, rate: 40 },
    );
    expect(expected.errorRate).toBe(0);
    const slow = await loadStep(server.url, get('/delay?ms=400'), {
      ...step,
      rate: 20,
      timeoutMs: 100,
      drainMs: 300,
    });
    expect(slow.errors).toEqual({ timeout: 10 });
    expect(slow.errorRate).toBe(1);
    expect(slow.p50).toBeNull();
  });

  it('sends the method, headers and body of the request', async () => {
    const s = await loadStep(
      server.url,
      {
        name: 'post',
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json', 'x-test': 'yes' },
        body: '{"a":1}',
      },
      { ...step, rate: 20 },
    );
    expect(s.errorRate).toBe(0);
    const rec = await getJson<{
      last: { method: string; headers: Record<string, string>; body: string };
    }>(`${server.url}/recorded`);
    expect(rec.last.method).toBe('POST');
    expect(rec.last.body).toBe('{"a":1}');
    expect(rec.last.headers['x-test']).toBe('yes');
  });

  it('rejects when nothing listens, and when aborted', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    await expect(
      loadStep(`http://127.0.0.1:${port}`, get('/'), { ...step, rate: 20, durationMs: 200 }),
    ).rejects.toThrow(/cannot connect .*ECONNREFUSED/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(
      loadStep(server.url, get('/delay?ms=10'), { ...step, rate: 50, signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});
