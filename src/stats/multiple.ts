// Multiple-comparison control across the metrics of one look, as adjusted p-values (R's
// p.adjust), so that a metric is called at level α when its adjusted p < α.
import { requireProbability } from './errors.js';

function checked(pValues: readonly number[]): void {
  for (let i = 0; i < pValues.length; i++) requireProbability(`pValues[${i}]`, pValues[i]!, false);
}

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
}

/**
 * Holm (1979), "A simple sequentially rejective multiple test procedure": with p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). Controls the family-wise error rate under any
 * dependence between the tests (the metrics of one benchmark are strongly correlated).
 */
export function holm(pValues: readonly number[]): number[] {
  checked(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m);
  let running = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini & Hochberg (1995), "Controlling the false discovery rate": p̃₍ᵢ₎ =
 * min_{j ≥ i} min(1, m/j · p₍ⱼ₎). Controls the false discovery rate for independent or
 * positively dependent tests (Benjamini & Yekutieli 2001); when no metric changed, that is the
 * family-wise error rate (the Simes test).
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  checked(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m);
  const order = ascendingOrder(pValues);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank]!;
    running = Math.min(running, Math.min(1, (m / (rank + 1)) * pValues[index]!));
    adjusted[index] = running;
  }
  return adjusted;
}

/** The corrections a gate may name (config `gate.correction`). */
export type Correction = 'holm' | 'bh' | 'westfall-young';

/**
 * Adjusted p-values from the p-values alone. `westfall-young` needs the metrics' paired values
 * (westfall-young.ts, called by analyze.ts); from p-values alone it is Holm, the step-down it
 * improves on, which keeps the same family-wise guarantee.
 */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  return correction === 'bh' ? benjaminiHochberg(pValues) : holm(pValues);
}
