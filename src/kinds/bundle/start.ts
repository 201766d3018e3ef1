// Starts a bundle benchmark, which measures at once: sizes do not vary, so there are no rounds.
// The base comes from a stored baseline when plan.ts judged one usable.
import type { BundleBenchmarkConfig } from '../../model.js';
import type { KindRun, Started } from '../types.js';
import { type BundleOutcome, runBundleBenchmark, runBundleBenchmarkAgainst } from './probe.js';

export async function startBundle(bench: BundleBenchmarkConfig, run: KindRun): Promise<Started> {
  const bundles = run.storedBase?.bundles;
  // Own keys only: a benchmark named "constructor" is not in every object.
  const storedBase =
    bundles && Object.hasOwn(bundles, bench.name) ? bundles[bench.name] : undefined;
  let outcome: BundleOutcome;
  if (storedBase) {
    run.log(`Measuring bundle ${bench.name} on head; base from ${run.storedBase!.source}`);
    outcome = await runBundleBenchmarkAgainst(bench, storedBase, run.sides.head, {
      known: run.storedBase!.known,
    });
  } else {
    run.log(`Measuring bundle ${bench.name} on both trees`);
    outcome = await runBundleBenchmark(bench, run.sides);
  }
  return { bundle: bench, outcome };
}
