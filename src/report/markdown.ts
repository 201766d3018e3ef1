// The PR comment: one pure function from a Result to Markdown, kept under GitHub's comment
// size limit by shortening in stages (as changesets/action does): drop the charts, then the
// collapsed details, then rows beyond N per list, and finally a body with counts only.
// The job summary (summary.ts) is the same renderer with everything in it.
import type { Status } from '../model.js';
import type { Comparison, Result } from '../result.js';
import {
  describeOneSided,
  isOneSided,
  oneSidedFiles,
  oneSidedMetrics,
  signedSize,
} from './bundle-files.js';
import { comparisonLabel, renderSampleChart } from './chart.js';
import { ReportOptionError } from './errors.js';
import { escapeInlineMarkdown, escapeMarkdown, escapeTableCell, truncate } from './escape.js';
import {
  BYTES_BASE_NOTE,
  formatBudgetMargin,
  formatBudgetStatus,
  formatChange,
  formatDuration,
  formatExactChange,
  formatFixed,
  formatInterval,
  formatMagnitude,
  formatPValueCell,
  formatStatus,
  formatTimestamp,
  formatValue,
  NOT_AVAILABLE,
  pluralize,
  STOPPED_BY,
  unitKind,
  VERDICT_ICON,
} from './format.js';

export { escapeInlineMarkdown, escapeMarkdown, escapeTableCell } from './escape.js';

/** GitHub rejects comment bodies over 65,536 characters; stay a little below. */
export const COMMENT_MAX_LENGTH = 65_000;
/** The smallest limit under which the minimal body is guaranteed to fit. */
export const MIN_MAX_LENGTH = 2_000;

export interface MarkdownOptions {
  /** Names this report among several on one PR (a matrix shard); shown in the title. */
  reportId?: string;
  /** Upper bound of the body's length in UTF-16 code units (≥ GitHub's character count). */
  maxLength?: number;
  /** Link to the full report (the workflow run's summary); http(s) only. */
  detailsUrl?: string;
  /** Name of the uploaded result artifact, for "the full report is in …". */
  artifactName?: string;
  /** A caution the reader must see whatever is cut (a fork's result is only as trustworthy as
   *  its code): shown under the title in every stage, the minimal one included. */
  caveat?: string;
}

export type ReportStage = 'full' | 'no-charts' | 'no-details' | 'truncated' | 'minimal';

export interface RenderedReport {
  body: string;
  /** How far the body had to be shortened to fit. */
  stage: ReportStage;
}

const STATUS_ORDER: Record<Status, number> = {
  regressed: 0,
  improved: 1,
  inconclusive: 2,
  unchanged: 3,
};

