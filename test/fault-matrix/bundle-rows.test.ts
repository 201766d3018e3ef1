// Fault matrix, bundle rows: every file the bundle measurement sees on one side only, and every
// note it makes, reaches the JSON result, the PR comment, the terminal and (for a large new file)
// the advice. Each row is a real git repository in a temp dir whose commits hold the build
// output, measured by the real pipeline (worktrees, sizes, compression) and rendered.
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { serializeResult } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminal } from '../../src/report/terminal.js';
import type { Result } from '../../src/result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';
import { jsLikeText, mulberry32 } from '../kinds/bundle/helpers.js';

/** Minified-looking JavaScript of exactly `bytes` bytes, the same for the same seed. */
const js = (seed: number, bytes: number) => jsLikeText(mulberry32(seed), bytes);

const BASE_FILES: Record<string, string> = {
  'dist/assets/index-BcD3x9_a.js': js(1, 40_000),
  'dist/assets/legacy-polyfills.1a2b3c4d.js': js(2, 12_000),
};

/** Five folders of 240 characters: longer than a result key may be (1,000). */
const LONG_PATH = `dist/${Array.from({ length: 5 }, () => 'd'.repeat(240)).join('/')}/x.js`;

interface JsonRow {
  target: string;
  metric: string;
  base: number | 'positive';
  head: number | 'positive';
  presence: 'added' | 'removed';
}

interface Row {
  case: string;
  input: {
    /** Extra lines of the benchmark in perfgate.yml. */
    bench?: string;
    /** Files head writes (text) or deletes (null), on top of the base files. */
    head: Record<string, string | null>;
  };
  expect: {
    /** Rows of result.comparisons, of the serialized JSON. */
    json?: JsonRow[];
    /** How many comparisons mark a file on one side only. */
    presenceRows?: number;
    /** Lines of the PR comment. */
    markdown?: RegExp[];
    /** Lines of the terminal output (no colour). */
    terminal?: RegExp[];
    /** The one-sided file's target is cut to fit a key, with a hash of the whole path. */
    longTarget?: boolean;
    /** How many terminal lines list an added file. */
    terminalAdded?: number;
    advice?: { rule: string; title: RegExp; evidence: RegExp };
    notes?: RegExp[];
  };
}

const rows: Row[] = [
  {
    case: 'head adds a 73 kB vendor chunk',
    input: { head: { 'dist/assets/charting-vendor.5e6f7a8b.js': js(3, 73_000) } },
    expect: {
      json: (['raw', 'gzip', 'brotli'] as const).map((metric) => ({
        target: 'dist/assets/charting-vendor.[hash].js',
        metric,
        base: 0,
        head: metric === 'raw' ? 73_000 : 'positive',
        presence: 'added',
      })),
      markdown: [
        /^## ❌ perfgate: fail — 3 regressions · 1 file added \(\+[\d.]+ kB gzip\)$/,
        /^### Added and removed files$/,
        /^\| web \| dist\/assets\/charting-vendor\.\\\[hash\\\]\.js \| ➕ added \| \+73\.0 kB \| \+[\d.]+ kB \| \+[\d.]+ kB \|$/,
      ],
      terminal: [
        /^ {2}added +web +dist\/assets\/charting-vendor\.\[hash\]\.js +\+73\.0 kB +\+[\d.]+ kB +\+[\d.]+ kB$/,
        /^FAIL {2}3 regressions · 1 file added \(\+[\d.]+ kB gzip\)$/,
      ],
      advice: {
        rule: 'new-large-file',
        title:
          /^web: new file dist\/assets\/charting-vendor\.5e6f7a8b\.js adds 73\.0 kB \([\d.]+ kB gzip\)$/,
        evidence:
          /^dist\/assets\/charting-vendor\.5e6f7a8b\.js: 73\.0 kB raw, [\d.]+ kB gzip, [\d.]+ kB brotli; not on base$/,
      },
    },
  },
  {
    case: 'head removes a file',
    input: { head: { 'dist/assets/legacy-polyfills.1a2b3c4d.js': null } },
    expect: {
      json: (['raw', 'gzip', 'brotli'] as const).map((metric) => ({
        target: 'dist/assets/legacy-polyfills.[hash].js',
        metric,
        base: metric === 'raw' ? 12_000 : 'positive',
        head: 0,
        presence: 'removed',
      })),
      markdown: [
        /^## ✅ perfgate: pass — no regressions · 1 file removed \(−[\d.]+ kB gzip\) · 3 improvements$/,
        /^\| web \| dist\/assets\/legacy-polyfills\.\\\[hash\\\]\.js \| ➖ removed \| −12\.0 kB \| −[\d.]+ kB \| −[\d.]+ kB \|$/,
      ],
      terminal: [
        /^ {2}removed +web +dist\/assets\/legacy-polyfills\.\[hash\]\.js +−12\.0 kB +−[\d.]+ kB +−[\d.]+ kB$/,
      ],
    },
  },
  {
    case: 'many added files: the comment folds them, the JSON keeps every one',
    input: {
      head: Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [
          `dist/pages/page${String(i).padStart(2, '0')}.${(0xa1b2c300 + i).toString(16)}.js`,
          js(100 + i, 1000 + 100 * i),
        ]),
      ),
    },
    expect: {
      presenceRows: 75,
      markdown: [
        /^\| web \| dist\/pages\/page24\.\\\[hash\\\]\.js \| ➕ added \| \+3\.40 kB \|/,
        /^…and 5 more added or removed files — full report in the job summary\.$/,
      ],
      terminalAdded: 25,
    },
  },
  {
    case: 'a hostile PR adds a file with a 1,215-character path',
    input: { head: { [LONG_PATH]: js(5, 40_000) } },
    expect: {
      presenceRows: 3,
      longTarget: true,
      terminal: [/^ {2}added +web +dist\/d{240}\/d+/],
    },
  },
  {
    case: "a bundle comparison's notes reach the result",
    input: {
      bench: '    groups:\n      charts: ["dist/charts/*.js"]',
      head: { 'dist/assets/index-BcD3x9_a.js': js(1, 41_000) },
    },
    expect: {
      notes: [
        /^web: group charts \(dist\/charts\/\*\.js\) matches no measured file on either side$/,
      ],
    },
  },
];

