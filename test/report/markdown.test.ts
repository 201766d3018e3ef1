import { describe, expect, it } from 'vitest';
import { renderSampleChart } from '../../src/report/chart.js';
import {
  COMMENT_MAX_LENGTH,
  REPORT_ID_RULE,
  reportMarker,
} from '../../src/report/comment-marker.js';
import { ReportOptionError } from '../../src/report/errors.js';
import { renderComment, renderMarkdown } from '../../src/report/markdown.js';
import type { Result } from '../../src/result.js';
import { comparison, makeResult } from './fixture.js';
import { hostileResult } from './hostile.js';
import { markdownProblems, tableCells } from './markdown-checks.js';

const RUN_URL = 'https://github.com/acme/shop/actions/runs/1';
const OPTIONS = { detailsUrl: RUN_URL, artifactName: 'perfgate-result' };
const OWN_LINKS = [`[Full report](${RUN_URL})`, `[job summary](${RUN_URL})`];
const OWN_LINK = OWN_LINKS[0]!;

/** Reviewed by hand against the fixture's numbers (see the comments in fixture.ts). */
function expectedFixtureBody(): string {
  return [
    '## ❌ perfgate: fail — 1 regression · 1 budget exceeded · 1 improvement · 1 inconclusive · 4 unchanged',
    '',
    '- 🔴 **api › GET /orders** 31% slower: p50 12.3 → 16.1 ms \\[+25.0%, +37.9%\\] (throughput +12.3%)',
    '- ⛔ Budget exceeded: web › /: lcp 2.53 s against a 2.50 s budget (+1.2%)',
    '- 🟡 web › /: no change found; the smallest this run could detect was ±7.0% (lcp)',
    '- ⚪ Unchanged (within ±5.0%): bundle › total',
    '',
    'Compared base **main**@`def5678` with head **feature/faster-orders**@`abc1234` · 12 pairs (AB/BA interleaved, 1 warm-up round per side discarded) · 1 min 32 s of sampling within a 2 min budget, stopped once every metric was resolved · 2024-05-14 09:30 UTC',
    '',
    '<details>',
    '<summary>Every metric (7)</summary>',
    '',
    '| Benchmark | Target | Metric | Base | Head | Change | 95% CI | p (adj.) | Status |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    '| api | GET /orders | p50 | 12.3 ms | 16.1 ms | +31.2% | \\[+25.0%, +37.9%\\] | &lt; 0.001 | 🔴 regressed |',
    '| api | GET /orders | throughput | 812 req/s | 912 req/s | +12.3% | \\[+8.1%, +16.0%\\] | 0.002 | 🟢 improved |',
    '| web | / | lcp | 2.41 s | 2.53 s | +4.8% | \\[−1.2%, +10.9%\\] | 0.27 | 🟡 inconclusive |',
    '',
    '<details>',
    '<summary>4 unchanged metrics</summary>',
    '',
    '| Benchmark | Target | Metric | Base | Head | Change | 95% CI | p (adj.) | Status |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    '| api | GET /orders | p99 | 48.2 ms | 48.7 ms | +1.2% | \\[−2.1%, +3.8%\\] | 1.00 | ⚪ unchanged |',
    '| api | GET /orders | error-rate | 0.10% | 0.10% | +0.02 pp | \\[−0.04 pp, +0.09 pp\\] | 1.00 | ⚪ unchanged |',
    '| web | / | cls | 0.052 | 0.05 | −0.002 | \\[−0.004, +0.001\\] | 0.48 | ⚪ unchanged |',
    '| bundle | total | gzip | 182 kB | 183 kB | +0.5% (+870 B) | exact | — | ⚪ unchanged |',
    '',
    '</details>',
    '',
    '</details>',
    '',
    '<details>',
    '<summary>Smallest detectable change and time budget per metric</summary>',
    '',
    'Smallest change this run could have detected: ±7.0% (median over the metrics)',
    '',
    '| Benchmark | Target | Metric | Pairs | Smallest detectable change | Threshold δ | Time budget to reach 1.5 × δ |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
    '| api | GET /orders | p50 | 12 | ±4.1% | ±5.0% | — |',
    '| api | GET /orders | throughput | 12 | ±3.5% | ±5.0% | — |',
    '| web | / | lcp | 12 | ±7.0% | ±5.0% | — |',
    '| api | GET /orders | p99 | 12 | ±4.5% | ±5.0% | — |',
    '| api | GET /orders | error-rate | 12 | ±0.30 pp | ±0.50 pp | — |',
    '| web | / | cls | 12 | ±0.01 | ±0.05 | — |',
    '| bundle | total | gzip | 1 | exact | ±5.0% | — |',
    '',
    '</details>',
    '',
    '<details>',
    '<summary>Budgets (1 of 2 exceeded)</summary>',
    '',
    '| Benchmark | Target | Metric | Head | Limit | Against limit | Status |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    '| web | / | lcp | 2.53 s | 2.50 s | +1.2% | ❌ exceeded |',
    '| bundle | total | gzip | 183 kB | 200 kB | −8.4% | ✅ within |',
    '',
    "<sub>Head: a timed metric is checked on head's median over the rounds, a size on its exact value.</sub>",
    '',
    '</details>',
    '',
    '### Suggested fixes',
    '',
    '- **Batch the per-order customer lookups in GET /orders**: GET /orders now calls \\`loadCustomer()\\` once per order; load all customers with one query (\\`WHERE id IN (...)\\`).',
    '  - Evidence: p50 of api GET /orders rose 31.2% \\[+25.0%, +37.9%\\]',
    '  - Evidence: CPU profile: loadCustomer self time 4.1 ms -&gt; 9.8 ms per request',
    '  - <sub>for api/GET /orders/p50 · rule n-plus-one-query</sub>',
    '',
    '### Notes',
    '',
    '- One head sample of web / lcp failed (Chrome crashed) and was retried.',
    '',
    '### Samples of regressed targets',
    '',
    '**api · GET /orders · p50** (ms): base in blue, head in red, one point per round',
    '',
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    '      plotColorPalette: "#0969da, #cf222e"',
    '---',
    'xychart-beta',
    '  title "api GET /orders p50"',
    '  x-axis "round" 1 --> 12',
    '  y-axis "ms"',
    '  line [12.1, 12.4, 12.3, 12.6, 12.2, 12.5, 12.3, 12, 12.4, 12.3, 12.7, 12.2]',
    '  line [16, 16.3, 15.9, 16.4, 16.1, 16.2, 15.8, 16.1, 16.5, 16, 16.2, 16.1]',
    '```',
    '',
    '[Full report](https://github.com/acme/shop/actions/runs/1) · result artifact: perfgate-result',
    '',
    '<sub>perfgate 0.1.0 · base and head are medians over the pairs · p adjusted across metrics (Holm), α = 0.05 · threshold δ = 5.0% unless set per metric · seed 42 · sizes in decimal units (1 kB = 1,000 B)</sub>',
    '',
  ].join('\n');
}

