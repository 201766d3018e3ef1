// Starts a bundle benchmark, which measures at once: sizes do not vary, so there are no rounds.
// The base comes from a stored baseline when plan.ts judged one usable. Sizes an earlier run kept
// in the size cache (history/size-cache.ts) are read from it, and new ones added; the pipeline
// writes it back once every bundle benchmark is measured.
import type { BundleBenchmarkConfig } from '../../model.js';
import type { KindRun, Started } from '../types.js';
import { type BundleOutcome, runBundleBenchmark, runBundleBenchmarkAgainst } from './probe.js';

export async function startBundle(bench: BundleBenchmarkConfig, run: KindRun): Promise<Started> {
  const bundles = run.storedBase?.bundles;
  // Own keys only: a benchmark named "constructor" is not in every object.
  const storedBase =
    bundles && Object.hasOwn(bundles, bench.name) ? bundles[bench.name] : undefined;
  const cache = run.sizeCache;
  if (cache) await cache.load();
  const before = cache ? { ...cache.stats } : undefined;
  const store = cache ? { store: cache } : {};
  let outcome: BundleOutcome;
  if (storedBase) {
    run.log(`Measuring bundle ${bench.name} on head; base from ${run.storedBase!.source}`);
    outcome = await runBundleBenchmarkAgainst(bench, storedBase, run.sides.head, {
      known: run.storedBase!.known,
      ...store,
    });
  } else {
    run.log(`Measuring bundle ${bench.name} on both trees`);
    outcome = await runBundleBenchmark(bench, run.sides, store);
  }
  if (cache && before) {
    const hits = cache.stats.hits - before.hits;
    const asked = hits + cache.stats.misses - before.misses;
    run.log(
      `Bundle ${bench.name}: ${hits} of ${asked} sizes read from the size cache ${cache.dir}`,
    );
  }
  return { bundle: bench, outcome };
}