/** Regressions first, then improvements, then inconclusive, then unchanged; stable within. */
export function sortComparisons(comparisons: readonly Comparison[]): Comparison[] {
  return comparisons
    .map((c, i) => ({ c, i }))
    .sort((a, b) => STATUS_ORDER[a.c.status] - STATUS_ORDER[b.c.status] || a.i - b.i)
    .map(({ c }) => c);
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

const REPORT_ID = /^[A-Za-z0-9._/-]{1,100}$/;

function checkReportId(reportId: string, option: string): void {
  if (typeof reportId !== 'string' || !REPORT_ID.test(reportId) || reportId.includes('--')) {
    throw new ReportOptionError(
      option,
      reportId,
      '1 to 100 characters from A-Z a-z 0-9 . _ / - without "--"',
    );
  }
}

/**
 * The hidden marker by which the GitHub layer finds this report's comment again. Only a
 * restricted id can appear in it, and escaped text can never contain `<!--`, so a PR
 * cannot forge one.
 */
export function reportMarker(reportId: string): string {
  checkReportId(reportId, 'reportId');
  return `<!-- perfgate:${reportId} -->`;
}

// ---------------------------------------------------------------------------
// The renderer, parameterised by how much it may include.

interface Layout {
  /** Largest number of charts (regressed metrics); 0 for none. */
  charts: number;
  chartPoints: number;
  unchangedDetails: boolean;
  mdeDetails: boolean;
  /** Largest number of rows per table (metrics, budgets, smallest detectable changes). */
  rowLimit: number;
  /** Largest number of entries per list (fixes, pieces of evidence, notes). */
  itemLimit: number;
  /** Largest number of added and removed files listed (the JSON has every one). */
  fileRows: number;
  /** Code points per name (benchmark, target, metric, ref) and per text (advice, note). */
  nameLimit: number;
  textLimit: number;
  /** Why the body is shorter than the full report, when it is. */
  shortened?: string;
}

interface Context {
  result: Result;
  /** The name shown in the title, unescaped. */
  reportId: string | undefined;
  detailsUrl: string | undefined;
  artifactName: string | undefined;
  /** Escaped Markdown naming where the full report is. */
  elsewhere: string;
  /** Escaped, as a quote block; shown in every stage. */
  caveat: string | undefined;
  /** Rendered table cells and the sorted lists, reused by every stage of one render. */
  memo: {
    sorted?: Comparison[];
    metric: WeakMap<object, string[]>;
    mde: WeakMap<object, string[]>;
    budget: WeakMap<object, string[]>;
  };
}

function remember<V>(map: WeakMap<object, V>, key: object, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The metrics in the tables: files on one side only have their own section. */
function sortedComparisons(ctx: Context): Comparison[] {
  ctx.memo.sorted ??= sortComparisons(ctx.result.comparisons.filter((c) => !isOneSided(c)));
  return ctx.memo.sorted;
}

/** Options shared by the comment and the summary, validated once. */
export function resolveContext(
  result: Result,
  options: Pick<MarkdownOptions, 'reportId' | 'detailsUrl' | 'artifactName' | 'caveat'>,
  elsewhere: (link: string | undefined, artifact: string | undefined) => string,
): Context {
  if (options.reportId !== undefined) checkReportId(options.reportId, 'reportId');
  let detailsUrl: string | undefined;
  if (options.detailsUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.detailsUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new ReportOptionError('detailsUrl', options.detailsUrl, 'an absolute http(s) URL');
    }
    // Parentheses would end the Markdown link target early.
    detailsUrl = url.href.replaceAll('(', '%28').replaceAll(')', '%29');
  }
  if (options.artifactName !== undefined && typeof options.artifactName !== 'string') {
    throw new ReportOptionError('artifactName', options.artifactName, 'a string');
  }
  const artifactName = options.artifactName
    ? escapeMarkdown(truncate(options.artifactName, 100))
    : undefined;
  return {
    result,
    reportId: options.reportId ?? result.reportId,
    detailsUrl,
    artifactName,
    elsewhere: elsewhere(detailsUrl, artifactName),
    caveat:
      options.caveat === undefined
        ? undefined
        : `> ⚠️ ${escapeMarkdown(truncate(options.caveat, 600)).replace(/\n/g, ' ')}`,
    memo: { metric: new WeakMap(), mde: new WeakMap(), budget: new WeakMap() },
  };
}

export function checkMaxLength(maxLength: unknown, option = 'maxLength'): number {
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < MIN_MAX_LENGTH) {
    throw new ReportOptionError(option, maxLength, `an integer of at least ${MIN_MAX_LENGTH}`);
  }
  return maxLength;
}

function shortSha(sha: string): string {
  return /^[0-9a-f]+$/i.test(sha) ? `\`${sha.slice(0, 7)}\`` : escapeMarkdown(truncate(sha, 12));
}

function refText(ref: string, limit: number): string {
  return escapeMarkdown(truncate(ref, limit)) || '(unnamed)';
}

function titleLine(ctx: Context, limit: number): string {
  const { result } = ctx;
  const name = ctx.reportId ? ` · ${escapeMarkdown(truncate(ctx.reportId, limit))}` : '';
  return `## ${VERDICT_ICON[result.verdict]} perfgate${name}: ${result.verdict} — ${describeCounts(result)}`;
}

