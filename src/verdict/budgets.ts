// Every absolute budget of a run, checked once: each benchmark's `budgets:` against what head
// measured. A timed metric is checked on head's median over the rounds (the figure the report
// shows for head), a size on its exact bytes. The direction is the catalogue's (a throughput
// budget is a floor) and budgetExceeded is the one rule.
import { ConfigError } from '../config/errors.js';
import type { BundleComparison, SizeChange } from '../kinds/bundle/compare.js';
import { hashlessName } from '../kinds/bundle/hash.js';
import { BundleConfigError } from '../kinds/bundle/settings.js';
import type { MetricEntry } from '../kinds/catalogue.js';
import { CATALOGUES, targetsOf } from '../kinds/registry.js';
import { metricKey } from '../kinds/types.js';
import type { BenchmarkConfig, BudgetCheck, BundleBenchmarkConfig } from '../model.js';
import { budgetExceeded } from './gate.js';

type TimedBenchmark = Exclude<BenchmarkConfig, BundleBenchmarkConfig>;

/** The catalogue entry of each budget key of a kind: `si` → speed-index. */
export function budgetEntries(kind: TimedBenchmark['type']): Map<string, MetricEntry> {
  const entries = new Map<string, MetricEntry>();
  for (const entry of CATALOGUES[kind] as readonly MetricEntry[]) {
    if (entry.budget) entries.set(entry.budget.key, entry);
  }
  return entries;
}

/**
 * The budgets of the http, command and lighthouse benchmarks against head's medians (keyed by
 * metric key). A key such as `p95` applies to every target; `<target>/<key>` (an http route:
 * `GET /orders/p95`) to one, and wins over the general key for that target. A target without a
 * median (no successful round) gets no check: the run's failure says why.
 */
export function checkTimedBudgets(
  benchmarks: readonly BenchmarkConfig[],
  headMedians: Readonly<Record<string, number>>,
): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const bench of benchmarks) {
    if (bench.type === 'bundle') continue;
    const budgets = bench.budgets ?? {};
    const entries = budgetEntries(bench.type);
    const targets = targetsOf(bench);
    const done = new Set<string>();
    for (const [key, limit] of Object.entries(budgets)) {
      const { target, entry } = parseBudgetKey(bench, key, entries, targets);
      checkedLimit(bench.name, key, limit);
      const budgetKey = entry.budget!.key;
      for (const t of target === undefined ? targets : [target]) {
        const id = `${t ?? ''}\0${entry.metric}`;
        if (done.has(id)) continue;
        done.add(id);
        // The most specific budget wins: a route's own over the benchmark's.
        const own = t !== undefined ? `${t}/${budgetKey}` : undefined;
        const applied = own !== undefined && Object.hasOwn(budgets, own) ? budgets[own]! : limit;
        const value = headMedians[metricKey(bench.name, t, entry.metric)];
        if (value === undefined) continue;
        const check: BudgetCheck = {
          benchmark: bench.name,
          metric: entry.metric,
          unit: entry.unit,
          limit: applied,
          value,
          exceeded: budgetExceeded(entry.better, value, applied),
        };
        if (t !== undefined) check.target = t;
        checks.push(check);
      }
    }
  }
  return checks;
}

function parseBudgetKey(
  bench: TimedBenchmark,
  key: string,
  entries: Map<string, MetricEntry>,
  targets: Array<string | undefined>,
): { target?: string; entry: MetricEntry } {
  const general = entries.get(key);
  if (general) return { entry: general };
  const slash = key.lastIndexOf('/');
  const entry = slash > 0 ? entries.get(key.slice(slash + 1)) : undefined;
  const target = key.slice(0, slash);
  if (entry && bench.type === 'http' && targets.includes(target)) return { target, entry };
  const known = [...entries.keys()].join(', ');
  const perRoute = bench.type === 'http' ? `, or "<route>/<key>" for a route of requests` : '';
  throw new ConfigError([
    {
      path: `benchmarks.${bench.name}.budgets.${key}`,
      message: `not ${bench.type === 'http' ? 'an' : 'a'} ${bench.type} budget; expected one of ${known}${perRoute}`,
      value: key,
    },
  ]);
}

