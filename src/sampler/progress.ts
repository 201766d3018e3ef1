// What a run says of its progress as it goes, for a live display or a log: the phase, the
// sampler's pairs and looks with each metric's estimate. Pure: the sinks (a terminal's redrawn
// block in command-line/, a CI log's one line per look) decide how to show it.
import { formatChange, formatInterval } from '../report/format.js';
import type { LookEstimate, SamplerProgress } from './sampler.js';

export type Phase =
  | 'building head'
  | 'building base'
  | 'starting servers'
  | 'starting benchmarks'
  | 'warm-up'
  | 'sampling'
  | 'profiling';

/** The pipeline's progress: a new phase, or the sampler's event after each pair. */
export type RunProgress = { phase: Phase } | { sampled: SamplerProgress };

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** `40 pairs, 62 s of 300 s; look at 40 pairs (α 0.0012): 5 unchanged, 1 inconclusive` */
export function describeProgress(e: SamplerProgress): string {
  const head = `${e.pairs} pair${e.pairs === 1 ? '' : 's'}, ${seconds(e.elapsedMs)} of ${seconds(e.budgetMs)}`;
  if (!e.look) return head;
  const counts = new Map<string, number>();
  for (const { status } of e.look.statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const tally = ['regressed', 'improved', 'unchanged', 'inconclusive']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  const kind = e.look.final ? 'final look' : 'look';
  const line = `${head}; ${kind} at ${e.look.pairs} pairs (α ${e.look.alpha.toPrecision(2)}): ${tally}`;
  const open = closestToDecision(e.look.estimates, 1);
  return open.length > 0 ? `${line}; closest: ${describeEstimate(open[0]!)}` : line;
}

/** `api GET /work p50 +31% [+18%, +44%]` */
export function describeEstimate(e: LookEstimate): string {
  const { spec } = e;
  const name = [spec.benchmark, spec.target, spec.metric].filter((x) => x !== undefined).join(' ');
  return `${name} ${formatChange(e.change, spec.scale, spec.unit)} ${formatInterval(e.ci, spec.scale, spec.unit)}`;
}

/**
 * How far a metric's interval is from a call, in units of δ: the least its CI would have to move
 * to lie wholly beyond +δ or −δ (regressed or improved) or wholly within ±δ (unchanged), on the
 * scale the statuses are decided on (verdict/status.ts).
 */
export function distanceToDecision(e: LookEstimate): number {
  const [low, high] = e.ci;
  const delta = e.threshold;
  const beyondUp = Math.max(0, delta - low);
  const beyondDown = Math.max(0, high + delta);
  const within = Math.max(0, high - delta) + Math.max(0, -delta - low);
  return Math.min(beyondUp, beyondDown, within) / (delta > 0 ? delta : 1);
}

/** The undecided timed metrics nearest a call, nearest first: what a user waits on. */
export function closestToDecision(estimates: readonly LookEstimate[], count = 3): LookEstimate[] {
  return estimates
    .filter((e) => e.status === 'inconclusive' && e.spec.scale !== 'exact')
    .filter((e) => Number.isFinite(e.ci[0]) && Number.isFinite(e.ci[1]))
    .map((e) => ({ e, d: distanceToDecision(e) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map(({ e }) => e);
}

/** A sink for a log (a CI job's, or a terminal's when not a TTY): one line per look, nothing per
 *  pair or phase (the run's own log lines already say what it builds and starts). */
export function logProgress(write: (line: string) => void): (event: RunProgress) => void {
  return (event) => {
    if ('sampled' in event && event.sampled.look) write(describeProgress(event.sampled));
  };
}