function comparedLine(ctx: Context, limit: number): string {
  const { result } = ctx;
  const head = `head **${refText(result.head.ref, limit)}**@${shortSha(result.head.sha)}`;
  const what = result.base
    ? `Compared base **${refText(result.base.ref, limit)}**@${shortSha(result.base.sha)} with ${head}`
    : `Measured ${head} (no base to compare with)`;
  const s = result.sampling;
  const warmup = s.warmup > 0 ? `, ${pluralize(s.warmup, 'warm-up round')} per side discarded` : '';
  const pairs = `${pluralize(s.pairs, 'pair')} (AB/BA interleaved${warmup})`;
  const time = `${formatDuration(s.elapsedMs)} of sampling within a ${formatDuration(
    result.gate.timeBudgetMs,
  )} budget, ${STOPPED_BY[s.stoppedBy]}`;
  return `${what} · ${pairs} · ${time} · ${escapeMarkdown(formatTimestamp(result.startedAt))}`;
}

function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function cell(text: string | undefined, limit: number): string {
  return text === undefined || text === '' ? NOT_AVAILABLE : escapeTableCell(truncate(text, limit));
}

const METRIC_HEADER = [
  'Benchmark',
  'Target',
  'Metric',
  'Base',
  'Head',
  'Change',
  '95% CI',
  'p (adj.)',
  'Status',
];
const METRIC_ALIGN: Array<'l' | 'r'> = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'];

function changeText(c: Comparison): string {
  if (c.scale !== 'exact') return formatChange(c.change, c.scale, c.unit);
  return formatExactChange(c.change, c.base.median, c.head.median, c.unit);
}

function metricRow(c: Comparison, limit: number): string[] {
  return [
    cell(c.benchmark, limit),
    cell(c.target, limit),
    cell(c.metric, limit),
    escapeTableCell(formatValue(c.base.median, c.unit)),
    escapeTableCell(formatValue(c.head.median, c.unit)),
    escapeTableCell(changeText(c)),
    escapeTableCell(c.scale === 'exact' ? 'exact' : formatInterval(c.ci, c.scale, c.unit)),
    escapeTableCell(formatPValueCell(c.adjustedPValue)),
    formatStatus(c.status),
  ];
}

function moreLine(hidden: number, what: string, ctx: Context): string {
  return `…and ${formatFixed(hidden, 0)} more ${what} — full report in ${ctx.elsewhere}.`;
}

function limited<T>(items: readonly T[], limit: number): { shown: readonly T[]; hidden: number } {
  if (items.length <= limit) return { shown: items, hidden: 0 };
  return { shown: items.slice(0, limit), hidden: items.length - limit };
}

function metricsSection(ctx: Context, layout: Layout): string[] {
  const sorted = sortedComparisons(ctx);
  const changed = sorted.filter((c) => c.status !== 'unchanged');
  const unchanged = sorted.filter((c) => c.status === 'unchanged');
  const out: string[] = ['### Metrics'];
  if (ctx.result.comparisons.length === 0) {
    out.push('No metrics were compared.');
    return out;
  }
  if (changed.length === 0) {
    out.push('Every metric stayed within its threshold.');
  } else {
    const { shown, hidden } = limited(changed, layout.rowLimit);
    if (shown.length > 0) {
      out.push(
        table(
          METRIC_HEADER,
          METRIC_ALIGN,
          shown.map((c) => remember(ctx.memo.metric, c, () => metricRow(c, layout.nameLimit))),
        ),
      );
    }
    if (hidden > 0) out.push(moreLine(hidden, 'changed or inconclusive metrics', ctx));
  }
  if (unchanged.length > 0) {
    if (layout.unchangedDetails) {
      const { shown, hidden } = limited(unchanged, layout.rowLimit);
      const inner = [
        table(
          METRIC_HEADER,
          METRIC_ALIGN,
          shown.map((c) => remember(ctx.memo.metric, c, () => metricRow(c, layout.nameLimit))),
        ),
      ];
      if (hidden > 0) inner.push(moreLine(hidden, 'unchanged metrics', ctx));
      out.push(details(pluralize(unchanged.length, 'unchanged metric'), inner));
    } else {
      out.push(
        `${formatFixed(unchanged.length, 0)} unchanged metrics are listed in ${ctx.elsewhere}.`,
      );
    }
  }
  return out;
}

