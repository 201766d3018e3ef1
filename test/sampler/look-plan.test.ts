// The plan said up front (sampler/look-plan.ts): the looks that decide a run, the smallest
// regression its pairs can call, the budget that would bring that to 1.5 × δ, and the notes.
import { describe, expect, it } from 'vitest';
import type { Better, MetricSpec, Observation, Side } from '../../src/model.js';
import { runSampler, type SamplerProbe } from '../../src/sampler/index.js';
import {
  decidingLooks,
  interimLookTaken,
  PLAN_TARGET_FACTOR,
  type PlannedMetric,
  pairsToReach,
  plannedDetectable,
  plannedLooks,
  roundBudget,
  type SpendingState,
} from '../../src/sampler/look-plan.js';
import { createRng } from '../../src/stats/random.js';
import { cumulativeAlpha } from '../../src/stats/sequential.js';
import { binomialUpper } from '../stats/helpers.js';
import { type FakeClock, fakeClock, gateConfig, routeProbe } from './simulation.js';

const LOOKS = plannedLooks(320);

function state(over: Partial<SpendingState> = {}): SpendingState {
  return {
    alpha: 0.05,
    tested: 1,
    looks: LOOKS,
    pairs: 4,
    spent: cumulativeAlpha(0.05, 4 / 28),
    ...over,
  };
}

/** One metric with lognormal (ratio) or normal (difference) run noise, head shifted by `shift`
 *  in its worse direction; a run takes 1 s of fake time. */
function oneMetric(o: {
  seed: number;
  clock: FakeClock;
  better: Better;
  scale: 'ratio' | 'difference';
  runSd: number;
  shift: number;
}): SamplerProbe {
  const spec: MetricSpec = {
    key: `svc/${o.scale === 'ratio' ? (o.better === 'lower' ? 'p50' : 'throughput') : 'error-rate'}`,
    benchmark: 'svc',
    metric: o.scale === 'ratio' ? (o.better === 'lower' ? 'p50' : 'throughput') : 'error-rate',
    unit: o.scale === 'ratio' ? 'ms' : 'fraction',
    better: o.better,
    scale: o.scale,
  };
  const rng = createRng(o.seed);
  const worse = o.better === 'lower' ? 1 : -1;
  return {
    specs: [spec],
    async measure(side: Side): Promise<Observation> {
      o.clock.advance(1000);
      const e = o.runSd * rng.normal();
      const shift = side === 'head' ? worse * o.shift : 0;
      const value = o.scale === 'ratio' ? 100 * Math.exp(e + shift) : 0.05 + e + shift;
      return { [spec.key]: value };
    },
  };
}

describe('decidingLooks', () => {
  it('gives the last interim look and the final one levels that spend exactly what is left', () => {
    const s = state();
    const looks = decidingLooks(28, s);
    expect(looks.map((l) => l.pairs)).toEqual([24, 28]);
    // Together with what the looks up to 19 pairs spend, exactly α.
    expect(looks[0]!.level + looks[1]!.level + cumulativeAlpha(0.05, 19 / 28)).toBeCloseTo(
      0.05,
      15,
    );
    // 24 of 28: A(24/28) − A(19/28) at the interim look, the rest at the final one.
    expect(looks[0]!.level).toBeCloseTo(0.05 * ((24 / 28) ** 2 - (19 / 28) ** 2), 15);
    // No interim look ahead: the final look spends everything not yet spent.
    expect(decidingLooks(5, state())).toEqual([{ pairs: 5, level: 0.05 - state().spent }]);
  });
});

