// The capacity search of one route: the highest request rate at which it meets every SLO term,
// for base and head at once. The first round brackets the knee with a ramp that doubles the
// rate from a low start (down by halves if even that breaks the SLO) up to max-rate; every round
// then bisects that bracket on a log scale, base's and head's steps alternating (the round's first
// side first), so drift over the round hits both alike. Each round gives each side one estimate,
// the geometric middle of where its bisection ended; the sampler pairs them like any metric's
// rounds, so the repeats make the interval. A side that meets the SLO at max-rate gets max-rate,
// marked as a lower bound ("≥ max-rate"), never a rate it was not offered.
import type { HttpSlo, Side } from '../../model.js';
import type { LoadStep } from './open-load.js';

/** One step's outcome as the report keeps it. */
export interface CapacityStep {
  rate: number;
  ok: boolean;
  /** The SLO terms the step broke, each with the value measured: `p95 143 ms > 100 ms`. */
  broken: string[];
  /** The chart's latency (the SLO's first latency term, else p95), ms; null when unbounded. */
  latency: number | null;
  errorRate: number;
  errors: Record<string, number>;
  serverCores?: number;
}

export interface SideEstimate {
  /** req/s: the bisection's geometric middle, or max-rate when `atMax`. */
  value: number;
  /** Met the SLO at max-rate: `value` is a lower bound. */
  atMax: boolean;
  /** The lowest rate that broke the SLO in this round: where and why it broke. */
  knee?: CapacityStep;
}

export type StepRunner = (side: Side, rate: number) => Promise<LoadStep>;

export interface CapacitySearchOptions {
  slo: HttpSlo;
  maxRate: number;
  step: StepRunner;
  /** Where the ramp starts (req/s); default min(20, maxRate). */
  startRate?: number;
  /** The bisection's target resolution, relative; default 3%. */
  resolution?: number;
  /** Told of a step as it ends (the chart's points, a progress line). */
  onStep?: (side: Side, step: CapacityStep) => void;
}

/** The lowest rate tried when the ramp walks down: below it the route is reported unusable. */
export const MIN_RATE = 1;
const MIN_BISECTIONS = 3;
/** The bisection's default resolution: about 3% between the last rate met and the first broken,
 *  below the 5% δ the `capacity` metric is judged at; a finer one costs a step per side. */
const RESOLUTION = 0.03;
const MAX_BISECTIONS = 6;
/** A round whose bisection ended at an edge of the bracket widens that edge by this factor. */
const WIDEN = 1.5;
/** How far beyond the estimates seen the bracket reaches once it narrows. */
const NARROW = 1.25;

/** The route does not meet the SLO even at MIN_RATE: there is no capacity to compare. */
export class NoCapacityError extends Error {
  override name = 'NoCapacityError';
  readonly side: Side;
  readonly step: CapacityStep;
  constructor(side: Side, step: CapacityStep) {
    super(
      `the ${side} side breaks the SLO even at ${MIN_RATE} req/s (${step.broken.join(', ')}): ` +
        'there is no rate to compare; loosen the slo or fix the route',
    );
    this.side = side;
    this.step = step;
  }
}

const LATENCY_TERMS = ['p50', 'p95', 'p99', 'mean'] as const;
/** Failure kinds kept per step (the result allows 50). */
const MAX_ERROR_KINDS = 20;

/** The latency the report charts against offered load: the SLO's first latency term, else p95. */
export function chartTerm(slo: HttpSlo): (typeof LATENCY_TERMS)[number] {
  return LATENCY_TERMS.find((t) => slo[t] !== undefined) ?? 'p95';
}

function ms(value: number): string {
  return `${value >= 100 ? Math.round(value) : Number(value.toPrecision(3))} ms`;
}

/** The most frequent failure kinds, at most MAX_ERROR_KINDS, names cut to 100 characters: a
 *  server answering with every status code there is cannot make the result too large to keep. */
