import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary, renderSummaryReport, SUMMARY_MAX_BYTES } from '../../src/report/summary.js';
import { makeResult } from './fixture.js';
import { hostileResult } from './hostile.js';
import { markdownProblems, tableCells } from './markdown-checks.js';

const RUN_URL = 'https://github.com/acme/shop/actions/runs/1';
const OPTIONS = { detailsUrl: RUN_URL, artifactName: 'perfgate-result' };
const OWN_LINKS = [`[Full report](${RUN_URL})`];

describe('renderSummary', () => {
  it('is the PR comment when the comment needed no shortening', () => {
    const { body, stage } = renderSummaryReport(makeResult(), OPTIONS);
    expect(stage).toBe('full');
    expect(body).toBe(renderMarkdown(makeResult(), OPTIONS));
  });

  it('charts every regressed metric and keeps long runs whole up to 500 rounds', () => {
    const result = makeResult();
    const p50 = result.comparisons[0]!;
    const rounds = Array.from({ length: 300 }, (_, i) => 12 + (i % 10) / 10);
    result.comparisons = Array.from({ length: 12 }, (_, i) => ({
      ...p50,
      benchmark: `api${i}`,
      samples: {
        base: rounds,
        head: rounds.map((v) => v * 1.3),
        order: rounds.map(() => 'AB' as const),
      },
    }));
    const body = renderSummary(result, OPTIONS);
    expect(body.split('```mermaid').length - 1).toBe(12);
    expect(body).not.toContain('Charts for');
    expect(body.split('\n').filter((l) => l === '  x-axis "round" 1 --> 300')).toHaveLength(12);
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
  });

  it('keeps names up to the schema maximum of 1,000 code points', () => {
    const result = makeResult();
    result.comparisons[0]!.benchmark = 'b'.repeat(1000);
    const summaryRow = renderSummary(result)
      .split('\n')
      .find((l) => l.startsWith('| bbb'))!;
    expect(tableCells(summaryRow)[0]).toBe('b'.repeat(1000));
    const commentRow = renderMarkdown(result)
      .split('\n')
      .find((l) => l.startsWith('| bbb'))!;
    expect(tableCells(commentRow)[0]).toBe(`${'b'.repeat(119)}…`);
  });

  it('stays under 1 MB of UTF-8 for hostile metrics with 10 kB names, regressions first', () => {
    const { body, stage } = renderSummaryReport(hostileResult(400), OPTIONS);
    expect(stage).toBe('truncated');
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(markdownProblems(body, OWN_LINKS)).toEqual([]);
    const metrics = body.slice(body.indexOf('<summary>Every metric')).split('\n');
    const first = metrics.findIndex((l) => l.startsWith('| n'));
    expect(tableCells(metrics[first]!).at(-1)).toBe('🔴 regressed');
    expect(body).toContain('full report in the artifact perfgate-result.');
  });

  it('measures bytes, not characters', () => {
    const result = makeResult();
    result.comparisons = Array.from({ length: 200 }, (_, i) => ({
      ...result.comparisons[1]!,
      benchmark: `日本語のベンチマーク${i}`.repeat(5),
    }));
    const maxBytes = 30_000;
    const { body, stage } = renderSummaryReport(result, { maxBytes });
    expect(stage).toBe('no-details');
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(maxBytes);
    // The same body in UTF-16 code units is far shorter: a character count would have let more in.
    expect(body.length).toBeLessThan(maxBytes / 2);
  });

  it('rejects a limit it cannot honour', () => {
    expect(() => renderSummary(makeResult(), { maxBytes: 0 })).toThrow(
      'report option maxBytes is 0; expected an integer of at least 2000',
    );
  });
});
