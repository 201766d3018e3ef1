// The result JSON: the artifact format and the contract of shared/DESIGN.md.
// One zod schema is the source of the TypeScript type, the validation of artifacts
// read back (report mode, history) and the published JSON Schema.

import { z } from 'zod';
import { capacityEvidenceSchema } from './kinds/http/capacity-schema.js';
import { profileEvidenceSchema } from './profile/schema.js';
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

const fullSha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full commit id');

/** One bisect step: `head` measured against `base` with the same A/B comparison as the run. */
export const trendStepSchema = z.strictObject({
  base: fullSha,
  head: fullSha,
  /** `skipped`: the build failed or the comparison stayed inconclusive after its retry, so this
   *  commit tells nothing (git bisect skip). */
  outcome: z.enum(['regressed', 'unchanged', 'inconclusive', 'skipped']),
  /** How many comparisons the step took (an inconclusive one is retried once, with more time). */
  attempts: z.number().int().nonnegative(),
  /** The metric that decided the step: the regressed metric being bisected, as measured here. */
  metric: z
    .strictObject({ key: shortText, change: finite, ci: z.tuple([finite, finite]) })
    .optional(),
  /** Why a step was skipped, or anything else worth saying of it. */
  note: z.string().max(2000).optional(),
});

export const culpritSchema = z.strictObject({
  sha: fullSha,
  subject: shortText,
  author: shortText,
  /** The pull request that merged it, filled in by the GitHub side when known. */
  pullRequest: z.number().int().positive().optional(),
});

export const trendChangePointSchema = z.strictObject({
  /** The metric's key, as in `comparisons[].key`. */
  metric: shortText,
  /** The first run of the new level: its commit and date, from the history file. */
  commit: sha,
  date: z.iso.datetime(),
  before: finite,
  after: finite,
  change: finite,
  pValue: finite,
});

/** The second comparison of a nightly: head against the commit about `days` before it, for
 *  creep that no single night's step is large enough to show. */
export const trendCreepSchema = z.strictObject({
  /** The newest first-parent commit at least `days` older than head (committer dates). */
  base: z.strictObject({ ref: shortText, sha: fullSha }),
  days: z.number().int().positive(),
  /** First-parent commits after that commit up to head. */
  commits: z.number().int().nonnegative(),
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  pairs: z.number().int().nonnegative(),
  /** The metrics it called regressed, as full comparisons (bounded). */
  regressed: z.array(comparisonSchema).max(100),
});

/** The nightly trend (mode `trend`): what was compared, the bisect, the history's change points. */
export const trendSchema = z.strictObject({
  /** The previous nightly's commit (measured as itself, not a merge-base) and tonight's head. */
  base: z.strictObject({ ref: shortText, sha: fullSha }),
  head: z.strictObject({ ref: shortText, sha: fullSha }),
  /** First-parent commits after base up to head. */
  commits: z.number().int().nonnegative(),
  /** The comparison with the commit of about 30 days back (`--creep-days`); absent when off
   *  or when no such commit lies before the previous nightly (the notes say which). */
  creep: trendCreepSchema.optional(),
  /** Bisect steps in the order they ran; empty when no bisect was needed or possible. Their
   *  base is the previous nightly, or the creep comparison's base when only it regressed. */
  steps: z.array(trendStepSchema).max(200),
  /** The first commit whose head regressed against its parent; null when none was named. */
  culprit: culpritSchema.nullable(),
  /** When the bisect could not name one commit (skips): the commits it may be, oldest first. */
  suspects: z.array(fullSha).max(10_000).optional(),
  /** Where the history was read and written, and how many runs it holds with this one. */
  history: z.strictObject({ path: z.string().max(4000), runs: z.number().int() }).optional(),
  /** Level shifts found in the history (information only; never alerted on). */
  changePoints: z.array(trendChangePointSchema).max(1000),
});

/** A regressed metric as it stood when a maintainer accepted it. */
export const acceptedMetricSchema = comparisonSchema.pick({
  key: true,
  benchmark: true,
  target: true,
  metric: true,
  unit: true,
  better: true,
  scale: true,
  change: true,
  ci: true,
});

