// One benchmark of a suite as one run of the tool reports it, and the time units tools write.
import { type JsonPath, ShapeError } from './read.js';

/** Which catalogue metric an entry is (catalogue.ts): a time per operation in ms, operations per
 *  second, or a custom value in its own unit. */
export type SuiteMetric = 'time' | 'ops' | 'value';

export interface SuiteEntry {
  /** The benchmark's name as the tool writes it (groups joined with ` > `). */
  name: string;
  metric: SuiteMetric;
  value: number;
  /** The unit of a custom value (metric `value`); time is always ms and ops ops/s. */
  unit?: string;
}

/** A tool's output read into its benchmarks, in the tool's order. */
export type SuiteParser = (text: string) => SuiteEntry[];

const TO_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1e3,
};

/** A time in `unit` in milliseconds; an unknown unit is a ShapeError at `path`. */
export function toMs(value: number, unit: unknown, path: JsonPath): number {
  const factor = typeof unit === 'string' && Object.hasOwn(TO_MS, unit) ? TO_MS[unit] : undefined;
  if (factor === undefined) throw new ShapeError(path, 'a time unit (ns, us, ms or s)', unit);
  return value * factor;
}

export const time = (name: string, ms: number): SuiteEntry => ({ name, metric: 'time', value: ms });

/**
 * Entries averaged by name, in first-seen order: tools that repeat a benchmark in one run
 * (`go test -count`, Google Benchmark's repetitions without aggregates) give one entry each.
 */
export function meanByName(entries: SuiteEntry[]): SuiteEntry[] {
  const groups = new Map<string, SuiteEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.name);
    if (group) group.push(entry);
    else groups.set(entry.name, [entry]);
  }
  return [...groups.values()].map((group) => ({
    ...group[0]!,
    value: group.reduce((sum, e) => sum + e.value, 0) / group.length,
  }));
}
