// Where the sampler looks when the looks are planned by time (gate.lookPlan 'time').
import { FUTILITY_POWER } from '../stats/futility.js';

/** The first look: with the order-adjusted t (stats/student-t.ts) a call is possible from 3
 *  pairs, but on 1 degree of freedom only an enormous effect reaches a look's level; at 4 (2 df)
 *  a 25% change under 2% noise is called (test/sampler). */
export const FIRST_LOOK = 4;

/** Each look at about 1.5 times the pairs of the one before: 4, 6, 9, 14, 21, 32, 48, 72, 108…
 *  Geometric, so that the number of looks grows with the log of the pairs the budget allows
 *  (each costs an analysis) while the early ones, where a large change is called, come quickly. */
export const LOOK_GROWTH = 1.5;

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

/** The plan as said after the first block: how long a pair takes, how many fit, where the looks
 *  are. `pairs` is what the budget allows (the estimate at that point). */
export function planNote(o: {
  pairMs: number;
  pairs: number;
  budgetMs: number;
  looks: readonly number[];
}): string {
  const seconds = (ms: number) =>
    ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
  const looks = o.looks.filter((n) => n < o.pairs);
  return (
    `A pair takes about ${seconds(o.pairMs)}: about ${o.pairs} pair${o.pairs === 1 ? '' : 's'} fit in the ` +
    `${seconds(o.budgetMs)} budget; looks at ${[...looks, o.pairs].join(', ')} pairs, stopping early ` +
    `once no metric can still be called regressed (predictive power below ${FUTILITY_POWER * 100}%).`
  );
}