const PRESENCE_CELL = { added: '➕ added', removed: '➖ removed' } as const;

/** Bundle files on head only or base only, added first, each largest first. */
function oneSidedSection(ctx: Context, layout: Layout): string[] {
  const files = oneSidedFiles(ctx.result.comparisons);
  if (files.length === 0) return [];
  const metrics = oneSidedMetrics(files);
  const { shown, hidden } = limited(files, Math.min(layout.rowLimit, layout.fileRows));
  const rows = shown.map((f) => [
    cell(f.benchmark, layout.nameLimit),
    cell(f.target, layout.nameLimit),
    PRESENCE_CELL[f.presence],
    ...metrics.map((m) => cell(signedSize(f, m), layout.nameLimit)),
  ]);
  const header = ['Benchmark', 'File', 'Change', ...metrics.map((m) => capitalize(m))];
  const out = ['### Added and removed files'];
  if (rows.length > 0) {
    out.push(table(header, ['l', 'l', 'l', ...metrics.map(() => 'r' as const)], rows));
  }
  if (hidden > 0) out.push(moreLine(hidden, 'added or removed files', ctx));
  return out;
}

function capitalize(name: string): string {
  return escapeTableCell(truncate(name.charAt(0).toUpperCase() + name.slice(1), 40));
}

/** A collapsed block; the blank lines let GitHub render the Markdown inside it. */
function details(summary: string, blocks: string[]): string {
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    blocks.join('\n\n'),
    '',
    '</details>',
  ].join('\n');
}

function mdeSection(ctx: Context, layout: Layout): string[] {
  const { result } = ctx;
  const overall =
    result.minimumDetectableChange === null
      ? 'not available (no statistically tested ratio metrics)'
      : `${formatMagnitude(result.minimumDetectableChange, 'ratio', '')} (median over the metrics)`;
  const out = [`Smallest change this run could have detected: ${escapeMarkdown(overall)}`];
  if (layout.mdeDetails && sortedComparisons(ctx).length > 0) {
    const { shown, hidden } = limited(sortedComparisons(ctx), layout.rowLimit);
    const mdeRow = (c: Comparison) => [
      // The same three name cells as the metric table's row.
      ...remember(ctx.memo.metric, c, () => metricRow(c, layout.nameLimit)).slice(0, 3),
      formatFixed(Math.min(c.base.n, c.head.n), 0),
      escapeTableCell(
        c.mde === null
          ? c.scale === 'exact'
            ? 'exact'
            : NOT_AVAILABLE
          : formatMagnitude(c.mde, c.scale, c.unit),
      ),
      escapeTableCell(formatMagnitude(c.threshold, c.scale, c.unit)),
    ];
    const rows = shown.map((c) => remember(ctx.memo.mde, c, () => mdeRow(c)));
    const inner = [
      table(
        ['Benchmark', 'Target', 'Metric', 'Pairs', 'Smallest detectable change', 'Threshold δ'],
        ['l', 'l', 'l', 'r', 'r', 'r'],
        rows,
      ),
    ];
    if (hidden > 0) inner.push(moreLine(hidden, 'metrics', ctx));
    out.push(details('Smallest detectable change per metric', inner));
  }
  return out;
}

