// Terminal output of the CLI: an aligned table (regressions first) coloured by status, the
// budgets, fixes and notes, the smallest detectable change and a verdict line; and the
// one-line live progress. Colour is an explicit flag so output is testable and pipes clean.
// Names come from the PR (or an artifact), so control characters are neutralised: an ESC
// in a branch name must not reach the terminal.

import pc from 'picocolors';
import { metricKey } from '../kinds/types.js';
import type { Scale, Status } from '../model.js';
import type { Result } from '../result.js';
import { acceptanceText, isAccepted } from './acceptance.js';
import { budgetLegend } from './budget-legend.js';
import { isOneSided, oneSidedFiles, oneSidedMetrics, signedSize } from './bundle-files.js';
import { capacitySentence, kneeText } from './capacity.js';
import { detectableSummary } from './detectable.js';
import { plainText } from './escape.js';
import { findingLines } from './findings.js';
import {
  formatBudgetMargin,
  formatChange,
  formatClock,
  formatDuration,
  formatExactChange,
  formatInterval,
  formatPValueCell,
  formatValue,
  NOT_AVAILABLE,
  pluralize,
  STOPPED_BY,
} from './format.js';
import { describeCounts, sortBudgets, sortComparisons } from './statuses.js';
import { trendLines } from './trend.js';

export interface TerminalOptions {
  color: boolean;
  /** Columns available; the name columns shrink (with …) to fit. Unlimited when absent. */
  width?: number;
}

type Colors = ReturnType<typeof pc.createColors>;
type Paint = (text: string) => string;

function statusPaint(c: Colors, status: Status): Paint {
  switch (status) {
    case 'regressed':
      return c.red;
    case 'improved':
      return c.green;
    case 'inconclusive':
      return c.yellow;
    default:
      return c.dim;
  }
}

/** Columns a string takes: wide (CJK, emoji) count 2, combining marks and joiners 0. */
export function displayWidth(text: string): number {
  let width = 0;
  // Only the renderer's own colour codes can be present: names went through plainText.
  for (const ch of text.replace(/\u001b\[[0-9;]*m/g, '')) {
    const cp = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch) || (cp >= 0x200b && cp <= 0x200f) || cp === 0x2060) continue;
    if (cp >= 0xfe00 && cp <= 0xfe0f) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1f64f) ||
      (cp >= 0x1f900 && cp <= 0x1f9ff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** Cut to `width` columns with a trailing `…`. */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: 'l' | 'r'): string {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'r' ? gap + text : text + gap;
}

interface Column {
  header: string;
  align: 'l' | 'r';
  /** Name columns shrink (with …) down to this width before anything is dropped. */
  min?: number;
  /** Columns that may go when even the shrunk table is too wide; the lowest goes first. */
  drop?: number;
}

interface Cell {
  text: string;
  paint?: Paint | undefined;
}

/**
 * Aligned lines (the header first, dim) within `maxWidth` when possible: the widest name
 * column gives way first, then optional columns are dropped; colour is applied after
 * padding so escape codes never count toward the width.
 */
