import { describe, expect, it } from 'vitest';
import { adjustPValues, benjaminiHochberg, holm } from '../../src/stats/multiple.js';

// The 15 p-values of Benjamini & Hochberg (1995), §3.2: at level 0.05 BH rejects the four
// smallest, Holm (as Bonferroni) the three smallest.
const BH_PAPER = [
  0.0201, 0.0001, 0.0004, 0.0019, 0.0095, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719,
  0.6528, 0.759, 1.0,
];

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 12);
}

describe('multiple-comparison adjustments', () => {
  it('reproduces the rejections of the Benjamini–Hochberg paper', () => {
    const rejected = (adjusted: number[]) =>
      BH_PAPER.filter((_, i) => adjusted[i]! < 0.05).sort((a, b) => a - b);
    expect(rejected(benjaminiHochberg(BH_PAPER))).toEqual([0.0001, 0.0004, 0.0019, 0.0095]);
    expect(rejected(holm(BH_PAPER))).toEqual([0.0001, 0.0004, 0.0019]);
  });

  it('matches R p.adjust', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.02, 0.05), "holm") and "BH"
    const p = [0.01, 0.04, 0.03, 0.02, 0.05];
    const h = holm(p);
    expectClose(h, [0.05, 0.09, 0.09, 0.08, 0.09]);
    expect(benjaminiHochberg(p)).toEqual(p.map(() => 0.05));
    // p.adjust(c(0.001, 0.2, 0.03), "BH") → 0.003 0.200 0.045; "holm" → 0.003 0.200 0.060
    const q = [0.001, 0.2, 0.03];
    expectClose(benjaminiHochberg(q), [0.003, 0.2, 0.045]);
    expectClose(adjustPValues(q, 'holm'), [0.003, 0.2, 0.06]);
  });

  it('treats westfall-young from p-values alone as Holm (the joint version needs the pairs)', () => {
    expect(adjustPValues(BH_PAPER, 'westfall-young')).toEqual(holm(BH_PAPER));
  });

  it('caps at 1 and handles empty and single families', () => {
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(holm([0.03])).toEqual([0.03]);
  });

  it('names a p-value outside [0, 1]', () => {
    expect(() => holm([0.1, 1.2])).toThrow(/pValues\[1\] must be between 0 and 1, got 1.2/);
  });
});
