// advice/bundle.ts is pure: a comparison in, advice out, compared to expected text.
import { describe, expect, it } from 'vitest';
import { adviseBundle } from '../../src/advice/bundle.js';
import { compareBundles } from '../../src/kinds/bundle/compare.js';
import type { Composition } from '../../src/kinds/bundle/composition.js';
import type { BundleFile, BundleSnapshot } from '../../src/kinds/bundle/measure.js';
import type { BundleBenchmarkConfig } from '../../src/model.js';
import { adviceSchema } from '../../src/result.js';
import { checkBundleBudgets } from '../../src/verdict/budgets.js';

const bench: BundleBenchmarkConfig = {
  name: 'web',
  type: 'bundle',
  files: ['dist/**/*.js'],
  compression: ['gzip'],
  groups: {},
  budgets: { 'total.gzip': 40_000 },
};

const minifiedText = { lines: 1, longestLine: 1000, whitespace: 10, comments: 0 };

function snap(
  side: 'base' | 'head',
  files: BundleFile[],
  composition: Composition,
): BundleSnapshot {
  return {
    benchmark: 'web',
    side,
    sha: side === 'base' ? 'aaaaaaa' : 'bbbbbbb',
    files,
    composition,
    notes: [],
    compressed: 0,
    reused: 0,
    elapsedMs: 0,
  };
}

const base = snap(
  'base',
  [
    { path: 'dist/main-AAAA1111.js', raw: 60_000, gzip: 20_000, text: minifiedText },
    {
      path: 'dist/legacy.js',
      raw: 3000,
      gzip: 1200,
      text: { lines: 100, longestLine: 60, whitespace: 700, comments: 400 },
    },
  ],
  {
    files: { 'dist/main-AAAA1111.js': 'sourcemap' },
    modules: {
      'src/app.js': { bytes: 20_000, files: ['dist/main-AAAA1111.js'] },
      'chart-lib/index.js': {
        bytes: 40_000,
        package: 'chart-lib',
        files: ['dist/main-AAAA1111.js'],
      },
    },
    packages: {
      'chart-lib': {
        bytes: 40_000,
        instances: [{ root: 'node_modules/chart-lib', version: '1.0.0', bytes: 40_000 }],
      },
    },
    unmapped: 0,
  },
);

const head = snap(
  'head',
  [
    { path: 'dist/main-BBBB2222.js', raw: 200_000, gzip: 65_000, text: minifiedText },
    {
      path: 'dist/legacy.js',
      raw: 3000,
      gzip: 1200,
      text: { lines: 100, longestLine: 60, whitespace: 700, comments: 400 },
    },
    {
      path: 'dist/debug.js',
      raw: 5000,
      gzip: 2000,
      text: { lines: 200, longestLine: 50, whitespace: 1200, comments: 600 },
    },
  ],
  {
    files: { 'dist/main-BBBB2222.js': 'sourcemap' },
    modules: {
      'src/app.js': { bytes: 20_000, files: ['dist/main-BBBB2222.js'] },
      'src/editor.js': { bytes: 35_000, files: ['dist/main-BBBB2222.js'] },
      'chart-lib/index.js': {
        bytes: 55_000,
        package: 'chart-lib',
        files: ['dist/main-BBBB2222.js'],
      },
      'moment/moment.js': { bytes: 60_000, package: 'moment', files: ['dist/main-BBBB2222.js'] },
      'lodash/lodash.js': { bytes: 30_000, package: 'lodash', files: ['dist/main-BBBB2222.js'] },
      'tiny/index.js': { bytes: 300, package: 'tiny', files: ['dist/main-BBBB2222.js'] },
    },
    packages: {
      'chart-lib': {
        bytes: 55_000,
        instances: [{ root: 'node_modules/chart-lib', version: '1.2.0', bytes: 55_000 }],
      },
      moment: {
        bytes: 60_000,
        instances: [{ root: 'node_modules/moment', version: '2.30.1', bytes: 60_000 }],
      },
      lodash: {
        bytes: 30_000,
        instances: [
          {
            root: 'node_modules/.pnpm/lodash@3.10.1/node_modules/lodash',
            version: '3.10.1',
            bytes: 12_000,
          },
          {
            root: 'node_modules/.pnpm/lodash@4.17.21/node_modules/lodash',
            version: '4.17.21',
            bytes: 18_000,
          },
        ],
      },
      tiny: {
        bytes: 300,
        instances: [
          { root: 'node_modules/tiny', bytes: 150 },
          { root: 'node_modules/x/node_modules/tiny', bytes: 150 },
        ],
      },
    },
    unmapped: 0,
  },
);

