// The capacity search against a simulated route: a side meets the SLO below its knee and breaks
// it above, with seeded noise in where a step's outcome flips. The search must find each knee to
// its resolution, alternate the sides' steps, report a side that meets the SLO at max-rate as a
// lower bound, widen a bracket the knee left, and refuse a route that breaks the SLO at 1 req/s.
import { describe, expect, it } from 'vitest';
import {
  bisections,
  CapacitySearch,
  chartTerm,
  judgeStep,
  NoCapacityError,
} from '../../../src/kinds/http/capacity.js';
import type { CapacityEvidence } from '../../../src/kinds/http/capacity-schema.js';
import type { LoadStep } from '../../../src/kinds/http/open-load.js';
import { createHttpProbe } from '../../../src/kinds/http/probe.js';
import type { Side } from '../../../src/model.js';
import { createRng } from '../../../src/stats/random.js';
import { CPU_SERVER, startFixtureServer } from './fixture-server.js';

/** A step of a route whose p95 is 10 ms below `knee` req/s and 500 ms above it. */
function stepAt(rate: number, knee: number): LoadStep {
  const over = rate > knee;
  return {
    rate,
    sent: Math.round(rate),
    answered: Math.round(rate),
    late: 0,
    p50: over ? 200 : 5,
    p95: over ? 500 : 10,
    p99: over ? 900 : 12,
    mean: over ? 250 : 6,
    errorRate: 0,
    errors: {},
  };
}

function simulated(knees: Record<Side, number>, jitter = 0, seed = 1) {
  const rng = createRng(seed);
  const calls: { side: Side; rate: number }[] = [];
  const step = async (side: Side, rate: number) => {
    calls.push({ side, rate });
    // The knee a step sees moves by up to ±jitter (relative), as noise moves a real one.
    const knee = knees[side] * (1 + jitter * (2 * rng.next() - 1));
    return stepAt(rate, knee);
  };
  return { step, calls };
}

describe('judgeStep', () => {
  it('names every term broken, with the value measured', () => {
    const s = stepAt(100, 50);
    const judged = judgeStep({ ...s, errorRate: 0.02 }, { p95: 100, p50: 150, errorRate: 0.001 });
    expect(judged.ok).toBe(false);
    expect(judged.broken).toEqual([
      'p50 200 ms > 150 ms',
      'p95 500 ms > 100 ms',
      'error-rate 2% > 0.1%',
    ]);
    expect(judged.latency).toBe(200); // the SLO's first latency term: p50
  });

  it('calls an unanswered quantile unbounded, and a step within every term ok', () => {
    const late = { ...stepAt(100, 50), p95: null };
    expect(judgeStep(late, { p95: 100 }).broken).toEqual([
      'p95 unbounded (requests unanswered) > 100 ms',
    ]);
    expect(judgeStep(stepAt(10, 50), { p95: 100, errorRate: 0 })).toMatchObject({
      ok: true,
      broken: [],
    });
  });

  it('keeps the 20 most frequent failure kinds, so any server’s answers fit the result', () => {
    const errors = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [`HTTP ${100 + i}`, i + 1]),
    );
    const judged = judgeStep({ ...stepAt(10, 50), errors, errorRate: 1 }, { errorRate: 0.01 });
    expect(Object.keys(judged.errors)).toHaveLength(20);
    expect(judged.errors['HTTP 499']).toBe(400);
    expect(judged.errors['HTTP 100']).toBeUndefined();
  });

  it('charts p95 when the SLO has only an error rate', () => {
    expect(chartTerm({ errorRate: 0.01 })).toBe('p95');
    expect(chartTerm({ p99: 10, p95: 5 })).toBe('p95');
    expect(chartTerm({ mean: 3 })).toBe('mean');
  });
});

describe('bisections', () => {
  it('halves a bracket until it is within the resolution, within 3 to 6 steps', () => {
    // [100, 200] to 3%: 2^(1/2^k) ≤ 1.03 needs k = 5.
    expect(bisections(100, 200, 0.03)).toBe(5);
    expect(bisections(100, 103, 0.03)).toBe(3);
    expect(bisections(1, 5000, 0.03)).toBe(6);
  });
});

