import { adviseAll } from './advice/index.js';
import type { StoredBase } from './history/bundle-baseline.js';
import type { SizeCache } from './history/size-cache.js';
import type { BundleComparison } from './kinds/bundle/compare.js';
import type { BundleOutcome } from './kinds/bundle/probe.js';
import { bundleNotes } from './kinds/bundle/rows.js';
import { isCapacityEvidence } from './kinds/http/capacity-schema.js';
import { startKind } from './kinds/registry.js';
import type { KindRun, Probe } from './kinds/types.js';
import type {
  BudgetCheck,
  BundleBenchmarkConfig,
  Config,
  MetricSpec,
  Mode,
  Side,
  Tree,
} from './model.js';
import { planRun, type StoredBaseLookUp } from './plan.js';
import { type ProfileKeep, profileAfterDecision } from './profile/collect.js';
import { sortComparisons } from './report/statuses.js';
import { type Comparison, type Result, SCHEMA_VERSION } from './result.js';
import { type RunProgress, runSampler } from './sampler/index.js';
import { FUTILITY_POWER } from './stats/futility.js';
import { median } from './stats/summary.js';
import {
  applyFailOn,
  bundleToComparisons,
  checkBundleBudgets,
  checkTimedBudgets,
  decideVerdict,
  thresholdFor,
} from './verdict/index.js';
import { VERSION } from './version.js';
import type { OutputGroup } from './workspace/build.js';
import { buildTrees, createWorktrees, registerCleanup, runBuild } from './workspace/index.js';
import { withRunCookie } from './workspace/run-cookie.js';
import { type Run, startRun } from './workspace/run-record.js';

export interface PipelineOptions {
  /** The repository checkout to measure. */
  cwd: string;
  config: Config;
  mode: Extract<Mode, 'compare' | 'collect' | 'record' | 'trend' | 'demo'>;
  /** Base ref (compare/collect); default: the upstream default branch. The merge-base of base
   *  and head is what gets measured. */
  base?: string;
  /** Head ref; default HEAD. */
  head?: string;
  /** How reports name the base when `base` is a commit id (the pull request's base branch). */
  baseLabel?: string;
  /** Progress as it goes: each phase, and the sampler's pairs and looks (sampler/progress.ts). */
  onProgress?: (event: RunProgress) => void;
  /** Where a build's and a server's start-up output is shown (a folded group of a CI log);
   *  nowhere when absent. */
  outputGroup?: (title: string) => OutputGroup;
  /** Messages worth saying as they happen (building, starting servers, notes). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Clock seam for the sampler's time budget (ms). */
  now?: () => number;
  /** Said first in the result's notes (e.g. why a stored baseline was not used). */
  notes?: string[];
  /** The merge-base's bundle snapshots from a stored baseline, or where to look them up; plan.ts
   *  judges whether they stand in for building and measuring the base, and notes why not. */
  storedBase?: StoredBase | StoredBaseLookUp;
  /** Each bundle benchmark's outcome, as measured (record keeps the head snapshots). */
  onBundle?: (bench: BundleBenchmarkConfig, outcome: BundleOutcome) => void;
  /** Compressed sizes kept between runs (history/size-cache.ts): read by bundle benchmarks, and
   *  written back once they are measured. */
  sizeCache?: SizeCache;
  /** Where the CPU profiles of a regressed target are kept (beside the result JSON). */
  profileKeep?: ProfileKeep;
}

/** Everything a run started, stopped in reverse order whatever happens. */
class Resources {
  private readonly stops: Array<() => Promise<unknown>> = [];
  private disposing: Promise<void> | undefined;
  add(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }
  /** One shared run: a signal's cleanup and the run's own `finally` both wait for all of it
   *  (two interleaved runs once let the process exit mid `git worktree remove`). */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      const errors: unknown[] = [];
      for (const stop of this.stops.toReversed()) {
        await stop().catch((error) => errors.push(error));
      }
      if (errors.length > 0) throw errors[0];
    })();
    return this.disposing;
  }
}

/**
 * Measures, with every process it starts marked with the run's cookie and swept when the run
 * ends (workspace/run-cookie.ts), and the leftovers of an earlier, killed run cleaned first.
 */
export async function runPipeline(options: PipelineOptions): Promise<Result> {
  const run = await startRun({ cwd: options.cwd, log: options.log });
  try {
    return await withRunCookie(run.cookie, () => measure(options, run));
  } finally {
    await run.end();
  }
}

