// The between-process offset the simulation puts on a whole run (bench/accuracy/process-offset.ts):
// over many seeded sets of A/A runs like the real bench's (a dozen runs of 5–48 pairs, 15% noise a
// pair with heavy tails), it finds no offset where there is none at least half the time, finds
// one of about the right size where there is one, and its upper bound covers the truth.
import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareQuantile,
  processOffset,
} from '../../bench/accuracy/process-offset.js';
import { createRng } from '../../src/stats/random.js';
import { median } from '../../src/stats/summary.js';

const SETS = 200;

/** SETS sets of 12 runs; each run's pairs share one offset drawn with SD tau. */
function estimates(tau: number, seed: number) {
  const rng = createRng(seed);
  // Student t with 4 degrees of freedom, scaled to a robust SD of 1.
  const t4 = () => {
    const z = rng.normal();
    let chi = 0;
    for (let k = 0; k < 4; k++) chi += rng.normal() ** 2;
    return (z / Math.sqrt(chi / 4)) * (0.6745 / 0.7407);
  };
  return Array.from({ length: SETS }, (_, set) => {
    const runs = Array.from({ length: 12 }, () => {
      const pairs = 5 + rng.int(44);
      const offset = tau * rng.normal();
      return Array.from({ length: pairs }, () => offset + 0.15 * t4());
    });
    const found = processOffset(runs, { seed: set + 1, resamples: 400 });
    if (found === undefined) throw new Error('12 runs of ≥ 5 pairs must give an estimate');
    return found;
  });
}

describe('processOffset', () => {
  it('finds no offset in most sets of runs that have none, and Q keeps near its level', () => {
    const found = estimates(0, 11);
    const sds = found.map((f) => f.sd);
    expect(median(sds)).toBe(0);
    expect(sds.reduce((a, v) => a + v, 0) / SETS).toBeLessThan(0.01);
    // Cochran's Q at 5%, with each run's variance bootstrapped from its own few pairs.
    expect(found.filter((f) => f.p < 0.05).length / SETS).toBeLessThan(0.1);
  });

  it('finds an offset of 3% at about its size, and the upper bound covers it', () => {
    const found = estimates(0.03, 12);
    const sds = found.map((f) => f.sd);
    expect(median(sds)).toBeGreaterThan(0.02);
    expect(median(sds)).toBeLessThan(0.04);
    expect(found.filter((f) => f.upper >= 0.03).length / SETS).toBeGreaterThanOrEqual(0.85);
    // The bound sits above the estimate wherever there is one.
    for (const f of found) expect(f.upper).toBeGreaterThanOrEqual(f.sd);
  });

  it('needs three runs of five pairs', () => {
    expect(
      processOffset([
        [0.1, 0.2, 0.3, 0.1, 0.2],
        [0.1, 0.2, 0.1, 0.3, 0.2],
      ]),
    ).toBeUndefined();
    expect(
      processOffset([
        [0.1, 0.2, 0.3, 0.1],
        [0.1, 0.2],
        [0.3, 0.1, 0.2, 0.1],
      ]),
    ).toBeUndefined();
    const three = processOffset([
      [0.1, 0.2, 0.3, 0.1, 0.2],
      [0.1, 0.2, 0.1, 0.3, 0.2],
      [0.2, 0.1, 0.3, 0.1, 0.2],
    ]);
    expect(three?.runs).toBe(3);
    expect(three?.df).toBe(2);
  });

  it('is seeded: the same runs give the same figures', () => {
    const runs = [0, 1, 2, 3].map((r) => [0.01 * r, 0.05, -0.02, 0.03, -0.04, 0.02 * r]);
    expect(processOffset(runs, { seed: 3 })).toEqual(processOffset(runs, { seed: 3 }));
  });
});

describe('the chi-square distribution', () => {
  it('matches the tables', () => {
    // Abramowitz & Stegun, table 26.8: χ²(11) 5% point 4.575, 95% point 19.675; χ²(2) is
    // exponential, P = 1 − e^(−x/2).
    expect(chiSquareQuantile(0.05, 11)).toBeCloseTo(4.575, 2);
    expect(chiSquareQuantile(0.95, 11)).toBeCloseTo(19.675, 2);
    expect(chiSquareCdf(3, 2)).toBeCloseTo(1 - Math.exp(-1.5), 12);
    expect(chiSquareCdf(0, 5)).toBe(0);
  });
});
