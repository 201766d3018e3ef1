// The real noise of slow probes on this machine, in AB/BA pairs of two identical sides, through
// perfgate's own machinery: the command kind's runCommand (wall time from spawning the shell to
// its exit) and the Lighthouse kind's probe (one Chromium, a static server per side, the desktop
// preset). Saves every pair and its figures (figures.ts) for the simulation to read back.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAGE_METRICS } from '../../src/kinds/lighthouse/catalogue.js';
import { findChrome, launchChrome } from '../../src/kinds/lighthouse/chrome.js';
import { loadLighthouse } from '../../src/kinds/lighthouse/loader.js';
import { createLighthouseProbe } from '../../src/kinds/lighthouse/probe.js';
import { metricKey } from '../../src/kinds/types.js';
import type { Side } from '../../src/model.js';
import { createRng, deriveSeed } from '../../src/stats/random.js';
import { runCommand } from '../../src/workspace/build.js';
import {
  type MeasuredPair,
  type PairFigures,
  pairDifferences,
  pairFigures,
  spearman,
  spearmanToPearson,
} from './figures.js';

/** A fixed integer loop: CPU-bound, no I/O, no allocation after start-up, so its time is the
 *  CPU's and the scheduler's. The iteration count comes on the command line. */
const WORK = `const n = Number(process.argv[2]);
let x = 0;
for (let i = 0; i < n; i++) x = (x + Math.imul(i, 2654435761)) | 0;
if (x === 42) console.log(x);
`;

export interface Machine {
  cpus: number;
  model: string;
  node: string;
  /** 1-, 5- and 15-minute load averages when the measurement started and ended. */
  loadBefore: number[];
  loadAfter: number[];
}

export interface CommandNoise {
  label: string;
  /** The command as each side ran it (in its own copy of the script). */
  command: string;
  iterations: number;
  pairs: MeasuredPair[];
  figures: PairFigures;
  /** The machine and its load while this series ran (series may be measured at other times). */
  machine?: Machine;
}

export interface CommandMeasurement {
  measuredAt: string;
  machine: Machine;
  commands: CommandNoise[];
}

export interface LighthouseMeasurement {
  measuredAt: string;
  machine: Machine;
  page: string;
  chromium: string;
  /** Metric names in catalogue order, with their scale. */
  metrics: Array<{ metric: string; scale: 'ratio' | 'difference' | 'exact' }>;
  pairs: MeasuredPair[];
  figures: Record<string, PairFigures>;
  /** Pearson-equivalent correlation (from Spearman's) of the paired d's, between the metrics
   *  that vary; row and column order as `correlated`. */
  correlated: string[];
  correlation: number[][];
}

function machine(loadBefore: number[]): Machine {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? '?',
    node: process.version,
    loadBefore,
    loadAfter: loadavg(),
  };
}

const order = (rng: ReturnType<typeof createRng>): 'AB' | 'BA' => (rng.next() < 0.5 ? 'AB' : 'BA');
const sidesOf = (o: 'AB' | 'BA'): [Side, Side] =>
  o === 'AB' ? ['base', 'head'] : ['head', 'base'];

