// One V8 CPU profile (the `.cpuprofile` format of Profiler.stop and Chrome DevTools) folded into
// time per function: self (the function itself on top of the stack), total (anywhere on the
// stack, once per sample) and attributed (each sample charged once, to the innermost frame of
// the project's own code, or to its leaf when no own frame is on the stack: the view in which
// a library call or a node built-in counts against the project function that made it). GC, idle
// and "(program)" time are kept apart. Pure.
import path from 'node:path';

export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as V8 reports it. */
  lineNumber: number;
  columnNumber: number;
  scriptId?: string;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  /** Samples per source line (1-based) while this node was on top. */
  positionTicks?: Array<{ line: number; ticks: number }>;
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export type FrameCategory = 'code' | 'gc' | 'idle' | 'program' | 'root';

export interface FunctionId {
  /** `(anonymous)` for a function without a name. */
  name: string;
  /** Relative to the tree's root for the project's files (posix separators); the URL otherwise
   *  (`node:internal/crypto/pbkdf2`), empty for native code. */
  file: string;
  /** 1-based line of the function's start; 0 when unknown. */
  line: number;
  /** The npm package a file under node_modules belongs to. */
  package?: string;
  /** A file of the project itself: under the tree, not under node_modules. */
  own: boolean;
}

export interface FunctionTime {
  id: FunctionId;
  selfMs: number;
  totalMs: number;
  attributedMs: number;
  /** Self time per source line (1-based), from V8's position ticks. */
  lines: Record<number, number>;
  /** For a frame outside the project: the own frames it was called under, by key (ms). */
  calledFrom: Record<string, number>;
  /** For an own frame: the outside leaves its attributed time was spent in, by key (ms). */
  spentIn: Record<string, number>;
}

export interface ProfileTotals {
  /** Everything sampled, idle included (ms). */
  sampledMs: number;
  /** Not idle: code + gc + program. */
  busyMs: number;
  codeMs: number;
  gcMs: number;
  programMs: number;
  idleMs: number;
}

export interface ProfileSummary {
  totals: ProfileTotals;
  functions: Map<string, FunctionTime>;
}

const SPECIAL = new Map<string, FrameCategory>([
  ['(root)', 'root'],
  ['(program)', 'program'],
  ['(idle)', 'idle'],
  ['(garbage collector)', 'gc'],
]);

/** The inspector's own message handling (the profiler's stop, while the round is recorded) is
 *  not the program's time: a native `dispatch` counts as "(program)". */
function categoryOf(frame: CallFrame): FrameCategory {
  if (frame.functionName === 'dispatch' && frame.url === '') return 'program';
  return SPECIAL.get(frame.functionName) ?? 'code';
}

export function emptySummary(): ProfileSummary {
  return {
    totals: { sampledMs: 0, busyMs: 0, codeMs: 0, gcMs: 0, programMs: 0, idleMs: 0 },
    functions: new Map(),
  };
}

/** The package a node_modules path belongs to: the last `node_modules/(@scope/)name`. */
export function packageOf(file: string): string | undefined {
  const at = file.lastIndexOf('node_modules/');
  if (at < 0 || (at > 0 && file[at - 1] !== '/')) return undefined;
  const match = /^((?:@[^/]+\/)?[^/]+)\//.exec(file.slice(at + 'node_modules/'.length));
  return match?.[1];
}

/** Base lines moved to where they are on head, so that a function matches across sides. */
export type LineMap = (file: string, line: number) => number | undefined;

/** Where a frame's code lives, relative to `root` when inside it. */
export function frameId(frame: CallFrame, root: string, mapLine?: LineMap): FunctionId {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  const line = frame.lineNumber >= 0 ? frame.lineNumber + 1 : 0;
  let file = frame.url;
  let inside = false;
  if (file.startsWith('file://')) {
    try {
      file = decodeURIComponent(new URL(file).pathname);
    } catch {
      file = file.slice('file://'.length);
    }
  }
  if (path.isAbsolute(file)) {
    const relative = path.relative(root, file);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      file = relative.split(path.sep).join('/');
      inside = true;
    }
  }
  const pkg = packageOf(file);
  const own = inside && pkg === undefined;
  // A module's top level starts at 1:0 on both sides, whatever was inserted above its code.
  const moduleBody =
    frame.functionName === '' && frame.lineNumber === 0 && frame.columnNumber === 0;
  const id: FunctionId = {
    name,
    file,
    line: own && mapLine && line > 0 && !moduleBody ? (mapLine(file, line) ?? line) : line,
    own,
  };
  if (pkg !== undefined) id.package = pkg;
  return id;
}

/** Named functions match across sides by name and file (their lines move with the edits around
 *  them); anonymous ones have nothing else than their line. */
export function functionKey(id: Pick<FunctionId, 'name' | 'file' | 'line'>): string {
  return id.name === '(anonymous)'
    ? `${id.name}\u0000${id.file}\u0000${id.line}`
    : `${id.name}\u0000${id.file}`;
}

interface NodeInfo {
  category: FrameCategory;
  key: string;
  id: FunctionId;
  /** Distinct function keys on the stack, this node included. */
  stack: string[];
  /** The innermost own frame on the stack, this node included. */
  own: string | undefined;
  /** Below that own frame, the first frame outside the project: what the project called
   *  (`pbkdf2Sync`, not the native job it runs). */
  entry: string | undefined;
}