describe('the footer', () => {
  const footer = (r: Result) =>
    renderComment(r, OPTIONS)
      .body.split('\n')
      .find((l) => l.startsWith('<sub>perfgate'))!;

  it("names the δ the rows took: one δ once, several (HTTP routes' own 3% beside 5%) each", () => {
    const result = makeResult();
    expect(footer(result)).toContain('threshold δ = 5.0% unless set per metric');
    const http = {
      ...result,
      comparisons: result.comparisons.map((c) =>
        c.scale !== 'difference' ? { ...c, threshold: 0.03 } : c,
      ),
    };
    expect(footer(http)).toContain('threshold δ = 3.0% unless set per metric');
    const mixed = {
      ...http,
      comparisons: http.comparisons.map((c, i) => (i === 0 ? { ...c, threshold: 0.05 } : c)),
    };
    expect(
      new Set(mixed.comparisons.filter((c) => c.scale !== 'difference').map((c) => c.threshold))
        .size,
    ).toBe(2);
    expect(footer(mixed)).toContain('threshold δ = 3.0%, 5.0% by metric');
  });
});

/** The status column of every row of the first table after `heading`. */
function statusesAfter(body: string, heading: string): string[] {
  const start = body.indexOf(heading);
  const lines = body.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(tableCells(line).at(-1)!);
  }
  return rows;
}