describe('CapacitySearch', () => {
  it('finds each side’s knee within the resolution, base and head steps alternating', async () => {
    const sim = simulated({ base: 1810, head: 1240 });
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 5000, step: sim.step });
    for (let round = 0; round < 4; round++) {
      const before = sim.calls.length;
      const first: Side = round % 2 === 0 ? 'base' : 'head';
      const e = await search.round(first);
      expect(Math.abs(e.base.value / 1810 - 1)).toBeLessThan(0.035);
      expect(Math.abs(e.head.value / 1240 - 1)).toBeLessThan(0.035);
      expect(e.base.atMax || e.head.atMax).toBe(false);
      // The knee step broke the SLO above the estimate.
      expect(e.head.knee!.ok).toBe(false);
      expect(e.head.knee!.rate).toBeGreaterThan(1240);
      // After the ramp of the first round, every step pair runs the round's first side first.
      const bisected = sim.calls.slice(round === 0 ? sim.calls.length - 12 : before);
      for (let i = 0; i < bisected.length; i += 2) {
        expect(bisected[i]!.side).toBe(first);
        expect(bisected[i + 1]!.side).not.toBe(first);
      }
    }
  });

  it('reports a side that meets the SLO at max-rate as max-rate, a lower bound', async () => {
    const sim = simulated({ base: 9000, head: 700 });
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 2000, step: sim.step });
    const e = await search.round('base');
    expect(e.base).toEqual({ value: 2000, atMax: true });
    expect(Math.abs(e.head.value / 700 - 1)).toBeLessThan(0.05);
    // No rate above max-rate is ever offered.
    expect(Math.max(...sim.calls.map((c) => c.rate))).toBeLessThanOrEqual(2000);
    const again = await search.round('head');
    expect(again.base.atMax).toBe(true);
    expect(again.head.atMax).toBe(false);
  });

  it('walks down from the start rate when a side breaks the SLO there', async () => {
    const sim = simulated({ base: 6, head: 4 });
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 100, step: sim.step });
    const e = await search.round('base');
    expect(Math.abs(e.base.value / 6 - 1)).toBeLessThan(0.1);
    expect(Math.abs(e.head.value / 4 - 1)).toBeLessThan(0.1);
  });

  it('refuses a route that breaks the SLO even at 1 req/s, naming the side and the term', async () => {
    const sim = simulated({ base: 100, head: 0.5 });
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 1000, step: sim.step });
    const err = await search.round('base').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCapacityError);
    expect((err as NoCapacityError).side).toBe('head');
    expect((err as Error).message).toMatch(
      /head side breaks the SLO even at 1 req\/s \(p95 500 ms > 100 ms\)/,
    );
  });

  it('widens the bracket when the knee has moved above it, and follows it there', async () => {
    const knees = { base: 400, head: 400 };
    const search = new CapacitySearch({
      slo: { p95: 100 },
      maxRate: 10_000,
      step: async (side, rate) => stepAt(rate, knees[side]),
    });
    await search.round('base');
    const first = search.range!;
    // A warm server: both knees now well above the bracket found cold.
    knees.base = 3000;
    knees.head = 3000;
    let last = await search.round('head');
    for (let i = 0; i < 6 && Math.abs(last.base.value / 3000 - 1) > 0.04; i++) {
      last = await search.round(i % 2 === 0 ? 'base' : 'head');
    }
    expect(search.range!.hi).toBeGreaterThan(first.hi);
    expect(Math.abs(last.base.value / 3000 - 1)).toBeLessThan(0.04);
  });

  it('closes the bracket in on the estimates seen, which saves steps, without losing the knee', async () => {
    const sim = simulated({ base: 1000, head: 1100 });
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 5000, step: sim.step });
    await search.round('base');
    const ramped = search.range!;
    await search.round('head');
    const before = sim.calls.length;
    const e = await search.round('base');
    const narrowed = search.range!;
    // From the ramp's [640, 2560] to about [1000 / 1.25, 1100 × 1.25].
    expect(ramped.hi / ramped.lo).toBeGreaterThan(3.9);
    expect(narrowed.lo).toBeGreaterThan(780);
    expect(narrowed.hi).toBeLessThan(1400);
    // Five bisection steps a side instead of six, and the knees still within the resolution.
    expect(sim.calls.length - before).toBe(10);
    expect(Math.abs(e.base.value / 1000 - 1)).toBeLessThan(0.035);
    expect(Math.abs(e.head.value / 1100 - 1)).toBeLessThan(0.035);
  });

  it('gives estimates whose spread follows the noise of the knee, and whose ratio is unbiased', async () => {
    // 200 seeded rounds with a knee that moves ±10% per step: the median ratio head/base stays
    // within 2% of the true 0.67, and the estimates spread no wider than the noise allows.
    const sim = simulated({ base: 1500, head: 1000 }, 0.1, 7);
    const search = new CapacitySearch({ slo: { p95: 100 }, maxRate: 5000, step: sim.step });
    const ratios: number[] = [];
    for (let round = 0; round < 200; round++) {
      const e = await search.round(round % 2 === 0 ? 'base' : 'head');
      ratios.push(e.head.value / e.base.value);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[100]!;
    expect(Math.abs(median / (1000 / 1500) - 1)).toBeLessThan(0.02);
    expect(ratios[10]!).toBeGreaterThan(0.5);
    expect(ratios[189]!).toBeLessThan(0.85);
  });
});

describe('the http probe with an slo', () => {
  it('reports capacity per route: a round’s first side runs both sides’ search, warm-up rounds are not evidence', async () => {
    const servers = {
      base: await startFixtureServer({}, CPU_SERVER),
      head: await startFixtureServer({}, CPU_SERVER),
    };
    try {
      const probe = createHttpProbe(
        {
          name: 'api',
          type: 'http',
          start: 'unused',
          readyTimeoutMs: 1000,
          env: {},
          cwd: '.',
          connections: 1,
          roundMs: 100,
          timeoutMs: 2000,
          requests: [{ name: 'GET /status', method: 'GET', path: '/status', headers: {} }],
          capacity: { slo: { p95: 50 }, maxRate: 200, stepMs: 150 },
        },
        servers,
      );
      expect(probe.specs.map((s) => s.metric)).toContain('capacity');
      const key = 'api/GET /status/capacity';
      await probe.measure('base', -1);
      await probe.measure('head', -1);
      const head = await probe.measure('head', 0);
      const base = await probe.measure('base', 0);
      // A trivial route meets p95 ≤ 50 ms at 200 req/s: both sides at max-rate, a lower bound.
      expect(head[key]).toBe(200);
      expect(base[key]).toBe(200);
      const evidence = (await probe.evidence!()) as { kind: string; routes: CapacityEvidence[] };
      expect(evidence.kind).toBe('capacity');
      const [route] = evidence.routes;
      expect(route!.base.estimates).toEqual([200]);
      expect(route!.head.atMax).toEqual([true]);
      // The ramp ran in the warm-up round: 20, 40, 80, 160, 200 per side, then max-rate per round.
      expect(route!.base.steps.map((s) => s.rate)).toEqual([20, 40, 80, 160, 200, 200, 200]);
      await probe.dispose?.();
    } finally {
      await servers.base.kill();
      await servers.head.kill();
    }
  });
});
