// The service's per-request work (service.mjs keeps an identical copy: a .mjs server cannot import
// TypeScript), and its calibration to an iteration count, done once per bench run so that base
// and head get exactly the same work for the same nominal service time.
import { performance } from 'node:perf_hooks';

export function work(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

/** Iterations that take about `ms` milliseconds here: the fastest of several timed runs (the
 *  least disturbed by other load), after a warm-up that lets the JIT optimise the loop. */
export function calibrateWork(ms: number): number {
  const probe = 200_000;
  let sink = 0;
  for (let i = 0; i < 20; i++) sink ^= work(probe);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    sink ^= work(probe);
    best = Math.min(best, performance.now() - t0);
  }
  // Keeps `sink` alive so the timed loops are not removed.
  if (sink === 0.5) console.log(sink);
  return Math.max(1, Math.round((probe / best) * ms));
}