function topErrors(errors: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(errors)
    .sort(([, a], [, b]) => b - a)
    .slice(0, MAX_ERROR_KINDS)) {
    const name = kind.slice(0, 100);
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Whether a step met every SLO term, and the ones it broke. */
export function judgeStep(step: LoadStep, slo: HttpSlo): CapacityStep {
  const broken: string[] = [];
  for (const term of LATENCY_TERMS) {
    const bound = slo[term];
    if (bound === undefined) continue;
    const value = step[term];
    if (value === null) broken.push(`${term} unbounded (requests unanswered) > ${ms(bound)}`);
    else if (value > bound) broken.push(`${term} ${ms(value)} > ${ms(bound)}`);
  }
  if (slo.errorRate !== undefined && step.errorRate > slo.errorRate) {
    const pct = (f: number) => `${Number((f * 100).toPrecision(3))}%`;
    broken.push(`error-rate ${pct(step.errorRate)} > ${pct(slo.errorRate)}`);
  }
  const out: CapacityStep = {
    rate: step.rate,
    ok: broken.length === 0,
    broken,
    // Only a finite latency is kept: the result refuses anything else, and losing the run's
    // result for one step's figure would lose every row measured.
    latency: finiteOrNull(step[chartTerm(slo)]),
    errorRate: step.errorRate,
    errors: topErrors(step.errors),
  };
  if (step.serverCores !== undefined && Number.isFinite(step.serverCores)) {
    out.serverCores = step.serverCores;
  }
  return out;
}

/** How many halvings of [lo, hi] (log scale) bring it within `resolution`. */
export function bisections(lo: number, hi: number, resolution: number): number {
  const needed = Math.ceil(Math.log2(Math.log(hi / lo) / Math.log1p(resolution)));
  return Math.min(MAX_BISECTIONS, Math.max(MIN_BISECTIONS, needed));
}

/** A route's search across rounds: the bracket found by the first round is kept and widened
 *  where a round ends at its edge. */
export class CapacitySearch {
  private readonly o: CapacitySearchOptions;
  private bracket: { lo: number; hi: number } | undefined;
  /** Every estimate below max-rate so far, and the rounds run. */
  private readonly seen: number[] = [];
  private rounds = 0;

  constructor(o: CapacitySearchOptions) {
    if (!(o.maxRate >= MIN_RATE))
      throw new RangeError(`maxRate must be ≥ ${MIN_RATE}, got ${o.maxRate}`);
    this.o = o;
  }

  /** The bracket every round bisects, once the first round has found it. */
  get range(): { lo: number; hi: number } | undefined {
    return this.bracket && { ...this.bracket };
  }

  private async step(side: Side, rate: number): Promise<CapacityStep> {
    const judged = judgeStep(await this.o.step(side, rate), this.o.slo);
    this.o.onStep?.(side, judged);
    return judged;
  }

  /** Doubles the rate from the start until each side broke the SLO or met it at max-rate;
   *  walks down by halves first if a side breaks it at the start. */
  private async ramp(order: readonly Side[]): Promise<{ lo: number; hi: number }> {
    const { maxRate } = this.o;
    const passed: Partial<Record<Side, number>> = {};
    const failed: Partial<Record<Side, number>> = {};
    let rate = Math.min(this.o.startRate ?? 20, maxRate);
    // Down: until every side meets the SLO at some rate.
    for (;;) {
      for (const side of order) {
        if (passed[side] !== undefined) continue;
        const s = await this.step(side, rate);
        if (s.ok) passed[side] = rate;
        else {
          failed[side] = Math.min(failed[side] ?? Number.POSITIVE_INFINITY, rate);
          if (rate <= MIN_RATE) throw new NoCapacityError(side, s);
        }
      }
      if (order.every((side) => passed[side] !== undefined)) break;
      rate = Math.max(MIN_RATE, rate / 2);
    }
    // Up: from the highest rate a side met, until each has broken it or met max-rate.
    const climbing = order.filter((side) => failed[side] === undefined);
    rate = Math.max(...order.map((side) => passed[side]!));
    while (climbing.length > 0 && rate < maxRate) {
      rate = Math.min(maxRate, rate * 2);
      for (const side of [...climbing]) {
        const s = await this.step(side, rate);
        if (s.ok) passed[side] = rate;
        else {
          failed[side] = rate;
          climbing.splice(climbing.indexOf(side), 1);
        }
      }
    }
    // A first failure may be a cold start's or a burst's: the bracket reaches twice the highest
    // rate a side broke the SLO at, and a round that meets it at every step widens it again.
    const lo = Math.min(...order.map((side) => passed[side]!));
    const hi = Math.min(maxRate, 2 * Math.max(...order.map((side) => failed[side] ?? maxRate)));
    return { lo: Math.min(lo, hi / 2), hi };
  }

  /** One round: each side's estimate, `first`'s steps before the other's at every rate. */
  async round(first: Side): Promise<Record<Side, SideEstimate>> {
    const order: Side[] = first === 'base' ? ['base', 'head'] : ['head', 'base'];
    this.bracket ??= await this.ramp(order);
    this.rounds++;
    const { lo, hi } = this.bracket;
    const { maxRate } = this.o;
    const state = {
      base: { lo, hi, knee: undefined as CapacityStep | undefined, done: false },
      head: { lo, hi, knee: undefined as CapacityStep | undefined, done: false },
    };
    const out: Partial<Record<Side, SideEstimate>> = {};
    if (hi >= maxRate) {
      for (const side of order) {
        const s = await this.step(side, maxRate);
        if (s.ok) {
          out[side] = { value: maxRate, atMax: true };
          state[side].done = true;
        } else state[side].knee = s;
      }
    }
    const k = bisections(lo, hi, this.o.resolution ?? RESOLUTION);
    for (let i = 0; i < k; i++) {
      for (const side of order) {
        const st = state[side];
        if (st.done) continue;
        const mid = Math.sqrt(st.lo * st.hi);
        const s = await this.step(side, mid);
        if (s.ok) st.lo = mid;
        else {
          st.hi = mid;
          st.knee = s;
        }
      }
    }
    let widenLo = false;
    let widenHi = false;
    for (const side of order) {
      const st = state[side];
      if (st.done) continue;
      const estimate: SideEstimate = { value: Math.sqrt(st.lo * st.hi), atMax: false };
      if (st.knee) estimate.knee = st.knee;
      out[side] = estimate;
      // Every step met the SLO (the knee may lie above hi) or none did (below lo).
      if (st.hi === hi && hi < maxRate) widenHi = true;
      if (st.lo === lo && lo > MIN_RATE) widenLo = true;
    }
    if (widenHi) this.bracket.hi = Math.min(maxRate, hi * WIDEN);
    if (widenLo) this.bracket.lo = Math.max(MIN_RATE, lo / WIDEN);
    if (!widenHi && !widenLo)
      this.narrow(order.flatMap((side) => (out[side]!.atMax ? [] : [out[side]!.value])));
    return out as Record<Side, SideEstimate>;
  }

  /**
   * Once two rounds have given estimates, the bracket closes in on them: from a fifth below the
   * lowest to a quarter above the highest seen (max-rate stays its top while a side meets the
   * SLO there), which saves a bisection step a side in most rounds. It never closes below what
   * has been seen, and a round ending at an edge widens it again.
   */
  private narrow(estimates: number[]): void {
    this.seen.push(...estimates);
    if (this.seen.length < 4 || !this.bracket) return;
    const lo = Math.max(this.bracket.lo, Math.min(...this.seen) / NARROW);
    const hi =
      this.bracket.hi >= this.o.maxRate && this.seen.length < 2 * this.rounds
        ? this.bracket.hi
        : Math.min(this.bracket.hi, Math.max(...this.seen) * NARROW);
    if (hi > lo * 1.1) this.bracket = { lo, hi };
  }
}
