// The comment as GitHub would render it: parsed by a GitHub-flavoured Markdown parser (marked,
// GFM), then checked for structure, not spelling: the first screen (everything above the first
// fold) names each changed target once with its headline metric, the rest is folded in
// <details>, one chart per regressed target. For a fail, a pass, an inconclusive run, an accepted
// regression and a budget-only failure.
import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderTerminal } from '../../src/report/terminal.js';
import type { Result } from '../../src/result.js';
import { applyAcceptance } from '../../src/verdict/acceptance.js';
import { httpResult, slowRoute, steadyRoute } from './findings-fixture.js';
import { ZWJ } from './markdown-checks.js';

/** Text a reader sees in rendered HTML: tags dropped, entities decoded. */
function seen(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replaceAll(ZWJ, '')
    .trim();
}

interface Rendered {
  tokens: Token[];
  /** The blocks above the first <details>, as text. */
  firstScreen: string[];
  /** The first screen's list items (the findings), as text. */
  findings: string[];
  title: string;
  /** Top-level tables inside a fold, and outside any. */
  tablesFolded: number;
  tablesOpen: number;
  charts: number;
  html: string;
}

function render(result: Result): Rendered {
  const body = renderMarkdown(result);
  const tokens = marked.lexer(body, { gfm: true });
  const fold = tokens.findIndex((t) => t.type === 'html' && /<details>/.test(t.raw));
  const above = fold < 0 ? tokens : tokens.slice(0, fold);
  const blocks = above.filter((t) => t.type !== 'space');
  const text = (t: Token) => seen(marked.parser([t] as Token[]));
  const list = blocks.find((t): t is Tokens.List => t.type === 'list');
  let depth = 0;
  let tablesFolded = 0;
  let tablesOpen = 0;
  for (const t of tokens) {
    if (t.type === 'html') {
      depth += (t.raw.match(/<details>/g) ?? []).length;
      depth -= (t.raw.match(/<\/details>/g) ?? []).length;
    }
    if (t.type === 'table') {
      if (depth > 0) tablesFolded++;
      else tablesOpen++;
    }
  }
  expect(depth).toBe(0);
  return {
    tokens,
    firstScreen: blocks.map(text),
    findings: list ? list.items.map((i) => seen(marked.parseInline(i.text) as string)) : [],
    title: text(blocks[0]!),
    tablesFolded,
    tablesOpen,
    charts: tokens.filter((t) => t.type === 'code' && (t as Tokens.Code).lang === 'mermaid').length,
    html: marked.parse(body, { gfm: true }) as string,
  };
}

const occurrences = (texts: string[], needle: string) =>
  texts.reduce((n, t) => n + t.split(needle).length - 1, 0);

