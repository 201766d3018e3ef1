import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random.js';
import { AlphaSpending, cumulativeAlpha } from '../../src/stats/sequential.js';

describe('alpha spending', () => {
  it('spends with ρ = 2: little early, most at the end', () => {
    const spending = new AlphaSpending(0.05);
    const first = spending.look(10, 80);
    const second = spending.look(20, 80);
    const third = spending.look(40, 80);
    const last = spending.final();
    expect(first).toBeCloseTo(0.05 / 64, 15);
    expect(second).toBeCloseTo(0.05 / 16 - 0.05 / 64, 15);
    expect(third).toBeCloseTo(0.05 / 4 - 0.05 / 16, 15);
    expect(last).toBeCloseTo(0.05 * (3 / 4), 15);
    expect(first + second + third + last).toBeCloseTo(0.05, 15);
    expect(spending.remaining).toBe(0);
  });

  it('takes ρ as a parameter (ρ = 3 spends like O’Brien–Fleming)', () => {
    const spending = new AlphaSpending(0.05, 3);
    expect(spending.look(10, 80)).toBeCloseTo(0.05 / 512, 15);
    expect(spending.final()).toBeCloseTo(0.05 * (511 / 512), 15);
  });

  it('never spends more than α, however the plan moves and wherever sampling stops', () => {
    const rng = createRng(8);
    let worst = 0;
    let negative = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const alpha = [0.01, 0.05, 0.1][rng.int(3)]!;
      const spending = new AlphaSpending(alpha);
      let total = 0;
      let pairs = 0;
      const looks = rng.int(8);
      for (let k = 0; k < looks; k++) {
        pairs += 1 + rng.int(40);
        // The planned horizon is re-estimated at every look and may shrink below `pairs`.
        const planned = Math.max(1, pairs + rng.int(200) - 50);
        const level = spending.look(pairs, planned);
        if (level < 0) negative++;
        total += level;
      }
      if (rng.next() < 0.8) total += spending.final();
      worst = Math.max(worst, total / alpha);
    }
    expect(negative).toBe(0);
    expect(worst).toBeLessThanOrEqual(1 + 1e-12);
    // Some runs do spend all of α (the final look takes the rest).
    expect(worst).toBeGreaterThan(1 - 1e-12);
  });

  it('gives nothing at a look whose planned fraction went down', () => {
    const spending = new AlphaSpending(0.05);
    spending.look(40, 80);
    expect(spending.look(50, 400)).toBe(0);
  });

  it('names bad arguments', () => {
    expect(() => new AlphaSpending(0)).toThrow(/alpha must be strictly between 0 and 1, got 0/);
    expect(() => new AlphaSpending(0.05).look(10, 0)).toThrow(/plannedPairs > 0/);
    expect(cumulativeAlpha(0.05, 2)).toBe(0.05);
  });
});
