// What the budgets table's head column holds, said under the table in the comment, the summary
// and the terminal: the value verdict/budgets.ts checked.
import { metricEntry } from '../kinds/registry.js';
import type { Result } from '../result.js';

export function budgetLegend(budgets: Result['budgets']): string {
  const floors = [
    ...new Set(
      budgets.filter((b) => metricEntry(b.metric)?.better === 'higher').map((b) => b.metric),
    ),
  ];
  // Sizes, Lighthouse weight and bundle change limits (`gzip-change`, no entry) are exact.
  const isTimed = (b: Result['budgets'][number]) => {
    const entry = metricEntry(b.metric);
    return entry !== undefined && entry.scale !== 'exact';
  };
  const timed = budgets.some(isTimed);
  const exact = budgets.some((b) => !isTimed(b));
  const parts: string[] = [];
  if (timed) parts.push("a timed metric is checked on head's median over the rounds");
  if (exact) parts.push('a size on its exact value');
  const said = parts.length > 0 ? `Head: ${parts.join(', ')}.` : '';
  const floor =
    floors.length > 0
      ? ` Floors, exceeded when head is below the limit: ${floors.join(', ')}.`
      : '';
  return `${said}${floor}`.trim();
}
