// Real mode: the bench's services run as a user's would, at the defaults a user gets. Each trial
// writes two trees (base and head: a service.json that says which service, its calibrated work
// and, on head, the shift), resolves the minimal user config with perfgate's own parser
// (user-config.ts), starts the servers through perfgate's http kind (startKind: the product's
// startServer and probe, with whatever metrics the probe reports) and decides with the real
// sampler at the config's gate. Conditions (service × machine condition × shift) are interleaved
// in a seeded random order so that whatever else loads the machine hits every one alike; the
// `noisy` condition runs the neighbour (neighbour.mjs) beside the trial. Each trial's samples are
// kept, so tables and noise figures can be remade from the JSONL (`real-report`).
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKind } from '../../src/kinds/registry.js';
import type { KindRun } from '../../src/kinds/types.js';
import type {
  Better,
  GateConfig,
  MetricSamples,
  Scale,
  Side,
  Tree,
  Verdict,
} from '../../src/model.js';
import { createRng, deriveSeed } from '../../src/stats/random.js';
import { decideVerdict } from '../../src/verdict/gate.js';
import { PEER_RULES } from './catalog.js';
import {
  type ModelMetric,
  measureFigures,
  type NoiseFigures,
  type PairedSeries,
} from './noise-model.js';
import { runPerfgate } from './perfgate.js';
import type { MetricSeries } from './rules.js';
import { ROUTES, SLOW_ROUTES } from './series.js';
import { Tally } from './tally.js';
import { userBenchmark, userConfig } from './user-config.js';
import { calibrateUnits, DEFAULT_WORK_MS, type ServiceName } from './work.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const NEIGHBOUR = join(HERE, 'neighbour.mjs');

export const CONDITIONS = ['idle', 'noisy'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** The route names inside services.mjs, by the name perfgate gives them (`GET /slow`). */
const SERVICE_ROUTE: Record<string, string> = { 'GET /slow': 'slow', 'GET /steady': 'steady' };

export interface RealOptions {
  services: ServiceName[];
  conditions: Condition[];
  shifts: number[];
  aaTrials: number;
  /** Trials per shift other than 0. */
  trials: number;
  /** The user config's time budget, A/A and shifted trials alike (the A/A time to a verdict is
   *  one of the targets). */
  timeBudgetMs: number;
  /** CPU work per request, ms, per service (DEFAULT_WORK_MS when absent). */
  workMs?: Partial<Record<ServiceName, number>>;
  seed: number;
  /** δ for a comparison against a non-default gate; the product's default when absent. */
  threshold?: number;
  /** false: no futility stop, so A/A runs go on to the budget (long runs measure the
   *  between-process offset); the product's default when absent. */
  futility?: boolean;
  /** The http settings compared, interleaved like the cells (--round-duration 1s,500ms
   *  --connections 10,4 cross into four); one variant, or none, runs every trial alike. */
  variants?: Variant[];
  /** JSON lines, one per trial, appended as they finish. */
  logFile?: string;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/** Settings of the http benchmark other than the default's, compared within one run. */
export interface Variant {
  /** Part of the cell's name when a run compares more than one variant (`rd500ms-c4`). */
  name?: string;
  roundMs?: number;
  connections?: number;
}

export interface RecordedSamples extends Pick<MetricSamples, 'base' | 'head' | 'order'> {
  key: string;
  /** The route (`GET /slow`) and metric (`p50`); absent in trials saved before issue #12. */
  target?: string;
  metric?: string;
  better: Better;
  scale?: Scale;
}

/** What a service process counted (services.mjs's service-stats.json). */
export interface ServerStats {
  routeUnits: Record<string, number>;
  stats: Record<string, { requests: number; cpuMicros: number }>;
  /** How many processes served the tree (perfgate restarts servers); absent in older records. */
  processes?: number;
}

export interface RealTrial {
  /** Absent in trials saved before issue #12: the loop service, idle, tuned knobs. */
  service?: ServiceName;
  condition?: Condition;
  /** The variant's name when the run compared several (see RealOptions.variants). */
  variant?: string;
  shift: number;
  index: number;
  seed: number;
  budgetMs: number;
  /** The route the head version slowed (perfgate's name); `slow` before issue #12. */
  slowRoute?: string;
  units?: number;
  /** What the user's config resolved to when the trial ran (the defaults change over time). */
  settings?: {
    gate: Omit<GateConfig, 'seed'>;
    connections: number;
    roundMs: number;
    /** Pairs between server restarts, 0 never; absent in trials saved before restarts. */
    restartEvery?: number;
  };
  regressed: string[];
  statuses: Record<string, string>;
  verdict?: Verdict;
  pairs: number;
  /** The sampler's time (what the budget governs), ms. */
  elapsedMs: number;
  /** The whole trial: servers started, sampled, stopped, ms. */
  wallMs?: number;
  stoppedBy: string;
  loadBefore: number;
  loadAfter: number;
  /** Realized shift of the slowed route's p50: median of log(head/base), as a relative change. */
  realizedShift: number;
  /** The same for each metric of the slowed route. */
  realized?: Record<string, number>;
  /** The servers' own count: CPU time of the slowed route's work per request, head over base,
   *  minus 1 (the realized CPU shift), and the same for the unchanged route (a control). */
  cpuShift?: number;
  cpuShiftSteady?: number;
  servers?: Partial<Record<Side, ServerStats>>;
  samples: RecordedSamples[];
}

export interface RealResult {
  trials: RealTrial[];
  units: Partial<Record<ServiceName, number>>;
  elapsedMs: number;
}

function medianLogRatio(s: { base: readonly number[]; head: readonly number[] }): number {
  const r = s.base.map((b, i) => Math.log(s.head[i]! / b)).sort((a, b) => a - b);
  if (r.length === 0) return Number.NaN;
  const mid = Math.floor(r.length / 2);
  return r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2;
}

/** The neighbour, started and running before the trial's servers. */
async function startNeighbour(seed: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [NEIGHBOUR], {
    env: { ...process.env, SEED: String(seed) },
    // Its stdin stays open while this process lives: the neighbour exits when it ends.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('ready\n')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(
        new Error(`neighbour.mjs exited before it was ready (code ${code}, signal ${signal})`),
      ),
    );
  });
  return child;
}

