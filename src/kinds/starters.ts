// How the pipeline starts each kind: one starter per kind of the registry, kept apart from
// registry.ts because config/ reads the registry and must not load the probes. The mapped type
// makes a kind without a starter a compile error.
import { startBundle } from './bundle/start.js';
import { startCommand } from './command/start.js';
import { startHttp } from './http/start.js';
import { startLighthouse } from './lighthouse/start.js';
import type { BenchmarkOf, Kind } from './registry.js';
import type { KindRun, Started } from './types.js';

export type StartKind<B> = (bench: B, run: KindRun) => Promise<Started>;

export const STARTERS: { readonly [K in Kind]: StartKind<BenchmarkOf<K>> } = {
  http: startHttp,
  lighthouse: startLighthouse,
  bundle: startBundle,
  command: startCommand,
};

/** Starts one benchmark through its kind's starter (`starters` is a seam for tests). */
export function startKind<B extends { type: string }>(
  bench: B,
  run: KindRun,
  starters: Readonly<Record<string, StartKind<never>>> = STARTERS,
): Promise<Started> {
  const start = Object.hasOwn(starters, bench.type) ? starters[bench.type] : undefined;
  if (!start) throw new Error(`no starter for benchmark kind "${bench.type}"`);
  return (start as StartKind<B>)(bench, run);
}
