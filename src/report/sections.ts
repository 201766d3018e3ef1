// The blocks of the comment and the summary (title, metrics, added and removed files, smallest
// detectable change, budgets, fixes, notes, charts, footer) and the two bodies made of them: one
// for a layout (`renderWith`), one with counts only (`renderMinimal`). Every name and text is
// escaped here, at the point it enters Markdown.
import type { Comparison, Result } from '../result.js';
import { isAccepted } from './acceptance.js';
import { budgetLegend } from './budget-legend.js';
import { oneSidedFiles, oneSidedMetrics, signedSize } from './bundle-files.js';
import { capacitySection } from './capacity.js';
import { renderSampleChart } from './chart.js';
import { type Context, type Layout, remember, sortedComparisons } from './context.js';
import { detectableSummary, noDetectableReason } from './detectable.js';
import { escapeInlineMarkdown, escapeMarkdown, escapeTableCell, truncate } from './escape.js';
import { budgetText, chartedComparisons, targetFindings } from './findings.js';
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
import { acceptanceBlock, acceptanceLeadOnly, findingsBlock, hiddenState } from './lead.js';
import { profileEvidenceSection } from './profile-evidence.js';
import { describeCounts, sortBudgets } from './statuses.js';
import { trendMarkdown } from './trend.js';

function shortSha(sha: string): string {
  return /^[0-9a-f]+$/i.test(sha) ? `\`${sha.slice(0, 7)}\`` : escapeMarkdown(truncate(sha, 12));
}

function refText(ref: string, limit: number): string {
  return escapeMarkdown(truncate(ref, limit)) || '(unnamed)';
}

