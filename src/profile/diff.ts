// The per-function diff of base's and head's profiled rounds: each function's time per request
// (or run), the median over each side's rounds, ranked by the time it added; the rounds' own
// spread says whether a change stands clear of the noise. Pure: what the sources say (line
// ranges, the lines the pull request changed) comes in as a look-up.
import { median } from '../stats/summary.js';
import type { FunctionId, FunctionTime, ProfileSummary, ProfileTotals } from './cpuprofile.js';
import type { ProfileFunction, TargetProfile, TimePair } from './schema.js';

export interface ProfiledRound {
  summary: ProfileSummary;
  /** Requests answered in the round (servers), or 1 (a command's run). */
  units: number;
}

/** What the head tree's sources say, read by the caller. */
export interface SourceLookup {
  /** Where a base line of `file` is on head; undefined for a line the pull request changed. */
  headLine(file: string, line: number): number | undefined;
  /** A function's lines, from its first line. */
  range(file: string, line: number): [number, number] | undefined;
  lineText(file: string, line: number): string | undefined;
  /** Whether the pull request's diff touches any of lines from..to of `file` on head. */
  changed(file: string, from: number, to: number): boolean;
}

export interface DiffInput {
  benchmark: string;
  target?: string;
  per: 'request' | 'run';
  base: readonly ProfiledRound[];
  head: readonly ProfiledRound[];
  measured?: { key: string; change: number };
  source?: SourceLookup;
  /** Functions kept in the diff, at most (the largest changes of each kind). */
  limit?: number;
}

const DEFAULT_LIMIT = 120;

function pair(base: readonly number[], head: readonly number[]): TimePair {
  const b = base.length > 0 ? median(base) : 0;
  const h = head.length > 0 ? median(head) : 0;
  return { base: b, head: h, change: h - b };
}

function perUnit(rounds: readonly ProfiledRound[], read: (r: ProfiledRound) => number): number[] {
  return rounds.filter((r) => r.units > 0).map((r) => read(r) / r.units);
}

function totalsPair(input: DiffInput, field: keyof ProfileTotals): TimePair {
  const read = (r: ProfiledRound) => r.summary.totals[field];
  return pair(perUnit(input.base, read), perUnit(input.head, read));
}

/** Every round of one side beyond every round of the other. */
function separated(base: readonly number[], head: readonly number[]): boolean {
  if (base.length === 0 || head.length === 0) return false;
  return Math.min(...head) > Math.max(...base) || Math.max(...head) < Math.min(...base);
}

function largest(record: Record<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const [key, ms] of Object.entries(record))
    if (best === undefined || ms > best[1]) best = [key, ms];
  return best?.[0];
}

