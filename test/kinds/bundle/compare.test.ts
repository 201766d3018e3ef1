// compareBundles and bundleToComparisons are pure: snapshots in, comparison out. The budgets of
// a comparison are checked by verdict/budgets.ts (checkBundleBudgets).
import { describe, expect, it } from 'vitest';
import { compareBundles, diffComposition } from '../../../src/kinds/bundle/compare.js';
import type { Composition } from '../../../src/kinds/bundle/composition.js';
import {
  type BundleFile,
  type BundleSnapshot,
  looksUnminified,
  textStats,
} from '../../../src/kinds/bundle/measure.js';
import { bundleSpecs, omittedFilesNote } from '../../../src/kinds/bundle/rows.js';
import { BundleConfigError } from '../../../src/kinds/bundle/settings.js';
import type { BundleBenchmarkConfig } from '../../../src/model.js';
import { comparisonSchema } from '../../../src/result.js';
import { checkBundleBudgets } from '../../../src/verdict/budgets.js';
import { bundleToComparisons } from '../../../src/verdict/exact.js';

/** Every budget check of a comparison, as the result's `budgets` holds them. */
function budgetsOf(b: BundleBenchmarkConfig, baseSide: BundleSnapshot, headSide: BundleSnapshot) {
  return checkBundleBudgets(b, compareBundles(b, baseSide, headSide));
}

function bench(overrides: Partial<BundleBenchmarkConfig> = {}): BundleBenchmarkConfig {
  return {
    name: 'web',
    type: 'bundle',
    files: ['dist/**/*.js'],
    compression: ['gzip', 'brotli'],
    groups: {},
    budgets: {},
    ...overrides,
  };
}

const file = (
  path: string,
  raw: number,
  gzip = Math.round(raw / 3),
  brotli = Math.round(raw / 3.5),
): BundleFile => ({
  path,
  raw,
  gzip,
  brotli,
});

function snapshot(
  side: 'base' | 'head',
  files: BundleFile[],
  composition?: Composition,
): BundleSnapshot {
  const s: BundleSnapshot = {
    benchmark: 'web',
    side,
    sha: side === 'base' ? 'aaaaaaa' : 'bbbbbbb',
    files,
    notes: [],
    compressed: files.length,
    reused: 0,
    elapsedMs: 1,
  };
  if (composition) s.composition = composition;
  return s;
}

const base = snapshot('base', [
  file('dist/assets/index-BcD3x9_a.js', 10_000, 3000, 2600),
  file('dist/assets/vendor-Ab12Cd34.js', 50_000, 15_000, 13_000),
  file('dist/assets/old-page-Zz99Yy88.js', 2000, 800, 700),
  file('dist/sw.js', 1000, 400, 350),
]);
const head = snapshot('head', [
  file('dist/assets/index-D_DU5glp.js', 10_500, 3100, 2650),
  file('dist/assets/vendor-Q9w8E7r6.js', 50_000, 15_000, 13_000),
  file('dist/assets/new-page-Mm11Nn22.js', 4000, 1500, 1300),
  file('dist/sw.js', 1000, 400, 350),
]);

