// The schedule: warm-up, randomized AB/BA blocks, sequential looks, the time budget, retries.
// No I/O of its own: probes measure, the clock is injected, stats/ and verdict/ decide.
import { getErrorMessage } from '../errors.js';
import type {
  GateConfig,
  MetricAnalysis,
  MetricSamples,
  MetricSpec,
  Observation,
  Order,
  Side,
  Status,
} from '../model.js';
import type { Comparison, Result } from '../result.js';
import { analyzeMetrics } from '../stats/analyze.js';
import { FUTILITY_POWER, predictivePower } from '../stats/futility.js';
import { pairedValues } from '../stats/paired.js';
import { createRng, deriveSeed, type Rng } from '../stats/random.js';
import { AlphaSpending } from '../stats/sequential.js';
import { summarize } from '../stats/summary.js';
import { thresholdFor } from '../verdict/gate.js';
import { isResolved, metricStatus } from '../verdict/status.js';
import { checkObservation, checkOptions, probeName } from './checks.js';
import { SampleError, SamplerInputError } from './errors.js';
import {
  detectableNote,
  interimLookTaken,
  planNote,
  plannedLooks,
  type SpendingState,
  smallRunTest,
} from './look-plan.js';
import { blockPace, blocksFitting, estimateAnalysisMs } from './pace.js';
import {
  exactVariation,
  headlineMetrics,
  MIN_NOISE_PAIRS,
  oneOrder,
  type Tracked,
  undetectable,
} from './run-notes.js';

export interface SamplerProbe {
  /** Announced before sampling; every observation holds a value for each key. */
  specs: MetricSpec[];
  /** One run on one side. `round` is the block number from 0; warm-up rounds are negative. */
  measure(side: Side, round: number): Promise<Observation>;
  /** Shown in notes and errors; the first metric's benchmark when absent. */
  benchmark?: string;
}

export interface LookProgress {
  pairs: number;
  /** Two-sided level spent at this look, before the correction across metrics. */
  alpha: number;
  final: boolean;
  statuses: Array<{ key: string; status: Status }>;
  /** Each metric's estimate at this look, in the order of the probes' specs. */
  estimates: LookEstimate[];
  /** Looks still planned within the budget after this one (0 at the final look). */
  looksLeft: number;
}

/** One metric at a look: what a progress display shows of it. */
export interface LookEstimate {
  spec: MetricSpec;
  /** As MetricAnalysis's: relative for ratio and exact metrics, absolute for difference. */
  change: number;
  ci: [number, number];
  status: Status;
  /** δ of the metric, on the same scale. */
  threshold: number;
}

export interface SamplerProgress {
  pairs: number;
  elapsedMs: number;
  budgetMs: number;
  /** The pairs the budget is expected to allow, at the pace so far. */
  plannedPairs: number;
  /** The pair count of the next look; absent once sampling has stopped. */
  nextLook?: number;
  /** Present after a block that ended with a look. */
  look?: LookProgress;
}

export interface SamplerOptions {
  gate: GateConfig;
  probes: SamplerProbe[];
  /** δ per metric in the order of the probes' specs; resolved by thresholdFor when absent. */
  thresholds?: number[];
  /** Clock seam, in ms; performance.now by default. */
  now?: () => number;
  onProgress?: (e: SamplerProgress) => void;
  /** Told as the warm-up and then the paired blocks begin. */
  onPhase?: (phase: 'warm-up' | 'sampling') => void;
  signal?: AbortSignal;
  /** At most this many pairs (the last of gate.looks caps it too). */
  maxPairs?: number;
  /** Bootstrap resamples per metric and look (stats/analyze.ts default when absent). */
  bootstrapResamples?: number;
}

export interface LookRecord {
  pairs: number;
  alpha: number;
  final: boolean;
  elapsedMs: number;
  /** Metrics resolved (regressed, improved or unchanged) at this look. */
  resolved: number;
}

export type StoppedBy = 'resolved' | 'regression' | 'futility' | 'budget' | 'max-pairs' | 'exact';

export interface SamplerOutcome {
  /** Per metric, in the order of the probes' specs. */
  samples: MetricSamples[];
  thresholds: number[];
  /** At the final look. */
  analyses: MetricAnalysis[];
  statuses: Status[];
  pairs: number;
  warmup: number;
  looks: LookRecord[];
  /** Total two-sided level spent over the looks (≤ gate.alpha). */
  alphaSpent: number;
  stoppedBy: StoppedBy;
  elapsedMs: number;
  notes: string[];
  /** The same, in the result JSON's shapes (result.ts). */
  comparisons: Comparison[];
  sampling: Result['sampling'];
}

export { smallRunTest } from './look-plan.js';