/** Runs `pairs` AB/BA pairs (after one warm-up per side) of the same command in two copies. */
async function commandPairs(o: {
  label: string;
  iterations: number;
  pairs: number;
  seed: number;
  log: (line: string) => void;
}): Promise<CommandNoise> {
  const root = mkdtempSync(join(tmpdir(), 'perfgate-bench-slow-'));
  try {
    const dirs: Record<Side, string> = { base: join(root, 'base'), head: join(root, 'head') };
    mkdirSync(dirs.base);
    mkdirSync(dirs.head);
    writeFileSync(join(dirs.base, 'work.js'), WORK);
    copyFileSync(join(dirs.base, 'work.js'), join(dirs.head, 'work.js'));
    const command = `node work.js ${o.iterations}`;
    const run = async (side: Side): Promise<number> => {
      const r = await runCommand(command, { cwd: dirs[side], timeoutMs: 120_000 });
      if (r.exitCode !== 0) {
        throw new Error(`${command} in ${dirs[side]} exited ${r.exitCode}: ${r.output}`);
      }
      return r.wallMs;
    };
    const rng = createRng(deriveSeed(o.seed, 'measure', o.label));
    for (const side of sidesOf(order(rng))) await run(side);
    const pairs: MeasuredPair[] = [];
    for (let i = 0; i < o.pairs; i++) {
      const ord = order(rng);
      const started = performance.now();
      const values: Partial<Record<Side, number>> = {};
      for (const side of sidesOf(ord)) values[side] = await run(side);
      pairs.push({
        order: ord,
        base: { wall: values.base! },
        head: { wall: values.head! },
        pairMs: performance.now() - started,
      });
      o.log(
        `${o.label} pair ${i + 1}/${o.pairs} ${ord}: base ${values.base!.toFixed(0)} ms, head ${values.head!.toFixed(0)} ms`,
      );
    }
    return {
      label: o.label,
      command,
      iterations: o.iterations,
      pairs,
      figures: pairFigures(pairs, 'wall', 'ratio'),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Iterations of WORK that take about `ms` beyond Node's start-up, from one timed run of a
 *  known count (on a loaded machine this undercounts: an earlier calibration is reused). */
async function calibrate(ms: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-bench-slow-cal-'));
  try {
    writeFileSync(join(dir, 'work.js'), WORK);
    const probe = 200_000_000;
    const empty = await runCommand('node work.js 0', { cwd: dir, timeoutMs: 60_000 });
    const full = await runCommand(`node work.js ${probe}`, { cwd: dir, timeoutMs: 120_000 });
    const perIteration = Math.max(1e-9, (full.wallMs - empty.wallMs) / probe);
    return Math.round(ms / perIteration);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureCommands(o: {
  seed: number;
  /** [label, target seconds, pairs]; the iterations of every entry are one second's scaled
   *  linearly, so that a loaded moment cannot make "5 s" a 1 s command. */
  plan: Array<[string, number, number]>;
  /** Iterations of one second of work, from an earlier series; calibrated here when absent. */
  perSecond?: number;
  log: (line: string) => void;
}): Promise<CommandMeasurement> {
  const loadBefore = loadavg();
  const perSecond = o.perSecond ?? (await calibrate(1000));
  const commands: CommandNoise[] = [];
  for (const [label, seconds, pairs] of o.plan) {
    const iterations = Math.round(perSecond * seconds);
    o.log(`${label}: ${iterations} iterations (${seconds} s as calibrated)`);
    commands.push(await commandPairs({ label, iterations, pairs, seed: o.seed, log: o.log }));
  }
  return { measuredAt: new Date().toISOString(), machine: machine(loadBefore), commands };
}

export async function measureLighthouse(o: {
  seed: number;
  pairs: number;
  site: string;
  log: (line: string) => void;
}): Promise<LighthouseMeasurement> {
  const loadBefore = loadavg();
  const dir = resolve(o.site);
  const chromePath = findChrome();
  const version = await runCommand(`"${chromePath}" --version`, { cwd: dir, timeoutMs: 30_000 });
  const { lighthouse } = await loadLighthouse();
  const chrome = await launchChrome({ path: chromePath });
  const bench = {
    name: 'page',
    type: 'lighthouse' as const,
    serve: '.',
    pages: ['/'],
    preset: 'desktop' as const,
    budgets: {},
  };
  // The same directory on both sides, each with its own server: the page against itself.
  const tree = (side: Side) => ({ side, ref: 'same', sha: 'same', dir });
  const probe = createLighthouseProbe(bench, {
    trees: { base: tree('base'), head: tree('head') },
    chrome,
    lighthouse,
  });
  const pick = (obs: Record<string, number>) =>
    Object.fromEntries(PAGE_METRICS.map((m) => [m.metric, obs[metricKey('page', '/', m.metric)]!]));
  const pairs: MeasuredPair[] = [];
  try {
    const rng = createRng(deriveSeed(o.seed, 'measure', 'lighthouse'));
    for (const side of sidesOf(order(rng))) await probe.measure(side, -1);
    for (let i = 0; i < o.pairs; i++) {
      const ord = order(rng);
      const started = performance.now();
      const values: Partial<Record<Side, Record<string, number>>> = {};
      for (const side of sidesOf(ord)) values[side] = pick(await probe.measure(side, i));
      pairs.push({
        order: ord,
        base: values.base!,
        head: values.head!,
        pairMs: performance.now() - started,
      });
      o.log(
        `lighthouse pair ${i + 1}/${o.pairs} ${ord}: LCP ${values.base!.lcp!.toFixed(0)} / ${values.head!.lcp!.toFixed(0)} ms, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await probe.dispose?.();
    await chrome.close();
  }
  const metrics = PAGE_METRICS.map((m) => ({ metric: m.metric as string, scale: m.scale }));
  const figures: Record<string, PairFigures> = {};
  for (const m of metrics) figures[m.metric] = pairFigures(pairs, m.metric, m.scale);
  const correlated = metrics
    .filter((m) => m.scale !== 'exact' && figures[m.metric]!.sdPair > 0)
    .map((m) => m.metric);
  const d = correlated.map((k) =>
    pairDifferences(pairs, k, metrics.find((m) => m.metric === k)!.scale),
  );
  const correlation = d.map((x, i) =>
    d.map((y, j) => (i === j ? 1 : spearmanToPearson(spearman(x, y)))),
  );
  return {
    measuredAt: new Date().toISOString(),
    machine: machine(loadBefore),
    page: o.site,
    chromium: version.output.trim(),
    metrics,
    pairs,
    figures,
    correlated,
    correlation,
  };
}
