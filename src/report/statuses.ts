// The one status order and the counts that every renderer (comment, summary, terminal, check
// run) and the pipeline's result share, so a list reads the same wherever it is printed.
import type { Status } from '../model.js';
import type { Comparison, Result } from '../result.js';
import { describeOneSided, isOneSided } from './bundle-files.js';
import { formatFixed, pluralize } from './format.js';

/**
 * Regressions first (they fail the gate), then improvements (the other decided change), then
 * inconclusive (not decided either way), then unchanged: the order of the count line below, so
 * a table reads in the order its title announces.
 */
export const STATUS_ORDER: Readonly<Record<Status, number>> = {
  regressed: 0,
  improved: 1,
  inconclusive: 2,
  unchanged: 3,
};

/** By STATUS_ORDER; stable, so within a status the declared order of the benchmarks holds. */
export function sortComparisons<C extends Pick<Comparison, 'status'>>(
  comparisons: readonly C[],
): C[] {
  return comparisons
    .map((c, i) => ({ c, i }))
    .sort((a, b) => STATUS_ORDER[a.c.status] - STATUS_ORDER[b.c.status] || a.i - b.i)
    .map(({ c }) => c);
}

/** Exceeded budgets first; stable within. */
export function sortBudgets(budgets: readonly Result['budgets'][number][]): Result['budgets'] {
  return budgets
    .map((b, i) => ({ b, i }))
    .sort((x, y) => Number(y.b.exceeded) - Number(x.b.exceeded) || x.i - y.i)
    .map(({ b }) => b);
}

export interface StatusCounts {
  regressed: number;
  improved: number;
  inconclusive: number;
  unchanged: number;
  budgetsExceeded: number;
}

export function countStatuses(result: Result): StatusCounts {
  const counts = { regressed: 0, improved: 0, inconclusive: 0, unchanged: 0, budgetsExceeded: 0 };
  // A file on one side only is counted as a file (describeOneSided), not as an unchanged metric.
  for (const c of result.comparisons) if (!isOneSided(c)) counts[c.status] += 1;
  counts.budgetsExceeded = result.budgets.filter((b) => b.exceeded).length;
  return counts;
}

/** `1 regression · 1 budget exceeded · 2 improvements · …` (plain text). */
export function describeCounts(result: Result): string {
  const n = countStatuses(result);
  const parts: string[] = [];
  if (n.regressed > 0) parts.push(pluralize(n.regressed, 'regression'));
  if (n.budgetsExceeded > 0)
    parts.push(pluralize(n.budgetsExceeded, 'budget exceeded', 'budgets exceeded'));
  if (n.regressed === 0 && n.budgetsExceeded === 0) {
    parts.push(result.comparisons.length === 0 ? 'no metrics compared' : 'no regressions');
  }
  parts.push(...describeOneSided(result.comparisons));
  if (n.improved > 0) parts.push(pluralize(n.improved, 'improvement'));
  if (n.inconclusive > 0) parts.push(`${formatFixed(n.inconclusive, 0)} inconclusive`);
  if (n.unchanged > 0) parts.push(`${formatFixed(n.unchanged, 0)} unchanged`);
  return parts.join(' · ');
}