/**
 * Runs blocks until every metric is resolved, the time budget would be exceeded by the next
 * block, or the pair limit is reached; see src/stats/README.md for why the error rates hold.
 *
 * - Warm-up: gate.warmup rounds per side and probe, sides in random order, thrown away.
 * - Blocks: one order (AB: base then head, BA: head then base) drawn per block from the seeded
 *   source, used for every probe; a probe's base and head runs are adjacent, so slow drift
 *   cancels in the pair and the random order turns any order effect into noise.
 * - Looks at the pair counts of gate.looks, or (gate.lookPlan 'time') at 4, 5, 7, 9, 12, … pairs
 *   below the pair limit (look-plan.ts), each testing at the α the spending rule gives it
 *   (stats/sequential.ts); the final look, forced by the budget or the pair limit, spends
 *   whatever is left. Early stop at the first look that calls a regression or once every
 *   metric is resolved (gate.earlyStop 'regression', the default); with 'resolved', only once
 *   every metric is resolved. Futility stop (unless gate.futility is false) at a look where no
 *   metric is regressed and none can still be called regressed by the planned pairs.
 * - Budget: after each block, stop if the elapsed time plus the longest of the last sixteen
 *   block durations (with the analysis of their looks) plus the final analysis (estimated from
 *   the last look's) would pass gate.timeBudgetMs. The first block always runs. The pairs still
 *   to come are planned at the blocks' mean pace, keeping room for one longest block: a probe
 *   whose blocks differ in length (a server restarted every k pairs) is neither planned as if
 *   every block were its longest nor let overrun the budget by its longest.
 * - Exact metrics need one value per side; a probe with only exact metrics runs in the first
 *   block only, and exact metrics never hold up early stopping.
 * - A failed measurement (the probe throws or reports a missing, non-finite or, on the ratio
 *   scale, non-positive value) is retried once, then fails the run with a SampleError.
 * - Notes: after the first block, the pair duration and the looks it allows; at the first look
 *   with 3 pairs or more (or the final look), what the planned pairs can call on the headline
 *   metrics at the noise measured, and the budget that would bring it to 1.5 × δ; at the end,
 *   why a tested metric has no detectable change, where it has none.
 */
