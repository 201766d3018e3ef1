// Where the sampler looks when the looks are planned by time (gate.lookPlan 'time'), and what the
// plan can detect: the notes that say so up front.
import type { Better } from '../model.js';
import { pairedTestFor } from '../stats/analyze.js';
import { FUTILITY_POWER } from '../stats/futility.js';
import { minimumDetectableChange } from '../stats/mde.js';
import { cumulativeAlpha } from '../stats/sequential.js';

/** The first look: with the order-adjusted t (stats/student-t.ts) a call is possible from 3
 *  pairs, but on 1 degree of freedom only an enormous effect reaches a look's level; at 4 (2 df)
 *  a 25% change under 2% noise is called (test/sampler). */
export const FIRST_LOOK = 4;

/** Each look at about 1.25 times the pairs of the one before: 4, 5, 7, 9, 12, 15, 19, 24, 30,
 *  38, 48, 60… Geometric, so that the number of looks grows with the log of the pairs the budget
 *  allows (each costs an analysis) while the early ones, where a large change is called, come
 *  quickly. ×1.25 rather than ×1.5: the futility stop can only end a run at a look, and with
 *  ×1.5 the common run without a change waited for the look at 21 pairs (about 50 s of an HTTP
 *  benchmark); denser looks end it sooner for about the same power (bench/RESULTS.md, issue 12). */
export const LOOK_GROWTH = 1.25;

/** The looks below `maxPairs`; the final look is the one the budget or the pair limit forces.
 *  A function of pair counts only: the error-rate argument needs the looks not to depend on the
 *  values measured (src/stats/README.md). */
export function plannedLooks(maxPairs: number): number[] {
  const looks: number[] = [];
  for (let n = FIRST_LOOK; n < maxPairs; n = Math.max(n + 1, Math.ceil(n * LOOK_GROWTH))) {
    looks.push(n);
  }
  return looks;
}

/**
 * Whether a time plan takes its interim look at `pairs` when `planned` pairs fit: not within one
 * growth step of the end. There a look would leave the final look, which the budget forces, a
 * sliver of α (a look at 12 of 13 pairs leaves it 15% of α; one at 9, 52%), so a change that the
 * last pairs bring within reach would not be called (test/sampler/look-plan.test.ts). Reads pair
 * counts only, as the looks must.
 */
export function interimLookTaken(pairs: number, planned: number): boolean {
  return pairs * LOOK_GROWTH <= planned;
}

/** The plan as said after the first block: how long a pair takes, how many fit, where the looks
 *  are. `pairs` is what the budget allows (the estimate at that point); `looks` the interim ones
 *  the sampler will take (interimLookTaken applied). */