function budgetSection(ctx: Context, layout: Layout): string[] {
  const budgets = ctx.result.budgets
    .map((b, i) => ({ b, i }))
    .sort((x, y) => Number(y.b.exceeded) - Number(x.b.exceeded) || x.i - y.i)
    .map(({ b }) => b);
  if (budgets.length === 0) return [];
  const { shown, hidden } = limited(budgets, layout.rowLimit);
  const out = ['### Budgets'];
  if (shown.length > 0) {
    const budgetRow = (b: Result['budgets'][number]) => [
      cell(b.benchmark, layout.nameLimit),
      cell(b.target, layout.nameLimit),
      cell(b.metric, layout.nameLimit),
      escapeTableCell(formatValue(b.value, b.unit)),
      escapeTableCell(formatValue(b.limit, b.unit)),
      escapeTableCell(formatBudgetMargin(b.value, b.limit)),
      formatBudgetStatus(b.exceeded),
    ];
    const rows = shown.map((b) => remember(ctx.memo.budget, b, () => budgetRow(b)));
    out.push(
      table(
        ['Benchmark', 'Target', 'Metric', 'Head', 'Limit', 'Against limit', 'Status'],
        ['l', 'l', 'l', 'r', 'r', 'r', 'l'],
        rows,
      ),
    );
  }
  if (hidden > 0) out.push(moreLine(hidden, 'budgets', ctx));
  return out;
}

function text(value: string, layout: Layout): string {
  return escapeMarkdown(truncate(value, layout.textLimit));
}

function adviceSection(ctx: Context, layout: Layout): string[] {
  const { advice } = ctx.result;
  if (advice.length === 0) return [];
  const { shown, hidden } = limited(advice, layout.itemLimit);
  const items = shown.map((a) => {
    const title =
      escapeMarkdown(truncate(a.title, layout.nameLimit)) || escapeMarkdown(truncate(a.rule, 100));
    const lines = [`- **${title}**: ${text(a.fix, layout)}`];
    const evidence = limited(a.evidence, layout.itemLimit);
    for (const e of evidence.shown) lines.push(`  - Evidence: ${text(e, layout)}`);
    if (evidence.hidden > 0)
      lines.push(`  - ${moreLine(evidence.hidden, 'pieces of evidence', ctx)}`);
    const metrics = a.metrics.slice(0, Math.min(layout.itemLimit, 10));
    const more = a.metrics.length - metrics.length;
    const metricList = metrics.map((m) => escapeMarkdown(truncate(m, layout.nameLimit))).join(', ');
    const tail = [
      metrics.length > 0
        ? `for ${metricList}${more > 0 ? ` and ${formatFixed(more, 0)} more` : ''}`
        : '',
      `rule ${escapeMarkdown(truncate(a.rule, 100))}`,
    ].filter(Boolean);
    lines.push(`  - <sub>${tail.join(' · ')}</sub>`);
    return lines.join('\n');
  });
  const out = ['### Suggested fixes'];
  if (items.length > 0) out.push(items.join('\n'));
  if (hidden > 0) out.push(moreLine(hidden, 'suggested fixes', ctx));
  return out;
}

function notesSection(ctx: Context, layout: Layout): string[] {
  const { notes } = ctx.result;
  if (notes.length === 0) return [];
  const { shown, hidden } = limited(notes, layout.itemLimit);
  const out = ['### Notes'];
  if (shown.length > 0) out.push(shown.map((n) => `- ${text(n, layout)}`).join('\n'));
  if (hidden > 0) out.push(moreLine(hidden, 'notes', ctx));
  return out;
}

function chartSection(ctx: Context, layout: Layout): string[] {
  if (layout.charts <= 0) return [];
  const regressed = ctx.result.comparisons.filter(
    (c) => c.status === 'regressed' && c.scale !== 'exact',
  );
  const charts = regressed
    .slice(0, layout.charts)
    .map((c) => renderSampleChart(c, layout.chartPoints, layout.nameLimit))
    .filter((chart) => chart !== '');
  if (charts.length === 0) return [];
  const out = ['### Samples of regressed metrics', ...charts];
  if (regressed.length > layout.charts) {
    out.push(
      `Charts for ${formatFixed(layout.charts, 0)} of ${formatFixed(regressed.length, 0)} regressed metrics — all of them in ${ctx.elsewhere}.`,
    );
  }
  return out;
}

