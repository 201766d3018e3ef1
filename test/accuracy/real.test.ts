// The real mode's pieces of bench/accuracy that do not need a quiet machine: the seeded plan, the
// noise figures and shift sensitivity fitted back from recorded trials, the calls on the unchanged
// route, and the service and neighbour processes themselves.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTrial, type NoiseFigures } from '../../bench/accuracy/noise-model.js';
import {
  callsOf,
  cellName,
  cellOf,
  figuresFromTrials,
  interleavedPlan,
  NEIGHBOUR,
  type RealTrial,
} from '../../bench/accuracy/real.js';
import { ROUTES, SLOW_ROUTES } from '../../bench/accuracy/series.js';
import { SERVICES_FILE } from '../../bench/accuracy/user-config.js';
import { createRng } from '../../src/stats/random.js';

const [SLOW, STEADY] = ROUTES as [string, string];

describe('the interleaved plan', () => {
  it('holds every service × condition × shift the asked number of times, in a seeded order', () => {
    const o = {
      services: ['json', 'io'] as const,
      conditions: ['idle', 'noisy'] as const,
      shifts: [0, 0.1],
      aaTrials: 3,
      trials: 2,
      seed: 4,
    };
    const plan = interleavedPlan({
      ...o,
      services: [...o.services],
      conditions: [...o.conditions],
    });
    expect(plan).toHaveLength(2 * 2 * (3 + 2));
    for (const service of o.services) {
      for (const condition of o.conditions) {
        const cell = plan.filter((p) => p.service === service && p.condition === condition);
        expect(cell.filter((p) => p.shift === 0)).toHaveLength(3);
        expect(cell.filter((p) => p.shift === 0.1)).toHaveLength(2);
      }
    }
    const again = interleavedPlan({
      ...o,
      services: [...o.services],
      conditions: [...o.conditions],
    });
    expect(again).toEqual(plan);
    // Interleaved, not grouped: the first half is not all one service.
    expect(new Set(plan.slice(0, 10).map((p) => p.service)).size).toBe(2);
  });

  it('crosses the variants compared with every cell and interleaves them too', () => {
    const variants = [
      { name: 'rd1000ms', roundMs: 1000 },
      { name: 'rd500ms', roundMs: 500 },
    ];
    const plan = interleavedPlan({
      services: ['io'],
      conditions: ['idle', 'noisy'],
      shifts: [0, 0.1],
      aaTrials: 4,
      trials: 1,
      seed: 2,
      variants,
    });
    expect(plan).toHaveLength(2 * 2 * (4 + 1));
    for (const v of variants) {
      for (const condition of ['idle', 'noisy']) {
        const cell = plan.filter((p) => p.variant === v && p.condition === condition);
        expect(cell.filter((p) => p.shift === 0)).toHaveLength(4);
        expect(cell.filter((p) => p.shift === 0.1)).toHaveLength(1);
      }
    }
    expect(new Set(plan.slice(0, 6).map((p) => p.variant?.name)).size).toBe(2);
    // A trial's cell carries its variant, so each variant's noise is fitted apart.
    const trial = { service: 'io', condition: 'idle', variant: 'rd500ms' } as RealTrial;
    expect(cellName(cellOf(trial))).toBe('io-idle-rd500ms');
    expect(cellName(cellOf({ service: 'io', condition: 'idle' } as RealTrial))).toBe('io-idle');
  });
});

/** Figures of p50 alone, with `sd` per pair and nothing else (no drift, outliers, order). */
function p50Only(sd: number, pairMs: number, level = 5): NoiseFigures {
  return {
    source: 'test',
    pairMs,
    metrics: { p50: { level, sdPair: sd, sdSide: sd } },
    lag1: 0,
    outlierRate: 0,
    outlierScale: 0,
    metricCorrelation: 0,
    orderEffect: 0,
    errorRate: 0,
  };
}

/** A recorded trial made of synthetic rounds, as real.ts records them. */
function recorded(figures: NoiseFigures, shift: number, seed: number, rounds = 40): RealTrial {
  const t = generateTrial({
    figures,
    routes: ROUTES,
    slowRoutes: SLOW_ROUTES,
    shift,
    rounds,
    seed,
  });
  const rng = createRng(seed);
  const order = t.values.map(() => (rng.next() < 0.5 ? ('AB' as const) : ('BA' as const)));
  const samples = ROUTES.flatMap((route) =>
    t.metrics.map((metric) => ({
      key: `service/${route}/${metric}`,
      target: route,
      metric,
      better: metric === 'throughput' ? ('higher' as const) : ('lower' as const),
      scale: 'ratio' as const,
      base: t.values.map((r) => r.base[route]![metric]!),
      head: t.values.map((r) => r.head[route]![metric]!),
      order,
    })),
  );
  return {
    service: 'io',
    condition: 'idle',
    shift,
    index: seed,
    seed,
    budgetMs: 120_000,
    slowRoute: SLOW,
    regressed: [],
    statuses: {},
    pairs: rounds,
    elapsedMs: rounds * figures.pairMs,
    stoppedBy: 'budget',
    loadBefore: 1,
    loadAfter: 1,
    realizedShift: 0,
    samples,
  };
}

