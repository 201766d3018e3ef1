// The profile diff as the result JSON carries it (`evidence.profiles`): one entry per profiled
// target, each function's time per request (servers) or per run (commands) on both sides.
// Optional and additive in the result: schemaVersion stays 1.
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const name = z.string().max(1000);
const line = z.number().int().nonnegative();

/** Milliseconds per request (or run): the median over each side's profiled rounds. */
export const timePairSchema = z.strictObject({ base: finite, head: finite, change: finite });

const frameSchema = z.strictObject({
  name,
  file: z.string().max(2000),
  line,
  package: z.string().max(214).optional(),
});

export const profileFunctionSchema = z.strictObject({
  name,
  /** Relative to the repository for the project's files; a URL (`node:…`) otherwise; empty
   *  for native code. */
  file: z.string().max(2000),
  /** 1-based line of the function's start on head (on base for a function gone at head). */
  line,
  /** The npm package of a file under node_modules. */
  package: z.string().max(214).optional(),
  /** A file of the repository itself (not node_modules, not Node.js). */
  own: z.boolean(),
  /** `new`: never sampled at base; `gone`: never sampled at head. */
  presence: z.enum(['new', 'gone']).optional(),
  /** Time charged to this function: its own, and for the project's functions also what the
   *  libraries and built-ins they call spend (each sample counted once). */
  attributed: timePairSchema,
  self: timePairSchema,
  total: timePairSchema,
  /** attributed.change over the change of the busy time: the share of the added CPU time it
   *  explains; null when the busy time did not grow. */
  share: finite.nullable(),
  /** Every profiled round of one side lies beyond every round of the other (attributed time). */
  separated: z.boolean(),
  /** Whether the pull request's diff touches the function's lines; null when not known (code
   *  outside the repository, or its source unreadable). */
  changed: z.boolean().nullable(),
  /** The function's lines on head, when its source was read. */
  lines: z.tuple([line, line]).optional(),
  /** Its hottest line on head and what it says. */
  hotLine: z.strictObject({ line, text: z.string().max(300) }).optional(),
  /** For code outside the project: the project function it was mostly called from. */
  calledFrom: frameSchema.optional(),
  /** For the project's functions: the outside function most of its time went to. */
  spentIn: frameSchema.optional(),
});

export const targetProfileSchema = z.strictObject({
  benchmark: name,
  /** The route, for a server; absent for a command. */
  target: name.optional(),
  per: z.enum(['request', 'run']),
  /** Requests (or runs) in each profiled round, in the order the rounds ran. */
  units: z.strictObject({
    base: z.array(z.number().nonnegative()).max(100),
    head: z.array(z.number().nonnegative()).max(100),
  }),
  /** Not idle (JavaScript, GC and "(program)"), and each apart; ms per request or run. */
  busy: timePairSchema,
  code: timePairSchema,
  gc: timePairSchema,
  program: timePairSchema,
  idle: timePairSchema,
  /** The regressed metric that asked for the profile, as the verdict measured it. */
  measured: z.strictObject({ key: name, change: finite }).optional(),
  /** The `.cpuprofile` files uploaded with the result (names in the artifact), one per side. */
  files: z.strictObject({ base: name, head: name }).optional(),
  /** Ranked by attributed.change, the largest addition first (bounded). */
  functions: z.array(profileFunctionSchema).max(200),
});

export const profileEvidenceSchema = z.strictObject({
  profiles: z.array(targetProfileSchema).max(100),
  /** What was not profiled and why (a server that is not Node.js, a failed round). */
  notes: z.array(z.string().max(2000)).max(50),
  /** Seconds the profiled rounds added to the run. */
  elapsedMs: z.number().nonnegative(),
});

export type TimePair = z.infer<typeof timePairSchema>;
export type ProfileFunction = z.infer<typeof profileFunctionSchema>;
export type TargetProfile = z.infer<typeof targetProfileSchema>;
export type ProfileEvidence = z.infer<typeof profileEvidenceSchema>;
