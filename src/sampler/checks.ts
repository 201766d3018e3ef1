// The sampler's inputs checked: its options before the first block, and each observation a
// probe returns before it is kept.
import type { Observation } from '../model.js';
import { SamplerInputError } from './errors.js';
import type { SamplerOptions, SamplerProbe } from './sampler.js';

/** Shown in notes and errors; the first metric's benchmark when absent. */
export function probeName(probe: SamplerProbe): string {
  return probe.benchmark ?? probe.specs[0]?.benchmark ?? 'probe';
}

export function checkObservation(probe: SamplerProbe, observation: Observation): Observation {
  if (observation === null || typeof observation !== 'object') {
    throw new Error(`the probe returned ${String(observation)} instead of an observation`);
  }
  for (const spec of probe.specs) {
    const value = observation[spec.key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`${spec.key}: expected a finite number, got ${String(value)}`);
    }
    if (spec.scale === 'ratio' && value <= 0) {
      throw new Error(`${spec.key}: expected a positive number on the ratio scale, got ${value}`);
    }
  }
  return observation;
}

export function checkOptions(o: SamplerOptions): number {
  const { gate } = o;
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new SamplerInputError(
      `${field} must be ${expected}, got ${JSON.stringify(value)}`,
      field,
      value,
    );
  };
  if (!(gate.alpha > 0 && gate.alpha < 1))
    fail('gate.alpha', gate.alpha, 'strictly between 0 and 1');
  if (!(gate.timeBudgetMs >= 0) || !Number.isFinite(gate.timeBudgetMs)) {
    fail('gate.timeBudgetMs', gate.timeBudgetMs, 'a finite number of ms ≥ 0');
  }
  if (!Number.isInteger(gate.warmup) || gate.warmup < 0)
    fail('gate.warmup', gate.warmup, 'a whole number ≥ 0');
  if (!Number.isFinite(gate.seed)) fail('gate.seed', gate.seed, 'a finite number');
  const ascending = gate.looks.every(
    (n, i) => Number.isInteger(n) && n > 0 && (i === 0 || n > gate.looks[i - 1]!),
  );
  if (gate.looks.length === 0 || !ascending) {
    fail('gate.looks', gate.looks, 'ascending whole numbers of pairs ≥ 1, at least one');
  }
  if (o.maxPairs !== undefined && !(Number.isInteger(o.maxPairs) && o.maxPairs >= 1)) {
    fail('maxPairs', o.maxPairs, 'a whole number ≥ 1');
  }
  if (o.probes.length === 0) fail('probes', [], 'at least one probe');
  const keys = new Set<string>();
  for (const probe of o.probes) {
    if (probe.specs.length === 0)
      fail(`probes (${probeName(probe)}).specs`, [], 'at least one metric');
    for (const spec of probe.specs) {
      if (keys.has(spec.key)) fail('metric key', spec.key, 'unique within a run');
      keys.add(spec.key);
    }
  }
  return Math.min(o.maxPairs ?? Number.POSITIVE_INFINITY, gate.looks[gate.looks.length - 1]!);
}
