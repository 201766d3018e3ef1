// mode `merge`: the results of the shards of one CI matrix (`--shard i/n`) joined into one
// result, with one verdict. The shards must have measured the same base and head commits with
// the same config (its hash), each part once and none missing; each is rechecked as report
// rechecks a fork's artifact (its statuses and verdict must follow from its own numbers), since
// a shard ran the pull request's code. Then the correction across metrics is redone over all of
// them (merge-correction.ts) and the verdict decided once over every row and budget.
// `merge` is the CLI's (files); the action's wrapper, which downloads the run's shard
// artifacts, is merge-action.ts.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveFailOn } from '../config/resolve.js';
import type { FailOn } from '../constants.js';
import { BadInputError, getErrorMessage } from '../errors.js';
import type { Status } from '../model.js';
import { parseResult } from '../report/json.js';
import { sortComparisons } from '../report/statuses.js';
import { MAX_RESULT_BYTES, type Result, type Shard } from '../result.js';
import { median } from '../stats/summary.js';
import { applyFailOn, decideVerdict, recheckResult } from '../verdict/index.js';
import { VERSION } from '../version.js';
import { writeResult } from './measure.js';
import { redoCorrection } from './merge-correction.js';
import { gateFailure, type ModeOutcome } from './outcome.js';
import { recheckedResult } from './report.js';

/** Shards that cannot be joined: of other commits or configs, missing, repeated (exit 2). */
export class ShardMismatchError extends BadInputError {
  override name = 'ShardMismatchError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** One shard's result and where it came from (a file, an artifact), as messages name it. */
export interface ShardInput {
  source: string;
  result: Result;
}

type ShardOf = ShardInput & { shard: Shard };

export interface MergeRequest {
  /** The shards' result files, relative to `cwd` or absolute. */
  files: string[];
  cwd: string;
  /** `regression` or `never` as typed; the default is `regression` (merge reads no config). */
  failOn?: string;
  /** How errors name fail-on (the CLI's flag unless told). */
  failOnName?: string;
  /** Where the merged result JSON is written; nowhere when absent. */
  resultPath?: string;
}

export interface MergeOutcome extends ModeOutcome {
  result: Result;
}

/** `perfgate merge FILE…`: the files read as untrusted results, merged, written. */
export async function merge(
  request: MergeRequest,
  deps: { log(line: string): void },
): Promise<MergeOutcome> {
  const failOn = resolveFailOn(request.failOn, undefined, request.failOnName);
  const shards: ShardInput[] = [];
  for (const file of request.files) {
    shards.push({ source: file, result: await readShardFile(resolve(request.cwd, file), file) });
  }
  const result = mergeShards(shards);
  const reported = withFailOn(result, failOn);
  if (request.resultPath !== undefined) {
    await writeResult(request.resultPath, reported);
    deps.log(`Result JSON written to ${request.resultPath}`);
  }
  return { result: reported, failure: gateFailure(result, failOn) };
}

/** The verdict as reported under fail-on (`never` reports a failing gate as inconclusive). */
export function withFailOn(result: Result, failOn: FailOn): Result {
  return { ...result, verdict: applyFailOn(result.verdict, failOn).verdict };
}

async function readShardFile(path: string, name: string): Promise<Result> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ShardMismatchError(`cannot read ${name}: ${getErrorMessage(error)}`, 'files');
  }
  try {
    return parseResult(bytes, { maxBytes: MAX_RESULT_BYTES });
  } catch (error) {
    throw new ShardMismatchError(
      `${name} is not a perfgate result: ${getErrorMessage(error)}`,
      'files',
    );
  }
}

/**
 * The shards joined under `fail-on: regression` (the caller applies its own fail-on): checked,
 * rechecked, their rows' correction redone, one verdict. Pure.
 */