export async function runSampler(o: SamplerOptions): Promise<SamplerOutcome> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const { gate } = o;
  const maxPairs = checkOptions(o);
  const tracked: Tracked[] = o.probes.flatMap((probe, index) =>
    probe.specs.map((spec) => ({
      spec,
      probe: index,
      samples: { spec, base: [], head: [], order: [] } as MetricSamples,
    })),
  );
  const thresholds = o.thresholds ?? tracked.map((t) => thresholdFor(t.spec, gate));
  if (thresholds.length !== tracked.length) {
    throw new SamplerInputError(
      `thresholds must hold one δ per metric (${tracked.length}), got ${thresholds.length}`,
      'thresholds',
      thresholds,
    );
  }
  const exactOnly = o.probes.map((p) => p.specs.every((s) => s.scale === 'exact'));
  const tested = tracked.some((t) => t.spec.scale !== 'exact');
  const notes: string[] = [];
  const rng = createRng(deriveSeed(gate.seed, 'block-order'));
  const spending = new AlphaSpending(gate.alpha);
  const timePlanned = gate.lookPlan === 'time';
  const lookAt = new Set(timePlanned ? plannedLooks(maxPairs) : gate.looks);
  // The interim looks still to be taken when `planned` pairs fit: a time plan skips one within a
  // growth step of the end (look-plan.ts interimLookTaken); fixed looks are the user's.
  const looksBelow = (planned: number): number[] =>
    [...lookAt].filter((n) => !timePlanned || interimLookTaken(n, planned));
  const measure = measurer(o, notes);

  if (gate.warmup > 0 && tested) o.onPhase?.('warm-up');
  for (let w = 0; w < gate.warmup; w++) {
    const round = w - gate.warmup;
    for (let p = 0; p < o.probes.length; p++) {
      if (exactOnly[p]) continue;
      for (const side of sidesIn(drawOrder(rng))) await measure(p, side, round);
    }
  }

  o.onPhase?.('sampling');
  const setupMs = now() - started;
  const durations: number[] = [];
  const looks: LookRecord[] = [];
  let pairs = 0;
  let stoppedBy: StoppedBy | undefined;
  let analyses: MetricAnalysis[] = [];
  let statuses: Status[] = [];
  let detectableSaid = false;

  // The last look's analysis time, to keep the final analysis inside the budget.
  let analysis = { pairs: 0, ms: 0 };
  const testedCount = tracked.filter((t) => t.spec.scale !== 'exact').length;
  const look = (alpha: number, final: boolean, plannedPairs: number): LookProgress => {
    const analysisStart = now();
    analyses = analyzeMetrics(
      tracked.map((t) => t.samples),
      {
        alphaAtLook: alpha,
        correction: gate.correction,
        seed: gate.seed,
        thresholds,
        bootstrapResamples: o.bootstrapResamples,
        pairedTest: smallRunTest(plannedPairs, gate.alpha / Math.max(testedCount, 1)),
      },
    ).map((a, i) =>
      // The order-adjusted t calls nothing when every block ran in one order (student-t.ts), so
      // nothing was detectable whatever mde.ts says without the orders.
      a.test === 't' && oneOrder(tracked[i]!.samples.order) ? { ...a, mde: null } : a,
    );
    statuses = analyses.map((analysis, i) =>
      metricStatus({
        spec: tracked[i]!.spec,
        analysis,
        threshold: thresholds[i]!,
        alphaAtLook: alpha,
      }),
    );
    analysis = { pairs, ms: now() - analysisStart };
    looks.push({
      pairs,
      alpha,
      final,
      elapsedMs: now() - started,
      resolved: statuses.filter(isResolved).length,
    });
    const ahead = looksBelow(plannedPairs).filter((at) => at > pairs && at < plannedPairs).length;
    return {
      pairs,
      alpha,
      final,
      statuses: statuses.map((status, i) => ({ key: tracked[i]!.spec.key, status })),
      estimates: analyses.map((a, i) => ({
        spec: tracked[i]!.spec,
        change: a.change,
        ci: a.ci,
        status: statuses[i]!,
        threshold: thresholds[i]!,
      })),
      looksLeft: final ? 0 : ahead + (plannedPairs > pairs ? 1 : 0),
    };
  };

  // Futility (stats/futility.ts): no metric not yet called can reach a regressed call by the
  // planned pairs, at the α still unspent. Non-binding: it only ends sampling, and no level
  // depends on it (src/stats/README.md).
  const futile = (
    all: readonly Tracked[],
    now: readonly Status[],
    deltas: readonly number[],
    planned: number,
  ): boolean => {
    if (now.includes('regressed')) return false;
    const testedCount = all.filter((t) => t.spec.scale !== 'exact').length;
    const level = spending.remaining / testedCount;
    return all.every((t, i) => {
      const { spec } = t;
      if (spec.scale === 'exact') return true;
      const worse = spec.better === 'lower' ? 1 : -1;
      const delta =
        spec.scale === 'difference'
          ? deltas[i]!
          : worse === 1
            ? Math.log1p(deltas[i]!)
            : deltas[i]! >= 1
              ? Number.POSITIVE_INFINITY
              : -Math.log1p(-deltas[i]!);
      const d = pairedValues(spec.key, spec.scale, t.samples.base, t.samples.head);
      return predictivePower({ d, worse, delta, plannedPairs: planned, level }) < FUTILITY_POWER;
    });
  };

  while (stoppedBy === undefined) {
    const blockStart = now();
    const order = drawOrder(rng);
    for (let p = 0; p < o.probes.length; p++) {
      if (exactOnly[p] && pairs > 0) continue;
      const observed: Partial<Record<Side, Observation>> = {};
      for (const side of sidesIn(order)) observed[side] = await measure(p, side, pairs);
      for (const t of tracked) {
        if (t.probe !== p) continue;
        t.samples.base.push(observed.base![t.spec.key]!);
        t.samples.head.push(observed.head![t.spec.key]!);
        t.samples.order.push(order);
      }
    }
    pairs++;
    const elapsed = now() - started;
    // Earlier entries include the analysis of their looks, so the estimate allows for it.
    const pace = blockPace([...durations, now() - blockStart]);
    const left = gate.timeBudgetMs - elapsed - estimateAnalysisMs(analysis, pairs + 1);
    const budgetEnds = pace.longestMs > left;
    const fitting = Math.min(maxPairs, pairs + blocksFitting(pace, left));

    let progressLook: LookProgress | undefined;
    // The spending before this block's look, for the plan of a run that ends at it.
    const before: SpendingState = {
      alpha: gate.alpha,
      tested: testedCount,
      looks: looksBelow(fitting),
      pairs: looks.at(-1)?.pairs ?? 0,
      spent: spending.spent,
    };
    let plannedNow = pairs;
    if (!tested) {
      progressLook = look(0, true, pairs);
      stoppedBy = 'exact';
    } else if (pairs >= maxPairs || budgetEnds) {
      progressLook = look(spending.final(), true, pairs);
      stoppedBy = pairs >= maxPairs ? 'max-pairs' : 'budget';
    } else if (looksBelow(fitting).includes(pairs)) {
      plannedNow = fitting;
      progressLook = look(spending.look(pairs, fitting), false, fitting);
      if (statuses.every(isResolved)) stoppedBy = 'resolved';
      else if (gate.earlyStop !== 'resolved' && statuses.includes('regressed')) {
        stoppedBy = 'regression';
      } else if (gate.futility !== false && futile(tracked, statuses, thresholds, fitting)) {
        stoppedBy = 'futility';
      }
    }
    // What the plan can detect, once there are pairs enough to estimate the noise.
    if (progressLook && tested && !detectableSaid && pairs >= MIN_NOISE_PAIRS) {
      detectableSaid = true;
      const final = progressLook.final;
      notes.push(
        detectableNote({
          pairs,
          plannedPairs: final ? pairs : plannedNow,
          maxPairs,
          final,
          pairMs: pace.meanMs,
          setupMs,
          state: final ? before : { ...before, pairs, spent: spending.spent },
          metrics: headlineMetrics(tracked, thresholds),
        }),
      );
    }
    if (pairs === 1 && timePlanned && tested) {
      const pairMs = now() - blockStart;
      notes.push(
        planNote({
          pairMs,
          pairs: fitting,
          budgetMs: gate.timeBudgetMs,
          looks: looksBelow(fitting),
        }),
      );
    }
    durations.push(now() - blockStart);
    const nextLook = Math.min(fitting, ...looksBelow(fitting).filter((at) => at > pairs));
    o.onProgress?.({
      pairs,
      elapsedMs: now() - started,
      budgetMs: gate.timeBudgetMs,
      plannedPairs: stoppedBy === undefined ? fitting : pairs,
      ...(stoppedBy === undefined && nextLook > pairs ? { nextLook } : {}),
      ...(progressLook ? { look: progressLook } : {}),
    });
  }

  const firstLook = Math.min(...lookAt);
  if (stoppedBy === 'budget' && pairs < firstLook) {
    notes.push(
      `The time budget allowed ${pairs} pair${pairs === 1 ? '' : 's'}, fewer than the first look ` +
        `(${firstLook}); too few to call a regression.`,
    );
  }
  notes.push(...undetectable(tracked, analyses, looks.at(-1), testedCount));
  notes.push(...exactVariation(tracked));
  const elapsedMs = now() - started;
  const comparisons = tracked.map((t, i) =>
    comparison(t.samples, analyses[i]!, statuses[i]!, thresholds[i]!),
  );
  return {
    samples: tracked.map((t) => t.samples),
    thresholds,
    analyses,
    statuses,
    pairs,
    warmup: gate.warmup,
    looks,
    alphaSpent: spending.spent,
    stoppedBy,
    elapsedMs,
    notes,
    comparisons,
    sampling: {
      pairs,
      warmup: gate.warmup,
      looks: looks.map((l) => l.pairs),
      stoppedBy,
      elapsedMs,
    },
  };
}