const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.dispose();
});

async function measure(row: Row): Promise<Result> {
  const yaml = [
    'benchmarks:',
    '  - name: web',
    '    type: bundle',
    "    files: ['dist/**/*.js']",
    '    compression: [gzip, brotli]',
    ...(row.input.bench ? [row.input.bench] : []),
    'gate:',
    '  threshold: 5%',
    '',
  ].join('\n');
  const repo = createRepo('perfgate-fault-bundle-');
  repos.push(repo);
  repo.commit('base', { 'perfgate.yml': yaml, ...BASE_FILES });
  repo.git('checkout', '-q', '-b', 'feature');
  for (const [path, text] of Object.entries(row.input.head)) {
    if (text === null) repo.git('rm', '-q', path);
    else repo.write({ [path]: text });
  }
  repo.commit('head');
  return runPipeline({
    cwd: repo.dir,
    config: parseConfig(yaml),
    mode: 'compare',
    base: 'main',
    head: 'feature',
  });
}

const someLine = (text: string, pattern: RegExp) => text.split('\n').some((l) => pattern.test(l));

describe('fault matrix: bundle rows', { timeout: 60_000 }, () => {
  it.each(rows)('$case', async (row) => {
    const result = await measure(row);
    const json = JSON.parse(serializeResult(result)) as Result;
    const { expect: want } = row;
    for (const w of want.json ?? []) {
      const found = json.comparisons.find((c) => c.target === w.target && c.metric === w.metric);
      expect(found, `${w.target} ${w.metric}`).toBeDefined();
      expect(found!.presence).toBe(w.presence);
      for (const side of ['base', 'head'] as const) {
        if (w[side] === 'positive') expect(found![side].median).toBeGreaterThan(0);
        else expect(found![side].median).toBe(w[side]);
      }
    }
    if (want.presenceRows !== undefined) {
      expect(json.comparisons.filter((c) => c.presence !== undefined)).toHaveLength(
        want.presenceRows,
      );
    }
    if (want.longTarget) {
      for (const c of json.comparisons.filter((x) => x.presence !== undefined)) {
        expect(c.target!.startsWith(LONG_PATH.slice(0, 500))).toBe(true);
        expect(c.target).toMatch(/…#[0-9a-f]{12}$/);
        expect(c.key.length).toBeLessThanOrEqual(1000);
      }
    }
    const markdown = renderMarkdown(json);
    for (const pattern of want.markdown ?? []) {
      expect(someLine(markdown, pattern), `${pattern} in\n${markdown}`).toBe(true);
    }
    const terminal = renderTerminal(json, { color: false });
    for (const pattern of want.terminal ?? []) {
      expect(someLine(terminal, pattern), `${pattern} in\n${terminal}`).toBe(true);
    }
    if (want.terminalAdded !== undefined) {
      expect(terminal.split('\n').filter((l) => /^ {2}added /.test(l))).toHaveLength(
        want.terminalAdded,
      );
    }
    if (want.advice) {
      const advice = json.advice.find((a) => a.rule === want.advice!.rule);
      expect(advice, JSON.stringify(json.advice)).toBeDefined();
      expect(advice!.title).toMatch(want.advice.title);
      expect(advice!.evidence.some((e) => want.advice!.evidence.test(e))).toBe(true);
    }
    for (const pattern of want.notes ?? []) {
      expect(
        json.notes.some((n) => pattern.test(n)),
        JSON.stringify(json.notes),
      ).toBe(true);
    }
  });
});
