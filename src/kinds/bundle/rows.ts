// A bundle comparison's rows: the total, each group, and each file whose size changed, appeared
// or disappeared, as exact measurements (verdict/exact.ts gives them their statuses). Pure.
import { createHash } from 'node:crypto';
import type { MetricSpec } from '../../model.js';
import { formatBytes } from '../../report/format.js';
import { catalogueSpec } from '../types.js';
import { bundleEntry } from './catalogue.js';
import type { BundleComparison, PackageDiff, SizeChange } from './compare.js';

/** Files listed one by one, at most; the result JSON holds 10,000 rows. */
export const MAX_FILE_ROWS = 500;

/** Notes of one bundle benchmark in the result, at most; the result holds 200 notes. */
export const MAX_BUNDLE_NOTES = 20;

/** Code points of a note; the result allows 2,000. */
const MAX_NOTE_LENGTH = 1000;

type Presence = 'added' | 'removed';

interface Row {
  target: string;
  changes: SizeChange[];
  presence?: Presence;
}

/**
 * The rows a comparison turns into: the total, each group, then the files (changed on both
 * sides, added, removed) by the raw bytes they add or take away, largest first, at most
 * `maxFiles`. Unchanged files add no row (the total and groups count them).
 */
function rowsOf(comparison: BundleComparison, maxFiles: number): { rows: Row[]; omitted: number } {
  const weighed: Array<Row & { weight: number }> = [
    ...comparison.files
      .filter((f) => f.changes.some((c) => c.delta !== 0))
      .map((f) => ({
        target: f.target,
        changes: f.changes,
        weight: Math.abs(f.changes[0]!.delta),
      })),
    ...comparison.added.map((f) => ({
      target: f.target,
      changes: f.changes,
      presence: 'added' as const,
      weight: f.raw,
    })),
    ...comparison.removed.map((f) => ({
      target: f.target,
      changes: f.changes,
      presence: 'removed' as const,
      weight: f.raw,
    })),
  ];
  weighed.sort((a, b) => b.weight - a.weight || (a.target < b.target ? -1 : 1));
  const files = weighed
    .slice(0, maxFiles)
    .map(({ weight: _, ...row }) => ({ ...row, target: fitTarget(row.target) }));
  return {
    rows: [
      ...[comparison.total, ...comparison.groups].map((g) => ({
        target: g.name,
        changes: g.changes,
      })),
      ...files,
    ],
    omitted: Math.max(0, weighed.length - maxFiles),
  };
}

/** Code points of a file's target in a row: its key (`benchmark/target/metric`) must stay within
 *  the result's 1,000 characters, and a PR can name a file with a path of 4,000. */
const MAX_TARGET = 600;

/** A long path cut, with a hash of the whole so that two cut paths stay apart. */
export function fitTarget(target: string): string {
  const points = [...target];
  if (points.length <= MAX_TARGET) return target;
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 12);
  return `${points.slice(0, MAX_TARGET - 14).join('')}…#${hash}`;
}

/** The metric specs of a comparison, in the order of bundleRows. */
export function bundleSpecs(comparison: BundleComparison, maxFiles = MAX_FILE_ROWS): MetricSpec[] {
  return rowsOf(comparison, maxFiles).rows.flatMap((row) =>
    row.changes.map((c) => catalogueSpec(bundleEntry(c.metric), comparison.benchmark, row.target)),
  );
}

/** Why some files have no row, when some have none. */
export function omittedFilesNote(
  comparison: BundleComparison,
  maxFiles = MAX_FILE_ROWS,
): string | undefined {
  const { omitted } = rowsOf(comparison, maxFiles);
  return omitted > 0
    ? `${comparison.benchmark}: ${omitted} more changed, added or removed files are not listed one by one (only the ${maxFiles} largest changes are); the total and groups include them`
    : undefined;
}

/** One size of one target, measured exactly on both sides. */
export interface ExactRow {
  spec: MetricSpec;
  base: number;
  head: number;
  /** Relative change, against 1 byte when base is 0. */
  change: number;
  /** A file on one side only: `added` (base is 0) or `removed` (head is 0). */
  presence?: 'added' | 'removed';
}

/** The rows of rowsOf as measurements, in the order of bundleSpecs. */
export function bundleRows(comparison: BundleComparison, maxFiles = MAX_FILE_ROWS): ExactRow[] {
  const specs = bundleSpecs(comparison, maxFiles);
  const changes = rowsOf(comparison, maxFiles).rows.flatMap((row) =>
    row.changes.map((c) => ({ c, presence: row.presence })),
  );
  return specs.map((spec, i) => {
    const { c, presence } = changes[i]!;
    const row: ExactRow = { spec, base: c.base, head: c.head, change: c.change };
    if (presence !== undefined) row.presence = presence;
    return row;
  });
}

/**
 * The comparison's notes as the result's notes say them: named after the benchmark, at most
 * `max` of them (a build of hundreds of files with broken source maps would otherwise crowd out
 * every other note), the rest counted.
 */
export function bundleNotes(comparison: BundleComparison, max = MAX_BUNDLE_NOTES): string[] {
  const prefix = `${comparison.benchmark}: `;
  const notes = comparison.notes.map((n) =>
    clip(n.startsWith(prefix) ? n : prefix + n, MAX_NOTE_LENGTH),
  );
  if (notes.length <= max) return notes;
  return [
    ...notes.slice(0, max - 1),
    `${prefix}${notes.length - max + 1} more notes like these are left out`,
  ];
}

function clip(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

/** Packages listed by name in packagesNote, at most. */
const MAX_PACKAGES_NAMED = 12;

/**
 * Every package that appeared, went, grew, shrank or is bundled more than once, in one line (the
 * largest changes named, the rest counted): advice speaks only of the large ones, and the result
 * has no other place for them.
 */
export function packagesNote(comparison: BundleComparison): string | undefined {
  const packages = comparison.composition?.packages ?? [];
  if (packages.length === 0) return undefined;
  const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatBytes(Math.abs(n))}`;
  const describe = (p: PackageDiff) => {
    const copies =
      p.headInstances.length > 1
        ? `, bundled ${p.headInstances.length} times (${p.headInstances.map((i) => i.version ?? '?').join(', ')})`
        : '';
    const what = p.status === 'unchanged' ? 'unchanged' : p.status;
    return `${p.name} ${what} (${signed(p.delta)}${copies})`;
  };
  const sorted = [...packages].sort(
    (a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.name < b.name ? -1 : 1),
  );
  const named = sorted.slice(0, MAX_PACKAGES_NAMED).map(describe);
  const more = sorted.length - named.length;
  return `${comparison.benchmark}: packages (generated code): ${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
