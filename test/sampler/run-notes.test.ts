// What a run says of a tested metric without a smallest detectable change (sampler/run-notes.ts
// undetectable): the reason, and never "nothing was detectable" at a look that called changes.
import { describe, expect, it } from 'vitest';
import type { MetricAnalysis, MetricSpec, Order } from '../../src/model.js';
import { type Tracked, undetectable } from '../../src/sampler/run-notes.js';

const ORDER: Order[] = Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? 'AB' : 'BA'));

function metric(key: string): Tracked {
  const spec: MetricSpec = {
    key: `shop/${key}`,
    benchmark: 'shop',
    metric: key,
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
  };
  const base = ORDER.map(() => 10);
  return { spec, probe: 0, samples: { spec, base, head: base.map((v) => v * 1.5), order: ORDER } };
}

function analysis(adjustedPValue: number): MetricAnalysis {
  // The rank test's floor at 15 pairs, 2^−14 = 6.1e-5, as every pair moved the same way.
  return {
    n: 15,
    change: 0.5,
    ci: [0.4, 0.6],
    pValue: 6.1e-5,
    adjustedPValue,
    mde: null,
    test: 'signed-rank',
  };
}

describe('undetectable', () => {
  const tracked = ['p50', 'p95', 'p99', 'mean'].map(metric);
  // A look at 15 pairs with α 7e-4: over 4 tested metrics 1.75e-4 each, above the floor, so the
  // floor is no reason there; at 2e-4 (5e-5 each) it is.
  const look = (alpha: number) => ({
    pairs: 15,
    alpha,
    final: false,
    elapsedMs: 30_000,
    resolved: 0,
  });

  it('gives the rank test’s floor as the reason when nothing was called', () => {
    const notes = undetectable(
      tracked,
      tracked.map(() => analysis(0.5)),
      look(2e-4),
      4,
    );
    expect(notes).toEqual([
      "No change was detectable at the last look (15 pairs) for any tested metric: the signed-rank test's smallest p-value at 15 pairs, 6.1e-5, is not below the level of that look, 5.0e-5 (its α over 4 tested metrics); it gets below it from 16 pairs.",
    ]);
  });

  it('leaves out the metrics the look called and calls the bound conservative for the rest', () => {
    // Westfall–Young called p50 and mean (metrics that move together count about once).
    const notes = undetectable(
      tracked,
      [analysis(1e-4), analysis(0.3), analysis(0.4), analysis(1.2e-4)],
      look(2e-4),
      4,
    );
    expect(notes).toEqual([
      "No smallest detectable change is given at the last look (15 pairs) for shop/p95, shop/p99: it is estimated at the look's level over the 4 tested metrics, 5.0e-5, below the signed-rank test's smallest p-value at 15 pairs (6.1e-5); the correction across metrics, less strict for metrics that move together, called 2 of them at this look, so that bound is conservative here.",
    ]);
    expect(notes.join('\n')).not.toContain('No change was detectable');
    // Every metric called: nothing to say.
    expect(
      undetectable(
        tracked,
        tracked.map(() => analysis(1e-4)),
        look(2e-4),
        4,
      ),
    ).toEqual([]);
  });
});
