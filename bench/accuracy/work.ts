// The services' per-request work (service-work.mjs, which the servers run too) calibrated to a
// number of units, once per bench run, so that base and head get exactly the same work for the
// same nominal service time.
import { performance } from 'node:perf_hooks';
import { jsonWork, loopWork } from './service-work.mjs';

export const SERVICES = ['json', 'io', 'tail', 'loop'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** CPU time of one request's work (the fast path's, for tail) when no --work-ms is given: the
 *  json document is then ~45 kB (the 20–50 kB), io's response building is light beside
 *  its 3–5 ms wait, and the loop keeps the 1 ms it was measured with before. */
export const DEFAULT_WORK_MS: Record<ServiceName, number> = {
  json: 0.4,
  io: 0.3,
  tail: 0.3,
  loop: 1,
};

/** Milliseconds per unit of `work` here: the fastest of several timed runs (the least disturbed
 *  by other load), after a warm-up that lets the JIT optimise it. */
function msPerUnit(work: (n: number) => unknown, probe: number): number {
  let sink = 0;
  for (let i = 0; i < 20; i++) sink ^= String(work(probe)).length;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    sink ^= String(work(probe)).length;
    best = Math.min(best, performance.now() - t0);
  }
  // Keeps `sink` alive so the timed runs are not removed.
  if (sink === 0.5) console.log(sink);
  return best / probe;
}

/** Each work function is timed once per process: json, io and tail share the json work, so their
 *  units stay in the ratio of their nominal times even when other load disturbs a calibration. */
const perUnit = new Map<'loop' | 'json', number>();

/** The service's units (loop iterations, or json records) for `ms` of CPU work per request. */
export function calibrateUnits(service: ServiceName, ms: number): number {
  if (!(ms > 0)) throw new RangeError(`work per request must be > 0 ms, got ${ms}`);
  const kind = service === 'loop' ? 'loop' : 'json';
  let cost = perUnit.get(kind);
  if (cost === undefined) {
    cost = kind === 'loop' ? msPerUnit(loopWork, 200_000) : msPerUnit(jsonWork, 300);
    perUnit.set(kind, cost);
  }
  return Math.max(1, Math.round(ms / cost));
}
