// Real mode: the bench's service in its own processes (perfgate's startServer), measured by the
// real HTTP probe (autocannon) and decided by the real sampler, many times per shift, with the
// conditions interleaved in a seeded random order so that whatever else loads the machine hits
// every condition alike. Each trial's samples are kept, so the peers are judged on the same
// rounds and the noise figures for the simulation come from them.
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpProbe } from '../../src/kinds/http/probe.js';
import type { Better, HttpBenchmarkConfig, MetricSamples, Side } from '../../src/model.js';
import { createRng, deriveSeed } from '../../src/stats/random.js';
import { type RunningServer, startServer } from '../../src/workspace/server.js';
import { PEER_RULES } from './catalog.js';
import {
  type ModelMetric,
  measureFigures,
  type NoiseFigures,
  type PairedSeries,
} from './noise-model.js';
import { benchGate, runPerfgate } from './perfgate.js';
import type { MetricSeries } from './rules.js';
import { BENCHMARK, ROUTES, SLOW_ROUTES, targetKey } from './series.js';
import { onSlowedRoute } from './simulate.js';
import { Tally } from './tally.js';
import { calibrateWork } from './work.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SERVICE = join(HERE, 'service.mjs');

export interface RealOptions {
  shifts: number[];
  aaTrials: number;
  trials: number;
  /** Budget of the shifted trials (the power targets' 2 minutes). */
  timeBudgetMs: number;
  /** Budget of the A/A trials: the false-alarm guarantee does not depend on it, so shorter
   *  A/A trials buy more of them in the same machine time. */
  aaBudgetMs: number;
  threshold: number;
  /** CPU work per request, ms (calibrated to an iteration count once for both sides). */
  workMs: number;
  connections: number;
  roundMs: number;
  seed: number;
  /** JSON lines, one per trial, appended as they finish. */
  logFile?: string;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RealTrial {
  shift: number;
  index: number;
  seed: number;
  budgetMs: number;
  regressed: string[];
  statuses: Record<string, string>;
  pairs: number;
  elapsedMs: number;
  stoppedBy: string;
  loadBefore: number;
  loadAfter: number;
  /** Realized shift of the slowed route's p50: median of log(head/base), as a relative change. */
  realizedShift: number;
  samples: Array<Pick<MetricSamples, 'base' | 'head' | 'order'> & { key: string; better: Better }>;
}

export interface RealResult {
  trials: RealTrial[];
  tally: Tally;
  figures: NoiseFigures;
  workIters: number;
  elapsedMs: number;
}

function benchmarkConfig(o: RealOptions): HttpBenchmarkConfig {
  return {
    name: BENCHMARK,
    type: 'http',
    start: `node ${JSON.stringify(SERVICE)}`,
    ready: '/health',
    readyTimeoutMs: 15_000,
    env: {},
    cwd: HERE,
    connections: o.connections,
    roundMs: o.roundMs,
    timeoutMs: 5_000,
    requests: ROUTES.map((route) => ({
      name: route,
      method: 'GET',
      path: `/${route}`,
      headers: {},
    })),
  };
}

async function startSide(side: Side, shift: number, workIters: number): Promise<RunningServer> {
  return startServer({
    command: `node ${JSON.stringify(SERVICE)}`,
    cwd: HERE,
    env: {
      WORK_ITERS: String(workIters),
      SHIFT: String(side === 'head' ? shift : 0),
      SLOW_ROUTES: SLOW_ROUTES.join(','),
    },
    ready: '/health',
    readyTimeoutMs: 15_000,
    side,
    name: BENCHMARK,
  });
}

function medianLogRatio(s: { base: readonly number[]; head: readonly number[] }): number {
  const r = s.base.map((b, i) => Math.log(s.head[i]! / b)).sort((a, b) => a - b);
  if (r.length === 0) return Number.NaN;
  const mid = Math.floor(r.length / 2);
  return Math.expm1(r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2);
}

export async function runRealTrial(
  o: RealOptions,
  shift: number,
  index: number,
  workIters: number,
): Promise<RealTrial> {
  const seed = deriveSeed(o.seed, 'real', shift, index);
  const budgetMs = shift === 0 ? o.aaBudgetMs : o.timeBudgetMs;
  const loadBefore = loadavg()[0]!;
  const servers: RunningServer[] = [];
  try {
    // Started in a random order too, so neither side always gets the fresher process.
    const first: Side = createRng(seed).next() < 0.5 ? 'base' : 'head';
    const second: Side = first === 'base' ? 'head' : 'base';
    const a = await startSide(first, shift, workIters);
    servers.push(a);
    const b = await startSide(second, shift, workIters);
    servers.push(b);
    const sides = { [first]: a, [second]: b } as Record<Side, RunningServer>;
    const probe = createHttpProbe(benchmarkConfig(o), sides, { signal: o.signal });
    try {
      const run = await runPerfgate(
        probe,
        benchGate({ timeBudgetMs: budgetMs, seed, threshold: o.threshold }),
        {
          signal: o.signal,
        },
      );
      const regressed = [...run.statuses].filter(([, s]) => s === 'regressed').map(([k]) => k);
      const target = run.samples.find((s) => s.spec.key === targetKey());
      return {
        shift,
        index,
        seed,
        budgetMs,
        regressed,
        statuses: Object.fromEntries(run.statuses),
        pairs: run.pairs,
        elapsedMs: run.elapsedMs,
        stoppedBy: run.stoppedBy,
        loadBefore,
        loadAfter: loadavg()[0]!,
        realizedShift: target ? medianLogRatio(target) : Number.NaN,
        samples: run.samples.map((s) => ({
          key: s.spec.key,
          better: s.spec.better,
          base: s.base,
          head: s.head,
          order: s.order,
        })),
      };
    } finally {
      await probe.dispose?.();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The trials of every condition, in a seeded random order. */
export function interleavedPlan(o: Pick<RealOptions, 'shifts' | 'aaTrials' | 'trials' | 'seed'>) {
  const plan: Array<[shift: number, index: number]> = [];
  for (const shift of o.shifts) {
    const n = shift === 0 ? o.aaTrials : o.trials;
    for (let i = 0; i < n; i++) plan.push([shift, i]);
  }
  const rng = createRng(deriveSeed(o.seed, 'plan'));
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}

/** Tallies perfgate and the peers (on the rounds each trial collected) from recorded trials. */
export function tallyTrials(trials: readonly RealTrial[]): Tally {
  const tally = new Tally();
  for (const t of trials) {
    tally.add('perfgate', 'default', t.shift, {
      failed: t.regressed.length > 0,
      detected: t.regressed.some(onSlowedRoute),
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
    for (const rule of PEER_RULES) {
      // A rule that needs more rounds than perfgate took is not judged on this trial.
      if (rule.rounds(available) > available) continue;
      const out = rule.run(series, rule.defaultKnob, available);
      tally.add(rule.id, rule.defaultKnob, t.shift, {
        failed: out.regressed.length > 0,
        detected: out.regressed.some(onSlowedRoute),
        samples: out.samplesUsed,
        timeMs: out.samplesUsed * pairMs,
      });
    }
  }
  return tally;
}

/** Noise figures from the A/A trials' rounds. */
export function figuresFromTrials(trials: readonly RealTrial[]): NoiseFigures {
  const aa = trials.filter((t) => t.shift === 0);
  const runs = aa.map((t) => {
    const run: Record<string, Partial<Record<ModelMetric | 'error-rate', PairedSeries>>> = {};
    for (const s of t.samples) {
      const [, route, metric] = s.key.split('/');
      if (route === undefined || metric === undefined) continue;
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
  return measureFigures(runs, {
    pairMs,
    loadAverage: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : undefined,
    source: `real run ${new Date().toISOString().slice(0, 10)} (${aa.length} A/A trials)`,
  });
}

export async function runReal(o: RealOptions): Promise<RealResult> {
  const started = performance.now();
  const workIters = calibrateWork(o.workMs);
  o.onLine?.(`work: ${workIters} iterations ≈ ${o.workMs} ms per request`);
  const plan = interleavedPlan(o);
  const trials: RealTrial[] = [];
  for (const [k, [shift, index]] of plan.entries()) {
    o.signal?.throwIfAborted();
    const t = await runRealTrial(o, shift, index, workIters);
    trials.push(t);
    if (o.logFile) appendFileSync(o.logFile, `${JSON.stringify(t)}\n`);
    o.onLine?.(
      `[${k + 1}/${plan.length}] shift ${(shift * 100).toFixed(1)}%: ${t.regressed.length ? `regressed ${t.regressed.join(', ')}` : 'no regression'} · ${t.pairs} pairs · ${(t.elapsedMs / 1000).toFixed(1)} s · ${t.stoppedBy} · realized ${(t.realizedShift * 100).toFixed(1)}% · load ${t.loadBefore.toFixed(1)}`,
    );
  }
  return {
    trials,
    tally: tallyTrials(trials),
    figures: figuresFromTrials(trials),
    workIters,
    elapsedMs: performance.now() - started,
  };
}
