// The first screen of the comment and the summary, under the title: one line per target that
// regressed or improved, exceeded budgets, one line for what could not be decided and one for
// what is unchanged, then a maintainer's acceptance. Everything else follows folded.
import { acceptanceState, acceptanceText } from './acceptance.js';
import type { Context, Layout } from './context.js';
import { escapeMarkdown, truncate } from './escape.js';
import { findingLines, targetFindings } from './findings.js';

const ICON = { regressed: '🔴', improved: '🟢' } as const;

function line(text: string, limit: number): string {
  return escapeMarkdown(truncate(text, limit));
}

/** The findings as a Markdown list; empty when nothing was compared. */
export function findingsBlock(ctx: Context, layout: Layout): string[] {
  ctx.memo.targets ??= targetFindings(ctx.result);
  ctx.memo.findings ??= findingLines(ctx.result, ctx.memo.targets);
  const found = ctx.memo.findings;
  const items: string[] = [];
  const shown = found.changed.slice(0, layout.rowLimit);
  for (const c of shown) {
    items.push(
      `- ${ICON[c.status]} **${line(c.name, layout.nameLimit)}** ${line(c.rest, layout.textLimit)}`,
    );
  }
  const hidden = found.changed.length - shown.length;
  if (hidden > 0) items.push(`- …and ${hidden} more changed targets, listed in ${ctx.elsewhere}.`);
  for (const b of found.budgets) items.push(`- ⛔ Budget exceeded: ${line(b, layout.textLimit)}`);
  if (found.undecided) items.push(`- 🟡 ${line(found.undecided, layout.textLimit)}`);
  if (found.unchanged) items.push(`- ⚪ ${line(found.unchanged, layout.textLimit)}`);
  return items.length > 0 ? [items.join('\n')] : [];
}

/** Who accepted what, when and why, as a quote; empty without an acceptance. */
export function acceptanceBlock(ctx: Context, layout: Layout): string[] {
  const acceptance = ctx.result.acceptance;
  if (!acceptance) return [];
  const text = acceptanceText(acceptance);
  const icon = acceptance.status === 'accepted' ? '✅' : '❌';
  const lines = [`> ${icon} **${line(text.lead, layout.textLimit)}**`];
  const { shown, hidden } = {
    shown: text.metrics.slice(0, layout.rowLimit),
    hidden: Math.max(0, text.metrics.length - layout.rowLimit),
  };
  if (shown.length > 0) lines.push('>', '> Accepted:');
  for (const m of shown) lines.push(`> - ${line(m, layout.textLimit)}`);
  if (hidden > 0) lines.push(`> - …and ${hidden} more targets`);
  for (const p of text.problems) lines.push('>', `> ${line(p, layout.textLimit)}`);
  return [lines.join('\n')];
}

/** The acceptance a later run reads back; absent without one. */
export function hiddenState(ctx: Context): string[] {
  return ctx.result.acceptance ? [acceptanceState(ctx.result.acceptance)] : [];
}

/** The acceptance's first line only, for the minimal body (bounded). */
export function acceptanceLeadOnly(ctx: Context): string[] {
  const acceptance = ctx.result.acceptance;
  if (!acceptance) return [];
  return [`> **${line(acceptanceText(acceptance).lead, 300)}**`];
}