function checkedLimit(benchmark: string, key: string, limit: number): void {
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw new ConfigError([
      {
        path: `benchmarks.${benchmark}.budgets.${key}`,
        message: `expected a finite number, got ${String(limit)}`,
        value: limit,
      },
    ]);
  }
}

/** Code points of a note; the result allows 2,000 and a file's path may be longer. */
const MAX_NOTE = 1000;

function clip(text: string): string {
  const points = [...text];
  return points.length <= MAX_NOTE ? text : `${points.slice(0, MAX_NOTE - 1).join('')}…`;
}

/** A bundle benchmark's budget checks, and notes (for the result) of budgets with nothing left
 *  to check. */
export interface BundleBudgets {
  checks: BudgetCheck[];
  notes: string[];
}

/**
 * A bundle benchmark's budgets on head's exact sizes: absolute budgets keyed
 * `<total|group|file>.<raw|gzip|brotli>` (a file by its path, or its name with `[hash]`), then
 * the change limit (`budgets.change`, bench.maxChange) on the total and groups always and on
 * files only where exceeded (unit `ratio`). A file budget naming a file that head no longer has
 * is a note; one naming no file on either side is a config error.
 */
export function checkBundleBudgets(
  bench: BundleBenchmarkConfig,
  comparison: BundleComparison,
): BundleBudgets {
  const checks: BudgetCheck[] = [];
  const notes: string[] = [];
  const headFiles = [
    ...comparison.files.map((f) => ({ path: f.head, target: f.target, sizes: headSizes(f) })),
    ...comparison.added.map((f) => ({ path: f.path, target: f.target, sizes: headSizes(f) })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const basePaths = [
    ...comparison.files.map((f) => f.base),
    ...comparison.removed.map((f) => f.path),
  ];
  for (const [key, limit] of Object.entries(bench.budgets)) {
    const dot = key.lastIndexOf('.');
    const target = key.slice(0, dot);
    const metric = key.slice(dot + 1);
    const push = (t: string, value: number) =>
      checks.push({
        benchmark: bench.name,
        target: t,
        metric,
        unit: 'B',
        limit,
        value,
        exceeded: budgetExceeded('lower', value, limit),
      });
    const group =
      target === 'total' ? comparison.total : comparison.groups.find((g) => g.name === target);
    if (group) {
      push(target, group.head[metric as keyof typeof group.head] ?? 0);
      continue;
    }
    const matches = (path: string) => path === target || hashlessName(path) === target;
    const inHead = headFiles.filter((f) => matches(f.path));
    if (inHead.length > 0) {
      for (const f of inHead) push(f.target, f.sizes.get(metric) ?? 0);
    } else if (basePaths.some(matches)) {
      notes.push(clip(`${bench.name}: budget ${key}: ${target} is gone on head; nothing to check`));
    } else {
      throw new BundleConfigError(
        bench.name,
        `budgets.${key}`,
        limit,
        `"total", a group (${Object.keys(bench.groups).join(', ') || 'none defined'}) or a measured file's path, with or without its hash as [hash]`,
      );
    }
  }
  if (bench.maxChange !== undefined) {
    const limit = bench.maxChange;
    const check = (target: string, c: SizeChange): BudgetCheck => ({
      benchmark: bench.name,
      target,
      metric: `${c.metric}-change`,
      unit: 'ratio',
      limit,
      value: c.change,
      exceeded: budgetExceeded('lower', c.change, limit),
    });
    for (const g of [comparison.total, ...comparison.groups]) {
      for (const c of g.changes) checks.push(check(g.name, c));
    }
    for (const f of comparison.files) {
      for (const c of f.changes) if (c.change > limit) checks.push(check(f.target, c));
    }
  }
  return { checks, notes };
}

function headSizes(file: { changes: SizeChange[] }): Map<string, number> {
  return new Map(file.changes.map((c) => [c.metric, c.head]));
}
