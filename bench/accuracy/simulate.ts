// Simulation mode: synthetic rounds with the measured noise, a fake clock, many seeded trials.
// Every trial generates one stream of rounds; perfgate's sampler and every peer rule read the
// same stream (perfgate in its randomized order, the peers base-then-head).
import { deriveSeed } from '../../src/stats/random.js';
import { PEER_RULES, type PeerRule } from './catalog.js';
import { generateTrial, type NoiseFigures } from './noise-model.js';
import { benchGate, runPerfgate, syntheticProbe } from './perfgate.js';
import { peerSeries, ROUTES, routeOf, SLOW_ROUTES } from './series.js';
import { Tally } from './tally.js';

export const PERFGATE = 'perfgate';

export interface SimulationOptions {
  figures: NoiseFigures;
  /** Shifts to simulate; 0 is A/A. */
  shifts: number[];
  /** Trials at shift 0 (the false-alarm rate's precision) and at each other shift. */
  aaTrials: number;
  trials: number;
  timeBudgetMs: number;
  /** δ; the user's default gate's unless given. */
  threshold?: number;
  /** perfgate's family-wise α; the user's default gate's unless given. */
  alpha?: number;
  seed: number;
  rules?: PeerRule[];
  /** Also evaluate every knob of every peer rule (for the equal-false-alarm comparison). */
  knobs?: boolean;
  /** perfgate's futility stop; on unless false (to measure what it costs). */
  futility?: boolean;
  /** Restart the servers every this many pairs (a fresh process offset each), each restart
   *  taking ms of the budget; none when absent. */
  restarts?: { every: number; ms: number };
  /** Bootstrap resamples of perfgate's intervals (the sampler's default when absent). */
  bootstrapResamples?: number;
  onTrial?: (done: number, total: number) => void;
}

export interface SimulationResult {
  tally: Tally;
  /** Pairs the time budget allows at the figures' pair duration. */
  maxPairs: number;
  elapsedMs: number;
}

/** One trial: perfgate and the peers on the same stream. */
export async function simulateTrial(
  o: SimulationOptions,
  shift: number,
  index: number,
  tally: Tally,
  maxPairs: number,
): Promise<void> {
  const seed = deriveSeed(o.seed, 'trial', shift, index);
  const rules = o.rules ?? PEER_RULES;
  // Enough rounds for perfgate (which may overshoot the budget by a block; the warm-up takes one
  // more) and for the peer that reads the most (tachometer's 50 at the defaults' few pairs).
  const rounds = Math.max(maxPairs, ...rules.map((r) => r.rounds(maxPairs))) + 20;
  const trial = generateTrial({
    figures: o.figures,
    routes: ROUTES,
    slowRoutes: SLOW_ROUTES,
    shift,
    rounds,
    seed,
    ...(o.restarts ? { restartEvery: o.restarts.every } : {}),
  });
  const pairMs = o.figures.pairMs;

  const clock = { now: 0 };
  const run = await runPerfgate(
    syntheticProbe(trial, clock, pairMs, o.restarts),
    benchGate({
      timeBudgetMs: o.timeBudgetMs,
      seed,
      ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
      ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
      ...(o.futility !== undefined ? { futility: o.futility } : {}),
    }),
    { now: () => clock.now, bootstrapResamples: o.bootstrapResamples },
  );
  const regressed = [...run.statuses].filter(([, s]) => s === 'regressed').map(([k]) => k);
  tally.add(PERFGATE, 'default', shift, {
    failed: regressed.length > 0,
    detected: regressed.some(onSlowedRoute),
    wrongRoute: regressed.some((k) => !onSlowedRoute(k)),
    samples: run.pairs,
    timeMs: run.elapsedMs,
  });

  const series = peerSeries(trial, rounds);
  for (const rule of rules) {
    const knobs = o.knobs ? rule.knobs : [rule.defaultKnob];
    const run = rule.prepare
      ? rule.prepare(series, maxPairs)
      : (knob: number) => rule.run(series, knob, maxPairs);
    for (const knob of knobs) {
      const out = run(knob);
      tally.add(rule.id, knob, shift, {
        failed: out.regressed.length > 0,
        detected: out.regressed.some(onSlowedRoute),
        samples: out.samplesUsed,
        timeMs: out.samplesUsed * pairMs,
      });
    }
  }
}

export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const tally = new Tally();
  const maxPairs = Math.max(1, Math.floor(o.timeBudgetMs / o.figures.pairMs));
  const plan: Array<[shift: number, index: number]> = [];
  for (const shift of o.shifts) {
    const n = shift === 0 ? o.aaTrials : o.trials;
    for (let i = 0; i < n; i++) plan.push([shift, i]);
  }
  let done = 0;
  for (const [shift, index] of plan) {
    await simulateTrial(o, shift, index, tally, maxPairs);
    o.onTrial?.(++done, plan.length);
  }
  return { tally, maxPairs, elapsedMs: performance.now() - started };
}

/** Whether a regressed key belongs to a route the trial slowed: a rule detects the shift when it
 *  calls any metric of that route regressed (perfgate stops at the first look that calls one). */
export function onSlowedRoute(key: string): boolean {
  const route = routeOf(key);
  return route !== undefined && SLOW_ROUTES.includes(route);
}