function sumRecords(entries: FunctionTime[], pick: (e: FunctionTime) => Record<string, number>) {
  const sum: Record<string, number> = {};
  for (const e of entries) for (const [k, v] of Object.entries(pick(e))) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

function frame(id: FunctionId) {
  return {
    name: id.name,
    file: id.file,
    line: id.line,
    ...(id.package ? { package: id.package } : {}),
  };
}

function findId(rounds: readonly ProfiledRound[], key: string): FunctionId | undefined {
  for (const r of rounds) {
    const entry = r.summary.functions.get(key);
    if (entry) return entry.id;
  }
  return undefined;
}

function describeFunction(input: DiffInput, key: string, busyChange: number): ProfileFunction {
  const inBase = input.base.map((r) => r.summary.functions.get(key));
  const inHead = input.head.map((r) => r.summary.functions.get(key));
  const entry = (inHead.find(Boolean) ?? inBase.find(Boolean))!;
  const id = entry.id;
  const values = (rounds: readonly ProfiledRound[], read: (t: FunctionTime) => number) =>
    perUnit(rounds, (r) => {
      const t = r.summary.functions.get(key);
      return t ? read(t) : 0;
    });
  const attributedBase = values(input.base, (t) => t.attributedMs);
  const attributedHead = values(input.head, (t) => t.attributedMs);
  const attributed = pair(attributedBase, attributedHead);
  const total = pair(
    values(input.base, (t) => t.totalMs),
    values(input.head, (t) => t.totalMs),
  );
  const useTotal = attributed.base === 0 && attributed.head === 0;
  const fn: ProfileFunction = {
    name: id.name,
    file: id.file,
    line: id.line,
    ...(id.package ? { package: id.package } : {}),
    own: id.own,
    attributed,
    self: pair(
      values(input.base, (t) => t.selfMs),
      values(input.head, (t) => t.selfMs),
    ),
    total,
    share: busyChange > 0 ? attributed.change / busyChange : null,
    separated: useTotal
      ? separated(
          values(input.base, (t) => t.totalMs),
          values(input.head, (t) => t.totalMs),
        )
      : separated(attributedBase, attributedHead),
    changed: null,
  };
  if (!inBase.some(Boolean)) fn.presence = 'new';
  else if (!inHead.some(Boolean)) fn.presence = 'gone';
  const sideEntries = (inHead.some(Boolean) ? inHead : inBase).filter(
    (e): e is FunctionTime => e !== undefined,
  );
  const sideRounds = inHead.some(Boolean) ? input.head : input.base;
  if (id.own) {
    const spent = largest(sumRecords(sideEntries, (e) => e.spentIn));
    const spentId = spent === undefined ? undefined : findId(sideRounds, spent);
    if (spentId) fn.spentIn = frame(spentId);
    addSourceFacts(fn, sideEntries, input.source, fn.presence !== 'gone');
  } else {
    const caller = largest(sumRecords(sideEntries, (e) => e.calledFrom));
    const callerId = caller === undefined ? undefined : findId(sideRounds, caller);
    if (callerId) fn.calledFrom = frame(callerId);
  }
  return fn;
}

function addSourceFacts(
  fn: ProfileFunction,
  entries: FunctionTime[],
  source: SourceLookup | undefined,
  atHead: boolean,
): void {
  if (!source || !atHead) return;
  const range = fn.line > 0 ? source.range(fn.file, fn.line) : undefined;
  if (range) fn.lines = range;
  const [from, to] = range ?? [fn.line, fn.line];
  fn.changed = fn.line > 0 ? source.changed(fn.file, from, to) : null;
  const lines: Record<string, number> = {};
  for (const e of entries)
    for (const [l, ms] of Object.entries(e.lines)) lines[l] = (lines[l] ?? 0) + ms;
  const hot = largest(lines);
  if (hot !== undefined) {
    const text = source.lineText(fn.file, Number(hot));
    if (text !== undefined) fn.hotLine = { line: Number(hot), text: text.trim().slice(0, 300) };
  }
}

/** The diff of one target's profiled rounds. */
export function diffProfiles(input: DiffInput): TargetProfile {
  const busy = totalsPair(input, 'busyMs');
  const keys = new Set<string>();
  for (const r of [...input.base, ...input.head])
    for (const key of r.summary.functions.keys()) keys.add(key);
  const all = [...keys].map((key) => describeFunction(input, key, busy.change));
  const limit = input.limit ?? DEFAULT_LIMIT;
  const byAttributed = [...all].sort((a, b) => b.attributed.change - a.attributed.change);
  const kept = new Set<ProfileFunction>(byAttributed.slice(0, Math.ceil(limit / 2)));
  for (const read of [
    (f: ProfileFunction) => f.self.change,
    (f: ProfileFunction) => f.total.change,
  ]) {
    const ranked = [...all].sort((a, b) => Math.abs(read(b)) - Math.abs(read(a)));
    for (const f of ranked.slice(0, Math.ceil(limit / 4))) kept.add(f);
  }
  // The rest of the room goes to the attributed ranking.
  for (const f of byAttributed) if (kept.size < limit) kept.add(f);
  const functions = byAttributed.filter((f) => kept.has(f)).slice(0, limit);
  const profile: TargetProfile = {
    benchmark: input.benchmark,
    ...(input.target !== undefined ? { target: input.target } : {}),
    per: input.per,
    units: { base: input.base.map((r) => r.units), head: input.head.map((r) => r.units) },
    busy,
    code: totalsPair(input, 'codeMs'),
    gc: totalsPair(input, 'gcMs'),
    program: totalsPair(input, 'programMs'),
    idle: totalsPair(input, 'idleMs'),
    functions,
  };
  if (input.measured) profile.measured = input.measured;
  return profile;
}