function drawOrder(rng: Rng): Order {
  return rng.next() < 0.5 ? 'AB' : 'BA';
}

function sidesIn(order: Order): [Side, Side] {
  return order === 'AB' ? ['base', 'head'] : ['head', 'base'];
}

/** measure(p, side, round) with validation and one retry; retries are noted. */
function measurer(o: SamplerOptions, notes: string[]) {
  return async (p: number, side: Side, round: number): Promise<Observation> => {
    const probe = o.probes[p]!;
    const attempt = async () => {
      o.signal?.throwIfAborted();
      return checkObservation(probe, await probe.measure(side, round));
    };
    try {
      return await attempt();
    } catch (first) {
      if (o.signal?.aborted) throw o.signal.reason;
      const what = `${probeName(probe)} on ${side} in ${round < 0 ? 'warm-up' : 'round'} ${round}`;
      notes.push(`Measuring ${what} failed and was retried: ${getErrorMessage(first)}`);
      try {
        return await attempt();
      } catch (second) {
        if (o.signal?.aborted) throw o.signal.reason;
        throw new SampleError(
          `Measuring ${what} failed twice: ${getErrorMessage(second)}`,
          probeName(probe),
          side,
          round,
          { cause: second },
        );
      }
    }
  };
}

function comparison(
  samples: MetricSamples,
  analysis: MetricAnalysis,
  status: Status,
  threshold: number,
): Comparison {
  const { spec } = samples;
  return {
    key: spec.key,
    benchmark: spec.benchmark,
    ...(spec.target !== undefined ? { target: spec.target } : {}),
    metric: spec.metric,
    unit: spec.unit,
    better: spec.better,
    scale: spec.scale,
    base: summarize(samples.base),
    head: summarize(samples.head),
    change: analysis.change,
    ci: analysis.ci,
    pValue: analysis.pValue,
    adjustedPValue: analysis.adjustedPValue,
    threshold,
    mde: analysis.mde,
    status,
    samples: { base: [...samples.base], head: [...samples.head], order: [...samples.order] },
  };
}