describe('renderMarkdown on the fixture', () => {
  it('renders the whole PR comment', () => {
    const { body, stage } = renderComment(makeResult(), OPTIONS);
    expect(stage).toBe('full');
    expect(body).toBe(expectedFixtureBody());
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
  });

  it('leaves out the links line when there is nothing to link', () => {
    const expected = expectedFixtureBody().replace(
      `${OWN_LINK} · result artifact: perfgate-result\n\n`,
      '',
    );
    expect(renderMarkdown(makeResult())).toBe(expected);
  });

  it('lists regressions first, then improvements, then inconclusive; exceeded budgets first', () => {
    const result = makeResult();
    result.comparisons.reverse();
    result.budgets.reverse();
    const body = renderMarkdown(result);
    expect(statusesAfter(body, '<summary>Every metric')).toEqual([
      '🔴 regressed',
      '🟢 improved',
      '🟡 inconclusive',
    ]);
    // Unchanged rows keep their input order inside the collapsed block.
    const unchanged = body.slice(body.indexOf('<summary>4 unchanged metrics'));
    const metrics = unchanged
      .split('\n')
      .filter((l) => l.startsWith('| ') && l.endsWith('unchanged |'))
      .map((l) => tableCells(l)[2]);
    expect(metrics).toEqual(['gzip', 'cls', 'error-rate', 'p99']);
    expect(statusesAfter(body, '<summary>Budgets')).toEqual(['❌ exceeded', '✅ within']);
  });

  it('says what happened when nothing regressed, nothing was compared or there was no base', () => {
    const quiet = makeResult();
    quiet.verdict = 'pass';
    quiet.comparisons = quiet.comparisons.filter((c) => c.status === 'unchanged');
    quiet.budgets = [];
    const body = renderMarkdown(quiet);
    expect(body.split('\n')[0]).toBe('## ✅ perfgate: pass — no regressions · 4 unchanged');
    expect(body).toContain(
      '<summary>Every metric (4)</summary>\n\nEvery metric stayed within its threshold.\n\n<details>',
    );
    expect(body).not.toContain('<summary>Budgets');
    expect(body).not.toContain('### Samples');

    const record = makeResult();
    record.verdict = 'inconclusive';
    record.base = null;
    record.comparisons = [];
    record.budgets = [];
    record.minimumDetectableChange = null;
    record.reportId = 'shard-1';
    const lines = renderMarkdown(record).split('\n');
    expect(lines[0]).toBe('## ⚠️ perfgate · shard-1: inconclusive — no metrics compared');
    expect(lines[2]).toMatch(
      /^Measured head \*\*feature\/faster-orders\*\*@`abc1234` \(no base to compare with\) · 12 pairs/,
    );
    expect(lines).toContain('No metrics were compared.');
    expect(lines).toContain(
      'Smallest change this run could have detected: not available (no statistically tested ratio metrics)',
    );
  });

  it('charts at most five regressed metrics in the comment and says where the rest are', () => {
    const result = makeResult();
    const p50 = result.comparisons[0]!;
    result.comparisons = Array.from({ length: 12 }, (_, i) => ({ ...p50, benchmark: `api${i}` }));
    const body = renderMarkdown(result, OPTIONS);
    expect(body.split('```mermaid').length - 1).toBe(5);
    expect(body).toContain(
      `Charts for 5 of 12 regressed targets — all of them in the [job summary](${RUN_URL}) and the artifact perfgate-result.`,
    );
  });
});

describe('renderSampleChart', () => {
  it('thins long runs to at most the given number of points, labelled by round', () => {
    const values = Array.from({ length: 300 }, (_, i) => 10 + (i % 7) / 10);
    const c = comparison({
      benchmark: 'cli "build"',
      metric: 'error-rate',
      unit: 'fraction',
      better: 'lower',
      scale: 'difference',
      base: values.map((v) => v / 1000),
      head: values.map((v) => v / 900),
      change: 0.001,
      ci: [0.0005, 0.0015],
      pValue: 0.001,
      adjustedPValue: 0.002,
      threshold: 0.005,
      mde: 0.001,
      status: 'regressed',
    });
    const chart = renderSampleChart(c, 100);
    const lines = chart.split('\n');
    expect(lines[0]).toBe(
      '**cli "build" · error-rate** (%): base in blue, head in red, one point per round (1 round in 3 shown)',
    );
    const xAxis = lines.find((l) => l.startsWith('  x-axis'))!;
    expect(xAxis.startsWith('  x-axis "round (1 in 3)" [1, 4, 7, ')).toBe(true);
    expect(xAxis.endsWith(', 298]')).toBe(true);
    expect(lines).toContain('  title "cli _build_ error-rate"');
    expect(lines).toContain('  y-axis "_"');
    const base = lines.filter((l) => l.startsWith('  line ['))[0]!;
    // 10 / 1000 as a fraction is 1% on the chart.
    expect(base.startsWith('  line [1, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1, ')).toBe(false);
    expect(base.startsWith('  line [1, 1.03, 1.06, 1.02, 1.05, 1.01, 1.04, 1, ')).toBe(true);
    expect(base.split(',')).toHaveLength(100);
    expect(markdownProblems(chart)).toEqual([]);
  });

  it('draws nothing for a single round', () => {
    const c = makeResult().comparisons[6]!;
    expect(renderSampleChart(c)).toBe('');
  });
});

