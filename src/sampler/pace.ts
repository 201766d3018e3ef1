// The budget's plan (sampler.ts): what the blocks so far say about the time the rest will take.
// Pure: durations in, estimates out.

/** Blocks after the first (which may include the one-off runs of exact-only probes and a cold
 *  start) kept for the estimate: enough to span a probe's periodic long block (a restart every
 *  8 pairs) twice, few enough to forget a one-off stall. */
export const PACE_WINDOW = 16;

export interface BlockPace {
  /** Mean block duration: what the pairs still to come cost each, on average. */
  meanMs: number;
  /** Longest block: the room kept before the budget ends, an overrun being worse than one
   *  block fewer. */
  longestMs: number;
}

/** The pace of the last PACE_WINDOW blocks after the first; the first block's own duration
 *  until there are others. */
export function blockPace(durations: readonly number[]): BlockPace {
  const later = (durations.length > 1 ? durations.slice(1) : durations).slice(-PACE_WINDOW);
  return {
    meanMs: later.reduce((sum, ms) => sum + ms, 0) / later.length,
    longestMs: Math.max(...later),
  };
}

/** Blocks that fit in `leftMs`: none unless a longest block does, then one plus as many more as
 *  fit at the mean pace. */
export function blocksFitting(pace: BlockPace, leftMs: number): number {
  if (!(leftMs >= pace.longestMs)) return 0;
  return 1 + Math.floor((leftMs - pace.longestMs) / Math.max(pace.meanMs, 1e-9));
}

/** The final analysis at `pairs`, from the last look's: the bootstrap of the HL estimate grows a
 *  little faster than n·log n, so scale by (n/n₀)² to stay on the safe side. 0 before any look. */
export function estimateAnalysisMs(last: { pairs: number; ms: number }, pairs: number): number {
  if (last.pairs === 0) return 0;
  return last.ms * Math.max(1, (pairs / last.pairs) ** 2);
}