async function stopNeighbour(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

function tree(side: Side, dir: string): Tree {
  return { side, ref: side, sha: '0'.repeat(40), dir };
}

function readStats(dir: string): ServerStats | undefined {
  const file = join(dir, 'service-stats.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ServerStats;
}

function cpuPerRequest(s: ServerStats | undefined, route: string): number {
  const r = s?.stats[route];
  return r && r.requests > 0 ? r.cpuMicros / r.requests : Number.NaN;
}

export async function runRealTrial(
  o: RealOptions,
  cell: PlannedTrial,
  units: number,
): Promise<RealTrial> {
  const { service, condition, shift, index, variant } = cell;
  const seed = deriveSeed(o.seed, 'real', service, condition, shift, index);
  const root = mkdtempSync(join(tmpdir(), 'perfgate-accuracy-'));
  const dirs = { base: join(root, 'base'), head: join(root, 'head') };
  const stops: Array<() => Promise<unknown>> = [];
  let neighbour: ChildProcess | undefined;
  const started = performance.now();
  try {
    const config = userConfig({
      timeBudgetMs: o.timeBudgetMs,
      seed,
      ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
      ...(o.futility === false ? { futility: false } : {}),
      ...(variant?.roundMs !== undefined ? { roundMs: variant.roundMs } : {}),
      ...(variant?.connections !== undefined ? { connections: variant.connections } : {}),
    });
    const bench = userBenchmark(config);
    if (bench.requests.map((r) => r.name).join() !== ROUTES.join()) {
      throw new Error(
        `the user config's routes are ${bench.requests.map((r) => r.name).join(', ')}; the bench expects ${ROUTES.join(', ')}`,
      );
    }
    for (const side of ['base', 'head'] as const) {
      writeSideTree(dirs[side], {
        service,
        units,
        shift: side === 'head' ? shift : 0,
        slowRoutes: SLOW_ROUTES.map((r) => SERVICE_ROUTE[r]!),
        seed: deriveSeed(seed, 'service', side),
      });
    }
    if (condition === 'noisy') neighbour = await startNeighbour(deriveSeed(seed, 'neighbour'));
    const loadBefore = loadavg()[0]!;
    const run: KindRun = {
      sides: { base: tree('base', dirs.base), head: tree('head', dirs.head) },
      log: () => {},
      onDispose: (stop) => stops.push(stop),
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const kind = await startKind(bench, run);
    if (!('probe' in kind)) throw new Error('the http kind started without a probe');
    const probe = kind.probe;
    if (probe.dispose) stops.push(() => probe.dispose!());
    const outcome = await runPerfgate(probe, config.gate, o.signal ? { signal: o.signal } : {});
    const loadAfter = loadavg()[0]!;
    // Stopped before reading the servers' counts: they write them on SIGTERM.
    await stopAll(stops);
    const servers = { base: readStats(dirs.base), head: readStats(dirs.head) };
    const regressed = [...outcome.statuses].filter(([, s]) => s === 'regressed').map(([k]) => k);
    const slowRoute = SLOW_ROUTES[0]!;
    const realized: Record<string, number> = {};
    for (const s of outcome.samples) {
      if (s.spec.target === slowRoute && s.spec.scale === 'ratio') {
        realized[s.spec.metric] = Math.expm1(medianLogRatio(s));
      }
    }
    const serviceSlow = SERVICE_ROUTE[slowRoute]!;
    const t: RealTrial = {
      service,
      condition,
      ...(variant?.name !== undefined ? { variant: variant.name } : {}),
      shift,
      index,
      seed,
      budgetMs: o.timeBudgetMs,
      slowRoute,
      units,
      settings: {
        gate: (({ seed: _, ...rest }) => rest)(config.gate),
        connections: bench.connections,
        roundMs: bench.roundMs,
        restartEvery: bench.restartEvery ?? 0,
      },
      regressed,
      statuses: Object.fromEntries(outcome.statuses),
      verdict: decideVerdict([...outcome.statuses.values()], [], outcome.stoppedBy),
      pairs: outcome.pairs,
      elapsedMs: outcome.elapsedMs,
      wallMs: performance.now() - started,
      stoppedBy: outcome.stoppedBy,
      loadBefore,
      loadAfter,
      realizedShift: realized.p50 ?? Number.NaN,
      realized,
      cpuShift:
        cpuPerRequest(servers.head, serviceSlow) / cpuPerRequest(servers.base, serviceSlow) - 1,
      cpuShiftSteady:
        cpuPerRequest(servers.head, 'steady') / cpuPerRequest(servers.base, 'steady') - 1,
      servers: {
        ...(servers.base ? { base: servers.base } : {}),
        ...(servers.head ? { head: servers.head } : {}),
      },
      samples: outcome.samples.map((s) => ({
        key: s.spec.key,
        ...(s.spec.target !== undefined ? { target: s.spec.target } : {}),
        metric: s.spec.metric,
        better: s.spec.better,
        scale: s.spec.scale,
        base: s.base,
        head: s.head,
        order: s.order,
      })),
    };
    return t;
  } finally {
    await stopAll(stops);
    if (neighbour) await stopNeighbour(neighbour);
    rmSync(root, { recursive: true, force: true });
  }
}

/** A side's tree: what differs between base and head is this file, as a code change would be. */
function writeSideTree(dir: string, params: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'service.json'), `${JSON.stringify(params)}\n`);
}

/** Runs the trial's stops in reverse order, once each (a stop may be called again safely). */
async function stopAll(stops: Array<() => Promise<unknown>>): Promise<void> {
  while (stops.length > 0) await stops.pop()!();
}

export interface PlannedTrial {
  service: ServiceName;
  condition: Condition;
  variant?: Variant;
  shift: number;
  index: number;
}

/** The trials of every service × condition × variant × shift, in a seeded random order. A trial's
 *  seed does not depend on its variant, so the variants' trials of one index share their block
 *  orders. */
export function interleavedPlan(
  o: Pick<
    RealOptions,
    'services' | 'conditions' | 'shifts' | 'aaTrials' | 'trials' | 'seed' | 'variants'
  >,
): PlannedTrial[] {
  const plan: PlannedTrial[] = [];
  const variants: Array<Variant | undefined> = o.variants?.length ? o.variants : [undefined];
  for (const service of o.services) {
    for (const condition of o.conditions) {
      for (const variant of variants) {
        for (const shift of o.shifts) {
          const n = shift === 0 ? o.aaTrials : o.trials;
          for (let index = 0; index < n; index++) {
            plan.push({ service, condition, ...(variant ? { variant } : {}), shift, index });
          }
        }
      }
    }
  }
  const rng = createRng(deriveSeed(o.seed, 'plan'));
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}

/** A trial's service × condition (× variant, when its run compared several); trials saved before
 *  issue #12 were the loop service, idle. */
export function cellOf(t: RealTrial): {
  service: ServiceName;
  condition: Condition;
  variant?: string;
} {
  return {
    service: t.service ?? 'loop',
    condition: t.condition ?? 'idle',
    ...(t.variant !== undefined ? { variant: t.variant } : {}),
  };
}

export const cellName = (c: { service: string; condition: string; variant?: string }): string =>
  `${c.service}-${c.condition}${c.variant !== undefined ? `-${c.variant}` : ''}`;

/** The route and metric of a recorded series (older trials have only the key,
 *  `benchmark/route/metric`). */
export function routeAndMetric(s: RecordedSamples): { route: string; metric: string } {
  if (s.target !== undefined && s.metric !== undefined)
    return { route: s.target, metric: s.metric };
  const parts = s.key.split('/');
  return { route: parts.slice(1, -1).join('/'), metric: parts[parts.length - 1]! };
}

export function slowRouteOf(t: RealTrial): string {
  return t.slowRoute ?? 'slow';
}

/** The route a regressed key belongs to. */
function routeOfKey(t: RealTrial, key: string): string | undefined {
  const s = t.samples.find((x) => x.key === key);
  return s ? routeAndMetric(s).route : undefined;
}

/** Whether the trial called a metric of the slowed route regressed (what a shift's power
 *  counts), and whether it called one of the unchanged route (a false regression). */
export function callsOf(t: RealTrial): { detected: boolean; unchangedCalled: boolean } {
  const slow = slowRouteOf(t);
  const routes = t.regressed.map((k) => routeOfKey(t, k));
  return {
    detected: routes.some((r) => r === slow),
    unchangedCalled: routes.some((r) => r !== undefined && r !== slow),
  };
}

/** Tallies perfgate and the peers (on the rounds each trial collected) from recorded trials. */
export function tallyTrials(trials: readonly RealTrial[]): Tally {
  const tally = new Tally();
  for (const t of trials) {
    const { detected } = callsOf(t);
    tally.add('perfgate', 'default', t.shift, {
      failed: t.regressed.length > 0,
      detected,
      samples: t.pairs,
      timeMs: t.elapsedMs,
    });
    const pairMs = t.elapsedMs / Math.max(1, t.pairs + 1);
    const series: MetricSeries[] = t.samples.map((s) => ({
      key: s.key,
      better: s.better,
      base: s.base,
      head: s.head,
    }));
    const available = Math.min(...series.map((s) => s.base.length));
    const slow = slowRouteOf(t);
    for (const rule of PEER_RULES) {
      // A rule that needs more rounds than perfgate took is not judged on this trial.
      if (rule.rounds(available) > available) continue;
      const out = rule.run(series, rule.defaultKnob, available);
      tally.add(rule.id, rule.defaultKnob, t.shift, {
        failed: out.regressed.length > 0,
        detected: out.regressed.some((k) => routeOfKey(t, k) === slow),
        samples: out.samplesUsed,
        timeMs: out.samplesUsed * pairMs,
      });
    }
  }
  return tally;
}

/**
 * Per metric, how far the slowed route moved against the nominal shift, both as log-ratios with
 * the worse direction positive: the median over shifted trials of log(1 + realized)/log(1 + shift).
 * Shifts below 5% are left out (their ratio is mostly noise).
 */
export function sensitivityFromTrials(
  trials: readonly RealTrial[],
): Partial<Record<ModelMetric, number>> {
  const ratios = new Map<string, number[]>();
  for (const t of trials) {
    if (t.shift < 0.05) continue;
    const slow = slowRouteOf(t);
    for (const s of t.samples) {
      const { route, metric } = routeAndMetric(s);
      if (route !== slow || (s.scale !== undefined && s.scale !== 'ratio')) continue;
      if (metric === 'error-rate') continue;
      const sign = s.better === 'higher' ? -1 : 1;
      const r = (sign * medianLogRatio(s)) / Math.log1p(t.shift);
      if (Number.isFinite(r)) ratios.set(metric, [...(ratios.get(metric) ?? []), r]);
    }
  }
  const out: Partial<Record<ModelMetric, number>> = {};
  for (const [metric, r] of ratios) {
    r.sort((a, b) => a - b);
    const mid = Math.floor(r.length / 2);
    out[metric as ModelMetric] = +(r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2).toFixed(3);
  }
  return out;
}

/** Noise figures of one cell's trials: the spreads from its A/A trials, the sensitivity from its
 *  shifted ones. */
export function figuresFromTrials(trials: readonly RealTrial[], label = ''): NoiseFigures {
  const aa = trials.filter((t) => t.shift === 0);
  const runs = aa.map((t) => {
    const run: Record<string, Partial<Record<ModelMetric | 'error-rate', PairedSeries>>> = {};
    for (const s of t.samples) {
      const { route, metric } = routeAndMetric(s);
      run[route] ??= {};
      run[route][metric as ModelMetric] = {
        base: s.base,
        head: s.head,
        // Order 'AB': base (A) ran first in the block.
        firstSide: s.order.map((x) => (x === 'AB' ? 'base' : 'head')),
      };
    }
    return run;
  });
  const pairMs =
    aa.reduce((sum, t) => sum + t.elapsedMs, 0) /
    Math.max(
      1,
      aa.reduce((s, t) => s + t.pairs + 1, 0),
    );
  const loads = trials.map((t) => (t.loadBefore + t.loadAfter) / 2);
  // A run that ended before its budget had its length, and so its median, chosen by its values.
  const early = aa.filter((t) => t.stoppedBy !== 'budget' && t.stoppedBy !== 'max-pairs');
  const lengthsSelected =
    early.length > 0
      ? `not estimated: ${early.length} of ${aa.length} A/A runs ended before their budget ` +
        `(${[...new Set(early.map((t) => t.stoppedBy))].join(', ')}), so their lengths and medians ` +
        `depend on their values; fixed-length runs (--futility off) measure it`
      : undefined;
  return measureFigures(runs, {
    ...(lengthsSelected !== undefined ? { lengthsSelected } : {}),
    pairMs,
    loadAverage: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : undefined,
    source: `real run ${new Date().toISOString().slice(0, 10)}${label ? `, ${label}` : ''} (${aa.length} A/A trials)`,
    sensitivity: sensitivityFromTrials(trials),
  });
}

export async function runReal(o: RealOptions): Promise<RealResult> {
  const started = performance.now();
  // Calibrated once, before any neighbour runs, and given to both sides of every trial.
  const units: Partial<Record<ServiceName, number>> = {};
  for (const service of o.services) {
    const ms = o.workMs?.[service] ?? DEFAULT_WORK_MS[service];
    units[service] = calibrateUnits(service, ms);
    o.onLine?.(`${service}: ${units[service]} units ≈ ${ms} ms of CPU work per request`);
  }
  const plan = interleavedPlan(o);
  const trials: RealTrial[] = [];
  for (const [k, cell] of plan.entries()) {
    o.signal?.throwIfAborted();
    const t = await runRealTrial(o, cell, units[cell.service]!);
    trials.push(t);
    if (o.logFile) appendFileSync(o.logFile, `${JSON.stringify(t)}\n`);
    const pctText = (x: number | undefined) =>
      x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
    o.onLine?.(
      `[${k + 1}/${plan.length}] ${cellName(cellOf(t))} shift ${pctText(cell.shift)}: ${t.verdict}` +
        `${t.regressed.length ? ` (regressed ${t.regressed.join(', ')})` : ''} · ${t.pairs} pairs · ` +
        `${(t.elapsedMs / 1000).toFixed(1)} s · ${t.stoppedBy} · realized p50 ${pctText(t.realizedShift)}, ` +
        `work CPU ${pctText(t.cpuShift)} · load ${t.loadBefore.toFixed(1)}`,
    );
  }
  return { trials, units, elapsedMs: performance.now() - started };
}