describe('adviseBundle', () => {
  const compared = compareBundles(bench, base, head);
  const advice = adviseBundle(compared, { budgets: checkBundleBudgets(bench, compared).checks });

  it('produces valid advice, most pressing first', () => {
    for (const a of advice) adviceSchema.parse(a);
    expect(advice.map((a) => [a.rule, a.title])).toEqual([
      ['budget-exceeded', 'web: total gzip is over its budget by 28.2 kB'],
      ['new-heavy-dependency', 'web: new dependency moment adds 60.0 kB'],
      ['new-heavy-dependency', 'web: new dependency lodash adds 30.0 kB'],
      ['duplicate-package', 'web: lodash is bundled 2 times'],
      ['dependency-grew', 'web: chart-lib grew by 15.0 kB'],
      ['lazy-load-module', 'web: src/editor.js is 35.0 kB'],
      ['not-minified', 'web: dist/debug.js does not look minified'],
    ]);
  });

  it('names a lighter alternative for a well-known heavy package', () => {
    const moment = advice.find((a) => a.title.includes('moment'))!;
    expect(moment).toEqual({
      rule: 'new-heavy-dependency',
      title: 'web: new dependency moment adds 60.0 kB',
      fix: 'moment is new in this pull request and adds 60.0 kB of minified code. Consider dayjs (about 3 kB, a moment-like API) or date-fns imported per function instead. Import only the parts you use, or load it with a dynamic import() where it is needed so it leaves the initial bundle.',
      evidence: [
        'moment@2.30.1: 60.0 kB of generated code, not present on base',
        'in dist/main-BBBB2222.js',
        'total raw: 63.0 kB → 208 kB (+145 kB, +230.2%)',
        'total gzip: 21.2 kB → 68.2 kB (+47.0 kB, +221.7%)',
      ],
      metrics: ['web/total/raw', 'web/total/gzip'],
    });
  });

  it('says by how much a budget broke and what grew most', () => {
    const budget = advice[0]!;
    expect(budget.fix).toBe(
      'Bring total gzip back under 40.0 kB: remove or replace what grew, or load it lazily. The largest growth comes from moment (package) +60.0 kB, src/editor.js +35.0 kB, lodash (package) +30.0 kB. If the growth is intended, raise budgets.total.gzip in perfgate.yml in the same pull request.',
    );
    expect(budget.evidence[0]).toBe('total gzip is 68.2 kB; the budget is 40.0 kB');
    expect(budget.metrics).toEqual(['web/total/gzip']);
  });

  it('tells a two-version duplicate how to dedupe, and ignores trivially small duplicates', () => {
    const dup = advice.find((a) => a.rule === 'duplicate-package')!;
    expect(dup.fix).toBe(
      'Deduplicate lodash: align the version ranges of the packages that depend on it, then run npm dedupe (pnpm dedupe, yarn dedupe), or pin one version with overrides (npm, pnpm) or resolutions (yarn). About 12.0 kB would go.',
    );
    expect(dup.evidence).toEqual([
      'lodash on head: 3.10.1 at node_modules/.pnpm/lodash@3.10.1/node_modules/lodash (12.0 kB); 4.17.21 at node_modules/.pnpm/lodash@4.17.21/node_modules/lodash (18.0 kB)',
    ]);
    expect(advice.some((a) => a.title.includes('tiny'))).toBe(false);
  });

  it('flags only unminified files that are new or grew', () => {
    const flagged = advice.filter((a) => a.rule === 'not-minified').map((a) => a.title);
    expect(flagged).toEqual(['web: dist/debug.js does not look minified']);
  });

  it('gives nothing when nothing changed', () => {
    const same = compareBundles({ ...bench, budgets: {} }, base, { ...base, side: 'head' });
    expect(adviseBundle(same)).toEqual([]);
  });

  it('reports change-limit violations, and lets thresholds be tuned', () => {
    const limited = { ...bench, budgets: {}, maxChange: 0.1 };
    const c = compareBundles(limited, base, head);
    const budgets = checkBundleBudgets(limited, c).checks;
    const limits = adviseBundle(c, { budgets }).find((a) => a.rule === 'change-limit-exceeded')!;
    expect(limits.title).toBe('web: 4 sizes grew more than +10.0%');
    expect(limits.evidence).toEqual([
      'total raw: +230.2% (limit +10.0%)',
      'total gzip: +221.7% (limit +10.0%)',
      'dist/main-[hash].js raw: +233.3% (limit +10.0%)',
      'dist/main-[hash].js gzip: +225.0% (limit +10.0%)',
    ]);
    const strict = adviseBundle(c, { heavyBytes: 100_000, lazyBytes: 100_000 });
    expect(
      strict.some((a) => a.rule === 'new-heavy-dependency' || a.rule === 'lazy-load-module'),
    ).toBe(false);
  });
});

