// Seeded simulations of slow probes with a fake clock: the real sampler (today's, or the one
// before issue 20) driven by runs drawn from the measured noise (noise.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULTS } from '../../src/config/schema.js';
import { parsePercent } from '../../src/config/values.js';
import { COMMAND_METRICS } from '../../src/kinds/command/catalogue.js';
import { PAGE_METRICS } from '../../src/kinds/lighthouse/catalogue.js';
import { catalogueSpec } from '../../src/kinds/types.js';
import type { GateConfig, MetricSpec, Observation, Side, Status } from '../../src/model.js';
import type { SamplerOptions, SamplerOutcome } from '../../src/sampler/index.js';
import { deriveSeed } from '../../src/stats/random.js';
import { median } from '../../src/stats/summary.js';
import { noiseSource, type SlowNoise } from './noise.js';

/** The last commit before issue 20's first change to the statistics (cfa1541, the small-run t):
 *  its sampler has fixed looks, no futility stop and only the signed-rank test. */
export const BEFORE_COMMIT = 'cb3f1d1';

export type Variant = 'before' | 'after';
type Sampler = (o: SamplerOptions) => Promise<SamplerOutcome>;

/** The sampler as of BEFORE_COMMIT, extracted once with `git archive` under node_modules/.cache
 *  (so that its bare imports resolve to this checkout's packages) and imported from there. */
export async function beforeSampler(): Promise<Sampler> {
  const dir = resolve('node_modules/.cache/perfgate-bench-slow', `before-${BEFORE_COMMIT}`);
  const entry = join(dir, 'src/sampler/sampler.ts');
  if (!existsSync(entry)) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', BEFORE_COMMIT, 'src'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  const module = (await import(entry)) as { runSampler: Sampler };
  return module.runSampler;
}

/** The gate of each variant. After: today's defaults, whatever they are when the bench runs
 *  (the correction included). Before: the defaults before issue 20, fixed looks, no futility. */
export function gateFor(variant: Variant, timeBudgetMs: number, seed: number): GateConfig {
  const common = {
    threshold: parsePercent(DEFAULTS.threshold),
    thresholds: {},
    alpha: DEFAULTS.alpha,
    timeBudgetMs,
    looks: [...DEFAULTS.looks],
    warmup: DEFAULTS.warmup,
    seed,
    failOn: 'regression' as const,
    earlyStop: 'regression' as const,
  };
  return variant === 'after'
    ? {
        ...common,
        correction: DEFAULTS.correction,
        earlyStop: DEFAULTS.earlyStop,
        lookPlan: DEFAULTS.lookPlan,
        futility: DEFAULTS.futility,
      }
    : {
        ...common,
        threshold: 0.05,
        alpha: 0.01,
        correction: 'holm',
        looks: [10, 20, 30, 40, 60, 80, 120, 160, 240, 320],
        warmup: 1,
        lookPlan: 'fixed',
        futility: false,
      };
}

export type Kind = 'command' | 'lighthouse';

export function specsOf(kind: Kind): MetricSpec[] {
  return kind === 'command'
    ? [catalogueSpec(COMMAND_METRICS[0], 'cmd')]
    : PAGE_METRICS.map((m) => catalogueSpec(m, 'page', '/'));
}

export interface TrialOutcome {
  statuses: Status[];
  keys: string[];
  pairs: number;
  elapsedMs: number;
  stoppedBy: string;
}

/**
 * One seeded run. Each measure() draws one run of its side from the noise; the side measured
 * second in its block (fewer calls so far than the other side) gets the order effect. The fake
 * clock moves by the run's own wall time for a command (the metric is the time the run took) and
 * by half the measured pair time for a Lighthouse run (a slower page barely changes it).
 */
