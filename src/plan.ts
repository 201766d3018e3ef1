// The step before anything is built: which commits a run measures (its refs, resolved once) and
// whether a stored baseline stands in for measuring the base (judged once, here). pipeline.ts
// runs it first; the CLI and the action only say where a stored baseline may be found.
import type { StoredBase } from './history/bundle-baseline.js';
import type { Config, Mode } from './model.js';
import { type ResolvedRefs, resolveRefs } from './workspace/index.js';

/** Where the merge-base's stored bundle sizes may come from, looked up once its commit is known. */
export interface StoredBaseLookUp {
  /** `baseline: auto` looks only where a stored base could be used, and says nothing otherwise;
   *  a file named on purpose (`--baseline`) is read whatever the config, and refused aloud. */
  onlyWhereUsable: boolean;
  find(mergeBase: string): Promise<{ storedBase?: StoredBase; notes: string[] }>;
}

export interface PlanOptions {
  cwd: string;
  config: Config;
  mode: Mode;
  /** Base ref; default: the upstream default branch. record measures `head` against itself. */
  base?: string;
  /** Head ref; default HEAD. */
  head?: string;
  /** How reports name the base when `base` is a commit id (the pull request's base branch). */
  baseLabel?: string;
  /** Said first in the result's notes. */
  notes?: string[];
  /** A stored base already read (tests), or where to look one up. */
  storedBase?: StoredBase | StoredBaseLookUp;
}

export interface RunPlan {
  refs: ResolvedRefs;
  /** The name the result gives the base: its label, else the ref as given or resolved. */
  baseName: string;
  /** The stored base to use instead of building and measuring the merge-base, if any. */
  storedBase?: StoredBase;
  /** What the run says first, in order: the callers' notes, then the stored base's. */
  notes: string[];
}

export async function planRun(options: PlanOptions): Promise<RunPlan> {
  // record measures one commit: it is its own base, so the result holds the commit's own
  // figures and, as an A/A run, the noise of this machine (what later comparisons face).
  const base = options.mode === 'record' ? (options.head ?? 'HEAD') : options.base;
  const resolved = await resolveRefs({ cwd: options.cwd, base, head: options.head });
  // trend measures the previous nightly's commit itself: base is a commit of the same branch,
  // not a branch to fork from, and a bisect step's base is a chosen commit too.
  const refs = options.mode === 'trend' ? { ...resolved, mergeBase: resolved.base.sha } : resolved;
  const notes = [...(options.notes ?? [])];
  const plan: RunPlan = { refs, baseName: options.baseLabel ?? refs.base.ref, notes };

  let stored = options.storedBase;
  if (stored !== undefined && 'find' in stored) {
    if (stored.onlyWhereUsable && whyNotUsable(options) !== undefined) return plan;
    const found = await stored.find(refs.mergeBase);
    notes.push(...found.notes);
    stored = found.storedBase;
  }
  if (stored === undefined) return plan;

  const why = whyNotUsable(options) ?? whyNotThis(stored, options.config, refs.mergeBase);
  if (why !== undefined) {
    notes.push(
      `Stored baseline ${stored.source} not used: ${why}; the base was built and measured in this job.`,
    );
    return plan;
  }
  notes.push(
    `Bundle sizes of the merge-base ${refs.mergeBase.slice(0, 12)} come from the stored baseline ${stored.source}; the base was not built or measured again (sizes are deterministic).`,
  );
  return { ...plan, storedBase: stored };
}

/** Why no stored base can serve this run, whatever it holds: only sizes are stored, and a
 *  timed benchmark's base is built and run anyway (timings are comparable only within a job). */
function whyNotUsable(options: Pick<PlanOptions, 'mode' | 'config'>): string | undefined {
  if (options.mode === 'record') return 'mode record measures one commit';
  const timed = options.config.benchmarks.filter((b) => b.type !== 'bundle');
  if (timed.length > 0) {
    return `benchmark ${JSON.stringify(timed[0]!.name)} (${timed[0]!.type}) is timed, and timings are compared only with a base measured in the same job`;
  }
  if (options.config.benchmarks.length === 0) return 'the config has no benchmark';
  return undefined;
}

/** Why this stored base does not fit: another commit, or a benchmark it has no snapshot of. */
function whyNotThis(stored: StoredBase, config: Config, mergeBase: string): string | undefined {
  if (stored.sha !== mergeBase) {
    return `it is of ${stored.sha.slice(0, 12)}, but the merge-base is ${mergeBase.slice(0, 12)}`;
  }
  const missing = config.benchmarks.find((b) => !Object.hasOwn(stored.bundles, b.name));
  if (missing) return `it has no snapshot of benchmark ${JSON.stringify(missing.name)}`;
  return undefined;
}
