// Starts a suite benchmark: one first run in each tree says which benchmarks exist on each side.
// Those on both are compared, each a target; one on a single side is said in the run's notes
// (added on head, removed from it) and not compared. The first runs are not samples.
import type { Side, Tree } from '../../model.js';
import { type KindRun, ProbeError, type Started } from '../types.js';
import type { SuiteEntry } from './entry.js';
import { createSuiteProbe, runSuite } from './probe.js';
import type { SuiteBenchmarkConfig } from './schema.js';

export interface SuiteSides {
  compared: SuiteEntry[];
  /** On head only. */
  added: string[];
  /** On base only. */
  removed: string[];
}

/** Which benchmarks the two sides share (in base's order), and which only one side has. A
 *  benchmark whose kind of statistic changed (time ↔ ops) counts as removed and added. */
export function matchSides(base: SuiteEntry[], head: SuiteEntry[]): SuiteSides {
  const id = (e: SuiteEntry) => `${e.metric}\0${e.name}`;
  const onHead = new Set(head.map(id));
  const onBase = new Set(base.map(id));
  return {
    compared: base.filter((e) => onHead.has(id(e))),
    added: head.filter((e) => !onBase.has(id(e))).map((e) => e.name),
    removed: base.filter((e) => !onHead.has(id(e))).map((e) => e.name),
  };
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

/** The notes of benchmarks on one side only. */
export function sideNotes(bench: SuiteBenchmarkConfig, sides: SuiteSides): string[] {
  const notes: string[] = [];
  const count = (n: number) => (n === 1 ? '1 benchmark' : `${n} benchmarks`);
  if (sides.added.length > 0) {
    notes.push(
      `suite "${bench.name}": ${count(sides.added.length)} added on head, not compared (no base to compare with): ${quoted(sides.added)}`,
    );
  }
  if (sides.removed.length > 0) {
    notes.push(
      `suite "${bench.name}": ${count(sides.removed.length)} removed on head, not compared: ${quoted(sides.removed)}`,
    );
  }
  return notes;
}

export async function startSuite(bench: SuiteBenchmarkConfig, run: KindRun): Promise<Started> {
  const signal = run.signal ?? new AbortController().signal;
  const first = {} as Record<Side, SuiteEntry[]>;
  for (const side of ['base', 'head'] as const) {
    const tree: Tree = run.sides[side];
    run.log(`Running suite "${bench.name}" once on ${side} to list its benchmarks: ${bench.run}`);
    first[side] = (await runSuite(bench, tree, signal)).entries;
  }
  const sides = matchSides(first.base, first.head);
  for (const note of sideNotes(bench, sides)) (run.note ?? run.log)(note);
  if (sides.compared.length === 0) {
    const filtered =
      bench.include.length + bench.exclude.length > 0 ? ' after include/exclude' : '';
    throw new ProbeError(
      `benchmark "${bench.name}": no benchmark of the suite ran on both sides${filtered} ` +
        `(base: ${quoted(first.base.map((e) => e.name)) || 'none'}; head: ${quoted(first.head.map((e) => e.name)) || 'none'})`,
      bench.name,
      'head',
    );
  }
  return { probe: createSuiteProbe(bench, run.sides, sides.compared, { signal: run.signal }) };
}
