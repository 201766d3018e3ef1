// Bundle files on one side only (rows with `presence`), gathered from the result's rows for the
// renderers: one entry per file with its sizes, the added files first, each list largest first.
import type { Comparison } from '../result.js';
import { formatSignedValue, pluralize } from './format.js';

export interface OneSidedFile {
  benchmark: string;
  target: string;
  presence: 'added' | 'removed';
  /** The sizes of the side that has it, in the rows' order (raw, gzip, brotli). */
  sizes: Array<{ metric: string; bytes: number; unit: string }>;
}

export function isOneSided(c: Comparison): boolean {
  return c.presence !== undefined;
}

export function oneSidedFiles(comparisons: readonly Comparison[]): OneSidedFile[] {
  const byKey = new Map<string, OneSidedFile>();
  for (const c of comparisons) {
    if (c.presence === undefined) continue;
    const key = JSON.stringify([c.benchmark, c.target ?? '', c.presence]);
    let file = byKey.get(key);
    if (!file) {
      file = { benchmark: c.benchmark, target: c.target ?? '', presence: c.presence, sizes: [] };
      byKey.set(key, file);
    }
    const side = c.presence === 'added' ? c.head : c.base;
    file.sizes.push({ metric: c.metric, bytes: side.median, unit: c.unit });
  }
  const size = (f: OneSidedFile) => f.sizes[0]?.bytes ?? 0;
  return [...byKey.values()]
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        Number(a.f.presence === 'removed') - Number(b.f.presence === 'removed') ||
        size(b.f) - size(a.f) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}

/** The size metrics of the files, in the order the rows first name them. */
export function oneSidedMetrics(files: readonly OneSidedFile[]): string[] {
  const metrics: string[] = [];
  for (const f of files)
    for (const s of f.sizes) if (!metrics.includes(s.metric)) metrics.push(s.metric);
  return metrics;
}

/** The signed size a file adds (+) or takes away (−) in one metric. */
export function signedSize(file: OneSidedFile, metric: string): string | undefined {
  const s = file.sizes.find((x) => x.metric === metric);
  if (!s) return undefined;
  return formatSignedValue(file.presence === 'added' ? s.bytes : -s.bytes, s.unit);
}

/**
 * For the headline: `2 files added (+73.0 kB gzip)`, `1 file removed (−12.0 kB gzip)`. The sum
 * is of the compressed size every file has (gzip, else brotli), else raw: what users download.
 */
export function describeOneSided(comparisons: readonly Comparison[]): string[] {
  const files = oneSidedFiles(comparisons);
  const out: string[] = [];
  for (const presence of ['added', 'removed'] as const) {
    const these = files.filter((f) => f.presence === presence);
    if (these.length === 0) continue;
    const metric = ['gzip', 'brotli', 'raw'].find((m) =>
      these.every((f) => f.sizes.some((s) => s.metric === m)),
    );
    let sum = '';
    if (metric !== undefined) {
      let bytes = 0;
      for (const f of these) bytes += f.sizes.find((s) => s.metric === metric)!.bytes;
      const unit = these[0]!.sizes.find((s) => s.metric === metric)!.unit;
      sum = ` (${formatSignedValue(presence === 'added' ? bytes : -bytes, unit)} ${metric})`;
    }
    out.push(`${pluralize(these.length, 'file')} ${presence}${sum}`);
  }
  return out;
}
