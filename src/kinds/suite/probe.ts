// A suite run once per side per round: the tool's command in the side's tree, its output (standard
// output or the file it writes) read by the format's parser, each benchmark the value of its
// target's metric. Which benchmarks are compared is settled before sampling (start.ts).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MetricSpec, Observation, Side, Tree } from '../../model.js';
import { runChecked } from '../command/probe.js';
import { catalogueSpec, disposalGuard, metricSpec, type Probe, ProbeError } from '../types.js';
import { SUITE_METRICS } from './catalogue.js';
import type { SuiteEntry } from './entry.js';
import { SUITE_FORMATS } from './formats.js';
import { nameFilter } from './patterns.js';
import { SuiteFormatError } from './read.js';
import type { SuiteBenchmarkConfig } from './schema.js';

/** Standard output kept for the parser; a tool printing more is an error, not a silent cut. */
const MAX_STDOUT_BYTES = 64 * 1024 * 1024;

export interface SuiteRun {
  /** Every benchmark the tool reported, in its order, after include/exclude. */
  entries: SuiteEntry[];
}

/**
 * Runs the suite once in `tree` and reads its benchmarks; a failed command, an output that
 * cannot be read or a name reported twice is a ProbeError saying which.
 */
export async function runSuite(
  bench: SuiteBenchmarkConfig,
  tree: Tree,
  signal: AbortSignal,
): Promise<SuiteRun> {
  const side = tree.side;
  const where = `benchmark "${bench.name}", ${side} side`;
  const outputFile = bench.output === undefined ? undefined : path.resolve(tree.dir, bench.output);
  // A file left by an earlier round (or committed) must not pass for this round's output.
  if (outputFile) await rm(outputFile, { force: true });
  const chunks: string[] = [];
  let bytes = 0;
  await runChecked({
    benchmark: bench.name,
    side,
    command: bench.run,
    cwd: path.resolve(tree.dir, bench.cwd),
    env: bench.env,
    timeoutMs: bench.timeoutMs,
    signal,
    onOutput: (text, stream) => {
      if (stream !== 'stdout' || outputFile) return;
      bytes += text.length;
      if (bytes <= MAX_STDOUT_BYTES) chunks.push(text);
    },
  });
  if (bytes > MAX_STDOUT_BYTES) {
    throw new ProbeError(
      `${where}: \`${bench.run}\` printed more than ${MAX_STDOUT_BYTES / 1024 / 1024} MB; write the results to a file (output:) or print less`,
      bench.name,
      side,
    );
  }
  let text: string;
  if (outputFile) {
    try {
      text = await readFile(outputFile, 'utf8');
    } catch (error) {
      throw new ProbeError(
        `${where}: \`${bench.run}\` exited with 0 but wrote no ${bench.output} (output:, relative to the tree root): ${(error as Error).message}`,
        bench.name,
        side,
        { cause: error },
      );
    }
  } else text = chunks.join('');
  let entries: SuiteEntry[];
  try {
    entries = SUITE_FORMATS[bench.format](text);
  } catch (error) {
    if (!(error instanceof SuiteFormatError)) throw error;
    const from = bench.output ?? 'standard output';
    throw new ProbeError(`${where}, ${from}: ${error.message}`, bench.name, side, {
      cause: error,
    });
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) {
      throw new ProbeError(
        `${where}: the ${bench.format} output names the benchmark "${entry.name}" twice; give each benchmark its own name`,
        bench.name,
        side,
      );
    }
    seen.add(entry.name);
  }
  const included = nameFilter(bench.include, bench.exclude);
  return { entries: entries.filter((e) => included(e.name)) };
}

/** The spec of one benchmark of the suite: its target is the benchmark's name. */
export function entrySpec(bench: SuiteBenchmarkConfig, entry: SuiteEntry): MetricSpec {
  const catalogued = SUITE_METRICS.find((m) => m.metric === entry.metric)!;
  if (entry.metric !== 'value') return catalogueSpec(catalogued, bench.name, entry.name);
  return metricSpec({
    benchmark: bench.name,
    target: entry.name,
    metric: 'value',
    unit: entry.unit ?? catalogued.unit,
    better: bench.better,
    scale: catalogued.scale,
  });
}

export interface SuiteProbeOptions {
  signal?: AbortSignal;
}

/** The probe of the benchmarks both sides ran (`compared`, from start.ts's first runs). */
export function createSuiteProbe(
  bench: SuiteBenchmarkConfig,
  trees: Record<Side, Tree>,
  compared: SuiteEntry[],
  o: SuiteProbeOptions = {},
): Probe {
  const specs = compared.map((entry) => entrySpec(bench, entry));
  const guard = disposalGuard(bench.name, o.signal);

  async function measure(side: Side): Promise<Observation> {
    const { entries } = await runSuite(bench, trees[side], guard.signal);
    const byName = new Map(entries.map((e) => [e.name, e]));
    const observation: Observation = {};
    compared.forEach((wanted, i) => {
      const entry = byName.get(wanted.name);
      if (!entry || entry.metric !== wanted.metric) {
        throw new ProbeError(
          `benchmark "${bench.name}", ${side} side: "${wanted.name}" ran in the first round but not in this one`,
          bench.name,
          side,
        );
      }
      observation[specs[i]!.key] = entry.value;
    });
    return observation;
  }

  return {
    benchmark: bench.name,
    specs,
    measure: (side) => guard.round(() => measure(side)),
    dispose: guard.dispose,
  };
}