export async function runTrial(o: {
  kind: Kind;
  noise: SlowNoise;
  /** Command: the run's typical wall time scales the noise's level; Lighthouse: ms per run. */
  runMs: number;
  budgetMs: number;
  shift: number;
  gate: GateConfig;
  sampler: Sampler;
  seed: number;
  resamples: number;
  maxPairs?: number;
}): Promise<TrialOutcome> {
  const specs = specsOf(o.kind);
  const draw = noiseSource(o.noise, deriveSeed(o.seed, 'noise'));
  const clock = { now: 0 };
  const calls: Record<Side, number> = { base: 0, head: 0 };
  const probe = {
    specs,
    async measure(side: Side): Promise<Observation> {
      const other: Side = side === 'base' ? 'head' : 'base';
      const second = calls[side] < calls[other];
      calls[side]++;
      const values = draw({ head: side === 'head', second, shift: o.shift });
      clock.now += o.kind === 'command' ? values.wall! : o.runMs;
      const obs: Observation = {};
      for (const spec of specs) obs[spec.key] = values[spec.metric]!;
      return obs;
    },
  };
  const outcome = await o.sampler({
    gate: o.gate,
    probes: [probe],
    now: () => clock.now,
    bootstrapResamples: o.resamples,
    ...(o.maxPairs !== undefined ? { maxPairs: o.maxPairs } : {}),
  });
  return {
    statuses: outcome.statuses,
    keys: specs.map((s) => s.key),
    pairs: outcome.pairs,
    elapsedMs: outcome.elapsedMs,
    stoppedBy: outcome.stoppedBy,
  };
}

export interface CellResult {
  kind: Kind;
  variant: Variant;
  /** Command: typical seconds per run; Lighthouse: measured seconds per run. */
  runSeconds: number;
  budgetMs: number;
  shift: number;
  trials: number;
  /** Runs with any metric called regressed or improved (family-wise; the A/A rate at shift 0). */
  anyCall: number;
  /** Runs with a slowed metric called regressed (power at a shift). */
  detected: number;
  /** Runs ending with a tested metric inconclusive. */
  inconclusive: number;
  medianPairs: number;
  medianSeconds: number;
  stoppedBy: Record<string, number>;
}

export async function runCell(o: {
  kind: Kind;
  variant: Variant;
  noise: SlowNoise;
  runMs: number;
  budgetMs: number;
  shift: number;
  trials: number;
  seed: number;
  resamples: number;
  sampler: Sampler;
  maxPairs?: number;
}): Promise<CellResult> {
  const slowed = new Set(o.noise.metrics.filter((m) => m.slows).map((m) => m.metric));
  const tested = specsOf(o.kind).map((s) => s.scale !== 'exact');
  const metricOf = specsOf(o.kind).map((s) => s.metric);
  let anyCall = 0;
  let detected = 0;
  let inconclusive = 0;
  const pairs: number[] = [];
  const seconds: number[] = [];
  const stoppedBy: Record<string, number> = {};
  for (let i = 0; i < o.trials; i++) {
    const seed = deriveSeed(o.seed, o.kind, o.runMs, o.budgetMs, o.shift, i, o.maxPairs ?? 0);
    const t = await runTrial({
      ...o,
      gate: gateFor(o.variant, o.budgetMs, seed),
      seed,
    });
    if (t.statuses.some((s) => s === 'regressed' || s === 'improved')) anyCall++;
    if (t.statuses.some((s, k) => s === 'regressed' && slowed.has(metricOf[k]!))) detected++;
    if (t.statuses.some((s, k) => tested[k] && s === 'inconclusive')) inconclusive++;
    pairs.push(t.pairs);
    seconds.push(t.elapsedMs / 1000);
    stoppedBy[t.stoppedBy] = (stoppedBy[t.stoppedBy] ?? 0) + 1;
  }
  return {
    kind: o.kind,
    variant: o.variant,
    runSeconds: o.runMs / 1000,
    budgetMs: o.budgetMs,
    shift: o.shift,
    trials: o.trials,
    anyCall,
    detected,
    inconclusive,
    medianPairs: median(pairs),
    medianSeconds: median(seconds),
    stoppedBy,
  };
}

/** Wilson's score interval for k of n at 95%. */
export function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const den = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}
