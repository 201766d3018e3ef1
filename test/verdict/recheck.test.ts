import { describe, expect, it } from 'vitest';
import type { BudgetCheck } from '../../src/model.js';
import { budgetExceeded } from '../../src/verdict/gate.js';
import { type RecheckComparison, recheckResult } from '../../src/verdict/recheck.js';

function row(over: Partial<RecheckComparison> = {}): RecheckComparison {
  return {
    key: 'api/GET /x/p50',
    benchmark: 'api',
    target: 'GET /x',
    metric: 'p50',
    better: 'lower',
    scale: 'ratio',
    change: 0.01,
    ci: [-0.01, 0.03],
    adjustedPValue: 0.5,
    threshold: 0.05,
    status: 'unchanged',
    ...over,
  };
}

const regressed = row({
  change: 0.2,
  ci: [0.15, 0.25],
  adjustedPValue: 0.001,
  status: 'regressed',
});

describe('recheckResult', () => {
  it('accepts every status the numbers give at some level within [0, α]', () => {
    // Significant at α = 0.01 but perhaps not at the final look's level: both are consistent.
    for (const status of ['regressed', 'inconclusive'] as const) {
      const check = recheckResult({
        verdict: status === 'regressed' ? 'fail' : 'inconclusive',
        alpha: 0.01,
        comparisons: [{ ...regressed, status }],
        budgets: [],
      });
      expect(check).toEqual({ verdict: status === 'regressed' ? 'fail' : 'inconclusive' });
    }
  });

  it('takes a pass over inconclusive rows only from a run stopped for futility', () => {
    const open = row({
      change: 0.04,
      ci: [-0.01, 0.09],
      adjustedPValue: 0.3,
      status: 'inconclusive',
    });
    const claim = (stoppedBy?: 'futility' | 'budget') =>
      recheckResult({ verdict: 'pass', alpha: 0.01, comparisons: [open], budgets: [], stoppedBy });
    expect(claim('futility')).toEqual({ verdict: 'pass' });
    expect(claim('budget').disagreement).toMatchObject({
      field: 'verdict',
      claimed: 'pass',
      recomputed: 'inconclusive',
    });
    expect(claim().verdict).toBe('inconclusive');
    // A futility claim cannot pass a regressed row.
    const both = recheckResult({
      verdict: 'pass',
      alpha: 0.01,
      comparisons: [open, regressed],
      budgets: [],
      stoppedBy: 'futility',
    });
    expect(both.disagreement).toMatchObject({ field: 'verdict', recomputed: 'fail' });
  });

  it('orients higher-is-better metrics and decides exact ones without p-values', () => {
    const throughput = row({
      metric: 'throughput',
      better: 'higher',
      change: -0.2,
      ci: [-0.25, -0.15],
      adjustedPValue: 0.001,
      status: 'regressed',
    });
    const bytes = row({
      metric: 'gzip',
      scale: 'exact',
      change: -0.1,
      ci: [-0.1, -0.1],
      adjustedPValue: null,
      status: 'improved',
    });
    expect(
      recheckResult({
        verdict: 'fail',
        alpha: 0.05,
        comparisons: [throughput, bytes],
        budgets: [],
      }),
    ).toEqual({ verdict: 'fail' });
    const claimed = recheckResult({
      verdict: 'pass',
      alpha: 0.05,
      comparisons: [{ ...bytes, status: 'unchanged' }],
      budgets: [],
    });
    expect(claimed.disagreement).toEqual({
      field: 'comparisons[0]',
      benchmark: 'api',
      target: 'GET /x',
      metric: 'gzip',
      claimed: 'unchanged',
      recomputed: 'improved',
    });
  });

  it('names a bad threshold instead of throwing', () => {
    const check = recheckResult({
      verdict: 'pass',
      alpha: 0.05,
      comparisons: [row({ threshold: -1 })],
      budgets: [],
    });
    expect(check.disagreement).toMatchObject({
      field: 'comparisons[0]',
      recomputed: 'no status',
      reason: 'threshold of api/GET /x/p50 must be a number ≥ 0, got -1',
    });
  });

  it("takes a budget's direction from its metric, lower-is-better for sizes", () => {
    const score = row({
      metric: 'score',
      better: 'higher',
      scale: 'difference',
      change: 0,
      ci: [-1, 1],
      threshold: 5,
    });
    const budget = (over: Partial<BudgetCheck>): BudgetCheck => ({
      benchmark: 'api',
      target: 'GET /x',
      metric: 'score',
      unit: 'points',
      limit: 90,
      value: 85,
      exceeded: true,
      ...over,
    });
    expect(
      recheckResult({ verdict: 'fail', alpha: 0.05, comparisons: [score], budgets: [budget({})] }),
    ).toEqual({ verdict: 'fail' });
    const size = budget({
      metric: 'gzip-change',
      unit: 'ratio',
      limit: 0.05,
      value: 0.2,
      exceeded: false,
    });
    expect(
      recheckResult({ verdict: 'pass', alpha: 0.05, comparisons: [score], budgets: [size] })
        .disagreement,
    ).toMatchObject({ field: 'budgets[0]', claimed: 'within', recomputed: 'exceeded' });
  });

  it('accepts the inconclusive verdict of fail-on never and returns the gate verdict', () => {
    expect(
      recheckResult({
        verdict: 'inconclusive',
        alpha: 0.01,
        comparisons: [regressed],
        budgets: [],
      }),
    ).toEqual({ verdict: 'fail' });
    expect(
      recheckResult({ verdict: 'pass', alpha: 0.01, comparisons: [regressed], budgets: [] }),
    ).toEqual({
      verdict: 'fail',
      disagreement: { field: 'verdict', claimed: 'pass', recomputed: 'fail' },
    });
  });
});

describe('budgetExceeded', () => {
  it('is past the limit in the worse direction only', () => {
    expect(budgetExceeded('lower', 11, 10)).toBe(true);
    expect(budgetExceeded('lower', 10, 10)).toBe(false);
    expect(budgetExceeded('higher', 89, 90)).toBe(true);
    expect(budgetExceeded('higher', 90, 90)).toBe(false);
  });
});
