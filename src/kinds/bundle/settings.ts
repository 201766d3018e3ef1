// What a bundle benchmark's config must hold for the probe to measure it: re-checked here (the
// probe is also called with configs built in code), each problem named by field and value.
import { BadInputError } from '../../errors.js';
import type { BundleBenchmarkConfig } from '../../model.js';
import type { Compression } from './compress.js';

export type SizeMetric = 'raw' | Compression;

/** A bundle setting that cannot work: names the field, the value and what was expected. */
export class BundleConfigError extends BadInputError {
  override name = 'BundleConfigError';
  constructor(
    readonly benchmark: string,
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(
      `benchmark ${JSON.stringify(benchmark)}: ${field} is ${JSON.stringify(value)}; expected ${expected}`,
    );
  }
}

const SIZE_METRICS: readonly SizeMetric[] = ['raw', 'gzip', 'brotli'];

/** The size metrics a benchmark reports, `raw` first. */
export function bundleMetrics(bench: BundleBenchmarkConfig): SizeMetric[] {
  return SIZE_METRICS.filter((m) => m === 'raw' || bench.compression.includes(m));
}

/** Throws a BundleConfigError for the first setting the probe cannot honour. */
export function validateBundle(bench: BundleBenchmarkConfig): void {
  if (bench.files.length === 0) {
    throw new BundleConfigError(bench.name, 'files', bench.files, 'at least one glob');
  }
  for (const c of bench.compression) {
    if (c !== 'gzip' && c !== 'brotli') {
      throw new BundleConfigError(bench.name, 'compression', c, '"gzip" or "brotli"');
    }
  }
  if ('total' in bench.groups) {
    throw new BundleConfigError(
      bench.name,
      'groups.total',
      bench.groups.total,
      'another name ("total" is the sum of all files)',
    );
  }
  const metrics = bundleMetrics(bench);
  for (const [key, limit] of Object.entries(bench.budgets)) {
    const dot = key.lastIndexOf('.');
    const metric = key.slice(dot + 1) as SizeMetric;
    if (dot <= 0 || !metrics.includes(metric)) {
      throw new BundleConfigError(
        bench.name,
        `budgets.${key}`,
        limit,
        `a key "<total|group|file>.<${metrics.join('|')}>" (the compressions listed in compression)`,
      );
    }
    if (!Number.isFinite(limit) || limit < 0) {
      throw new BundleConfigError(bench.name, `budgets.${key}`, limit, 'a size in bytes ≥ 0');
    }
  }
  if (
    bench.maxChange !== undefined &&
    !(Number.isFinite(bench.maxChange) && bench.maxChange >= 0)
  ) {
    throw new BundleConfigError(
      bench.name,
      'maxChange',
      bench.maxChange,
      'a fraction ≥ 0 (0.05 is 5%)',
    );
  }
}
