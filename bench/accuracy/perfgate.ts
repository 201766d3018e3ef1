// perfgate's own procedure as one row of the table: the real sampler (randomized AB/BA blocks,
// warm-up, sequential looks with α spending, Holm across metrics, CI beyond δ), driven either by
// the real HTTP probe or by a synthetic probe with a fake clock.
import { DEFAULTS } from '../../src/config/schema.js';
import type { GateConfig, MetricSamples, Observation, Side, Status } from '../../src/model.js';
import { runSampler, type SamplerProbe } from '../../src/sampler/index.js';
import { MODEL_METRICS, type ModelMetric, observed, type SyntheticTrial } from './noise-model.js';
import { serviceSpecs } from './series.js';

export interface PerfgateRun {
  statuses: Map<string, Status>;
  pairs: number;
  elapsedMs: number;
  stoppedBy: string;
  samples: MetricSamples[];
}

/** The gate the bench runs perfgate with: the defaults (time-planned looks, futility stop, α,
 *  Holm, one warm-up, fail-fast early stop), except δ = 1% (the targets need δ well below 3%) and the budget. */
export function benchGate(o: {
  timeBudgetMs: number;
  seed: number;
  threshold?: number;
  alpha?: number;
  futility?: boolean;
}): GateConfig {
  return {
    threshold: o.threshold ?? 0.01,
    thresholds: {},
    alpha: o.alpha ?? DEFAULTS.alpha,
    correction: 'holm',
    timeBudgetMs: o.timeBudgetMs,
    looks: [...DEFAULTS.looks],
    warmup: DEFAULTS.warmup,
    seed: o.seed,
    failOn: 'regression',
    earlyStop: DEFAULTS.earlyStop,
    lookPlan: DEFAULTS.lookPlan,
    futility: o.futility ?? DEFAULTS.futility,
  };
}

export async function runPerfgate(
  probe: SamplerProbe,
  gate: GateConfig,
  o: {
    now?: () => number;
    signal?: AbortSignal;
    maxPairs?: number;
    bootstrapResamples?: number;
  } = {},
): Promise<PerfgateRun> {
  const outcome = await runSampler({ gate, probes: [probe], ...o });
  const statuses = new Map<string, Status>();
  outcome.samples.forEach((s, i) => {
    statuses.set(s.spec.key, outcome.statuses[i]!);
  });
  return {
    statuses,
    pairs: outcome.pairs,
    elapsedMs: outcome.elapsedMs,
    stoppedBy: outcome.stoppedBy,
    samples: outcome.samples,
  };
}

function isModelMetric(m: string): m is ModelMetric {
  return (MODEL_METRICS as readonly string[]).includes(m);
}

/**
 * A probe that plays a synthetic trial: the k-th call for a side reads row k of that side (the
 * sampler measures both sides once per block, so the k-th calls of the two sides are one pair,
 * warm-up included), the side called second in a block gets the order effect, and each call
 * moves the fake clock by half a pair.
 */
export function syntheticProbe(
  trial: SyntheticTrial,
  clock: { now: number },
  pairMs: number,
): SamplerProbe {
  const specs = serviceSpecs(trial.routes);
  const calls: Record<Side, number> = { base: 0, head: 0 };
  return {
    specs,
    async measure(side: Side): Promise<Observation> {
      const other: Side = side === 'base' ? 'head' : 'base';
      const second = calls[side] < calls[other];
      const row = trial.values[calls[side]];
      calls[side]++;
      if (row === undefined) {
        throw new RangeError(`synthetic trial has ${trial.values.length} rounds; raise its length`);
      }
      clock.now += pairMs / 2;
      const obs: Observation = {};
      for (const spec of specs) {
        const values = observed(row[side][spec.target!]!, second, trial.orderEffect);
        obs[spec.key] = isModelMetric(spec.metric) ? values[spec.metric] : 0;
      }
      return obs;
    },
  };
}