describe('noise figures fitted from recorded trials', () => {
  it('recover the per-pair noise of each metric and how far each moves with the shift', () => {
    const truth: NoiseFigures = {
      source: 'test',
      pairMs: 4000,
      metrics: {
        p50: { level: 5, sdPair: 0.08, sdSide: 0.08 },
        mean: { level: 5.5, sdPair: 0.06, sdSide: 0.06 },
        throughput: { level: 900, sdPair: 0.06, sdSide: 0.06 },
        cpu: { level: 0.4, sdPair: 0.03, sdSide: 0.03 },
      },
      lag1: 0,
      outlierRate: 0,
      outlierScale: 0,
      metricCorrelation: 0.5,
      orderEffect: 0,
      errorRate: 0,
      sensitivity: { p50: 0.25, mean: 0.25, throughput: 0.25, cpu: 1 },
    };
    const trials = [
      ...Array.from({ length: 30 }, (_, i) => recorded(truth, 0, 100 + i)),
      ...Array.from({ length: 15 }, (_, i) => recorded(truth, 0.2, 200 + i)),
    ];
    const fitted = figuresFromTrials(trials);
    for (const m of ['p50', 'mean', 'cpu'] as const) {
      expect(fitted.metrics[m]!.sdPair).toBeGreaterThan(truth.metrics[m]!.sdPair * 0.8);
      expect(fitted.metrics[m]!.sdPair).toBeLessThan(truth.metrics[m]!.sdPair * 1.2);
    }
    expect(fitted.metrics.p95).toBeUndefined();
    expect(fitted.sensitivity?.cpu).toBeCloseTo(1, 0);
    expect(fitted.sensitivity?.p50).toBeGreaterThan(0.1);
    expect(fitted.sensitivity?.p50).toBeLessThan(0.4);
    expect(fitted.sensitivity?.throughput).toBeGreaterThan(0.1);
    expect(fitted.pairMs).toBeCloseTo((40 * 4000) / 41, 0);
  });

  it('use the short A/A runs a futility stop leaves: 4 pairs each give the paired spread too', () => {
    const trials = Array.from({ length: 40 }, (_, i) =>
      recorded(p50Only(0.1, 4000), 0, 300 + i, 4),
    );
    const fitted = figuresFromTrials(trials);
    expect(fitted.pairs).toBe(40 * 4 * ROUTES.length);
    expect(fitted.metrics.p50.sdPair).toBeGreaterThan(0.08);
    expect(fitted.metrics.p50.sdPair).toBeLessThan(0.12);
  });
});

describe('the between-process offset fitted from recorded trials', () => {
  const truth: NoiseFigures = { ...p50Only(0.05, 2000), processSd: 0.04 };
  const trials = Array.from({ length: 12 }, (_, i) => recorded(truth, 0, 400 + i, 30));

  it('is estimated from A/A runs that all ran to their budget, with its upper bound', () => {
    const fitted = figuresFromTrials(trials);
    expect(fitted.processSdNote).toBeUndefined();
    expect(fitted.processSd).toBeGreaterThan(0.02);
    expect(fitted.processSd).toBeLessThan(0.07);
    expect(fitted.processSdUpper).toBeGreaterThan(fitted.processSd!);
    expect(fitted.processSdRuns).toBe(12);
  });

  it('is not estimated where a stop chose some runs’ lengths from their values', () => {
    const stopped = trials.map((t, i) => (i < 3 ? { ...t, stoppedBy: 'futility' } : t));
    const fitted = figuresFromTrials(stopped);
    expect(fitted.processSd).toBe(0);
    expect(fitted.processSdUpper).toBeUndefined();
    expect(fitted.processSdNote).toMatch(
      /^not estimated: 3 of 12 A\/A runs ended before their budget \(futility\)/,
    );
    // The rest of the figures are fitted as before.
    expect(fitted.metrics.p50.sdPair).toBeCloseTo(figuresFromTrials(trials).metrics.p50.sdPair, 10);
  });
});

