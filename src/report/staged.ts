// Shortening in stages (as changesets/action does): render with everything, then drop the
// charts, then the collapsed details, then rows beyond N per table, and finally a body with
// counts only, until the body fits.
import { type Context, type Layout, remember, sortedComparisons } from './context.js';
import { formatFixed } from './format.js';
import { metricRow, renderMinimal, renderWith } from './sections.js';

export type ReportStage = 'full' | 'no-charts' | 'no-details' | 'truncated' | 'minimal';

export interface RenderedReport {
  body: string;
  /** How far the body had to be shortened to fit. */
  stage: ReportStage;
}

export interface StagedLimits {
  maxLength: number;
  measure: (body: string) => number;
  full: Layout;
}

/** In the truncated stage: entries per list (fixes, evidence, notes) and code points per text. */
const TRUNCATED_ITEMS = 5;
const TRUNCATED_TEXT = 300;

/** Render with everything, then shorten in stages until `measure(body) <= maxLength`. */
export function renderStaged(ctx: Context, limits: StagedLimits): RenderedReport {
  const fits = (body: string) => limits.measure(body) <= limits.maxLength;
  const where = `The full report is in ${ctx.elsewhere}.`;
  const attempts: Array<[ReportStage, Layout]> = [
    ['full', limits.full],
    [
      'no-charts',
      { ...limits.full, charts: 0, shortened: `Shortened to fit: charts left out. ${where}` },
    ],
    [
      'no-details',
      {
        ...limits.full,
        charts: 0,
        unchangedDetails: false,
        mdeDetails: false,
        shortened: `Shortened to fit: charts and collapsed details left out. ${where}`,
      },
    ],
  ];
  // Every one of these stages lists all changed metrics: when their rows alone are too long
  // (UTF-16 units never exceed UTF-8 bytes or characters), skip rendering them.
  let rowsLength = 0;
  for (const c of sortedComparisons(ctx)) {
    if (c.status === 'unchanged' || rowsLength > limits.maxLength) continue;
    const cells = remember(ctx.memo.metric, c, () => metricRow(c, limits.full.nameLimit));
    rowsLength += cells.join(' | ').length + 5;
  }
  if (rowsLength <= limits.maxLength) {
    for (const [stage, layout] of attempts) {
      const body = renderWith(ctx, layout);
      if (fits(body)) return { body, stage };
    }
  }

  const { result } = ctx;
  const longest = Math.max(result.comparisons.length, result.budgets.length);
  // Tables (regressions first) get the room; fixes and notes keep their first few entries,
  // cut shorter.
  const truncatedLayout = (rowLimit: number): Layout => {
    const itemLimit = Math.min(rowLimit, TRUNCATED_ITEMS);
    return {
      ...limits.full,
      charts: 0,
      unchangedDetails: false,
      mdeDetails: false,
      rowLimit,
      itemLimit,
      textLimit: Math.min(limits.full.textLimit, TRUNCATED_TEXT),
      shortened: `Shortened to fit: at most ${formatFixed(rowLimit, 0)} rows per table and ${formatFixed(itemLimit, 0)} entries per list are shown. ${where}`,
    };
  };
  // Largest row limit that fits: more rows never make the body shorter. At least one row
  // per table, or the minimal body says the same more plainly.
  let lo = 1;
  let hi = longest;
  let best: string | undefined;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const body = renderWith(ctx, truncatedLayout(mid));
    if (fits(body)) {
      best = body;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best !== undefined) return { body: best, stage: 'truncated' };

  const minimal = renderMinimal(ctx);
  // The minimal body is bounded (names cut to 40 code points) far below MIN_MAX_LENGTH;
  // cutting it is a last resort that the checks on maxLength make unreachable.
  return { body: fits(minimal) ? minimal : minimal.slice(0, limits.maxLength), stage: 'minimal' };
}
