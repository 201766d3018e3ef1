// One line per progress event, for a terminal or a log.
import type { SamplerProgress } from './sampler.js';

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
  return `${head}; ${kind} at ${e.look.pairs} pairs (α ${e.look.alpha.toPrecision(2)}): ${tally}`;
}
