// perfgate's own procedure as one row of the table: the real sampler (randomized AB/BA blocks,
// warm-up, sequential looks with α spending, the correction across metrics, CI beyond δ, the
// futility stop) at the gate a user gets, driven either by the real HTTP probe or by a synthetic
// probe with a fake clock.
import type { GateConfig, MetricSamples, Observation, Side, Status } from '../../src/model.js';
import { runSampler, type SamplerProbe, type StoppedBy } from '../../src/sampler/index.js';
import { isRestart, type ModelMetric, observed, type SyntheticTrial } from './noise-model.js';
import { serviceSpecs } from './series.js';
import { userGate } from './user-config.js';

export interface PerfgateRun {
  statuses: Map<string, Status>;
  pairs: number;
  elapsedMs: number;
  stoppedBy: StoppedBy;
  samples: MetricSamples[];
}

/** The gate the bench runs perfgate with: the product's defaults as a user gets them (the gate of
 *  the minimal user config, user-config.ts), with only the time budget and the trial's seed set;
 *  δ, α and futility are overridden only when a comparison asks for it. */
export function benchGate(o: {
  timeBudgetMs: number;
  seed: number;
  threshold?: number;
  alpha?: number;
  futility?: boolean;
}): GateConfig {
  const gate = userGate(o);
  // α is not a flag of the product; the tests ask for a larger one to see the bound at work.
  return o.alpha === undefined ? gate : { ...gate, alpha: o.alpha };
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

/**
 * A probe that plays a synthetic trial: the k-th call for a side reads row k of that side (the
 * sampler measures both sides once per block, so the k-th calls of the two sides are one pair,
 * warm-up included), the side called second in a block gets the order effect, and each call
 * moves the fake clock by half a pair. It reports the metrics the figures model and the error
 * rate (0 on both sides); a metric the probe reports but the figures lack (cpu, before a real run
 * measured it) is left out, and `modelled` says which were kept.
 */
export function syntheticProbe(
  trial: SyntheticTrial,
  clock: { now: number },
  pairMs: number,
  /** The trial's server restarts (its rows' offsets drawn again there): each side's restart
   *  takes half of ms on the clock, as the real probe restarts a side before its round. */
  restarts?: { every: number; ms: number },
): SamplerProbe {
  const modelled = new Set<string>(trial.metrics);
  const specs = serviceSpecs(trial.routes).filter(
    (s) => modelled.has(s.metric) || s.scale === 'difference',
  );
  const calls: Record<Side, number> = { base: 0, head: 0 };
  return {
    specs,
    async measure(side: Side): Promise<Observation> {
      const other: Side = side === 'base' ? 'head' : 'base';
      const second = calls[side] < calls[other];
      const row = trial.values[calls[side]];
      if (restarts && isRestart(calls[side], restarts.every)) clock.now += restarts.ms / 2;
      calls[side]++;
      if (row === undefined) {
        throw new RangeError(`synthetic trial has ${trial.values.length} rounds; raise its length`);
      }
      clock.now += pairMs / 2;
      const obs: Observation = {};
      for (const spec of specs) {
        const values = observed(row[side][spec.target!]!, second, trial.orderEffect);
        obs[spec.key] = values[spec.metric as ModelMetric] ?? 0;
      }
      return obs;
    },
  };
}