export function planNote(o: {
  pairMs: number;
  pairs: number;
  budgetMs: number;
  looks: readonly number[];
}): string {
  const looks = o.looks.filter((n) => n < o.pairs);
  return (
    `A pair takes about ${seconds(o.pairMs)}: about ${o.pairs} pair${o.pairs === 1 ? '' : 's'} fit in the ` +
    `${seconds(o.budgetMs)} budget; looks at ${[...looks, o.pairs].join(', ')} pair${o.pairs === 1 ? '' : 's'}, stopping early ` +
    `once no metric can still be called regressed (predictive power below ${FUTILITY_POWER * 100}%).`
  );
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Which paired test a run may use. Student's t below the signed-rank test's floor is for runs
 * whose budget allows too few pairs for the rank test ever to reach the level (slow probes): a
 * run that will reach enough pairs uses the rank test at every look, so its early looks cannot
 * call on nearly equal differences of one sign, the discrete noise (a pause paid or not) that
 * the t over-calls at 4–6 pairs (src/stats/README.md). Decided from pair counts and the level
 * only, never from the values, so the error-rate argument holds.
 */
export function smallRunTest(plannedPairs: number, level: number): 'auto' | 'signed-rank' {
  return pairedTestFor(plannedPairs, level) === 'signed-rank' ? 'signed-rank' : 'auto';
}

/** Where the spending stands when the plan is made. */
export interface SpendingState {
  /** gate.alpha. */
  alpha: number;
  /** Tested (not exact) metrics: each call must reach the look's level over this many. */
  tested: number;
  /** The interim looks of the run (the time plan's or gate.looks), in pairs. */
  looks: readonly number[];
  /** Pairs of the last look taken; `spent` is what the looks up to it spent. */
  pairs: number;
  spent: number;
}

/** One look of a plan and its two-sided level before the correction across metrics. */
export interface PlannedLook {
  pairs: number;
  level: number;
}

/**
 * The looks that decide a run ending at `planned` pairs: the last interim look still ahead of
 * `state.pairs` (if any) and the final look, which spends what is left (stats/sequential.ts).
 * Both count: a change is called when either calls it, so the plan detects at least what the
 * better of the two detects. Earlier looks get little α and are left out (a lower bound on
 * power, so the figures err on the large side).
 */
export function decidingLooks(planned: number, state: SpendingState): PlannedLook[] {
  const ahead = [...state.looks]
    .filter((n) => n > state.pairs && n < planned)
    .sort((a, b) => a - b);
  const last = ahead.at(-1);
  if (last === undefined)
    return [{ pairs: planned, level: Math.max(0, state.alpha - state.spent) }];
  const before = ahead.at(-2);
  const spentBefore = Math.max(
    state.spent,
    before === undefined ? 0 : cumulativeAlpha(state.alpha, before / planned),
  );
  const spentAfter = Math.max(spentBefore, cumulativeAlpha(state.alpha, last / planned));
  return [
    { pairs: last, level: spentAfter - spentBefore },
    { pairs: planned, level: Math.max(0, state.alpha - spentAfter) },
  ];
}

/** A headline metric as the plan sees it. */
export interface PlannedMetric {
  key: string;
  scale: 'ratio' | 'difference';
  better: Better;
  unit: string;
  /** δ on the change scale (relative for ratio, absolute for difference). */
  threshold: number;
  /** Robust SD (MAD) of its paired values on the test scale, from the pairs so far. */
  sd: number;
  /** The orders of the pairs so far, for a look at exactly those pairs: the t cannot call with
   *  every pair in one order (mde.ts). Later looks are taken as balanced. */
  orders?: { pairs: number; ab: number; ba: number };
}

/**
 * The smallest regression a run ending at `planned` pairs would call with 80% power (mde.ts), at
 * the metric's noise: the smaller over the deciding looks, each with its own level over the
 * tested metrics and the test that look will use (smallRunTest, then analyze.ts
 * pairedTestFor). Null when no look can call anything (too few pairs for any test).
 */
export function plannedDetectable(
  metric: PlannedMetric,
  planned: number,
  state: SpendingState,
): number | null {
  const m = Math.max(state.tested, 1);
  const rankOnly = smallRunTest(planned, state.alpha / m) === 'signed-rank';
  let best: number | null = null;
  for (const look of decidingLooks(planned, state)) {
    const level = look.level / m;
    const mde = minimumDetectableChange({
      n: look.pairs,
      design: 'paired',
      sd: metric.sd,
      alpha: level,
      threshold: metric.threshold,
      scale: metric.scale,
      better: metric.better,
      test: rankOnly ? 'signed-rank' : pairedTestFor(look.pairs, level),
      ...(metric.orders?.pairs === look.pairs ? { orders: metric.orders } : {}),
    });
    if (mde !== null && (best === null || mde < best)) best = mde;
  }
  return best;
}

/** What the plan aims the smallest callable regression at: 1.5 × δ. δ itself is out of reach at
 *  any number of pairs, since a call needs the whole interval beyond δ (mde.ts: the detectable
 *  change is δ plus a multiple of the standard error), so the note names the pairs that bring it
 *  within half a threshold of δ. */
export const PLAN_TARGET_FACTOR = 1.5;

/** The fewest pairs, from `from` up to `maxPairs`, at which plannedDetectable reaches `target`;
 *  null when even `maxPairs` does not. Steps of about 2% past 100 pairs: the figure is stated as
 *  "about", and the detectable change is not quite monotone in the pairs (the level of the final
 *  look dips right after an interim look), so a bisection could skip the first fit. */
export function pairsToReach(
  metric: PlannedMetric,
  target: number,
  from: number,
  maxPairs: number,
  state: SpendingState,
): number | null {
  for (let n = Math.max(1, from); n <= maxPairs; n += Math.max(1, Math.floor(n / 50))) {
    const mde = plannedDetectable(metric, n, state);
    if (mde !== null && mde <= target) return n;
  }
  return null;
}

/** A budget rounded up to a figure worth writing into gate.time-budget. */
export function roundBudget(ms: number): string {
  const s = ms / 1000;
  if (s <= 55) return `${Math.max(5, Math.ceil(s / 5) * 5)} s`;
  const min = s / 60;
  if (min <= 10) return `${Math.ceil(min)} min`;
  if (min <= 60) return `${Math.ceil(min / 5) * 5} min`;
  return `${Math.ceil((min / 60) * 2) / 2} h`;
}

/** Two significant figures, no exponent: 0.031 → "0.031", 3.14 → "3.1", 21.4 → "21". */
function figure(value: number): string {
  if (value >= 10) return String(Math.round(value));
  if (value >= 1) return value.toFixed(1).replace(/\.0$/, '');
  return String(Number(value.toPrecision(2)));
}

/** A magnitude on the metric's change scale: a percentage for ratio metrics, percentage points
 *  for fractions, the unit otherwise. */
function magnitude(metric: Pick<PlannedMetric, 'scale' | 'unit'>, value: number): string {
  if (metric.scale === 'ratio') return `${figure(value * 100)}%`;
  if (metric.unit === 'fraction') return `${figure(value * 100)} pp`;
  if (metric.unit === 'unitless' || metric.unit === '') return figure(value);
  return `${figure(value)} ${metric.unit}`;
}

/** A regression of `value` in the metric's worse direction: +9% for a latency, −9% for a
 *  throughput. */
function regression(metric: PlannedMetric, value: number): string {
  return `${metric.better === 'lower' ? '+' : '−'}${magnitude(metric, value)}`;
}

/** The per-pair noise as a change: the SD of the log-ratio as a relative change. */
function noise(metric: PlannedMetric): string {
  return `±${magnitude(metric, metric.scale === 'ratio' ? Math.expm1(metric.sd) : metric.sd)}`;
}

/** At most this many metrics are named in the note; the rest are counted. */
const NOTE_METRICS = 3;

export interface DetectableNoteInput {
  /** Pairs measured: the noise is theirs. */
  pairs: number;
  /** Pairs the run is planned to reach; `pairs` when this look ends the run. */
  plannedPairs: number;
  /** The pair limit: no budget goes past it. */
  maxPairs: number;
  /** True when the run ends at this look (the note then says what it could have done). */
  final: boolean;
  /** A block's duration, as the budget check estimates it. */
  pairMs: number;
  /** Time spent before the first block (warm-up), which a budget must cover too. */
  setupMs: number;
  /** The spending for the plan from here: `plannedPairs` is decided by its looks. For a run
   *  ending now, the state before this look, so that a longer budget is planned from it too. */
  state: SpendingState;
  /** Headline metrics with their noise. */
  metrics: PlannedMetric[];
}

/**
 * The note that says, once the noise can be estimated, what the planned pairs can call on the
 * headline metrics, and when that is above 1.5 × δ, the pairs and the budget that would bring
 * it there. The figures are mde.ts's at the measured noise, so at 80% power; they are estimates
 * from a few pairs, and say so.
 */
export function detectableNote(o: DetectableNoteInput): string {
  const rows = o.metrics
    .map((metric) => {
      const mde = plannedDetectable(metric, o.plannedPairs, o.state);
      const target = PLAN_TARGET_FACTOR * metric.threshold;
      const short = target > 0 && (mde === null || mde > target);
      const reach = short
        ? pairsToReach(metric, target, o.plannedPairs + 1, o.maxPairs, o.state)
        : undefined;
      return { metric, mde, short, reach };
    })
    // The worst first: it is the one the budget must be planned for.
    .sort((a, b) => (b.mde ?? Number.POSITIVE_INFINITY) - (a.mde ?? Number.POSITIVE_INFINITY));
  const named = rows.slice(0, NOTE_METRICS);
  const by = o.final
    ? `by these ${o.plannedPairs} pairs`
    : `by the ${o.plannedPairs} pairs the ${o.plannedPairs >= o.maxPairs ? 'pair limit' : 'budget'} allows`;
  const callable = (r: (typeof rows)[number]) =>
    r.mde === null ? 'none callable' : `about ${regression(r.metric, r.mde)}`;
  const head = `At the ${o.final ? 'final' : 'first'} look (${o.pairs} pairs)`;
  const parts: string[] = [];
  if (named.length === 1) {
    const r = named[0]!;
    parts.push(
      `${head}, ${r.metric.key} varied by ${noise(r.metric)} a pair (robust SD of head against base); ` +
        (r.mde === null
          ? `no regression ${o.final ? 'was' : 'is'} callable ${by}.`
          : `the smallest regression callable ${by} ${o.final ? 'was' : 'is'} ${callable(r)}.`),
    );
  } else {
    const list = named
      .map((r) => `${r.metric.key} ${noise(r.metric)} a pair, ${callable(r)}`)
      .join('; ');
    const more = rows.length - named.length;
    parts.push(
      `${head}, the noise of the headline metrics (robust SD of head against base) and the smallest ` +
        `regression callable ${by}: ${list}${more > 0 ? `; and ${more} more headline metric${more === 1 ? '' : 's'}` : ''}.`,
    );
  }
  const short = rows.filter((r) => r.short);
  if (short.length > 0) {
    const one = rows.length === 1;
    const r0 = short[0]!;
    const aim = one
      ? `${regression(r0.metric, PLAN_TARGET_FACTOR * r0.metric.threshold)}, 1.5 × the ${magnitude(r0.metric, r0.metric.threshold)} threshold`
      : '1.5 × its threshold on every headline metric';
    const why =
      'at the threshold itself a regression is never called with confidence, as the interval must clear it';
    if (short.some((r) => r.reach === null)) {
      parts.push(
        `Even the pair limit (${o.maxPairs} pairs) would not bring it to ${aim} (${why}).`,
      );
    } else {
      const pairs = Math.max(...short.map((r) => r.reach!));
      parts.push(
        `Bringing it to ${aim} (${why}) ${o.final ? 'would have taken' : 'takes'} about ${pairs} pairs, ` +
          `a time budget of about ${roundBudget(o.setupMs + pairs * o.pairMs)}.`,
      );
    }
  }
  return parts.join(' ');
}
