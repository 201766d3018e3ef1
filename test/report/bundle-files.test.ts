// Bundle files on one side only (rows with `presence`) in the PR comment, the job summary and
// the terminal: their own section, counted in the headline, never in the metric tables.
import { describe, expect, it } from 'vitest';
import { renderComment, renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderTerminal } from '../../src/report/terminal.js';
import type { Comparison, Result } from '../../src/result.js';
import { resultSchema } from '../../src/result.js';
import { comparison, makeResult } from './fixture.js';
import { hostile } from './hostile.js';
import { markdownProblems } from './markdown-checks.js';

type Sizes = { raw: number; gzip: number; brotli: number };

/** The rows bundleToComparisons makes for a file on one side only. */
function oneSided(target: string, presence: 'added' | 'removed', sizes: Sizes): Comparison[] {
  return (['raw', 'gzip', 'brotli'] as const).map((metric) => {
    const [base, head] = presence === 'added' ? [0, sizes[metric]] : [sizes[metric], 0];
    const change = (head - base) / Math.max(base, 1);
    return {
      ...comparison({
        benchmark: 'bundle',
        target,
        metric,
        unit: 'B',
        better: 'lower',
        scale: 'exact',
        base: [base],
        head: [head],
        change,
        ci: [change, change],
        pValue: null,
        adjustedPValue: null,
        threshold: 0.05,
        mde: null,
        status: 'unchanged',
      }),
      samples: { base: [base], head: [head], order: [] },
      presence,
    };
  });
}

function withFiles(rows: Comparison[]): Result {
  const result = makeResult();
  result.comparisons.push(...rows);
  return resultSchema.parse(result);
}

const CHART = oneSided('dist/assets/charting-vendor.[hash].js', 'added', {
  raw: 73_000,
  gzip: 24_100,
  brotli: 21_300,
});
const SETTINGS = oneSided('dist/assets/settings-[hash].js', 'added', {
  raw: 9000,
  gzip: 3100,
  brotli: 2800,
});
const LEGACY = oneSided('dist/legacy.js', 'removed', { raw: 12_000, gzip: 5390, brotli: 4930 });
const result = withFiles([...SETTINGS, ...LEGACY, ...CHART]);

describe('added and removed files in the PR comment', () => {
  const body = renderMarkdown(result);

  it('counts them in the headline as files, not as unchanged metrics', () => {
    expect(body.split('\n')[0]).toBe(
      '## ❌ perfgate: fail — 1 regression · 1 budget exceeded · 2 files added (+27.2 kB gzip) · 1 file removed (−5.39 kB gzip) · 1 improvement · 1 inconclusive · 4 unchanged',
    );
  });

  it('lists them after the metrics, added first, each largest first', () => {
    const start = body.indexOf('### Added and removed files');
    expect(body.slice(start, body.indexOf('\n\n<details>\n<summary>Smallest', start))).toBe(
      [
        '### Added and removed files',
        '',
        '| Benchmark | File | Change | Raw | Gzip | Brotli |',
        '| --- | --- | --- | ---: | ---: | ---: |',
        '| bundle | dist/assets/charting-vendor.\\[hash\\].js | ➕ added | +73.0 kB | +24.1 kB | +21.3 kB |',
        '| bundle | dist/assets/settings-\\[hash\\].js | ➕ added | +9.00 kB | +3.10 kB | +2.80 kB |',
        '| bundle | dist/legacy.js | ➖ removed | −12.0 kB | −5.39 kB | −4.93 kB |',
      ].join('\n'),
    );
    expect(body.indexOf('<summary>Every metric')).toBeLessThan(start);
  });

  it('keeps them out of the metric tables and the per-metric detectable changes', () => {
    const tables = body.slice(0, body.indexOf('### Added and removed files'));
    expect(tables).not.toContain('charting-vendor');
    const mde = body.slice(body.indexOf('Smallest detectable change and time budget per metric'));
    expect(mde).not.toContain('charting-vendor');
    expect(mde).not.toContain('legacy.js');
  });

  it('folds a long list in the comment and keeps every file in the job summary', () => {
    const many = withFiles(
      Array.from({ length: 23 }, (_, i) =>
        oneSided(`dist/page-${i}.js`, 'added', { raw: 1000 + i, gzip: 500, brotli: 400 }),
      ).flat(),
    );
    const comment = renderMarkdown(many, {
      detailsUrl: 'https://github.com/acme/shop/actions/runs/1',
    });
    const listed = (text: string) => text.split('\n').filter((l) => /➕ added/.test(l));
    expect(listed(comment)).toHaveLength(20);
    expect(listed(comment)[0]).toContain('dist/page-22.js');
    expect(comment).toContain(
      '…and 3 more added or removed files — full report in the [job summary](https://github.com/acme/shop/actions/runs/1).',
    );
    expect(listed(renderSummary(many))).toHaveLength(23);
  });

  it('escapes hostile file names and stays within the size limit', () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      oneSided(hostile(i, false), i % 2 ? 'added' : 'removed', {
        raw: 5000 + i,
        gzip: 900,
        brotli: 800,
      }),
    ).flat();
    const hostileResult = withFiles(rows);
    const { body: shortened } = renderComment(hostileResult, { maxLength: 8000 });
    expect(shortened.length).toBeLessThanOrEqual(8000);
    expect(markdownProblems(renderMarkdown(hostileResult))).toEqual([]);
    expect(markdownProblems(renderSummary(hostileResult))).toEqual([]);
  });

  it('says `new` for a size that was 0, instead of a change against 1 byte', () => {
    const group = comparison({
      benchmark: 'bundle',
      target: 'charts',
      metric: 'gzip',
      unit: 'B',
      better: 'lower',
      scale: 'exact',
      base: [0],
      head: [24_100],
      change: 24_100,
      ci: [24_100, 24_100],
      pValue: null,
      adjustedPValue: null,
      threshold: 0.05,
      mde: null,
      status: 'regressed',
    });
    const text = renderMarkdown(withFiles([group]));
    expect(text).toContain('| bundle | charts | gzip | 0 B | 24.1 kB | new (+24.1 kB) | exact |');
    expect(renderTerminal(withFiles([group]), { color: false })).toContain('new (+24.1 kB)');
  });
});

describe('added and removed files in the terminal', () => {
  it('lists every one after the metrics, and counts them in the verdict line', () => {
    const text = renderTerminal(result, { color: false });
    const lines = text.split('\n');
    const start = lines.indexOf('added and removed files');
    expect(lines.slice(start, start + 5)).toEqual([
      'added and removed files',
      '  change   benchmark  file                                        raw      gzip    brotli',
      '  added    bundle     dist/assets/charting-vendor.[hash].js  +73.0 kB  +24.1 kB  +21.3 kB',
      '  added    bundle     dist/assets/settings-[hash].js         +9.00 kB  +3.10 kB  +2.80 kB',
      '  removed  bundle     dist/legacy.js                         −12.0 kB  −5.39 kB  −4.93 kB',
    ]);
    expect(lines.slice(0, start).join('\n')).not.toContain('charting-vendor');
    expect(lines.find((l) => l.startsWith('FAIL'))).toBe(
      'FAIL  1 regression · 1 budget exceeded · 2 files added (+27.2 kB gzip) · 1 file removed (−5.39 kB gzip) · 1 improvement · 1 inconclusive · 4 unchanged',
    );
  });
});
