// The three-way status of one metric (shared/DESIGN.md, "The statistics"), as pure data.
import type { MetricAnalysis, MetricSpec, Status } from '../model.js';
import { VerdictInputError } from './errors.js';

export interface StatusInput {
  spec: Pick<MetricSpec, 'key' | 'better' | 'scale'>;
  analysis: Pick<MetricAnalysis, 'change' | 'ci' | 'adjustedPValue'>;
  /** δ on the change scale: relative for ratio and exact, absolute for difference. */
  threshold: number;
  /** The level of this look (stats/sequential.ts); adjusted p-values are compared with it. */
  alphaAtLook: number;
}

/**
 * Oriented so that "worse" is positive (lower-is-better as is; higher-is-better negated):
 * - regressed: adjusted p < α at this look AND the whole CI lies beyond +δ (worse);
 * - improved: adjusted p < α AND the whole CI lies beyond −δ (better);
 * - unchanged: the whole CI lies within [−δ, +δ] (a significant but negligible change is
 *   unchanged: that is what δ is for);
 * - inconclusive: anything else, e.g. a CI that straddles δ. Neutral, never a silent pass.
 * The test guards the error rate (sequential.ts); the CI guards practical relevance.
 *
 * Exact metrics have no noise: beyond +δ is regressed, beyond −δ improved, otherwise unchanged
 * (the change itself is still reported, even when it is not 0).
 */
export function metricStatus(input: StatusInput): Status {
  const { spec, analysis, threshold, alphaAtLook } = input;
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new VerdictInputError(
      `threshold of ${spec.key} must be a number ≥ 0, got ${String(threshold)}`,
      `${spec.key} threshold`,
      threshold,
    );
  }
  const sign = spec.better === 'lower' ? 1 : -1;
  if (spec.scale === 'exact') {
    const worse = sign * analysis.change;
    if (worse > threshold) return 'regressed';
    if (worse < -threshold) return 'improved';
    return 'unchanged';
  }
  if (analysis.adjustedPValue === null) {
    throw new VerdictInputError(
      `${spec.key} is on the ${spec.scale} scale but has no adjusted p-value`,
      `${spec.key} adjustedPValue`,
      null,
    );
  }
  const [a, b] = analysis.ci.map((x) => sign * x) as [number, number];
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  const significant = analysis.adjustedPValue < alphaAtLook;
  if (significant && low > threshold) return 'regressed';
  if (significant && high < -threshold) return 'improved';
  if (low >= -threshold && high <= threshold) return 'unchanged';
  return 'inconclusive';
}

/** Resolved: nothing more sampling could change about the call. */
export function isResolved(status: Status): boolean {
  return status !== 'inconclusive';
}