function titleLine(ctx: Context, limit: number): string {
  const { result } = ctx;
  const name = ctx.reportId ? ` · ${escapeMarkdown(truncate(ctx.reportId, limit))}` : '';
  const verdict = isAccepted(result) ? 'accepted' : result.verdict;
  return `## ${VERDICT_ICON[result.verdict]} perfgate${name}: ${verdict} — ${describeCounts(result)}`;
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

export function metricRow(c: Comparison, limit: number): string[] {
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
  const out: string[] = [];
  if (ctx.result.comparisons.length === 0) return ['No metrics were compared.'];
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
  return [details(`Every metric (${formatFixed(sorted.length, 0)})`, out)];
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
  const out = [
    `Smallest change this run could have detected: ${escapeMarkdown(detectableSummary(result))}`,
  ];
  if (!layout.mdeDetails || sortedComparisons(ctx).length === 0) return out;
  {
    const { shown, hidden } = limited(sortedComparisons(ctx), layout.rowLimit);
    const mdeRow = (c: Comparison) => [
      // The same three name cells as the metric table's row.
      ...remember(ctx.memo.metric, c, () => metricRow(c, layout.nameLimit)).slice(0, 3),
      formatFixed(Math.min(c.base.n, c.head.n), 0),
      escapeTableCell(
        c.mde === null
          ? c.scale === 'exact'
            ? 'exact'
            : noDetectableReason(c, result, true)
          : formatMagnitude(c.mde, c.scale, c.unit),
      ),
      escapeTableCell(formatMagnitude(c.threshold, c.scale, c.unit)),
      escapeTableCell(budgetText(c, result) ?? NOT_AVAILABLE),
    ];
    const rows = shown.map((c) => remember(ctx.memo.mde, c, () => mdeRow(c)));
    const inner = [
      table(
        [
          'Benchmark',
          'Target',
          'Metric',
          'Pairs',
          'Smallest detectable change',
          'Threshold δ',
          'Time budget to reach 1.5 × δ',
        ],
        ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
        rows,
      ),
    ];
    if (hidden > 0) inner.push(moreLine(hidden, 'metrics', ctx));
    return [details('Smallest detectable change and time budget per metric', [...out, ...inner])];
  }
}

function budgetSection(ctx: Context, layout: Layout): string[] {
  const budgets = sortBudgets(ctx.result.budgets);
  if (budgets.length === 0) return [];
  const { shown, hidden } = limited(budgets, layout.rowLimit);
  const out: string[] = [];
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
  out.push(`<sub>${escapeMarkdown(budgetLegend(budgets))}</sub>`);
  const exceeded = budgets.filter((b) => b.exceeded).length;
  return [
    details(
      `Budgets (${formatFixed(exceeded, 0)} of ${formatFixed(budgets.length, 0)} exceeded)`,
      out,
    ),
  ];
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
  // One chart per regressed target: its headline metric, or the metric that regressed.
  ctx.memo.targets ??= targetFindings(ctx.result);
  const regressed = chartedComparisons(ctx.memo.targets);
  const charts = regressed
    .slice(0, layout.charts)
    .map((c) => renderSampleChart(c, layout.chartPoints, layout.nameLimit))
    .filter((chart) => chart !== '');
  if (charts.length === 0) return [];
  const out = ['### Samples of regressed targets', ...charts];
  if (regressed.length > layout.charts) {
    out.push(
      `Charts for ${formatFixed(layout.charts, 0)} of ${formatFixed(regressed.length, 0)} regressed targets — all of them in ${ctx.elsewhere}.`,
    );
  }
  return out;
}

const CORRECTION_NAMES: Record<Result['gate']['correction'], string> = {
  'westfall-young': 'Westfall–Young',
  holm: 'Holm',
  bh: 'Benjamini–Hochberg',
};

function footer(ctx: Context): string {
  const { result } = ctx;
  const gate = result.gate;
  const correction = CORRECTION_NAMES[gate.correction];
  const parts = [
    `perfgate ${escapeInlineMarkdown(truncate(result.tool.version, 50))}`,
    'base and head are medians over the pairs',
    `p adjusted across metrics (${correction}), α = ${formatFixed(gate.alpha, 3).replace(/0+$/, '').replace(/\.$/, '')}`,
    // Made from numbers only: nothing to escape.
    thresholdNote(ctx),
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

/** δ as the rows took it: gate.threshold unless a kind has its own (HTTP routes' 3% while the
 *  gate's is unset) or the config set some per metric; then each δ the relative rows used. */
function thresholdNote(ctx: Context): string {
  const relative = ctx.result.comparisons.filter((c) => c.scale !== 'difference');
  const used = [...new Set(relative.map((c) => c.threshold))].sort((a, b) => a - b);
  const shown = (d: number) => formatMagnitude(d, 'ratio', '').slice(1);
  if (used.length <= 1) {
    return `threshold δ = ${shown(used[0] ?? ctx.result.gate.threshold)} unless set per metric`;
  }
  return `threshold δ = ${used.map(shown).join(', ')} by metric`;
}

function linksLine(ctx: Context): string | undefined {
  const parts: string[] = [];
  if (ctx.detailsUrl) parts.push(`[Full report](${ctx.detailsUrl})`);
  if (ctx.artifactName) parts.push(`result artifact: ${ctx.artifactName}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

export function renderWith(ctx: Context, layout: Layout): string {
  const blocks: string[] = [
    titleLine(ctx, layout.nameLimit),
    ...(ctx.caveat ? [ctx.caveat] : []),
    ...findingsBlock(ctx, layout),
    ...acceptanceBlock(ctx, layout),
    comparedLine(ctx, layout.nameLimit),
    ...trendMarkdown(ctx.result.trend, layout.nameLimit),
    ...metricsSection(ctx, layout),
    ...oneSidedSection(ctx, layout),
    ...mdeSection(ctx, layout),
    ...budgetSection(ctx, layout),
    ...capacitySection(ctx, layout),
    ...profileEvidenceSection(ctx, layout),
    ...adviceSection(ctx, layout),
    ...notesSection(ctx, layout),
    ...chartSection(ctx, layout),
  ];
  if (layout.shortened) blocks.push(`_${layout.shortened}_`);
  const links = linksLine(ctx);
  if (links) blocks.push(links);
  blocks.push(footer(ctx), ...hiddenState(ctx));
  return `${blocks.join('\n\n')}\n`;
}

/** Counts only: what is left when nothing else fits. Bounded by construction. */
export function renderMinimal(ctx: Context): string {
  const { result } = ctx;
  const mde = detectableSummary(result);
  return `${[
    titleLine(ctx, 40),
    ...(ctx.caveat ? [ctx.caveat] : []),
    ...acceptanceLeadOnly(ctx),
    comparedLine(ctx, 40),
    // The commits compared and the culprit, each bounded by the 40-character names.
    ...trendMarkdown(ctx.result.trend, 40).slice(0, 2),
    `The full report is too large for this comment: it is in ${ctx.elsewhere}.`,
    `Smallest change this run could have detected: ${escapeMarkdown(mde)}`,
    footer(ctx),
    // The state a later run reads, when it is small enough to leave room for the rest.
    ...hiddenState(ctx).filter((state) => state.length <= 900),
  ].join('\n\n')}\n`;
}
