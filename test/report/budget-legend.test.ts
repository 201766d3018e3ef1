import { describe, expect, it } from 'vitest';
import type { BudgetCheck } from '../../src/model.js';
import { budgetLegend } from '../../src/report/budget-legend.js';

const check = (metric: string, unit: string): BudgetCheck => ({
  benchmark: 'b',
  metric,
  unit,
  limit: 1,
  value: 1,
  exceeded: false,
});

describe('budgetLegend', () => {
  it('says which value was checked, and which budgets are floors', () => {
    expect(budgetLegend([check('p95', 'ms'), check('throughput', 'req/s')])).toBe(
      "Head: a timed metric is checked on head's median over the rounds. Floors, exceeded when head is below the limit: throughput.",
    );
    expect(budgetLegend([check('gzip', 'B'), check('gzip-change', 'ratio')])).toBe(
      'Head: a size on its exact value.',
    );
    expect(budgetLegend([check('wall', 'ms'), check('weight', 'bytes')])).toBe(
      "Head: a timed metric is checked on head's median over the rounds, a size on its exact value.",
    );
  });
});