describe('plannedDetectable', () => {
  const metric = (over: Partial<PlannedMetric> = {}): PlannedMetric => ({
    key: 'svc/p50',
    scale: 'ratio',
    better: 'lower',
    unit: 'ms',
    threshold: 0.05,
    sd: 0.04,
    ...over,
  });

  it('shrinks with the pairs and grows with the noise; null where no test can call', () => {
    const at = (n: number, sd = 0.04) =>
      plannedDetectable(metric({ sd }), n, state({ pairs: 0, spent: 0 }))!;
    expect(at(60)).toBeLessThan(at(20));
    expect(at(20, 0.08)).toBeGreaterThan(at(20));
    expect(at(400)).toBeGreaterThan(0.05);
    expect(plannedDetectable(metric(), 2, state({ pairs: 0, spent: 0 }))).toBeNull();
    // Every pair so far in one order: a run ending at those pairs with the t calls nothing.
    const oneOrder = metric({ orders: { pairs: 4, ab: 4, ba: 0 } });
    expect(plannedDetectable(oneOrder, 4, state({ pairs: 0, spent: 0 }))).toBeNull();
  });

  it('names the fewest pairs that bring it to 1.5 × δ, and null past the pair limit', () => {
    const m = metric();
    const target = PLAN_TARGET_FACTOR * m.threshold;
    const s = state();
    const n = pairsToReach(m, target, 5, 320, s)!;
    expect(n).toBeGreaterThan(5);
    expect(plannedDetectable(m, n, s)!).toBeLessThanOrEqual(target);
    expect(plannedDetectable(m, n - 1, s)!).toBeGreaterThan(target);
    expect(pairsToReach(metric({ sd: 0.5 }), target, 29, 320, s)).toBeNull();
  });

  // The stated figure is what a whole run (looks, spending, futility) calls with 80% power or
  // more: the note takes the better of the two deciding looks, a lower bound on the run's power.
  for (const kind of [
    { better: 'lower', scale: 'ratio' },
    { better: 'higher', scale: 'ratio' },
    { better: 'lower', scale: 'difference' },
  ] as const) {
    it(`is called in about 80% of simulated runs or more at its size (${kind.better} is better, ${kind.scale})`, async () => {
      const runSd = 0.03;
      const m = metric({
        ...kind,
        unit: kind.scale === 'ratio' ? 'ms' : 'fraction',
        sd: runSd * Math.SQRT2,
      });
      // 60 s at 2 s a pair (1 s of warm-up): 29 pairs; the plan from the first look (4 pairs).
      const planned = 28;
      const mde = plannedDetectable(m, planned, state())!;
      const shift =
        kind.scale === 'difference'
          ? mde
          : kind.better === 'lower'
            ? Math.log1p(mde)
            : -Math.log1p(-mde);
      const trials = 80;
      let called = 0;
      for (let trial = 0; trial < trials; trial++) {
        const clock = fakeClock();
        const out = await runSampler({
          gate: gateConfig({
            seed: trial,
            alpha: 0.05,
            threshold: 0.05,
            thresholds: {},
            timeBudgetMs: 60_000,
            lookPlan: 'time',
            looks: [320],
            warmup: 0,
          }),
          thresholds: [0.05],
          probes: [oneMetric({ seed: 5000 + trial, clock, ...kind, runSd, shift })],
          now: clock.now,
          bootstrapResamples: 200,
        });
        if (out.statuses[0] === 'regressed') called++;
      }
      expect(called / trials, `${called} of ${trials} at ${mde}`).toBeGreaterThanOrEqual(
        1 - binomialUpper(trials, 0.2),
      );
    });
  }
});

describe('roundBudget', () => {
  it('rounds up to a figure worth writing down', () => {
    expect(roundBudget(42_000)).toBe('45 s');
    expect(roundBudget(2_000)).toBe('5 s');
    expect(roundBudget(61_000)).toBe('2 min');
    expect(roundBudget(330_000)).toBe('6 min');
    expect(roundBudget(23 * 60_000)).toBe('25 min');
    expect(roundBudget(90 * 60_000)).toBe('1.5 h');
  });
});

/** One ratio (or difference) metric without a change, at 2 s a pair, under a time plan. */
const run = async (o: {
  budgetMs: number;
  better?: Better;
  scale?: 'ratio' | 'difference';
  runSd?: number;
}) => {
  const clock = fakeClock();
  return runSampler({
    gate: gateConfig({
      seed: 2,
      alpha: 0.05,
      threshold: 0.05,
      timeBudgetMs: o.budgetMs,
      lookPlan: 'time',
      looks: [320],
      warmup: 0,
      futility: false,
    }),
    thresholds: [o.scale === 'difference' ? 0.01 : 0.05],
    probes: [
      oneMetric({
        seed: 77,
        clock,
        better: o.better ?? 'lower',
        scale: o.scale ?? 'ratio',
        runSd: o.runSd ?? 0.06,
        shift: 0,
      }),
    ],
    now: clock.now,
    bootstrapResamples: 100,
  });
};

