// "Where the time went": for each profiled target, the functions that added the most CPU time
// per request (or run), from the result's evidence.profile (profile/). One short table per
// target in the comment and the summary; the full diff stays in the JSON. Pure; every name and
// path is escaped here, where it enters Markdown.
import type { ProfileFunction, TargetProfile } from '../profile/schema.js';
import type { Result } from '../result.js';
import type { Context, Layout } from './context.js';
import { escapeMarkdown, escapeTableCell, truncate } from './escape.js';
import { formatFixed, formatSignificant, pluralize } from './format.js';

/** Rows per target: the top of the ranking is the point of the table. */
const ROWS = 5;

function ms(value: number): string {
  return formatSignificant(value);
}

function signed(value: number): string {
  const text = formatSignificant(value);
  return value > 0 && /[1-9]/.test(text) ? `+${text}` : text;
}

function percent(share: number | null): string {
  return share === null ? '—' : `${formatFixed(share * 100, 0)}%`;
}

/** A link to the function's lines on head, when the repository is known and the file is its. */
function lineLink(result: Result, fn: ProfileFunction): string | undefined {
  if (!result.repository || !fn.own || fn.presence === 'gone') return undefined;
  if (!/^[\w.-]+\/[\w.-]+$/.test(result.repository)) return undefined;
  const [from, to] = fn.lines ?? [fn.line, fn.line];
  const file = fn.file
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/')
    .replaceAll('(', '%28')
    .replaceAll(')', '%29');
  const lines = from === to ? `L${from}` : `L${from}-L${to}`;
  return `https://github.com/${result.repository}/blob/${result.head.sha}/${file}#${lines}`;
}

function whereCell(result: Result, fn: ProfileFunction, limit: number): string {
  const place = fn.file === '' ? 'native' : fn.line > 0 ? `${fn.file}:${fn.line}` : fn.file;
  const text = escapeTableCell(truncate(place, limit));
  const link = lineLink(result, fn);
  const shown = link ? `[${text}](${link})` : text;
  const pkg = fn.package ? ` (${escapeTableCell(truncate(fn.package, 60))})` : '';
  const via =
    fn.own && fn.spentIn
      ? ` → ${escapeTableCell(truncate(fn.spentIn.name, 60))}`
      : !fn.own && fn.calledFrom
        ? ` ← ${escapeTableCell(truncate(fn.calledFrom.name, 60))}`
        : '';
  return `${shown}${pkg}${via}`;
}

function changedCell(fn: ProfileFunction): string {
  if (fn.changed === null) return '—';
  if (fn.presence === 'new') return fn.changed ? 'yes, new' : 'new at head';
  return fn.changed ? 'yes' : 'no';
}

function functionRow(result: Result, fn: ProfileFunction, limit: number): string[] {
  const name = escapeTableCell(truncate(fn.name, limit));
  const tag = fn.presence === 'new' ? ' (new)' : fn.presence === 'gone' ? ' (gone)' : '';
  const noise = fn.separated ? '' : ' ~';
  return [
    `${name}${tag}`,
    whereCell(result, fn, limit),
    fn.presence === 'new' ? '—' : ms(fn.attributed.base),
    fn.presence === 'gone' ? '—' : ms(fn.attributed.head),
    `${signed(fn.attributed.change)}${noise}`,
    percent(fn.share),
    changedCell(fn),
  ];
}

function heading(t: TargetProfile, limit: number): string {
  const name = t.target === undefined ? t.benchmark : `${t.benchmark} · ${t.target}`;
  const rounds = pluralize(Math.min(t.units.base.length, t.units.head.length), 'round');
  const gcShare = (side: 'base' | 'head') =>
    t.busy[side] > 0 ? `${formatFixed((t.gc[side] / t.busy[side]) * 100, 0)}%` : '—';
  return (
    `**${escapeMarkdown(truncate(name, limit))}**: CPU ${ms(t.busy.base)} → ${ms(t.busy.head)} ms ` +
    `per ${t.per} (${rounds} per side; garbage collection ${gcShare('base')} → ${gcShare('head')} ` +
    `of it, idle ${ms(t.idle.base)} → ${ms(t.idle.head)} ms apart)`
  );
}

function targetBlock(ctx: Context, t: TargetProfile, layout: Layout): string[] {
  const rows = t.functions
    .filter((fn) => fn.attributed.change > 0)
    .slice(0, Math.min(ROWS, layout.rowLimit));
  const out = [heading(t, layout.nameLimit)];
  if (rows.length === 0) {
    out.push('No function added CPU time per request in the profiles.');
    return out;
  }
  const per = t.per === 'request' ? 'req' : 'run';
  const header = [
    'Function',
    'Where',
    `Base ms/${per}`,
    `Head ms/${per}`,
    'Change',
    'Share',
    'Changed in this PR?',
  ];
  const lines = [header, ['---', '---', '---:', '---:', '---:', '---:', '---']];
  for (const fn of rows) lines.push(functionRow(ctx.result, fn, layout.nameLimit));
  out.push(lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  return out;
}

function footnote(ctx: Context, profiles: TargetProfile[]): string {
  const files = profiles.filter((p) => p.files).length;
  const kept =
    files > 0
      ? ` The base and head \`.cpuprofile\` files are in ${ctx.artifactName ? `the artifact ${ctx.artifactName}` : 'the result artifact'} (Chrome DevTools opens them).`
      : '';
  return (
    '<sub>Recorded after the decision in extra rounds (the verdict’s samples are not affected); ' +
    'each function’s time includes the libraries and built-ins it calls; share: of the added CPU ' +
    `time; ~: within the rounds’ spread.${kept}</sub>`
  );
}

/** The section, or nothing when no target was profiled. */
export function profileEvidenceSection(ctx: Context, layout: Layout): string[] {
  const profiles = ctx.result.evidence?.profile?.profiles ?? [];
  if (profiles.length === 0) return [];
  const shown = profiles.slice(0, Math.max(1, Math.min(layout.itemLimit, 20)));
  const out = ['### Where the time went'];
  for (const t of shown) out.push(...targetBlock(ctx, t, layout));
  if (shown.length < profiles.length) {
    out.push(`${profiles.length - shown.length} more profiled targets are in ${ctx.elsewhere}.`);
  }
  out.push(footnote(ctx, shown));
  return out;
}
