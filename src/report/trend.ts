// The nightly trend's part of a report: the commits compared, the bisect's steps, the culprit (or
// the suspects) and the history's change points (information, never a failure). One set of facts
// for the markdown (escaped here, where the text enters it) and the terminal (plain text).
import type { Trend, TrendStep } from '../result.js';
import {
  escapeInlineMarkdown,
  escapeMarkdown,
  escapeTableCell,
  plainText,
  truncate,
} from './escape.js';
import { formatChange, formatInterval, formatTimestamp, formatValue } from './format.js';

const short = (sha: string) => sha.slice(0, 7);

function stepChange(step: TrendStep): string {
  if (!step.metric) return '—';
  return `${formatChange(step.metric.change, 'ratio', '')} ${formatInterval(step.metric.ci, 'ratio', '')}`;
}

function culpritText(trend: Trend): string | undefined {
  const c = trend.culprit;
  if (!c) return undefined;
  const pr = c.pullRequest !== undefined ? ` (#${c.pullRequest})` : '';
  return `${c.subject} — ${c.author}${pr}`;
}

/** The creep comparison in one sentence (plain; each caller escapes for its medium). */
function creepText(trend: Trend): string | undefined {
  const c = trend.creep;
  if (!c) return undefined;
  const against = `Against ${short(c.base.sha)} of ${c.days} days back (${c.commits} commit${c.commits === 1 ? '' : 's'}, ${c.pairs} pair${c.pairs === 1 ? '' : 's'})`;
  if (c.regressed.length === 0) {
    return `${against}: no regression (${c.verdict}).`;
  }
  const worst = c.regressed
    .slice(0, 3)
    .map(
      (r) =>
        `${truncate([r.benchmark, r.target, r.metric].filter(Boolean).join(' · '), 120)} ${formatChange(r.change, r.scale, r.unit)} ${formatInterval(r.ci, r.scale, r.unit)}`,
    )
    .join('; ');
  const more = c.regressed.length > 3 ? ` and ${c.regressed.length - 3} more` : '';
  return `${against}: slower, ${worst}${more}.`;
}

/** The markdown blocks of the trend; none outside mode `trend`. */
export function trendMarkdown(trend: Trend | undefined, limit: number): string[] {
  if (!trend) return [];
  const blocks: string[] = [];
  const commits = `${trend.commits} commit${trend.commits === 1 ? '' : 's'}`;
  blocks.push(
    `### Nightly trend\n\nPrevious nightly **${escapeInlineMarkdown(truncate(trend.base.ref, limit))}**@\`${short(trend.base.sha)}\` → **${escapeInlineMarkdown(truncate(trend.head.ref, limit))}**@\`${short(trend.head.sha)}\` (${commits} on the first-parent line).`,
  );
  const creep = creepText(trend);
  if (creep) blocks.push(escapeMarkdown(creep));
  if (trend.culprit) {
    blocks.push(
      `**Culprit:** \`${short(trend.culprit.sha)}\` ${escapeInlineMarkdown(truncate(culpritText(trend)!, limit))}`,
    );
  } else if (trend.suspects && trend.suspects.length > 0) {
    const list = trend.suspects.map((s) => `\`${short(s)}\``).join(', ');
    blocks.push(`**Culprit not named:** the first bad commit is one of ${list} (steps skipped).`);
  }
  if (trend.steps.length > 0) {
    const rows = trend.steps.map(
      (s, i) =>
        `| ${i + 1} | \`${short(s.base)}\` → \`${short(s.head)}\` | ${s.outcome} | ${escapeTableCell(stepChange(s))} | ${s.attempts} | ${s.note ? escapeTableCell(truncate(s.note, limit)) : '—'} |`,
    );
    blocks.push(
      [
        '<details><summary>Bisect steps</summary>',
        '',
        '| Step | Compared | Outcome | Change [95% CI] | Attempts | Note |',
        '| ---: | --- | --- | ---: | ---: | --- |',
        ...rows,
        '',
        '</details>',
      ].join('\n'),
    );
  }
  if (trend.changePoints.length > 0) {
    const rows = trend.changePoints.map(
      (p) =>
        `| ${escapeTableCell(truncate(p.metric, limit))} | \`${short(p.commit)}\` | ${escapeTableCell(formatTimestamp(p.date))} | ${escapeTableCell(formatValue(p.before, ''))} → ${escapeTableCell(formatValue(p.after, ''))} | ${escapeTableCell(formatChange(p.change, 'ratio', ''))} |`,
    );
    blocks.push(
      [
        '<details><summary>Change points in the history (information only)</summary>',
        '',
        '| Metric | From commit | Night | Level | Change |',
        '| --- | --- | --- | ---: | ---: |',
        ...rows,
        '',
        '</details>',
      ].join('\n'),
    );
  }
  return blocks;
}

/** The terminal lines of the trend (plain text; the caller indents and wraps). */
export function trendLines(trend: Trend | undefined): string[] {
  if (!trend) return [];
  const lines = [
    `previous nightly ${plainText(trend.base.ref)}@${short(trend.base.sha)} → ${plainText(trend.head.ref)}@${short(trend.head.sha)}, ${trend.commits} commit(s)`,
  ];
  const creep = creepText(trend);
  if (creep) lines.push(plainText(creep));
  trend.steps.forEach((s, i) => {
    lines.push(
      `step ${i + 1}: ${short(s.head)} vs ${short(s.base)} ${s.outcome} ${stepChange(s)}${s.note ? ` (${plainText(s.note)})` : ''}`,
    );
  });
  if (trend.culprit) {
    lines.push(`culprit: ${short(trend.culprit.sha)} ${plainText(culpritText(trend)!)}`);
  } else if (trend.suspects && trend.suspects.length > 0) {
    lines.push(`culprit not named; one of: ${trend.suspects.map(short).join(', ')}`);
  }
  for (const p of trend.changePoints) {
    lines.push(
      `change point (information): ${plainText(p.metric)} from ${short(p.commit)}, ${formatChange(p.change, 'ratio', '')}`,
    );
  }
  return lines;
}