describe('the interim looks near the end', () => {
  it('skips a look within one growth step of the pairs that fit, so the final look keeps its share of α', async () => {
    expect(interimLookTaken(9, 13)).toBe(true);
    expect(interimLookTaken(12, 13)).toBe(false);
    expect(interimLookTaken(4, 5)).toBe(true);
    // 2 s a pair and a 26.5 s budget: 13 pairs fit. Without the rule the run looked at 12 and
    // left the final look 0.05 · (1 − (12/13)²) = 0.0074.
    const out = await run({ budgetMs: 26_500 });
    expect(out.looks.map((l) => l.pairs)).toEqual([4, 5, 7, 9, 13]);
    expect(out.looks.at(-1)!.final).toBe(true);
    expect(out.looks.at(-1)!.alpha).toBeCloseTo(0.05 * (1 - (9 / 13) ** 2), 12);
    expect(out.notes[0]).toContain('looks at 4, 5, 7, 9, 13 pairs');
  });
});

describe('the notes', () => {
  it('say at the first look what the budget can call and the budget that reaches 1.5 × δ', async () => {
    const out = await run({ budgetMs: 40_000 });
    const note = out.notes.find((n) => n.startsWith('At the first look'))!;
    expect(note).toMatch(
      /^At the first look \(4 pairs\), svc\/p50 varied by ±[\d.]+% a pair \(robust SD of head against base\); the smallest regression callable by the (\d+) pairs the budget allows is about \+([\d.]+)%\. Bringing it to \+7\.5%, 1\.5 × the 5% threshold \(.*\) takes about (\d+) pairs, a time budget of about \d+ (s|min)\.$/,
    );
    const [, planned, mde, needed] = note.match(
      /by the (\d+) pairs.*about \+([\d.]+)%.*about (\d+) pairs/,
    )!;
    expect(Number(planned)).toBeGreaterThanOrEqual(17);
    expect(Number(mde)).toBeGreaterThan(7.5);
    expect(Number(needed)).toBeGreaterThan(Number(planned));
    // The first note (after one pair) is kept as it was.
    expect(out.notes[0]).toMatch(
      /^A pair takes about 2\.0 s: about \d+ pairs fit in the 40 s budget/,
    );
  });

  it('write a throughput regression as a fall and an error rate in points', async () => {
    const fall = await run({ budgetMs: 40_000, better: 'higher' });
    expect(fall.notes.join('\n')).toMatch(
      /svc\/throughput varied by ±[\d.]+% a pair .* is about −[\d.]+%\. Bringing it to −7\.5%, 1\.5 × the 5% threshold/,
    );
    const points = await run({ budgetMs: 40_000, scale: 'difference', runSd: 0.01 });
    expect(points.notes.join('\n')).toMatch(
      /svc\/error-rate varied by ±[\d.]+ pp a pair .* is about \+[\d.]+ pp\. Bringing it to \+1\.5 pp, 1\.5 × the 1 pp threshold/,
    );
  });

  it('say it at the final look when the run ends before the first, and why nothing was detectable', async () => {
    // 7 s: 3 pairs, below the first look at 4.
    const out = await run({ budgetMs: 7_000 });
    expect(out.pairs).toBe(3);
    const text = out.notes.join('\n');
    expect(text).toMatch(/At the final look \(3 pairs\), svc\/p50 varied by ±[\d.]+% a pair/);
    expect(text).toMatch(/would have taken about \d+ pairs/);
  });

  it("say why an early stop below the rank test's floor left nothing detectable", async () => {
    const clock = fakeClock();
    const out = await runSampler({
      gate: gateConfig({
        seed: 3,
        alpha: 0.05,
        threshold: 0.05,
        timeBudgetMs: 60_000,
        lookPlan: 'time',
        looks: [320],
      }),
      probes: [routeProbe({ seed: 7, clock, noise: 0.03 })],
      now: clock.now,
      bootstrapResamples: 100,
    });
    expect(out).toMatchObject({ stoppedBy: 'futility', pairs: 5 });
    expect(out.comparisons.filter((c) => c.scale !== 'exact').every((c) => c.mde === null)).toBe(
      true,
    );
    expect(out.notes).toContain(
      "No change was detectable at the last look (5 pairs) for any tested metric: the signed-rank test's smallest p-value at 5 pairs, 0.063, is not below the level of that look, 9.6e-5 (its α over 6 tested metrics); it gets below it from 15 pairs.",
    );
  });
});
