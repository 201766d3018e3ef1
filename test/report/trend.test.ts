// The trend's part of the report: the culprit with its short sha, its subject and author escaped
// where they enter the markdown, the steps folded, the terminal in plain text.
import { describe, expect, it } from 'vitest';
import { trendLines, trendMarkdown } from '../../src/report/trend.js';
import type { Trend } from '../../src/result.js';

const trend: Trend = {
  base: { ref: 'main', sha: 'a'.repeat(40) },
  head: { ref: 'HEAD', sha: 'c'.repeat(40) },
  commits: 8,
  steps: [
    {
      base: 'a'.repeat(40),
      head: 'b'.repeat(40),
      outcome: 'regressed',
      attempts: 1,
      metric: { key: 'api/GET /a/mean', change: 0.4, ci: [0.3, 0.5] },
    },
  ],
  culprit: {
    sha: 'b'.repeat(40),
    subject: 'speed up <script>alert(1)</script> | @team',
    author: 'Mallory <m@x.invalid>',
  },
  changePoints: [],
};

describe('the trend report', () => {
  it('names the culprit by its short sha, with its subject and author escaped', () => {
    const md = trendMarkdown(trend, 120).join('\n\n');
    expect(md).toContain(`**Culprit:** \`bbbbbbb\` `);
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(/(^|[^\\`])@team/);
    expect(md).toContain(
      '| 1 | `aaaaaaa` → `bbbbbbb` | regressed | +40.0% \\[+30.0%, +50.0%\\] | 1 | — |',
    );
  });

  it('says the suspects when the bisect could not name one commit', () => {
    const md = trendMarkdown(
      { ...trend, culprit: null, suspects: ['d'.repeat(40), 'e'.repeat(40)] },
      120,
    ).join('\n\n');
    expect(md).toContain('one of `ddddddd`, `eeeeeee`');
    expect(trendMarkdown(undefined, 120)).toEqual([]);
  });

  it('lists the same facts in plain text for the terminal', () => {
    const lines = trendLines({ ...trend, culprit: { ...trend.culprit!, subject: 'x\u001b[31my' } });
    expect(lines[0]).toBe('previous nightly main@aaaaaaa → HEAD@ccccccc, 8 commit(s)');
    expect(lines.at(-1)).toMatch(/^culprit: bbbbbbb x\uFFFD\[31my — Mallory/);
  });
});