describe('hostile names', () => {
  it('are escaped everywhere: no HTML, no mention, no link, no extra cell, no forged marker', () => {
    const { body, stage } = renderComment(hostileResult(10, 2), OPTIONS);
    expect(stage).toBe('full');
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
    expect(body).not.toContain('<!--');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('\u001b');
    // 10 kB names are cut to 120 code points per cell, texts (fixes, notes) to 1,000.
    const rows = body.split('\n').filter((l) => l.startsWith('|'));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row).not.toContain('x'.repeat(120));
    expect(rows.some((row) => row.includes('x'.repeat(100)))).toBe(true);
    expect(body).not.toContain('x'.repeat(1000));
    expect(body).toContain('x'.repeat(900));
    expect(body.split('\n')[0]).toBe(
      '## ❌ perfgate · n1 \\| --- \\|: fail — 2 regressions · 4 budgets exceeded · 2 improvements · 2 inconclusive · 4 unchanged',
    );
  });

  it('keep a 5,000-metric comment under the limit, regressions still first', () => {
    const result = hostileResult(5000);
    const { body, stage } = renderComment(result, OPTIONS);
    expect(stage).toBe('truncated');
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(body.length).toBeLessThan(65_536);
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);

    const statuses = statusesAfter(body, '<summary>Every metric');
    expect(statuses.length).toBeGreaterThan(20);
    // 1,000 of the 5,000 regressed: every shown row is a regression.
    expect(new Set(statuses)).toEqual(new Set(['🔴 regressed']));
    const changed = result.comparisons.filter((c) => c.status !== 'unchanged').length;
    expect(body).toContain(
      `…and ${(changed - statuses.length).toLocaleString('en-US')} more changed or inconclusive metrics — full report in the [job summary](${RUN_URL}) and the artifact perfgate-result.`,
    );
    expect(body).toContain(
      `_Shortened to fit: at most ${statuses.length} rows per table and 5 entries per list are shown. The full report is in the [job summary](${RUN_URL}) and the artifact perfgate-result._`,
    );
    expect(body).not.toContain('```mermaid');
    // Only the tables' folds are left: no unchanged rows, no per-metric detectable changes.
    expect(body).not.toContain('unchanged metrics</summary>');
    expect(body).not.toContain('per metric</summary>');
    expect(statusesAfter(body, '<summary>Budgets').every((s) => s === '❌ exceeded')).toBe(true);
  });

  it('keep a caveat under the title in every stage, the minimal one included', () => {
    const caveat = 'Measured by the <b>fork</b>: only as trustworthy as its code.';
    for (const maxLength of [COMMENT_MAX_LENGTH, 2000]) {
      const { body, stage } = renderComment(hostileResult(500), { ...OPTIONS, maxLength, caveat });
      const lines = body.split('\n');
      expect(lines[2], stage).toBe(
        '> ⚠️ Measured by the &lt;b&gt;fork&lt;/b&gt;: only as trustworthy as its code.',
      );
      expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
      expect(body.length).toBeLessThanOrEqual(maxLength);
    }
  });

  it('fall back to counts only when nothing else fits', () => {
    const { body, stage } = renderComment(hostileResult(500), { ...OPTIONS, maxLength: 2000 });
    expect(stage).toBe('minimal');
    expect(body.length).toBeLessThanOrEqual(2000);
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
    const lines = body.split('\n');
    expect(lines[0]).toBe(
      '## ❌ perfgate · n1 \\| --- \\|: fail — 100 regressions · 100 budgets exceeded · 100 improvements · 100 inconclusive · 200 unchanged',
    );
    expect(lines).toContain(
      `The full report is too large for this comment: it is in the [job summary](${RUN_URL}) and the artifact perfgate-result.`,
    );
    expect(lines).toContain(
      'Smallest change this run could have detected: ±7.0% (median over the metrics)',
    );
  });
});

