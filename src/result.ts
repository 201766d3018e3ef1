// The result JSON: the artifact format and the contract of shared/DESIGN.md.
// One zod schema is the source of the TypeScript type, the validation of artifacts
// read back (report mode, history) and the published JSON Schema.
import { z } from 'zod';
import { REPORT_ID } from './report/comment-marker.js';

export const SCHEMA_VERSION = 1;
/** Artifacts larger than this are rejected before they are parsed. */
export const MAX_RESULT_BYTES = 20 * 1024 * 1024;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a hexadecimal commit id');
const shortText = z.string().max(1000);

export const sampleSummarySchema = z.strictObject({
  n: z.number().int().nonnegative(),
  median: finite,
  mean: finite,
  min: finite,
  max: finite,
  mad: finite,
});

export const comparisonSchema = z.strictObject({
  key: shortText,
  benchmark: shortText,
  target: shortText.optional(),
  metric: shortText,
  unit: z.string().max(32),
  better: z.enum(['lower', 'higher']),
  scale: z.enum(['ratio', 'difference', 'exact']),
  base: sampleSummarySchema,
  head: sampleSummarySchema,
  change: finite,
  ci: z.tuple([finite, finite]),
  pValue: finite.nullable(),
  adjustedPValue: finite.nullable(),
  threshold: finite,
  mde: finite.nullable(),
  status: z.enum(['regressed', 'improved', 'unchanged', 'inconclusive']),
  /** A bundle file measured on one side only: `added` (base is 0) or `removed` (head is 0).
   *  Its change is against 1 byte, as for any size that was 0; its status is always `unchanged`,
   *  since a file with nothing to compare with has no change of its own to gate: its bytes are
   *  gated in the total, its groups and its budgets. */
  presence: z.enum(['added', 'removed']).optional(),
  samples: z.strictObject({
    base: z.array(finite).max(100_000),
    head: z.array(finite).max(100_000),
    order: z.array(z.enum(['AB', 'BA'])).max(100_000),
  }),
});

export const budgetCheckSchema = z.strictObject({
  benchmark: shortText,
  target: shortText.optional(),
  metric: shortText,
  unit: z.string().max(32),
  limit: finite,
  value: finite,
  exceeded: z.boolean(),
});

export const adviceSchema = z.strictObject({
  /** Stable rule id, e.g. `render-blocking-resources`, `new-heavy-dependency`. */
  rule: z.string().max(100),
  title: shortText,
  /** What to do, in one or two sentences (plain text; the report escapes it). */
  fix: z.string().max(4000),
  /** The measured facts that triggered the rule. */
  evidence: z.array(z.string().max(2000)).max(50),
  /** Metric keys the advice explains. */
  metrics: z.array(shortText).max(100),
});

export const resultSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.strictObject({ name: z.literal('perfgate'), version: z.string().max(50) }),
  mode: z.enum(['compare', 'collect', 'record', 'trend', 'merge', 'demo']),
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  repository: z.string().max(200).optional(),
  pullRequest: z.number().int().positive().optional(),
  // The same rule as the report-id input: an artifact cannot name itself anything an input could not.
  reportId: z.string().regex(REPORT_ID).optional(),
  base: z.strictObject({ ref: shortText, sha }).nullable(),
  head: z.strictObject({ ref: shortText, sha }),
  gate: z.strictObject({
    threshold: finite,
    alpha: finite,
    correction: z.enum(['holm', 'bh']),
    timeBudgetMs: z.number().nonnegative(),
    seed: z.number().int(),
  }),
  sampling: z.strictObject({
    pairs: z.number().int().nonnegative(),
    warmup: z.number().int().nonnegative(),
    looks: z.array(z.number().int().nonnegative()).max(100),
    stoppedBy: z.enum(['resolved', 'regression', 'futility', 'budget', 'max-pairs', 'exact']),
    elapsedMs: z.number().nonnegative(),
  }),
  comparisons: z.array(comparisonSchema).max(10_000),
  budgets: z.array(budgetCheckSchema).max(10_000),
  advice: z.array(adviceSchema).max(200),
  /** Things said out loud: a missing baseline, a skipped benchmark, a failed sample retried. */
  notes: z.array(z.string().max(2000)).max(200),
  /** The smallest relative change in the worse direction this run could have detected: the
   *  median of the ratio metrics' own figures (each is in its comparison's `mde`); null when
   *  none. Tail percentiles are noisier than medians, so the largest would say little. */
  minimumDetectableChange: finite.nullable(),
});

export type Comparison = z.infer<typeof comparisonSchema>;
export type Advice = z.infer<typeof adviceSchema>;
export type Result = z.infer<typeof resultSchema>;