function renderTable(
  c: Colors,
  allColumns: Column[],
  allRows: Cell[][],
  maxWidth: number,
  indent: string,
): string[] {
  let keep = allColumns.map((_, i) => i);
  const widthsFor = (cols: number[]) =>
    cols.map((i) =>
      Math.max(
        displayWidth(allColumns[i]!.header),
        ...allRows.map((r) => displayWidth(r[i]?.text ?? '')),
      ),
    );
  const total = (ws: number[]) =>
    indent.length + ws.reduce((a, b) => a + b, 0) + 2 * (ws.length - 1);
  const atMinimum = (cols: number[], ws: number[]) =>
    ws.map((w, j) => Math.min(w, allColumns[cols[j]!]!.min ?? w));
  for (;;) {
    const ws = widthsFor(keep);
    if (total(atMinimum(keep, ws)) <= maxWidth) break;
    const droppable = keep.filter((i) => allColumns[i]!.drop !== undefined);
    if (droppable.length === 0) break;
    const first = droppable.reduce((a, b) => (allColumns[b]!.drop! < allColumns[a]!.drop! ? b : a));
    keep = keep.filter((i) => i !== first);
  }
  const widths = widthsFor(keep);
  while (total(widths) > maxWidth) {
    let widest = -1;
    for (const [j, i] of keep.entries()) {
      const min = allColumns[i]!.min;
      if (min === undefined || widths[j]! <= min) continue;
      if (widest < 0 || widths[j]! > widths[widest]!) widest = j;
    }
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  const line = (cells: Cell[]) =>
    (
      indent +
      keep
        .map((i, j) => {
          const cell = cells[i] ?? { text: '' };
          const text = pad(fitWidth(cell.text, widths[j]!), widths[j]!, allColumns[i]!.align);
          return cell.paint ? cell.paint(text) : text;
        })
        .join('  ')
    ).trimEnd();
  const header = line(allColumns.map((col) => ({ text: col.header })));
  return [c.dim(header), ...allRows.map(line)];
}

/** Word-wrapped lines of `text` within `width`, continuation lines indented by `hang`. */
function wrap(text: string, width: number, first: string, hang: string): string[] {
  const words = text.split(/ +/).filter(Boolean);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (!empty && displayWidth(candidate) > width) {
      lines.push(line);
      line = hang + word;
    } else {
      line = candidate;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** No-break spaces, so wrapping never splits `1 min 32 s`. */
function keep(text: string): string {
  return text.replaceAll(' ', '\u00A0');
}

function ref(side: { ref: string; sha: string }): string {
  return `${plainText(side.ref)}@${plainText(side.sha.slice(0, 7))}`;
}

function changeCell(c: Result['comparisons'][number]): string {
  if (c.scale !== 'exact') return formatChange(c.change, c.scale, c.unit);
  return formatExactChange(c.change, c.base.median, c.head.median, c.unit);
}

/** After the header's times, why sampling ended before the budget, if it did. */
function stoppedEarly(by: Result['sampling']['stoppedBy']): string {
  return by === 'regression' || by === 'resolved' || by === 'futility'
    ? ` · ${STOPPED_BY[by]}`
    : '';
}

/** Every bundle file on one side only: `added  web  dist/x.[hash].js  +73.0 kB  +24.1 kB …`. */
function oneSidedLines(c: Colors, result: Result, width: number): string[] {
  const files = oneSidedFiles(result.comparisons);
  if (files.length === 0) return [];
  const metrics = oneSidedMetrics(files);
  const columns: Column[] = [
    { header: 'change', align: 'l' },
    { header: 'benchmark', align: 'l', min: 8 },
    { header: 'file', align: 'l', min: 12 },
    ...metrics.map((m, i): Column => ({ header: plainText(m), align: 'r', drop: i + 1 })),
  ];
  const rows = files.map((f): Cell[] => [
    { text: f.presence, paint: f.presence === 'added' ? c.yellow : c.dim },
    { text: plainText(f.benchmark) },
    { text: plainText(f.target) },
    ...metrics.map((m) => ({ text: plainText(signedSize(f, m) ?? NOT_AVAILABLE) })),
  ]);
  return ['', c.bold('added and removed files'), ...renderTable(c, columns, rows, width, '  ')];
}

export function renderTerminal(result: Result, options: TerminalOptions): string {
  const c = pc.createColors(options.color);
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const out: string[] = [];

  const s = result.sampling;
  const what = result.base
    ? `base ${ref(result.base)} → head ${ref(result.head)}`
    : `head ${ref(result.head)} (no base)`;
  out.push(
    ...wrap(
      `${what} · ${keep(pluralize(s.pairs, 'pair'))} · ${keep(formatDuration(s.elapsedMs))} of ${keep(formatDuration(result.gate.timeBudgetMs))}${stoppedEarly(s.stoppedBy)}`,
      width,
      `${c.bold('perfgate')} · `,
      '  ',
    ),
  );
  out.push('');

  // Files on one side only are listed after the table, as files rather than metrics.
  const sorted = sortComparisons(result.comparisons.filter((m) => !isOneSided(m)));
  if (sorted.length === 0) {
    out.push('  no metrics compared');
  } else {
    const columns: Column[] = [
      { header: 'status', align: 'l' },
      { header: 'benchmark', align: 'l', min: 8 },
      { header: 'target', align: 'l', min: 8 },
      { header: 'metric', align: 'l', min: 6 },
      { header: 'base', align: 'r', drop: 1 },
      { header: 'head', align: 'r', drop: 2 },
      { header: 'change', align: 'r' },
      { header: '95% CI', align: 'r' },
      { header: 'p (adj.)', align: 'r', drop: 3 },
    ];
    const rows = sorted.map((m): Cell[] => {
      const paint = statusPaint(c, m.status);
      // The status and the change carry the colour; unchanged rows are dim throughout.
      const all = m.status === 'unchanged' ? paint : undefined;
      return [
        { text: m.status, paint },
        { text: plainText(m.benchmark), paint: all },
        { text: m.target === undefined ? NOT_AVAILABLE : plainText(m.target), paint: all },
        { text: plainText(m.metric), paint: all },
        { text: plainText(formatValue(m.base.median, m.unit)), paint: all },
        { text: plainText(formatValue(m.head.median, m.unit)), paint: all },
        { text: plainText(changeCell(m)), paint },
        {
          text: m.scale === 'exact' ? 'exact' : plainText(formatInterval(m.ci, m.scale, m.unit)),
          paint: all,
        },
        { text: formatPValueCell(m.adjustedPValue), paint: all },
      ];
    });
    out.push(...renderTable(c, columns, rows, width, '  '));
  }

  out.push(...oneSidedLines(c, result, width));

  const trend = trendLines(result.trend);
  if (trend.length > 0) {
    out.push('', c.bold('trend'));
    for (const line of trend) out.push(...wrap(line, width, '  ', '    '));
  }

  if (result.budgets.length > 0) {
    out.push('', c.bold('budgets'));
    const budgets = sortBudgets(result.budgets);
    const columns: Column[] = [
      { header: 'status', align: 'l' },
      { header: 'benchmark', align: 'l', min: 8 },
      { header: 'target', align: 'l', min: 8 },
      { header: 'metric', align: 'l', min: 6 },
      { header: 'head', align: 'r' },
      { header: 'limit', align: 'r' },
      { header: 'vs limit', align: 'r', drop: 1 },
    ];
    const rows = budgets.map((b): Cell[] => [
      { text: b.exceeded ? 'exceeded' : 'within', paint: b.exceeded ? c.red : c.green },
      { text: plainText(b.benchmark) },
      { text: b.target === undefined ? NOT_AVAILABLE : plainText(b.target) },
      { text: plainText(b.metric) },
      { text: plainText(formatValue(b.value, b.unit)) },
      { text: plainText(formatValue(b.limit, b.unit)) },
      { text: formatBudgetMargin(b.value, b.limit) },
    ]);
    out.push(...renderTable(c, columns, rows, width, '  '));
    out.push(...wrap(budgetLegend(budgets), width, '  ', '  ').map((line) => c.dim(line)));
  }

  const capacity = result.evidence?.capacity ?? [];
  if (capacity.length > 0) {
    out.push('', c.bold('capacity within the SLO'));
    for (const e of capacity) {
      const key = metricKey(e.benchmark, e.route, 'capacity');
      const sentence = capacitySentence(
        e,
        result.comparisons.find((x) => x.key === key),
      );
      out.push(
        ...wrap(plainText(`${e.benchmark} · ${e.route}: ${sentence}`), width, '  • ', '    '),
      );
      for (const side of ['base', 'head'] as const) {
        const knee = kneeText(e, side);
        if (knee) out.push(...wrap(plainText(knee), width, '    knee: ', '      '));
      }
    }
  }

  if (result.advice.length > 0) {
    out.push('', c.bold('suggested fixes'));
    for (const a of result.advice) {
      out.push(...wrap(`${plainText(a.title)}: ${plainText(a.fix)}`, width, '  • ', '    '));
      for (const e of a.evidence)
        out.push(...wrap(plainText(e), width, '    evidence: ', '      '));
    }
  }

  if (result.notes.length > 0) {
    out.push('', c.bold('notes'));
    for (const note of result.notes) out.push(...wrap(plainText(note), width, '  • ', '    '));
  }

  out.push('');
  out.push(
    ...wrap(
      `Smallest change this run could have detected: ${plainText(detectableSummary(result))}`,
      width,
      '',
      '  ',
    ),
  );
  const verdictPaint =
    result.verdict === 'fail' ? c.red : result.verdict === 'pass' ? c.green : c.yellow;
  const verdict = isAccepted(result) ? 'accepted' : result.verdict;
  out.push(
    ...wrap(
      describeCounts(result),
      width,
      `${c.bold(verdictPaint(verdict.toUpperCase()))}  `,
      '  ',
    ),
  );
  out.push(...findingsLines(c, result, width));
  return `${out.join('\n')}\n`;
}

/** The last lines: one per changed target, exceeded budget, what could not be decided, what is
 *  unchanged, and the acceptance, as the comment opens with them. */
function findingsLines(c: Colors, result: Result, width: number): string[] {
  const found = findingLines(result);
  const out: string[] = [];
  const line = (mark: string, text: string) => wrap(plainText(text), width, `  ${mark} `, '    ');
  for (const f of found.changed) {
    const paint = statusPaint(c, f.status);
    out.push(...line(paint(f.status === 'regressed' ? '✗' : '✓'), `${f.name} ${f.rest}`));
  }
  for (const b of found.budgets) out.push(...line(c.red('✗'), `budget exceeded: ${b}`));
  if (found.undecided) out.push(...line(c.yellow('?'), found.undecided));
  if (found.unchanged) out.push(...line(c.dim('='), found.unchanged).map((l) => c.dim(l)));
  if (result.acceptance) {
    const text = acceptanceText(result.acceptance);
    const paint = result.acceptance.status === 'accepted' ? c.green : c.red;
    out.push(...line(paint('●'), text.lead));
    for (const m of text.metrics) out.push(...wrap(plainText(m), width, '      ', '        '));
    for (const p of text.problems) out.push(...wrap(plainText(p), width, '      ', '        '));
  }
  return out;
}

/** What the sampler reports while it runs; structural so the sampler needs no import. */
export interface ProgressEvent {
  pairs: number;
  /** The expected total, when the sampler can tell (shown as `~40`). */
  estimatedPairs?: number;
  elapsedMs: number;
  budgetMs: number;
  /** `warm-up`, `sampling`, `building`…; shown first. */
  phase: string;
  /** Metrics resolved (regressed, improved or unchanged) of `total`. */
  resolved?: number;
  total?: number;
  /** The metric worth watching (the least resolved, or the one just decided). */
  metric?: {
    benchmark: string;
    target?: string;
    metric: string;
    unit: string;
    scale: Scale;
    change: number;
    ci: [number, number];
    status: Status;
  };
}

/** One line of live progress, e.g. `sampling · round 14/~40 · 0:32 / 2:00 · 3/7 resolved · …`. */
export function renderProgress(
  event: ProgressEvent,
  options: { color?: boolean; width?: number } = {},
): string {
  const c = pc.createColors(options.color ?? false);
  const parts: string[] = [];
  if (event.phase) parts.push(plainText(event.phase));
  const estimate =
    event.estimatedPairs !== undefined && Number.isFinite(event.estimatedPairs)
      ? `/~${Math.round(event.estimatedPairs)}`
      : '';
  parts.push(`round ${Math.max(0, Math.round(event.pairs))}${estimate}`);
  parts.push(`${formatClock(event.elapsedMs)} / ${formatClock(event.budgetMs)}`);
  if (event.resolved !== undefined && event.total !== undefined) {
    parts.push(`${event.resolved}/${event.total} resolved`);
  }
  let metric = '';
  if (event.metric) {
    const m = event.metric;
    const name = [m.benchmark, m.target, m.metric]
      .filter((x) => x !== undefined)
      .map((x) => plainText(x))
      .join(' ');
    const interval = formatInterval(m.ci, m.scale, m.unit);
    metric = `${name} ${formatChange(m.change, m.scale, m.unit)} ${interval} ${m.status}`;
    parts.push(metric);
  }
  let line = parts.join(' · ');
  if (options.width !== undefined) line = fitWidth(line, options.width);
  if (!options.color || !event.metric) return line;
  // Colour only the status word, after fitting, so escapes never count toward the width.
  const status = event.metric.status;
  return line.endsWith(` ${status}`)
    ? `${line.slice(0, -status.length)}${statusPaint(c, status)(status)}`
    : line;
}