async function measure(options: PipelineOptions, run: Run): Promise<Result> {
  const { config, cwd } = options;
  const startedAt = new Date();
  const notes: string[] = [];
  const log = options.log ?? (() => {});
  const say = (note: string) => {
    notes.push(note);
    log(note);
  };

  const plan = await planRun(options);
  const { refs, storedBase: stored } = plan;
  for (const note of plan.notes) say(note);
  if (options.mode === 'record') {
    say(
      `record: ${refs.head.sha.slice(0, 12)} was measured against itself (an A/A run); its ` +
        "samples are the baseline and any difference is this machine's noise.",
    );
  }
  log(
    `perfgate: ${refs.head.ref} (${refs.head.sha.slice(0, 7)}) against the merge-base ` +
      `${refs.mergeBase.slice(0, 7)} with ${refs.base.ref}`,
  );
  const trees = await createWorktrees({ cwd, refs, onDirectory: run.addWorktreeDir });
  const resources = new Resources();
  resources.add(() => trees.dispose());
  // Ctrl-C and uncaught errors run this too (workspace/cleanup.ts), so nothing outlives a run.
  const unregister = registerCleanup(() => resources.dispose());
  try {
    for (const note of trees.notes) say(note);
    const buildOptions = {
      timeoutMs: config.buildTimeoutMs,
      signal: options.signal,
      onBuild: (tree: Tree) => {
        options.onProgress?.({ phase: `building ${tree.side}` });
        return options.outputGroup?.(
          `Build of ${tree.side} (${tree.sha.slice(0, 7)}): ${config.build}`,
        );
      },
    };
    if (config.build && stored) {
      log(`Building head only (the base's sizes are stored): ${config.build}`);
      await runBuild(trees.head, config.build, buildOptions);
    } else if (config.build) {
      log(`Building both trees: ${config.build}`);
      await buildTrees({ base: trees.base, head: trees.head }, config.build, buildOptions);
    }
    const sides: Record<Side, Tree> = { base: trees.base, head: trees.head };
    options.onProgress?.({ phase: 'starting benchmarks' });
    const measured = await startProbes(config, sides, resources, {
      ...options,
      storedBase: stored,
    });
    for (const bundle of measured.bundles) for (const note of bundleNotes(bundle)) say(note);
    await options.sizeCache?.flush();
    for (const note of options.sizeCache?.takeNotes() ?? []) say(note);
    for (const note of measured.budgetNotes) say(note);
    for (const note of measured.notes) say(note);

    const sampled =
      measured.probes.length > 0
        ? await runSampler({
            gate: config.gate,
            probes: measured.probes,
            now: options.now,
            signal: options.signal,
            onProgress: (sampled) => options.onProgress?.({ sampled }),
            onPhase: (phase) => options.onProgress?.({ phase }),
          })
        : undefined;
    for (const note of sampled?.notes ?? []) say(note);
    // After the sampler's last look: the statuses are decided and its samples final.
    const profile = await profileAfterDecision({
      benchmarks: config.benchmarks,
      sides,
      comparisons: sampled?.comparisons ?? [],
      cwd,
      mergeBase: refs.mergeBase,
      head: refs.head.sha,
      mode: options.mode,
      log,
      keep: options.profileKeep,
      signal: options.signal,
      onStart: () => options.onProgress?.({ phase: 'profiling' }),
    });
    for (const note of profile?.notes ?? []) say(note);
    const evidence: unknown[] = [];
    for (const probe of measured.probes) {
      if (probe.evidence) evidence.push(await probe.evidence());
    }
    const capacity = evidence.filter(isCapacityEvidence).flatMap((e) => e.routes);
    const comparisons = [...(sampled?.comparisons ?? []), ...measured.exact];
    // Bundle budgets were checked when the sizes were measured (a budget naming no file stops
    // the run before sampling); the timed ones are checked on head's medians.
    const budgets = [
      ...measured.budgets,
      ...checkTimedBudgets(config.benchmarks, headMedians(comparisons)),
    ];
    const advice = adviseAll({
      comparisons,
      evidence,
      bundles: measured.bundles,
      budgets,
      profile,
    });
    const statuses = comparisons.map((c) => c.status);
    const unresolved = statuses.filter((s) => s === 'inconclusive').length;
    if (sampled?.stoppedBy === 'futility' && unresolved > 0) say(futilityPassNote(unresolved));
    const { verdict } = applyFailOn(
      decideVerdict(statuses, budgets, sampled?.stoppedBy),
      config.gate.failOn,
    );

    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'perfgate', version: VERSION },
      mode: options.mode,
      verdict,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      base: { ref: plan.baseName, sha: refs.mergeBase },
      head: { ref: refs.head.ref, sha: refs.head.sha },
      gate: {
        threshold: config.gate.threshold,
        alpha: config.gate.alpha,
        correction: config.gate.correction,
        timeBudgetMs: config.gate.timeBudgetMs,
        seed: config.gate.seed,
      },
      sampling: sampled
        ? { ...sampled.sampling, ...finalLevel(sampled.looks) }
        : {
            pairs: 1,
            warmup: 0,
            looks: [],
            stoppedBy: 'exact',
            elapsedMs: 0,
          },
      comparisons: sortComparisons(comparisons),
      budgets,
      advice,
      notes,
      minimumDetectableChange: minimumDetectable(comparisons),
      ...(profile || capacity.length > 0
        ? {
            evidence: {
              ...(profile ? { profile } : {}),
              ...(capacity.length > 0 ? { capacity } : {}),
            },
          }
        : {}),
    };
  } finally {
    unregister();
    await resources.dispose();
  }
}

