// The bundle probe: sizes are deterministic, so there are no rounds and no Probe. A benchmark is
// measured once per side (measure.ts, one BundleSizer shared by both sides so contents unchanged
// between them are compressed once) and the two sides compared (compare.ts). It returns
// measurements and evidence only: verdict/exact.ts gives the rows their statuses and
// verdict/budgets.ts checks the budgets.
import type { BundleBenchmarkConfig, Tree } from '../../model.js';
import { type BundleComparison, compareBundles } from './compare.js';
import { BundleSizer, type CompressedSizes, type SizeStore } from './compress.js';
import { type BundleSnapshot, measureBundle } from './measure.js';
import { omittedFilesNote, packagesNote } from './rows.js';

export interface BundleOutcome {
  base: BundleSnapshot;
  head: BundleSnapshot;
  comparison: BundleComparison;
  /** Every size computed or reused, for a later run's `known` (with a baseline, say). */
  saved: Array<[string, CompressedSizes]>;
}

interface SizerOptions {
  threads?: number;
  known?: Iterable<[string, CompressedSizes]>;
  /** Sizes kept between runs (history/size-cache.ts), read and added to. */
  store?: SizeStore;
}

/** Both sides measured with one sizer (contents the sides share are compressed once) and
 *  compared. Advice: adviseBundle(outcome.comparison) in advice/bundle.ts. */
export async function runBundleBenchmark(
  bench: BundleBenchmarkConfig,
  trees: { base: Tree; head: Tree },
  options: SizerOptions = {},
): Promise<BundleOutcome> {
  const sizer = new BundleSizer(options);
  try {
    const [base, head] = await Promise.all([
      measureBundle(bench, trees.base, { sizer }),
      measureBundle(bench, trees.head, { sizer }),
    ]);
    return outcomeOf(bench, base, head, await sizer.saved());
  } finally {
    await sizer.close();
  }
}

/**
 * Head measured and compared with a base snapshot measured earlier (a stored baseline of the same
 * commit, schema-checked by history/bundle-baseline.ts). `known`: the sizes saved with that
 * snapshot, so contents unchanged since are not compressed again.
 */
export async function runBundleBenchmarkAgainst(
  bench: BundleBenchmarkConfig,
  base: BundleSnapshot,
  head: Tree,
  options: SizerOptions = {},
): Promise<BundleOutcome> {
  const sizer = new BundleSizer(options);
  try {
    const measured = await measureBundle(bench, head, { sizer });
    return outcomeOf(bench, base, measured, await sizer.saved());
  } finally {
    await sizer.close();
  }
}

function outcomeOf(
  bench: BundleBenchmarkConfig,
  base: BundleSnapshot,
  head: BundleSnapshot,
  saved: Array<[string, CompressedSizes]>,
): BundleOutcome {
  const comparison = compareBundles(bench, base, head);
  const omitted = omittedFilesNote(comparison);
  if (omitted) comparison.notes.push(omitted);
  const packages = packagesNote(comparison);
  if (packages) comparison.notes.push(packages);
  return { base, head, comparison, saved };
}