/** A maintainer's acceptance of an intended regression (label or `/perfgate accept`). */
export const acceptanceSchema = z.strictObject({
  /** `accepted`: it holds for this result and the gate passes; `exceeded`: a change is worse
   *  than accepted or a new one regressed, so the gate fails again; `refused`: the asker lacks
   *  write access, nothing is accepted. */
  status: z.enum(['accepted', 'exceeded', 'refused']),
  /** The login of who accepted, checked to have write access. */
  by: z.string().max(100),
  /** Their permission as the API gave it (`admin`, `write`). */
  permission: z.string().max(32),
  at: z.iso.datetime(),
  via: z.enum(['label', 'comment']),
  reason: z.string().max(1000),
  /** The commit the acceptance was given on. */
  sha,
  metrics: z.array(acceptedMetricSchema).max(1000),
  /** When `exceeded`: what is worse than accepted, in plain text. */
  problems: z.array(z.string().max(2000)).max(100),
  /** The gate's verdict before the acceptance was applied. */
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
});

/** One part of a CI matrix's split of the benchmarks (config/shard.ts). */
export const shardSchema = z
  .strictObject({
    index: z.number().int().positive(),
    count: z.number().int().positive().max(256),
    /** Benchmark names, or `benchmark/route` where an http benchmark's routes were split. */
    targets: z.array(shortText).max(10_000),
    /** SHA-256 of the resolved config before the split: every shard of one run has the same. */
    config: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hexadecimal'),
  })
  .refine((s) => s.index <= s.count, { message: 'index must be at most count', path: ['index'] });

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
    correction: z.enum(['westfall-young', 'holm', 'bh']),
    timeBudgetMs: z.number().nonnegative(),
    seed: z.number().int(),
  }),
  sampling: z.strictObject({
    pairs: z.number().int().nonnegative(),
    warmup: z.number().int().nonnegative(),
    looks: z.array(z.number().int().nonnegative()).max(100),
    stoppedBy: z.enum(['resolved', 'regression', 'futility', 'budget', 'max-pairs', 'exact']),
    elapsedMs: z.number().nonnegative(),
    /** The two-sided level of the final look, before the correction across metrics (what its
     *  statuses were decided at; ≤ gate.alpha). `merge` redoes the correction at it. */
    level: finite.optional(),
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
  /** Mode `trend` only. Optional and additive, as `presence` was: schemaVersion stays 1. */
  trend: trendSchema.optional(),
  /** What was measured beside the samples: `profile`, the CPU profiles' per-function diff of
   *  the targets profiled after the decision (profile/). Optional and additive. */
  evidence: z
    .strictObject({
      profile: profileEvidenceSchema.optional(),
      /** The capacity searches of http benchmarks with an `slo` (kinds/http/capacity.ts). */
      capacity: z.array(capacityEvidenceSchema).max(1000).optional(),
    })
    .optional(),
  /** A maintainer's acceptance of a regression (PR comment or label). Optional and additive:
   *  schemaVersion stays 1. */
  acceptance: acceptanceSchema.optional(),
  /** A shard's result (`--shard i/n`): which part it measured; `merge` joins the parts. */
  shard: shardSchema.optional(),
});

export type Comparison = z.infer<typeof comparisonSchema>;
export type Advice = z.infer<typeof adviceSchema>;
export type Result = z.infer<typeof resultSchema>;
export type Trend = z.infer<typeof trendSchema>;
export type Acceptance = z.infer<typeof acceptanceSchema>;
export type Shard = z.infer<typeof shardSchema>;
export type AcceptedMetric = z.infer<typeof acceptedMetricSchema>;
export type TrendStep = z.infer<typeof trendStepSchema>;
export type TrendCreep = z.infer<typeof trendCreepSchema>;
export type Culprit = z.infer<typeof culpritSchema>;
export type TrendChangePoint = z.infer<typeof trendChangePointSchema>;
