// What the sampler tells a progress sink (phases, pairs, the next look, each look's estimates
// and the looks left) and the pure lines made of it: one per look for a log, the metrics
// nearest a call first.
import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../src/model.js';
import { type LookEstimate, runSampler, type SamplerProgress } from '../../src/sampler/index.js';
import {
  closestToDecision,
  describeProgress,
  distanceToDecision,
  logProgress,
  type RunProgress,
} from '../../src/sampler/progress.js';
import { fakeClock, gateConfig, routeProbe } from './simulation.js';

const spec = (metric: string, over: Partial<MetricSpec> = {}): MetricSpec => ({
  key: `api/GET /work/${metric}`,
  benchmark: 'api',
  target: 'GET /work',
  metric,
  unit: 'ms',
  better: 'lower',
  scale: 'ratio',
  ...over,
});
const estimate = (
  metric: string,
  change: number,
  ci: [number, number],
  status: LookEstimate['status'] = 'inconclusive',
): LookEstimate => ({ spec: spec(metric), change, ci, status, threshold: 0.05 });

describe('the sampler’s progress hook', () => {
  it('says the phases, then after each pair the plan, and at each look every estimate', async () => {
    const clock = fakeClock();
    const phases: string[] = [];
    const events: SamplerProgress[] = [];
    const out = await runSampler({
      gate: gateConfig({ timeBudgetMs: 60_000, looks: [10, 20, 40], warmup: 1, futility: false }),
      probes: [routeProbe({ seed: 3, clock, noise: 0.2, headFactor: 1.3 })],
      now: clock.now,
      onPhase: (phase) => phases.push(`${phase} at ${events.length} pairs`),
      onProgress: (e) => events.push(e),
      bootstrapResamples: 200,
    });
    expect(phases).toEqual(['warm-up at 0 pairs', 'sampling at 0 pairs']);
    expect(events).toHaveLength(out.pairs);
    // Before the first look the next one is at 10 pairs, and 29 pairs fit in 60 s (this run
    // with earlyStop 'resolved' stops at the budget after 29); the plan, from two blocks' pace,
    // is within two of that.
    expect(events[2]).toMatchObject({ pairs: 3, nextLook: 10, budgetMs: 60_000 });
    expect(events[2]!.plannedPairs).toBeGreaterThanOrEqual(27);
    expect(events[2]!.plannedPairs).toBeLessThanOrEqual(31);
    expect(events[2]!.look).toBeUndefined();
    const first = events[9]!.look!;
    expect(first.pairs).toBe(10);
    // The looks at 20 pairs and at the budget's end are still to come.
    expect(first.looksLeft).toBe(2);
    expect(events[9]!.nextLook).toBe(20);
    expect(first.estimates.map((e) => e.spec.key)).toEqual(first.statuses.map((s) => s.key));
    const p50 = first.estimates.find((e) => e.spec.metric === 'p50')!;
    expect(Number.isFinite(p50.change)).toBe(true);
    expect(p50.ci[0]).toBeLessThan(p50.change);
    expect(p50.ci[1]).toBeGreaterThan(p50.change);
    expect(p50.threshold).toBeGreaterThan(0);
    // The last event ends sampling: no next look, no look left.
    const last = events.at(-1)!;
    expect(last.nextLook).toBeUndefined();
    expect(last.look).toMatchObject({ final: out.stoppedBy !== 'regression', pairs: out.pairs });
    if (last.look!.final) expect(last.look!.looksLeft).toBe(0);
    // What the final look says is what the run reports.
    expect(last.look!.estimates.map((e) => e.change)).toEqual(out.analyses.map((a) => a.change));
  });
});

describe('closestToDecision', () => {
  it('ranks undecided timed metrics by how far their CI is from any call, in units of δ', () => {
    const near = estimate('p50', 0.06, [0.045, 0.08]); // 0.005 short of lying above +5%
    const within = estimate('mean', 0.0, [-0.052, 0.04]); // 0.002 outside ±5%
    const wide = estimate('p99', 0.1, [-0.2, 0.4]);
    const decided = estimate('p90', 0.3, [0.2, 0.4], 'regressed');
    expect(distanceToDecision(near)).toBeCloseTo(0.1, 10);
    expect(distanceToDecision(within)).toBeCloseTo(0.04, 10);
    expect(distanceToDecision(wide)).toBeCloseTo(5, 10);
    const exact = { ...estimate('size', 0.1, [0.1, 0.1]), spec: spec('size', { scale: 'exact' }) };
    expect(closestToDecision([wide, decided, near, exact, within])).toEqual([within, near, wide]);
    expect(closestToDecision([wide, near, within], 1)).toEqual([within]);
  });
});

describe('the log sink', () => {
  it('writes one line per look, none per pair or phase, naming the metric nearest a call', () => {
    const lines: string[] = [];
    const sink = logProgress((line) => lines.push(line));
    const pair = (pairs: number): SamplerProgress => ({
      pairs,
      elapsedMs: pairs * 4_000,
      budgetMs: 120_000,
      plannedPairs: 28,
      nextLook: 6,
    });
    const events: RunProgress[] = [
      { phase: 'building head' },
      { phase: 'warm-up' },
      { sampled: pair(1) },
      { sampled: pair(2) },
      {
        sampled: {
          ...pair(4),
          look: {
            pairs: 4,
            alpha: 0.0012,
            final: false,
            looksLeft: 3,
            statuses: [
              { key: 'api/GET /work/p50', status: 'inconclusive' },
              { key: 'api/GET /work/mean', status: 'unchanged' },
            ],
            estimates: [
              estimate('p50', 0.31, [0.18, 0.44]),
              estimate('mean', 0.01, [-0.02, 0.03], 'unchanged'),
            ],
          },
        },
      },
      { sampled: pair(5) },
    ];
    for (const event of events) sink(event);
    expect(lines).toEqual([
      '4 pairs, 16 s of 120 s; look at 4 pairs (α 0.0012): 1 unchanged, 1 inconclusive; closest: api GET /work p50 +31.0% [+18.0%, +44.0%]',
    ]);
    expect(describeProgress(pair(2))).toBe('2 pairs, 8 s of 120 s');
  });
});