export function mergeShards(inputs: readonly ShardInput[]): Result {
  const shards = checkedShards(inputs).map((s) => ({
    ...s,
    result: recheckedResult(s.result, s.source),
  }));
  const first = shards[0]!.result;
  const label = (s: ShardOf) => `shard ${s.shard.index}/${s.shard.count}`;
  const redone = redoCorrection(
    shards.map((s) => ({
      label: label(s),
      source: s.source,
      level: s.result.sampling.level ?? s.result.gate.alpha,
      comparisons: s.result.comparisons,
    })),
    first.gate,
  );
  const comparisons = redone.comparisons.flat();
  const budgets = shards.flatMap((s) => s.result.budgets);
  const stoppedBy = mergedStop(shards.map((s, i) => ({ s, rows: redone.comparisons[i]! })));
  const verdict = decideVerdict(
    comparisons.map((c) => c.status),
    budgets,
    stoppedBy,
  );
  const starts = shards.map((s) => Date.parse(s.result.startedAt));
  const ends = shards.map((s, i) => starts[i]! + s.result.durationMs);
  const start = Math.min(...starts);
  const looks = [...new Set(shards.flatMap((s) => s.result.sampling.looks))].sort((a, b) => a - b);
  const mdes = comparisons
    .filter((c) => c.scale === 'ratio' && c.mde !== null)
    .map((c) => c.mde as number);
  const result: Result = {
    schemaVersion: first.schemaVersion,
    tool: { name: 'perfgate', version: VERSION },
    mode: 'merge',
    verdict,
    startedAt: new Date(start).toISOString(),
    durationMs: Math.max(...ends) - start,
    ...(first.repository !== undefined ? { repository: first.repository } : {}),
    ...(first.pullRequest !== undefined ? { pullRequest: first.pullRequest } : {}),
    ...(first.reportId !== undefined ? { reportId: first.reportId } : {}),
    base: first.base,
    head: first.head,
    gate: first.gate,
    sampling: {
      pairs: Math.max(...shards.map((s) => s.result.sampling.pairs)),
      warmup: first.sampling.warmup,
      looks: looks.slice(-100),
      stoppedBy,
      // The shards ran side by side: the longest is how long sampling took.
      elapsedMs: Math.max(...shards.map((s) => s.result.sampling.elapsedMs)),
    },
    comparisons: sortComparisons(comparisons),
    budgets,
    advice: shards.flatMap((s) => s.result.advice).slice(0, 200),
    notes: mergedNotes(shards, label, redone.notes),
    minimumDetectableChange: mdes.length > 0 ? median(mdes) : null,
    ...mergedEvidence(shards.map((s) => s.result)),
  };
  // The merged rows must pass the recheck every artifact gets; they were decided with its rules.
  const { disagreement } = recheckResult({
    verdict,
    alpha: result.gate.alpha,
    comparisons: result.comparisons,
    budgets,
    stoppedBy,
  });
  if (disagreement) {
    throw new Error(`merge: the merged result fails its own recheck at ${disagreement.field}`);
  }
  return result;
}

/**
 * Why sampling ended, for the merged verdict: a shard that stopped for futility passes its
 * inconclusive rows (gate.ts decideVerdict), one that stopped otherwise does not. So the merged
 * stop is that of the first shard with an inconclusive row that did not stop for futility; else
 * futility where a shard stopped for it; else the shards' common stop, or the first in the order
 * regression, budget, max-pairs, resolved, exact.
 */
function mergedStop(
  shards: ReadonlyArray<{ s: ShardOf; rows: ReadonlyArray<{ status: Status }> }>,
): Result['sampling']['stoppedBy'] {
  const stops = shards.map(({ s }) => s.result.sampling.stoppedBy);
  const open = shards.find(
    ({ s, rows }) =>
      s.result.sampling.stoppedBy !== 'futility' && rows.some((r) => r.status === 'inconclusive'),
  );
  if (open) return open.s.result.sampling.stoppedBy;
  if (stops.includes('futility')) return 'futility';
  if (stops.every((stop) => stop === stops[0])) return stops[0]!;
  const order = ['regression', 'budget', 'max-pairs', 'resolved', 'exact'] as const;
  return order.find((stop) => stops.includes(stop)) ?? stops[0]!;
}

const MAX_NOTES = 200;
const MAX_NOTE_CHARS = 2000;

function mergedNotes(
  shards: readonly ShardOf[],
  label: (s: ShardOf) => string,
  correction: readonly string[],
): string[] {
  const notes = [...correction];
  for (const s of shards) {
    const { sampling } = s.result;
    notes.push(
      `Shard ${s.shard.index}/${s.shard.count} (${s.shard.targets.join(', ')}): ${sampling.pairs} pairs, stopped by ${sampling.stoppedBy}, from ${s.source}.`,
    );
  }
  for (const s of shards) for (const note of s.result.notes) notes.push(`${label(s)}: ${note}`);
  const clipped = notes.map((n) =>
    n.length > MAX_NOTE_CHARS ? `${n.slice(0, MAX_NOTE_CHARS - 1)}…` : n,
  );
  if (clipped.length <= MAX_NOTES) return clipped;
  return [
    ...clipped.slice(0, MAX_NOTES - 1),
    `… and ${clipped.length - MAX_NOTES + 1} more notes of the shards.`,
  ];
}

