// Shared by the statistics tests: binomial tolerances for rates measured over seeded trials.

/** True when `hits` of `trials` is consistent with rate p: within z binomial standard errors. */
export function withinBinomial(hits: number, trials: number, p: number, z = 3.5): boolean {
  const se = Math.sqrt((p * (1 - p)) / trials);
  return Math.abs(hits / trials - p) <= z * se;
}

/** The upper end of a z-sigma binomial band around rate p. */
export function binomialUpper(trials: number, p: number, z = 3.5): number {
  return p + z * Math.sqrt((p * (1 - p)) / trials);
}
