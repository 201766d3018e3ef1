// The capacity search as the result JSON carries it (`evidence.capacity`): per route, the SLO,
// each side's estimate per measured round and every step it ran (the report's chart of latency
// against offered load), and where the last round's knee broke. Optional and additive in the
// result: schemaVersion stays 1. The `capacity` metric's own comparison is in `comparisons`.
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((n) => n > 0, 'must be above 0');
const fraction = finite.refine((n) => n >= 0 && n <= 1, 'must be within 0..1');
const errorCounts = z
  .record(z.string().max(100), z.number().int().nonnegative())
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 error kinds');

export const sloSchema = z.strictObject({
  p50: positive.optional(),
  p95: positive.optional(),
  p99: positive.optional(),
  mean: positive.optional(),
  errorRate: fraction.optional(),
});

export const capacityStepSchema = z.strictObject({
  rate: positive,
  ok: z.boolean(),
  broken: z.array(z.string().max(200)).max(5),
  /** ms; null when the quantile fell on an unanswered request. */
  latency: finite.nonnegative().nullable(),
  errorRate: fraction,
  errors: errorCounts,
  serverCores: finite.nonnegative().optional(),
});

const sideSchema = z.strictObject({
  /** One per measured round (warm-up rounds left out), in round order. */
  estimates: z.array(positive).max(10_000),
  /** Per round: the side met the SLO at max-rate, so its estimate is max-rate, a lower bound. */
  atMax: z.array(z.boolean()).max(10_000),
  /** Every step of the search, warm-up and ramp included, in the order run (at most 400). */
  steps: z
    .array(
      z.strictObject({ rate: positive, latency: finite.nonnegative().nullable(), ok: z.boolean() }),
    )
    .max(400),
  /** The last round's lowest rate that broke the SLO; absent when it met it at max-rate. */
  knee: capacityStepSchema.optional(),
});

export const capacityEvidenceSchema = z.strictObject({
  benchmark: z.string().max(1000),
  route: z.string().max(1000),
  slo: sloSchema,
  /** The latency term the steps' `latency` is: the SLO's first, else p95. */
  term: z.enum(['p50', 'p95', 'p99', 'mean']),
  maxRate: positive,
  stepMs: positive,
  base: sideSchema,
  head: sideSchema,
});

export type CapacityEvidence = z.infer<typeof capacityEvidenceSchema>;

/** What an http probe's evidence() returns when it searched capacity. */
export interface CapacityProbeEvidence {
  kind: 'capacity';
  routes: CapacityEvidence[];
}

export function isCapacityEvidence(value: unknown): value is CapacityProbeEvidence {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'capacity' &&
    Array.isArray((value as { routes?: unknown }).routes)
  );
}