describe('calls of a recorded trial', () => {
  it('tell the slowed route from a false regression on the unchanged one', () => {
    const base = recorded(p50Only(0.02, 1000, 1), 0.1, 1, 5);
    expect(callsOf({ ...base, regressed: [`service/${SLOW}/p50`] })).toEqual({
      detected: true,
      unchangedCalled: false,
    });
    expect(
      callsOf({ ...base, regressed: [`service/${SLOW}/p50`, `service/${STEADY}/p50`] }),
    ).toEqual({ detected: true, unchangedCalled: true });
    expect(callsOf({ ...base, regressed: [] })).toEqual({
      detected: false,
      unchangedCalled: false,
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(file: string, cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [file], {
    cwd,
    env: { ...process.env, ...env },
    // stdin held open, as the harness holds it: the neighbour exits when it ends.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  child.stdout!.on('data', (d) => {
    stdout += String(d);
  });
  const ready = async () => {
    while (!stdout.includes('ready\n')) {
      if (child.exitCode !== null) throw new Error(`exited before ready: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, exited, ready };
}

async function get(url: string): Promise<{ status: number; body: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url);
      return { status: res.status, body: await res.text() };
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('services.mjs', () => {
  it('serves both routes of each service from the tree’s service.json and counts them on SIGTERM', async () => {
    for (const service of ['json', 'io', 'tail', 'loop']) {
      const dir = mkdtempSync(join(tmpdir(), 'perfgate-accuracy-test-'));
      dirs.push(dir);
      const params = { service, units: 40, shift: 0.5, slowRoutes: ['slow'], seed: 3 };
      writeFileSync(join(dir, 'service.json'), JSON.stringify(params));
      const port = await freePort();
      const { child, exited } = run(SERVICES_FILE, dir, { PORT: String(port) });
      expect((await get(`http://127.0.0.1:${port}/health`)).body).toBe('ok');
      for (let i = 0; i < 3; i++) {
        expect((await get(`http://127.0.0.1:${port}/slow`)).status).toBe(200);
      }
      expect((await get(`http://127.0.0.1:${port}/steady`)).status).toBe(200);
      expect((await get(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
      const stats = JSON.parse(readFileSync(join(dir, 'service-stats.json'), 'utf8'));
      expect(stats.service).toBe(service);
      // The head's slowed route does round(units × 1.5); the other route is unchanged.
      expect(stats.routeUnits).toEqual({ slow: 60, steady: 40 });
      expect(stats.stats.slow.requests).toBe(3);
      expect(stats.stats.steady.requests).toBe(1);
      expect(stats.stats.slow.cpuMicros).toBeGreaterThan(0);
    }
  });

  it('draws anew in each process of a tree (a restart is fresh luck), reproducibly from the seed', async () => {
    // tail with half the requests missing: a miss answers for units × missFactor records, which
    // the body's count shows.
    const misses = async (dir: string): Promise<string> => {
      const port = await freePort();
      const { child, exited } = run(SERVICES_FILE, dir, { PORT: String(port) });
      let pattern = '';
      for (let i = 0; i < 24; i++) {
        const { body } = await get(`http://127.0.0.1:${port}/steady`);
        pattern += body.startsWith('100:') ? 'M' : body.startsWith('10:') ? '.' : '?';
      }
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
      return pattern;
    };
    const tree = () => {
      const dir = mkdtempSync(join(tmpdir(), 'perfgate-accuracy-test-'));
      dirs.push(dir);
      const params = { service: 'tail', units: 10, seed: 7, missRate: 0.5, missFactor: 10 };
      writeFileSync(join(dir, 'service.json'), JSON.stringify(params));
      return dir;
    };
    const one = tree();
    const first = await misses(one);
    const second = await misses(one);
    expect(first).toMatch(/^[M.]{24}$/);
    expect(first).toContain('M');
    expect(first).toContain('.');
    // The restarted process does not replay the first one's draws…
    expect(second).not.toBe(first);
    expect(JSON.parse(readFileSync(join(one, 'service-stats.json'), 'utf8')).processes).toBe(2);
    // …and another tree with the same seed draws as the first tree did, process by process.
    const other = tree();
    expect(await misses(other)).toBe(first);
    expect(await misses(other)).toBe(second);
  });

  it('refuses a service.json without a valid service or units, naming the field and the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-accuracy-test-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'service.json'), JSON.stringify({ service: 'db', units: 10 }));
    let { exited } = run(SERVICES_FILE, dir, { PORT: '0' });
    let result = await exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('service must be loop, json, io or tail, got "db"');
    writeFileSync(join(dir, 'service.json'), JSON.stringify({ service: 'json', units: 1.5 }));
    ({ exited } = run(SERVICES_FILE, dir, { PORT: '0' }));
    result = await exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('units must be a positive integer, got 1.5');
  });
});

describe('neighbour.mjs', () => {
  it('runs until SIGTERM or the end of its stdin, then exits cleanly, and refuses a reversed burst range', async () => {
    const { child, exited, ready } = run(NEIGHBOUR, tmpdir(), {
      SEED: '5',
      BURST_MS: '20-40',
      GAP_MS: '10-20',
      BOTH: '1',
    });
    await ready();
    // Through a few bursts and gaps.
    await new Promise((r) => setTimeout(r, 200));
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
    // A harness that dies without stopping it closes its stdin: it goes too.
    const orphan = run(NEIGHBOUR, tmpdir(), { SEED: '6', BURST_MS: '20-40', GAP_MS: '10-20' });
    await orphan.ready();
    await new Promise((r) => setTimeout(r, 100));
    expect(orphan.child.exitCode).toBeNull();
    orphan.child.stdin!.end();
    expect((await orphan.exited).code).toBe(0);
    const bad = await run(NEIGHBOUR, tmpdir(), { BURST_MS: '800-100' }).exited;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('BURST_MS must be "lo-hi" in ms with lo ≤ hi, got "800-100"');
  });
});