describe('the comment rendered as GitHub-flavoured Markdown', () => {
  it('fail: a route made 30% slower beside an unchanged route', () => {
    const r = render(httpResult({ comparisons: [...slowRoute(), ...steadyRoute()] }));
    expect(r.title).toBe('❌ perfgate: fail — 5 regressions · 5 unchanged');
    // The first lines name the regressed route once, with its headline metric (p50), change and
    // CI, and the others that changed in a parenthesis.
    expect(r.findings).toEqual([
      '🔴 GET /shops/acme 30% slower: p50 2.89 → 3.72 ms [+22.0%, +39.0%] (p95 +31.0%, p99 +33.0%, mean +30.0%, throughput −23.0%)',
      '⚪ Unchanged (within ±5.0%): GET /items/42',
    ]);
    expect(occurrences(r.firstScreen, 'GET /shops/acme')).toBe(1);
    // The unchanged route appears above the fold only in the unchanged line.
    expect(occurrences(r.firstScreen, 'GET /items/42')).toBe(1);
    expect(r.findings[1]).toMatch(/^⚪ Unchanged .*GET \/items\/42$/);
    // Every table is folded; one chart for the one regressed target, of its headline metric.
    expect(r.tablesOpen).toBe(0);
    expect(r.tablesFolded).toBeGreaterThanOrEqual(2);
    expect(r.charts).toBe(1);
    expect(r.html).toMatch(/<strong>api · GET \/shops\/acme · p50<\/strong>/);
    expect(r.html).toMatch(/<summary>Every metric \(10\)<\/summary>/);
  });

  it('fail beside a route no change was found on: one line says what could not be decided', () => {
    const r = render(httpResult());
    expect(r.findings).toHaveLength(2);
    expect(r.findings[1]).toBe(
      '🟡 GET /items/42: no change found; the smallest this run could detect was ±18.0% (p50); a time budget of about 50 min would reach ±7.5%',
    );
    expect(occurrences(r.firstScreen, 'GET /items/42')).toBe(1);
    expect(r.charts).toBe(1);
  });

  it('two regressed targets: one chart each, not one per metric', () => {
    const other = slowRoute().map((c) => ({
      ...c,
      target: 'GET /cart',
      key: c.key.replace('GET /shops/acme', 'GET /cart'),
    }));
    const r = render(httpResult({ comparisons: [...slowRoute(), ...other] }));
    expect(r.findings.map((f) => f.split(' 30% ')[0])).toEqual([
      '🔴 GET /shops/acme',
      '🔴 GET /cart',
    ]);
    expect(r.charts).toBe(2);
  });

  it('pass: nothing changed, one line, no chart', () => {
    const unchanged = [...slowRoute(), ...steadyRoute()].map((c) => ({
      ...c,
      status: 'unchanged' as const,
      change: 0.01,
      ci: [-0.03, 0.04] as [number, number],
    }));
    const r = render(httpResult({ verdict: 'pass', comparisons: unchanged }));
    expect(r.title).toBe('✅ perfgate: pass — no regressions · 10 unchanged');
    expect(r.findings).toEqual(['⚪ Unchanged (within ±5.0%): GET /shops/acme, GET /items/42']);
    expect(r.charts).toBe(0);
    expect(r.tablesOpen).toBe(0);
  });

  it('inconclusive: the line says what the run could detect and the budget that would do better', () => {
    const r = render(httpResult({ verdict: 'inconclusive', comparisons: steadyRoute(true) }));
    expect(r.title).toBe(
      '⚠️ perfgate: inconclusive — no regressions · 1 inconclusive · 4 unchanged',
    );
    expect(r.findings).toEqual([
      '🟡 GET /items/42: no change found; the smallest this run could detect was ±18.0% (p50); a time budget of about 50 min would reach ±7.5%',
    ]);
    expect(r.charts).toBe(0);
  });

  it('accepted: the title says so, the quote names who accepted what, when and why', () => {
    const { result } = applyAcceptance(httpResult(), {
      request: {
        by: 'maria',
        permission: 'write',
        at: '2026-12-02T10:40:00Z',
        via: 'comment',
        reason: 'audit log on every order (#40)',
      },
    });
    const r = render(result);
    expect(r.title).toBe('✅ perfgate: accepted — 5 regressions · 1 inconclusive · 4 unchanged');
    const quote = r.tokens.find((t) => t.type === 'blockquote')!;
    expect(r.firstScreen).toContain(seen(marked.parser([quote])));
    expect(seen(marked.parser([quote]))).toMatch(
      /^✅ Accepted by @maria \(write\) by comment on 2026-12-02 10:40 UTC: “audit log on every order \(#40\)”\s+Accepted:\s+GET \/shops\/acme: p50 \+30\.0% \[\+22\.0%, \+39\.0%\], p95/,
    );
    // The mention is defused: GitHub does not notify anyone from the report.
    expect(r.html).not.toMatch(/@maria/);
    // The hidden state is an HTML comment, invisible once rendered.
    expect(r.tokens.at(-1)).toMatchObject({ type: 'html' });
    expect(r.tokens.at(-1)!.raw).toMatch(/^<!-- perfgate-acceptance:[A-Za-z0-9+/=]+ -->/);
    expect(r.charts).toBe(1);
  });

  it('budget-only: the exceeded budget is a finding of its own, with no chart', () => {
    const unchanged = steadyRoute().map((c) => c);
    const r = render(
      httpResult({
        comparisons: unchanged,
        budgets: [
          {
            benchmark: 'api',
            target: 'GET /items/42',
            metric: 'p95',
            unit: 'ms',
            limit: 2.5,
            value: 2.58,
            exceeded: true,
          },
        ],
      }),
    );
    expect(r.title).toBe('❌ perfgate: fail — 1 budget exceeded · 5 unchanged');
    expect(r.findings).toEqual([
      '⛔ Budget exceeded: api › GET /items/42: p95 2.58 ms against a 2.50 ms budget (+3.2%)',
      '⚪ Unchanged (within ±5.0%): GET /items/42',
    ]);
    expect(r.html).toMatch(/<summary>Budgets \(1 of 1 exceeded\)<\/summary>/);
    expect(r.charts).toBe(0);
  });

  it('the job summary opens the same way, and the terminal ends with the same findings', () => {
    const result = httpResult({ comparisons: [...slowRoute(), ...steadyRoute()] });
    const comment = render(result);
    const summary = marked.lexer(renderSummary(result), { gfm: true });
    const list = summary.find((t): t is Tokens.List => t.type === 'list')!;
    expect(list.items.map((i) => seen(marked.parseInline(i.text) as string))).toEqual(
      comment.findings,
    );
    const lines = renderTerminal(result, { color: false, width: 200 }).trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual([
      'FAIL  5 regressions · 5 unchanged',
      '  ✗ GET /shops/acme 30% slower: p50 2.89 → 3.72 ms [+22.0%, +39.0%] (p95 +31.0%, p99 +33.0%, mean +30.0%, throughput −23.0%)',
      '  = Unchanged (within ±5.0%): GET /items/42',
    ]);
  });
});