/** The fixture with its metrics repeated under `k` benchmark names: big enough to shorten. */
function scaled(k: number): Result {
  const result = makeResult();
  result.comparisons = Array.from({ length: k }, (_, i) =>
    result.comparisons.map((c) => ({ ...c, benchmark: `${c.benchmark}${i}` })),
  ).flat();
  return result;
}

describe('shortening in stages', () => {
  it('drops charts, then collapsed details, then rows, each only when needed', () => {
    const result = scaled(20);
    const full = renderComment(result, OPTIONS);
    expect(full.stage).toBe('full');
    expect(full.body.split('```mermaid').length - 1).toBe(5);

    const noCharts = renderComment(result, { ...OPTIONS, maxLength: full.body.length - 1 });
    expect(noCharts.stage).toBe('no-charts');
    expect(noCharts.body.length).toBeLessThan(full.body.length);
    expect(noCharts.body).not.toContain('```mermaid');
    expect(noCharts.body).toContain('<details>');
    expect(noCharts.body).toContain(
      `_Shortened to fit: charts left out. The full report is in the [job summary](${RUN_URL}) and the artifact perfgate-result._`,
    );

    const noDetails = renderComment(result, { ...OPTIONS, maxLength: noCharts.body.length - 1 });
    expect(noDetails.stage).toBe('no-details');
    expect(noDetails.body).not.toContain('unchanged metrics</summary>');
    expect(noDetails.body).not.toContain('per metric</summary>');
    expect(noDetails.body).toContain(
      `80 unchanged metrics are listed in the [job summary](${RUN_URL}) and the artifact perfgate-result.`,
    );
    expect(statusesAfter(noDetails.body, '<summary>Every metric')).toHaveLength(60);

    const maxLength = Math.floor(noDetails.body.length * 0.75);
    const rows = renderComment(result, { ...OPTIONS, maxLength });
    expect(rows.stage).toBe('truncated');
    expect(rows.body.length).toBeLessThanOrEqual(maxLength);
    const shown = statusesAfter(rows.body, '<summary>Every metric');
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.length).toBeLessThan(60);
    // Regressions first: all 20 of them, then the improvements.
    expect(shown.slice(0, 21)).toEqual([
      ...Array.from({ length: 20 }, () => '🔴 regressed'),
      '🟢 improved',
    ]);
    expect(rows.body).toContain(`…and ${60 - shown.length} more changed or inconclusive metrics`);
    expect(rows.body).toContain(
      `_Shortened to fit: at most ${shown.length} rows per table and 5 entries per list are shown.`,
    );
    expect(markdownProblems(rows.body, OWN_LINKS)).toEqual([]);

    // One row more would not have fitted.
    const oneMore = renderComment(result, { ...OPTIONS, maxLength: rows.body.length });
    expect(statusesAfter(oneMore.body, '<summary>Every metric')).toHaveLength(shown.length);
  });
});

describe('options and the marker', () => {
  it('rejects a details URL that is not http(s), a bad report id and a tiny maxLength', () => {
    const result = makeResult();
    expect(() => renderMarkdown(result, { detailsUrl: 'javascript:alert(1)' })).toThrow(
      new ReportOptionError('detailsUrl', 'javascript:alert(1)', 'an absolute http(s) URL'),
    );
    expect(() => renderMarkdown(result, { detailsUrl: '/relative' })).toThrow(ReportOptionError);
    expect(() => renderMarkdown(result, { reportId: 'a b' })).toThrow(
      `report option reportId is "a b"; expected ${REPORT_ID_RULE}`,
    );
    expect(() => renderMarkdown(result, { maxLength: 100 })).toThrow(
      'report option maxLength is 100; expected an integer of at least 2000',
    );
  });

  it('keeps parentheses in the details URL from ending the link', () => {
    const body = renderMarkdown(makeResult(), { detailsUrl: 'https://example.com/a_(b)?q=1 2' });
    expect(body).toContain('[Full report](https://example.com/a_%28b%29?q=1%202)');
  });

  it('never lets a PR string produce the marker', () => {
    const result: Result = hostileResult(10);
    result.notes = ['<!-- perfgate:default -->', '&lt;!-- perfgate:default --&gt;'];
    const body = renderMarkdown(result, OPTIONS);
    expect(body).not.toContain(reportMarker('default'));
    expect(body).not.toContain('<!--');
  });
});
