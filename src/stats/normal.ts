// The standard normal distribution, to double precision, without dependencies.
import { requireFinite, requireProbability } from './errors.js';

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0. Below 2: the all-positive series
 *  erf(x) = 2/√π · e^{-x²} · Σ 2^n x^{2n+1} / (2n+1)!!  (Abramowitz & Stegun 7.1.6);
 *  from 2 on: the continued fraction erfc(x) = e^{-x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …))))
 *  (A&S 7.1.14) by the modified Lentz method (Numerical Recipes 3rd ed., §5.2). */
function erfcNonNegative(x: number): number {
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

export function erfc(x: number): number {
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/** Φ(z) = P(Z ≤ z) = ½·erfc(−z/√2); accurate in the lower tail. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** 1 − Φ(z) = P(Z > z), accurate in the upper tail (no cancellation). */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}

// Acklam's rational approximation of Φ⁻¹ (relative error 1.15e-9), then refined to full
// precision by Halley steps on Φ (as Acklam suggests).
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function acklam(p: number): number {
  const pLow = 0.02425;
  const [a0, a1, a2, a3, a4, a5] = A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = D as [number, number, number, number];
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
    return p < pLow ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Φ⁻¹(p): the z with P(Z ≤ z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  requireProbability('p', p);
  let x = acklam(p);
  for (let i = 0; i < 2; i++) {
    // Work in the tail where p is small, so that Φ(x) − p keeps its precision.
    const err = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSurvival(x);
    const u = err * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return requireFinite('normalQuantile(p)', x);
}

/**
 * Student's t quantile t_{p,ν} by the Cornish–Fisher expansion in z = Φ⁻¹(p)
 * (Abramowitz & Stegun 26.7.5): t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴. Within 1e-4 of the exact
 * value for ν ≥ 5 at p = 0.975, within 1% for ν ≥ 2; used only to widen small-sample bootstrap
 * intervals, where that accuracy is ample.
 */
export function studentTQuantile(p: number, nu: number): number {
  if (!(nu >= 1)) throw new RangeError(`degrees of freedom must be at least 1, got ${nu}`);
  const z = normalQuantile(p);
  const z2 = z * z;
  const z3 = z2 * z;
  const z5 = z3 * z2;
  const z7 = z5 * z2;
  const z9 = z7 * z2;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4;
}