describe('adviseBundle on a large new file', () => {
  const noComposition = { files: {}, modules: {}, packages: {}, unmapped: 0 };
  const app = { path: 'dist/assets/index-AAAA1111.js', raw: 40_000, gzip: 14_000 };
  const chunk = { path: 'dist/assets/charting-vendor.5e6f7a8b.js', raw: 73_000, gzip: 24_100 };
  const rule = (advice: ReturnType<typeof adviseBundle>) =>
    advice.filter((a) => a.rule === 'new-large-file');

  it('names the file, its sizes and the packages it holds, and suggests loading it on demand', () => {
    const headComposition: Composition = {
      files: { [chunk.path]: 'sourcemap' },
      modules: {
        'chart.js/dist/chart.js': { bytes: 52_000, package: 'chart.js', files: [chunk.path] },
        'moment/moment.js': { bytes: 18_000, package: 'moment', files: [chunk.path] },
      },
      packages: {},
      unmapped: 3000,
    };
    const c = compareBundles(
      { ...bench, budgets: {} },
      snap('base', [app], noComposition),
      snap('head', [app, chunk], headComposition),
    );
    const [advice, ...more] = rule(adviseBundle(c));
    expect(more).toEqual([]);
    adviceSchema.parse(advice);
    expect(advice).toEqual({
      rule: 'new-large-file',
      title: 'web: new file dist/assets/charting-vendor.5e6f7a8b.js adds 73.0 kB (24.1 kB gzip)',
      fix: 'dist/assets/charting-vendor.5e6f7a8b.js is new in this pull request. It holds chart.js (52.0 kB), moment (18.0 kB) of generated code. If these dependencies are needed only on some pages or after an interaction, import the code that uses them with a dynamic import() where it is used, so this chunk is fetched on demand instead of with the first page; if the entry imports them statically, the chunk loads (and is preloaded) on every page. Lighter choices: moment: dayjs (about 3 kB, a moment-like API) or date-fns imported per function.',
      evidence: [
        'dist/assets/charting-vendor.5e6f7a8b.js: 73.0 kB raw, 24.1 kB gzip; not on base',
        'dist/assets/charting-vendor.5e6f7a8b.js holds chart.js (52.0 kB), moment (18.0 kB)',
        'total raw: 40.0 kB → 113 kB (+73.0 kB, +182.5%)',
        'total gzip: 14.0 kB → 38.1 kB (+24.1 kB, +172.1%)',
      ],
      metrics: [
        'web/dist/assets/charting-vendor.[hash].js/raw',
        'web/dist/assets/charting-vendor.[hash].js/gzip',
      ],
    });
  });

  it('says what it cannot know without a source map, and skips small new files', () => {
    const page = { path: 'dist/assets/settings-page.9f8e7d6c.js', raw: 31_000, gzip: 9000 };
    const small = { path: 'dist/assets/tooltip.1a2b3c4d.js', raw: 29_999, gzip: 9000 };
    const c = compareBundles(
      { ...bench, budgets: {} },
      snap('base', [app], noComposition),
      snap('head', [app, page, small], noComposition),
    );
    const advice = rule(adviseBundle(c));
    expect(advice.map((a) => a.title)).toEqual([
      'web: new file dist/assets/settings-page.9f8e7d6c.js adds 31.0 kB (9.00 kB gzip)',
    ]);
    expect(advice[0]!.fix).toBe(
      'dist/assets/settings-page.9f8e7d6c.js is new in this pull request. No source map or metafile covers it, so perfgate cannot say what it holds. If this code is not needed for the first screen, load it with a dynamic import() where it is used, so it is fetched on demand; if it is, check that all of it is intended.',
    );
    expect(rule(adviseBundle(c, { newFileBytes: 40_000 }))).toEqual([]);
  });
});