/** Each sample's duration: the time to the next sample, the last one's to the profile's end. */
function sampleDurations(profile: CpuProfile): { ids: number[]; ms: number[] } {
  const ids = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (ids.length === 0) {
    // No sample list: hit counts at the mean interval.
    const nodes = profile.nodes.filter((n) => (n.hitCount ?? 0) > 0);
    const hits = nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const each = hits > 0 ? (profile.endTime - profile.startTime) / 1000 / hits : 0;
    return { ids: nodes.map((n) => n.id), ms: nodes.map((n) => (n.hitCount ?? 0) * each) };
  }
  const stamps: number[] = [];
  let t = profile.startTime;
  for (let i = 0; i < ids.length; i++) {
    t += deltas[i] ?? 0;
    stamps.push(t);
  }
  const ms = stamps.map((stamp, i) => {
    const next = stamps[i + 1] ?? Math.max(profile.endTime, stamp);
    return Math.max(0, next - stamp) / 1000;
  });
  return { ids, ms };
}

function nodeInfos(profile: CpuProfile, root: string, mapLine?: LineMap): Map<number, NodeInfo> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const infos = new Map<number, NodeInfo>();
  const info = (nodeId: number): NodeInfo | undefined => {
    const known = infos.get(nodeId);
    if (known) return known;
    const node = byId.get(nodeId);
    if (!node) return undefined;
    const up = parent.has(nodeId) ? info(parent.get(nodeId)!) : undefined;
    const category = categoryOf(node.callFrame);
    const id = frameId(node.callFrame, root, mapLine);
    const key = functionKey(id);
    const isOwn = category === 'code' && id.own;
    const own = isOwn ? key : up?.own;
    const upIsOwn = up !== undefined && up.own === up.key;
    const entry = isOwn || own === undefined ? undefined : upIsOwn ? key : (up?.entry ?? key);
    const stack = up ? [...up.stack] : [];
    if (category === 'code' && !stack.includes(key)) stack.push(key);
    const made: NodeInfo = { category, key, id, stack, own, entry };
    infos.set(nodeId, made);
    return made;
  };
  // Parents first keeps the recursion shallow.
  for (const n of profile.nodes) info(n.id);
  return infos;
}

function timeOf(summary: ProfileSummary, key: string, id: FunctionId): FunctionTime {
  let entry = summary.functions.get(key);
  if (!entry) {
    entry = {
      id,
      selfMs: 0,
      totalMs: 0,
      attributedMs: 0,
      lines: {},
      calledFrom: {},
      spentIn: {},
    };
    summary.functions.set(key, entry);
  }
  return entry;
}

function add(record: Record<string | number, number>, key: string | number, ms: number): void {
  record[key] = (record[key] ?? 0) + ms;
}

/**
 * Adds one profile to `into` (several processes of one round add up): `root` is the tree the
 * profiled code runs from, so that its files read as the project's own.
 */
export function summariseProfile(
  profile: CpuProfile,
  root: string,
  into: ProfileSummary = emptySummary(),
  mapLine?: LineMap,
): ProfileSummary {
  const infos = nodeInfos(profile, root, mapLine);
  const idByKey = new Map<string, FunctionId>();
  for (const info of infos.values()) if (info.category === 'code') idByKey.set(info.key, info.id);
  const { ids, ms } = sampleDurations(profile);
  const selfByNode = new Map<number, number>();
  const totals = into.totals;
  ids.forEach((nodeId, i) => {
    const node = infos.get(nodeId);
    const d = ms[i] ?? 0;
    if (!node || d === 0) return;
    totals.sampledMs += d;
    selfByNode.set(nodeId, (selfByNode.get(nodeId) ?? 0) + d);
    if (node.category === 'idle') {
      totals.idleMs += d;
      return;
    }
    totals.busyMs += d;
    if (node.category === 'gc') totals.gcMs += d;
    else if (node.category === 'program' || node.category === 'root') totals.programMs += d;
    else totals.codeMs += d;
    if (node.category !== 'code') return;
    const leaf = timeOf(into, node.key, node.id);
    leaf.selfMs += d;
    const chargedKey = node.own ?? node.key;
    const charged = timeOf(into, chargedKey, idByKey.get(chargedKey)!);
    charged.attributedMs += d;
    if (node.own !== undefined && node.own !== node.key) {
      add(leaf.calledFrom, node.own, d);
      const entry = node.entry ?? node.key;
      if (entry !== node.key) add(timeOf(into, entry, idByKey.get(entry)!).calledFrom, node.own, d);
      add(charged.spentIn, entry, d);
    }
  });
  // Totals need each key's own identity, so they are added from the stacks per node.
  for (const [nodeId, d] of selfByNode) {
    const node = infos.get(nodeId)!;
    if (node.category !== 'code') continue;
    for (const key of node.stack) timeOf(into, key, idByKey.get(key)!).totalMs += d;
  }
  // Self time per line from the position ticks, in proportion to the node's self time.
  for (const n of profile.nodes) {
    const d = selfByNode.get(n.id);
    const ticks = n.positionTicks ?? [];
    const all = ticks.reduce((sum, t) => sum + t.ticks, 0);
    if (!d || all === 0) continue;
    const entry = into.functions.get(infos.get(n.id)!.key);
    if (!entry) continue;
    for (const t of ticks) add(entry.lines, t.line, (d * t.ticks) / all);
  }
  return into;
}