function footer(ctx: Context): string {
  const { result } = ctx;
  const gate = result.gate;
  const correction = gate.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg';
  const parts = [
    `perfgate ${escapeInlineMarkdown(truncate(result.tool.version, 50))}`,
    'base and head are medians over the pairs',
    `p adjusted across metrics (${correction}), α = ${formatFixed(gate.alpha, 3).replace(/0+$/, '').replace(/\.$/, '')}`,
    // Made from a number only: nothing to escape.
    `threshold δ = ${formatMagnitude(gate.threshold, 'ratio', '').slice(1)} unless set per metric`,
    `seed ${formatFixed(gate.seed, 0).replaceAll(',', '')}`,
  ];
  if (
    result.comparisons.some((c) => unitKind(c.unit) === 'bytes') ||
    result.budgets.some((b) => unitKind(b.unit) === 'bytes')
  ) {
    parts.push(BYTES_BASE_NOTE);
  }
  return `<sub>${parts.join(' · ')}</sub>`;
}

function linksLine(ctx: Context): string | undefined {
  const parts: string[] = [];
  if (ctx.detailsUrl) parts.push(`[Full report](${ctx.detailsUrl})`);
  if (ctx.artifactName) parts.push(`result artifact: ${ctx.artifactName}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function renderWith(ctx: Context, layout: Layout): string {
  const blocks: string[] = [
    titleLine(ctx, layout.nameLimit),
    ...(ctx.caveat ? [ctx.caveat] : []),
    comparedLine(ctx, layout.nameLimit),
    ...metricsSection(ctx, layout),
    ...oneSidedSection(ctx, layout),
    ...mdeSection(ctx, layout),
    ...budgetSection(ctx, layout),
    ...adviceSection(ctx, layout),
    ...notesSection(ctx, layout),
    ...chartSection(ctx, layout),
  ];
  if (layout.shortened) blocks.push(`_${layout.shortened}_`);
  const links = linksLine(ctx);
  if (links) blocks.push(links);
  blocks.push(footer(ctx));
  return `${blocks.join('\n\n')}\n`;
}

/** Counts only: what is left when nothing else fits. Bounded by construction. */
function renderMinimal(ctx: Context): string {
  const { result } = ctx;
  const mde =
    result.minimumDetectableChange === null
      ? 'not available'
      : `${formatMagnitude(result.minimumDetectableChange, 'ratio', '')} (median over the metrics)`;
  return `${[
    titleLine(ctx, 40),
    ...(ctx.caveat ? [ctx.caveat] : []),
    comparedLine(ctx, 40),
    `The full report is too large for this comment: it is in ${ctx.elsewhere}.`,
    `Smallest change this run could have detected: ${escapeMarkdown(mde)}`,
    footer(ctx),
  ].join('\n\n')}\n`;
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

const COMMENT_LAYOUT: Layout = {
  charts: 5,
  chartPoints: 200,
  unchangedDetails: true,
  mdeDetails: true,
  rowLimit: Number.POSITIVE_INFINITY,
  itemLimit: Number.POSITIVE_INFINITY,
  fileRows: 20,
  nameLimit: 120,
  textLimit: 1000,
};

function commentElsewhere(link: string | undefined, artifact: string | undefined): string {
  const summary = link ? `the [job summary](${link})` : 'the job summary';
  return artifact ? `${summary} and the artifact ${artifact}` : summary;
}

/** The PR comment body and the stage it had to be shortened to. */
export function renderComment(result: Result, options: MarkdownOptions = {}): RenderedReport {
  const maxLength = checkMaxLength(options.maxLength ?? COMMENT_MAX_LENGTH);
  const ctx = resolveContext(result, options, commentElsewhere);
  return renderStaged(ctx, { maxLength, measure: (body) => body.length, full: COMMENT_LAYOUT });
}

/** The PR comment body, under `maxLength` (default 65,000) characters. */
export function renderMarkdown(result: Result, options: MarkdownOptions = {}): string {
  return renderComment(result, options).body;
}

export type { Layout as ReportLayout };
export { comparisonLabel };