/** Every shard of one run, each once: same commits, config, count, repository and report. */
function checkedShards(inputs: readonly ShardInput[]): ShardOf[] {
  if (inputs.length === 0) throw new ShardMismatchError('no shard results to merge', 'files');
  const shards = inputs.map((input): ShardOf => {
    const { shard, mode } = input.result;
    if (!shard) {
      throw new ShardMismatchError(
        `${input.source} is not a shard's result (it has no \`shard\`): measure each part with --shard i/n (input \`shard\`)`,
        'shard',
      );
    }
    if (mode !== 'collect' && mode !== 'compare') {
      throw new ShardMismatchError(
        `${input.source} holds a ${mode} result; merge joins compare and collect results`,
        'mode',
      );
    }
    return { ...input, shard };
  });
  const first = shards[0]!;
  const same = (field: string, what: string, of: (s: ShardOf) => string | undefined) => {
    const other = shards.find((s) => of(s) !== of(first));
    if (other) {
      throw new ShardMismatchError(
        `the shards measured different ${what}: ${first.source} has ${of(first) ?? 'none'}, ${other.source} has ${of(other) ?? 'none'}; every shard of a merge must come from the same run`,
        field,
      );
    }
  };
  same('head.sha', 'head commits', (s) => s.result.head.sha);
  same('base.sha', 'base commits', (s) => s.result.base?.sha);
  same('shard.config', 'configs (the hash of the resolved config)', (s) => s.shard.config);
  same('shard.count', 'numbers of shards', (s) => String(s.shard.count));
  same('repository', 'repositories', (s) => s.result.repository);
  same('reportId', 'report ids', (s) => s.result.reportId);
  same('pullRequest', 'pull requests', (s) => s.result.pullRequest?.toString());

  const count = first.shard.count;
  const byIndex = new Map<number, ShardOf>();
  for (const s of shards) {
    const seen = byIndex.get(s.shard.index);
    if (seen) {
      throw new ShardMismatchError(
        `shard ${s.shard.index}/${count} is given twice: ${seen.source} and ${s.source}`,
        'shard.index',
      );
    }
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new ShardMismatchError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (got ${shards.length} of ${count}): did every job of the matrix finish and keep its result?`,
      'shard.index',
    );
  }
  const keys = new Map<string, string>();
  for (const s of shards) {
    if (
      s.result.comparisons.some((c) => c.pValue !== null) &&
      s.result.sampling.level === undefined
    ) {
      throw new ShardMismatchError(
        `${s.source} does not say the level of its final look (sampling.level): it was measured by an older perfgate; measure the shards with this version`,
        'sampling.level',
      );
    }
    for (const c of s.result.comparisons) {
      const other = keys.get(c.key);
      if (other !== undefined) {
        throw new ShardMismatchError(
          `${c.key} was measured by two shards (${other} and ${s.source}): the shards overlap`,
          'comparisons',
        );
      }
      keys.set(c.key, s.source);
    }
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}

/** Each shard's evidence joined: its CPU profiles and capacity searches are of its own targets. */
function mergedEvidence(results: readonly Result[]): Pick<Result, 'evidence'> {
  const profiles = results.flatMap((r) => (r.evidence?.profile ? [r.evidence.profile] : []));
  const capacity = results.flatMap((r) => r.evidence?.capacity ?? []);
  if (profiles.length === 0 && capacity.length === 0) return {};
  return {
    evidence: {
      ...(profiles.length > 0
        ? {
            profile: {
              profiles: profiles.flatMap((p) => p.profiles).slice(0, 100),
              notes: profiles.flatMap((p) => p.notes).slice(0, 50),
              elapsedMs: Math.max(...profiles.map((p) => p.elapsedMs)),
            },
          }
        : {}),
      ...(capacity.length > 0 ? { capacity: capacity.slice(0, 1000) } : {}),
    },
  };
}
