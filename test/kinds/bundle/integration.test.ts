// A real esbuild build of a fixture app at two commits of a real git repository: head adds a
// dependency, and the probe must name it as the cause, fail the budget and advise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseBundle } from '../../../src/advice/bundle.js';
import { type BundleOutcome, runBundleBenchmark } from '../../../src/kinds/bundle/probe.js';
import type { BudgetCheck, BundleBenchmarkConfig, Tree } from '../../../src/model.js';
import { adviceSchema, type Comparison, comparisonSchema } from '../../../src/result.js';
import { checkBundleBudgets } from '../../../src/verdict/budgets.js';
import { bundleToComparisons } from '../../../src/verdict/exact.js';
import { buildApp, createFixtureRepo, git } from './fixture-app.js';

const bench: BundleBenchmarkConfig = {
  name: 'web',
  type: 'bundle',
  files: ['dist/**/*.js', 'dist/**/*.css'],
  compression: ['gzip', 'brotli'],
  groups: { static: ['dist/*.js', '!dist/main-*.js'] },
  // The base app is about 1 kB gzipped; head adds tens of kB of date tables.
  budgets: { 'total.gzip': 4000, 'static.brotli': 2000 },
  maxChange: 0.5,
};

describe('bundle probe on a real esbuild build at two commits', () => {
  let root: string;
  let repo: string;
  let trees: { base: Tree; head: Tree };
  let outcome: BundleOutcome;
  // What the pipeline makes of the outcome: rows judged, budgets checked (verdict/).
  let rows: Comparison[];
  let budgets: BudgetCheck[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'perfgate-bundle-it-'));
    const fixture = createFixtureRepo(root);
    repo = fixture.repo;
    const dirs = { base: join(root, 'wt-base'), head: join(root, 'wt-head') };
    git(repo, 'worktree', 'add', '-q', '--detach', dirs.base, fixture.baseSha);
    git(repo, 'worktree', 'add', '-q', '--detach', dirs.head, fixture.headSha);
    await Promise.all([buildApp(dirs.base), buildApp(dirs.head)]);
    trees = {
      base: { side: 'base', ref: 'main', sha: fixture.baseSha, dir: dirs.base },
      head: { side: 'head', ref: 'feature', sha: fixture.headSha, dir: dirs.head },
    };
    outcome = await runBundleBenchmark(bench, trees, { threads: 2 });
    rows = bundleToComparisons(outcome.comparison, 0.01);
    budgets = checkBundleBudgets(bench, outcome.comparison).checks;
  });

  afterAll(() => {
    if (repo) {
      git(repo, 'worktree', 'remove', '--force', join(root, 'wt-base'));
      git(repo, 'worktree', 'remove', '--force', join(root, 'wt-head'));
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('matches the hashed entry across commits and reports exact sizes', () => {
    const { comparison } = outcome;
    const main = comparison.files.find((f) => f.target === 'dist/main-[hash].js');
    expect(main?.how).toBe('hash');
    expect(main?.base).not.toBe(main?.head);
    const rawChange = main!.changes.find((c) => c.metric === 'raw')!;
    expect(rawChange.delta).toBeGreaterThan(10_000);
    // Every head file is counted in the total exactly once.
    const headRaw = outcome.head.files.reduce((s, f) => s + f.raw, 0);
    expect(comparison.total.head.raw).toBe(headRaw);
    expect(comparison.added.map((f) => f.path)).toEqual(['dist/legacy-widget.js']);
    expect(comparison.removed).toEqual([]);
  });

  it('names the new package as the cause, with its version, and finds it bundled beside a second tiny-util', () => {
    const packages = outcome.comparison.composition!.packages;
    const heavy = packages.find((p) => p.name === 'heavy-date-lib')!;
    expect(heavy.status).toBe('added');
    expect(heavy.head).toBeGreaterThan(15_000);
    expect(heavy.headInstances).toEqual([
      { root: 'node_modules/heavy-date-lib', version: '3.2.1', bytes: heavy.head },
    ]);
    // The largest growth of all is this package.
    expect(packages[0]!.name).toBe('heavy-date-lib');
    const tiny = packages.find((p) => p.name === 'tiny-util')!;
    expect(tiny.headInstances.map((i) => [i.root, i.version])).toEqual([
      ['node_modules/heavy-date-lib/node_modules/tiny-util', '2.0.0'],
      ['node_modules/tiny-util', '1.0.0'],
    ]);
    expect(tiny.baseInstances).toHaveLength(1);
    // Attribution accounts for every byte of the files with source maps.
    const coverage = outcome.comparison.composition!.coverage.head;
    const mapped = outcome.head.files.filter((f) => outcome.head.composition!.files[f.path]);
    expect(coverage.bytes).toBe(mapped.reduce((s, f) => s + f.raw, 0));
  });

  it('fails the budget and the change limit, and says so in data', () => {
    const total = budgets.find((b) => b.target === 'total' && b.metric === 'gzip')!;
    expect(total.exceeded).toBe(true);
    expect(total.value).toBe(outcome.comparison.total.head.gzip);
    const staticGroup = budgets.find((b) => b.target === 'static' && b.metric === 'brotli')!;
    expect(staticGroup.exceeded).toBe(false);
    expect(
      budgets.some((b) => b.metric === 'gzip-change' && b.target === 'total' && b.exceeded),
    ).toBe(true);
  });

  it('produces result-JSON comparisons that validate, regressed where head grew', () => {
    for (const c of rows) comparisonSchema.parse(c);
    const total = rows.find((c) => c.key === 'web/total/gzip')!;
    expect(total.status).toBe('regressed');
    expect(total.scale).toBe('exact');
    expect(total.samples.head).toEqual([outcome.comparison.total.head.gzip]);
    // The settings chunk did not change: no rows of its own, and it is still in the total.
    expect(rows.map((c) => c.target)).not.toContain('dist/chunk-[hash].js');
    expect(outcome.comparison.total.headFiles).toContain(
      outcome.comparison.files.find((f) => f.target === 'dist/chunk-[hash].js')!.head,
    );
    expect(new Set(rows.map((c) => c.target))).toEqual(
      new Set(['total', 'static', 'dist/main-[hash].js', 'dist/legacy-widget.js']),
    );
    // The added file: every size from 0, marked as added.
    const widget = rows.filter((c) => c.target === 'dist/legacy-widget.js');
    expect(widget.map((c) => [c.metric, c.presence, c.base.median])).toEqual([
      ['raw', 'added', 0],
      ['gzip', 'added', 0],
      ['brotli', 'added', 0],
    ]);
  });

  it('says every package that changed in a note, which the result keeps', () => {
    const note = outcome.comparison.notes.find((n) => n.startsWith('web: packages'));
    expect(note).toMatch(
      /^web: packages \(generated code\): heavy-date-lib added \(\+\d+\.\d kB\); tiny-util grew \(\+[\d.]+ k?B, bundled 2 times \((?:1\.0\.0, 2\.0\.0|2\.0\.0, 1\.0\.0)\)\)$/,
    );
  });

  it('advises on the new dependency, the duplicate, the budget and the unminified file', () => {
    const advice = adviseBundle(outcome.comparison, { budgets });
    for (const a of advice) adviceSchema.parse(a);
    const rules = advice.map((a) => a.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'budget-exceeded',
        'change-limit-exceeded',
        'new-heavy-dependency',
        'duplicate-package',
        'not-minified',
      ]),
    );
    const heavy = advice.find((a) => a.rule === 'new-heavy-dependency')!;
    expect(heavy.title).toMatch(/^web: new dependency heavy-date-lib adds \d+\.\d kB$/);
    expect(heavy.evidence[0]).toMatch(/^heavy-date-lib@3\.2\.1: /);
    const budget = advice.find((a) => a.rule === 'budget-exceeded')!;
    expect(budget.fix).toContain('heavy-date-lib (package)');
    expect(budget.metrics).toEqual(['web/total/gzip']);
    const duplicate = advice.find((a) => a.rule === 'duplicate-package')!;
    expect(duplicate.evidence[0]).toContain(
      '2.0.0 at node_modules/heavy-date-lib/node_modules/tiny-util',
    );
    expect(advice.find((a) => a.rule === 'not-minified')!.title).toBe(
      'web: dist/legacy-widget.js does not look minified',
    );
  });

  it('measured the content both sides share only once', () => {
    // The settings chunk and analytics.js are identical on both sides.
    expect(outcome.base.compressed + outcome.head.compressed).toBeLessThan(
      outcome.base.files.length + outcome.head.files.length,
    );
    expect(outcome.base.reused + outcome.head.reused).toBeGreaterThanOrEqual(2);
  });
});