describe('compareBundles', () => {
  const groups = {
    vendor: ['dist/assets/vendor-*.js'],
    app: ['dist/assets/*.js', '!dist/assets/vendor-*.js'],
  };

  it('matches hashed names, lists added and removed files, and sums groups and the total', () => {
    const c = compareBundles(bench({ groups }), base, head);
    expect(c.files.map((f) => [f.target, f.how])).toEqual([
      ['dist/assets/index-[hash].js', 'hash'],
      ['dist/assets/vendor-[hash].js', 'hash'],
      ['dist/sw.js', 'name'],
    ]);
    expect(c.added.map((f) => f.path)).toEqual(['dist/assets/new-page-Mm11Nn22.js']);
    expect(c.removed.map((f) => f.path)).toEqual(['dist/assets/old-page-Zz99Yy88.js']);
    const index = c.files[0]!.changes;
    expect(index).toEqual([
      { metric: 'raw', base: 10_000, head: 10_500, delta: 500, change: 0.05 },
      { metric: 'gzip', base: 3000, head: 3100, delta: 100, change: 100 / 3000 },
      { metric: 'brotli', base: 2600, head: 2650, delta: 50, change: 50 / 2600 },
    ]);
    expect(c.total.base).toEqual({ raw: 63_000, gzip: 19_200, brotli: 16_650 });
    expect(c.total.head).toEqual({ raw: 65_500, gzip: 20_000, brotli: 17_300 });
    expect(c.groups.map((g) => [g.name, g.base.raw, g.head.raw])).toEqual([
      ['vendor', 50_000, 50_000],
      ['app', 12_000, 14_500],
    ]);
    expect(budgetsOf(bench({ groups }), base, head).checks).toEqual([]);
  });

  it('checks budgets on head by total, group and file (with or without the hash)', () => {
    const c = budgetsOf(
      bench({
        groups,
        budgets: {
          'total.gzip': 19_999,
          'vendor.brotli': 13_000,
          'dist/assets/index-[hash].js.raw': 10_000,
          'dist/sw.js.gzip': 1000,
        },
      }),
      base,
      head,
    );
    expect(c.checks.map((b) => [b.target, b.metric, b.value, b.exceeded])).toEqual([
      ['total', 'gzip', 20_000, true],
      ['vendor', 'brotli', 13_000, false],
      ['dist/assets/index-[hash].js', 'raw', 10_500, true],
      ['dist/sw.js', 'gzip', 400, false],
    ]);
    expect(c.checks.every((b) => b.unit === 'B' && b.benchmark === 'web')).toBe(true);
  });

  it('notes a budget for a file that is gone, and rejects one that names nothing', () => {
    const gone = budgetsOf(
      bench({ budgets: { 'dist/assets/old-page-[hash].js.raw': 1 } }),
      base,
      head,
    );
    expect(gone.checks).toEqual([]);
    expect(gone.notes).toEqual([
      'web: budget dist/assets/old-page-[hash].js.raw: dist/assets/old-page-[hash].js is gone on head; nothing to check',
    ]);
    expect(() => budgetsOf(bench({ budgets: { 'dist/nope.js.gzip': 1 } }), base, head)).toThrow(
      /budgets\.dist\/nope\.js\.gzip is 1; expected "total", a group/,
    );
  });

  it('rejects budget keys and settings it cannot honour, naming the field', () => {
    const cases: Array<[Partial<BundleBenchmarkConfig>, RegExp]> = [
      [
        { budgets: { total: 5 } },
        /budgets\.total is 5; expected a key "<total\|group\|file>\.<raw\|gzip\|brotli>"/,
      ],
      [
        { budgets: { 'total.brotli': 5 }, compression: ['gzip'] },
        /budgets\.total\.brotli .*raw\|gzip>/,
      ],
      [{ budgets: { 'total.gzip': -1 } }, /budgets\.total\.gzip is -1; expected a size in bytes/],
      [{ files: [] }, /files is \[\]; expected at least one glob/],
      [{ groups: { total: ['x'] } }, /groups\.total .*"total" is the sum/],
      [{ maxChange: Number.NaN }, /maxChange is null; expected a fraction/],
    ];
    for (const [overrides, message] of cases) {
      let error: unknown;
      try {
        compareBundles(bench(overrides), base, head);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BundleConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('checks maxChange on the total and groups always, and on files where exceeded', () => {
    const c = budgetsOf(bench({ groups, maxChange: 0.04 }), base, head).checks;
    const exceeded = c.filter((x) => x.exceeded).map((x) => [x.target, x.metric]);
    expect(exceeded).toEqual([
      ['total', 'gzip-change'],
      ['app', 'raw-change'],
      ['app', 'gzip-change'],
      ['app', 'brotli-change'],
      ['dist/assets/index-[hash].js', 'raw-change'],
    ]);
    expect(c.filter((x) => x.target === 'total')).toHaveLength(3);
    expect(c.every((x) => x.unit === 'ratio' && x.limit === 0.04)).toBe(true);
  });

  it('names files by path when several share a hashless name', () => {
    const b = snapshot('base', [
      file('out/chunk-AAAA1111.js', 1000),
      file('out/chunk-BBBB2222.js', 9000),
    ]);
    const h = snapshot('head', [
      file('out/chunk-CCCC3333.js', 9100),
      file('out/chunk-DDDD4444.js', 1010),
    ]);
    const c = compareBundles(bench({ files: ['out/*.js'] }), b, h);
    expect(c.files.map((f) => [f.base, f.head, f.target, f.how])).toEqual([
      ['out/chunk-BBBB2222.js', 'out/chunk-CCCC3333.js', 'out/chunk-CCCC3333.js', 'ambiguous'],
      ['out/chunk-AAAA1111.js', 'out/chunk-DDDD4444.js', 'out/chunk-DDDD4444.js', 'ambiguous'],
    ]);
  });
});

describe('bundleToComparisons', () => {
  it('emits exact comparisons that validate, with the status from the threshold', () => {
    const c = compareBundles(
      bench({ groups: { vendor: ['dist/assets/vendor-*.js'] } }),
      base,
      head,
    );
    const rows = bundleToComparisons(c, 0.04);
    for (const row of rows) comparisonSchema.parse(row);
    expect(rows.map((r) => r.key)).toEqual(bundleSpecs(c).map((s) => s.key));
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('web/total/gzip')).toMatchObject({
      target: 'total',
      metric: 'gzip',
      unit: 'bytes',
      better: 'lower',
      scale: 'exact',
      change: 800 / 19_200,
      ci: [800 / 19_200, 800 / 19_200],
      pValue: null,
      status: 'regressed',
      threshold: 0.04,
      base: { n: 1, median: 19_200, mean: 19_200, min: 19_200, max: 19_200, mad: 0 },
      samples: { base: [19_200], head: [20_000], order: [] },
    });
    expect(byKey.get('web/total/raw')!.status).toBe('unchanged'); // +3.97%
    expect(byKey.get('web/dist/assets/index-[hash].js/raw')!.status).toBe('regressed'); // +5%
    expect(byKey.get('web/vendor/gzip')!.status).toBe('unchanged');
    expect(byKey.get('web/vendor/gzip')!.change).toBe(0);
  });

  it('leaves unchanged files out, and lists at most maxFiles files, largest first', () => {
    const rows = bundleToComparisons(compareBundles(bench(), base, head), 0.04);
    expect(rows.filter((r) => r.metric === 'raw').map((r) => r.target)).toEqual([
      'total',
      'dist/assets/new-page-[hash].js',
      'dist/assets/old-page-[hash].js',
      'dist/assets/index-[hash].js',
    ]);
    const many = (side: 'base' | 'head') =>
      snapshot(
        side,
        Array.from({ length: 40 }, (_, i) =>
          file(`dist/f${i}.js`, 1000 + (side === 'head' ? i : 0)),
        ),
      );
    const c = compareBundles(bench(), many('base'), many('head'));
    const capped = bundleToComparisons(c, 0.04, 3);
    expect(capped.filter((r) => r.metric === 'raw').map((r) => r.target)).toEqual([
      'total',
      'dist/f39.js',
      'dist/f38.js',
      'dist/f37.js',
    ]);
    expect(omittedFilesNote(c, 3)).toBe(
      'web: 36 more changed, added or removed files are not listed one by one (only the 3 largest changes are); the total and groups include them',
    );
    expect(omittedFilesNote(c)).toBeUndefined();
  });

  it('gives every added and removed file a row from or to 0, marked and not gated', () => {
    const rows = bundleToComparisons(compareBundles(bench(), base, head), 0.05);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const added = byKey.get('web/dist/assets/new-page-[hash].js/gzip')!;
    expect(added).toMatchObject({ presence: 'added', status: 'unchanged', change: 1500 });
    expect([added.base.median, added.head.median]).toEqual([0, 1500]);
    const removed = byKey.get('web/dist/assets/old-page-[hash].js/brotli')!;
    expect(removed).toMatchObject({ presence: 'removed', status: 'unchanged', change: -1 });
    expect([removed.base.median, removed.head.median]).toEqual([700, 0]);
    expect(rows.filter((r) => r.presence !== undefined)).toHaveLength(6);
    for (const r of rows) comparisonSchema.parse(r);
    // Files on both sides carry no mark.
    expect(byKey.get('web/dist/assets/index-[hash].js/raw')!.presence).toBeUndefined();
  });

  it('names a one-sided file by its path when others share its hashless name', () => {
    // Files of one hashless name: three `a` on base and two on head (one is removed), one `b` on
    // base and two on head (one is added). Keys stay unique and say which file it was.
    const b = snapshot('base', [
      file('dist/a.11111111.js', 1000),
      file('dist/a.22222222.js', 5000),
      file('dist/a.66666666.js', 9000),
      file('dist/b.77777777.js', 3000),
    ]);
    const h = snapshot('head', [
      file('dist/a.33333333.js', 1000),
      file('dist/a.44444444.js', 5200),
      file('dist/b.88888888.js', 3000),
      file('dist/b.99999999.js', 100),
    ]);
    const c = compareBundles(bench(), b, h);
    expect(c.removed.map((f) => [f.path, f.target])).toEqual([
      ['dist/a.66666666.js', 'dist/a.66666666.js'],
    ]);
    expect(c.added.map((f) => [f.path, f.target])).toEqual([
      ['dist/b.99999999.js', 'dist/b.99999999.js'],
    ]);
    const keys = bundleToComparisons(c, 0.05).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reports improvements below −δ, and takes a per-metric threshold', () => {
    const c = compareBundles(bench(), head, base); // the other way round: sizes shrink
    const rows = bundleToComparisons(c, (spec) => (spec.metric === 'raw' ? 0.5 : 0.01));
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('web/total/gzip')!.status).toBe('improved');
    expect(byKey.get('web/total/raw')!.status).toBe('unchanged');
    expect(byKey.get('web/total/raw')!.threshold).toBe(0.5);
  });

  it('reports a size that grew from nothing against one byte, finitely', () => {
    const b = snapshot('base', [file('dist/empty.js', 0, 20, 1)]);
    const h = snapshot('head', [file('dist/empty.js', 30, 40, 20)]);
    const rows = bundleToComparisons(compareBundles(bench(), b, h), 0.05);
    const raw = rows.find((r) => r.key === 'web/dist/empty.js/raw')!;
    expect(raw.change).toBe(30);
    expect(raw.status).toBe('regressed');
  });
});

describe('diffComposition', () => {
  const comp = (
    packages: Composition['packages'],
    modules: Composition['modules'],
  ): Composition => ({
    files: { 'dist/a.js': 'sourcemap' },
    modules,
    packages,
    unmapped: 0,
  });

  it('finds packages that appeared, disappeared, grew and are duplicated', () => {
    const b = comp(
      {
        react: {
          bytes: 6000,
          instances: [{ root: 'node_modules/react', version: '18.2.0', bytes: 6000 }],
        },
        'left-pad': { bytes: 300, instances: [{ root: 'node_modules/left-pad', bytes: 300 }] },
        tslib: {
          bytes: 900,
          instances: [{ root: 'node_modules/tslib', version: '2.6.0', bytes: 900 }],
        },
      },
      {
        'react/index.js': { bytes: 6000, package: 'react', files: ['dist/a.js'] },
        'left-pad/index.js': { bytes: 300, package: 'left-pad', files: ['dist/a.js'] },
        'tslib/tslib.es6.js': { bytes: 900, package: 'tslib', files: ['dist/a.js'] },
        'src/a.js': { bytes: 100, files: ['dist/a.js'] },
      },
    );
    const h = comp(
      {
        react: {
          bytes: 6500,
          instances: [{ root: 'node_modules/react', version: '18.3.0', bytes: 6500 }],
        },
        moment: {
          bytes: 70_000,
          instances: [{ root: 'node_modules/moment', version: '2.30.1', bytes: 70_000 }],
        },
        tslib: {
          bytes: 1800,
          instances: [
            { root: 'node_modules/tslib', version: '2.6.0', bytes: 900 },
            { root: 'node_modules/x/node_modules/tslib', version: '1.14.1', bytes: 900 },
          ],
        },
      },
      {
        'react/index.js': { bytes: 6500, package: 'react', files: ['dist/a.js'] },
        'moment/moment.js': { bytes: 70_000, package: 'moment', files: ['dist/a.js'] },
        'tslib/tslib.es6.js': { bytes: 1800, package: 'tslib', files: ['dist/a.js'] },
        'src/a.js': { bytes: 100, files: ['dist/a.js'] },
      },
    );
    const d = diffComposition(b, h);
    expect(d.packages.map((p) => [p.name, p.status, p.delta, p.headInstances.length])).toEqual([
      ['moment', 'added', 70_000, 1],
      ['tslib', 'grew', 900, 2],
      ['react', 'grew', 500, 1],
      ['left-pad', 'removed', -300, 0],
    ]);
    expect(d.modules.map((m) => [m.id, m.status, m.delta])).toEqual([
      ['moment/moment.js', 'added', 70_000],
      ['tslib/tslib.es6.js', 'grew', 900],
      ['react/index.js', 'grew', 500],
      ['left-pad/index.js', 'removed', -300],
    ]);
    expect(d.modulesOmitted).toBe(0);
    expect(d.coverage.head).toEqual({ files: 1, bytes: 78_400, unmapped: 0 });
  });
});

describe('minification heuristic', () => {
  it('tells minified from hand-written code', () => {
    const minified = Buffer.from(`${'function a(b,c){return b+c}var d=a(1,2);'.repeat(100)}\n`);
    const written = Buffer.from(
      '/**\n * Adds two numbers.\n */\nfunction add(first, second) {\n  // plain sum\n  return first + second;\n}\n'.repeat(
        30,
      ),
    );
    const m = textStats(minified);
    expect(m).toEqual({
      lines: 1,
      longestLine: minified.length - 1,
      whitespace: 1 + 3 * 100,
      comments: 0,
    });
    expect(looksUnminified(minified.length, m)).toBe(false);
    const w = textStats(written);
    expect(w.lines).toBe(7 * 30);
    expect(w.comments).toBe(
      ('/**'.length + ' * Adds two numbers.'.length + ' */'.length + '  // plain sum'.length) * 30,
    );
    expect(looksUnminified(written.length, w)).toBe(true);
    // Too small to judge.
    expect(looksUnminified(500, textStats(written.subarray(0, 500)))).toBe(false);
  });
});