interface Measured {
  /** Probes the sampler drives in interleaved rounds. */
  probes: Probe[];
  /** Deterministic comparisons made once (bundle sizes). */
  exact: Comparison[];
  /** The bundle benchmarks' budget checks (verdict/budgets.ts). */
  budgets: BudgetCheck[];
  /** Budgets with nothing left to check (a file gone on head). */
  budgetNotes: string[];
  bundles: BundleComparison[];
  /** What the kinds said while starting (KindRun.note). */
  notes: string[];
}

async function startProbes(
  config: Config,
  sides: Record<Side, Tree>,
  resources: Resources,
  options: Omit<PipelineOptions, 'storedBase'> & { storedBase?: StoredBase },
): Promise<Measured> {
  const log = options.log ?? (() => {});
  const measured: Measured = {
    probes: [],
    exact: [],
    budgets: [],
    budgetNotes: [],
    bundles: [],
    notes: [],
  };
  // A probe is stopped with the run's other resources from the moment it exists, so a later
  // benchmark that fails to start cannot leave it running.
  const addProbe = (probe: Probe) => {
    measured.probes.push(probe);
    if (probe.dispose) resources.add(() => probe.dispose!());
  };
  const run: KindRun = {
    sides,
    signal: options.signal,
    log,
    onDispose: (stop) => resources.add(stop),
    note: (line) => measured.notes.push(line),
    ...(options.storedBase ? { storedBase: options.storedBase } : {}),
    ...(options.sizeCache ? { sizeCache: options.sizeCache } : {}),
    ...(options.outputGroup ? { outputGroup: options.outputGroup } : {}),
  };
  for (const bench of config.benchmarks) {
    const started = await startKind(bench, run);
    if ('probe' in started) {
      addProbe(started.probe);
      continue;
    }
    // Sizes measured once (bundle): their rows and budgets are decided here, before sampling.
    const { bundle, outcome } = started;
    options.onBundle?.(bundle, outcome);
    const threshold = (spec: MetricSpec) => thresholdFor(spec, config.gate);
    const budgets = checkBundleBudgets(bundle, outcome.comparison);
    measured.exact.push(...bundleToComparisons(outcome.comparison, threshold));
    measured.budgets.push(...budgets.checks);
    measured.budgetNotes.push(...budgets.notes);
    measured.bundles.push(outcome.comparison);
  }
  return measured;
}

/** Head's median of every metric, by key: what a timed budget is checked on. */
function headMedians(comparisons: readonly Comparison[]): Record<string, number> {
  const medians: Record<string, number> = {};
  for (const c of comparisons) medians[c.key] = c.head.median;
  return medians;
}

/**
 * The run's smallest detectable relative change: the median of the ratio metrics' own figures.
 * Each metric's figure stays in its comparison; tail percentiles are far noisier than medians,
 * so the largest figure would describe only the noisiest metric.
 */
function minimumDetectable(comparisons: readonly Comparison[]): number | null {
  const mdes = comparisons
    .filter((c) => c.scale === 'ratio' && c.mde !== null)
    .map((c) => c.mde as number);
  return mdes.length > 0 ? median(mdes) : null;
}

/** The level the statuses were decided at: the final look's (none when no look was taken). */
function finalLevel(looks: ReadonlyArray<{ alpha: number }>): { level?: number } {
  const last = looks.at(-1);
  return last === undefined ? {} : { level: last.alpha };
}

/** Why a run with unresolved metrics passed (verdict/gate.ts decideVerdict). */
export function futilityPassNote(unresolved: number): string {
  const them = unresolved === 1 ? '1 metric' : `${unresolved} metrics`;
  return (
    `No regression: sampling stopped once no metric could still be called regressed within the ` +
    `budget (each one's chance of it below ${FUTILITY_POWER * 100}%), so the gate passes. ` +
    `${them} marked inconclusive did not show a change, nor one within the threshold; a longer ` +
    'time budget would resolve them.'
  );
}
