// Comparing two measured trees of one bundle benchmark (pure): files matched across hashed
// names, groups and the total summed, what the bytes are made of diffed, unminified files found.
// Budgets are checked in verdict/budgets.ts, statuses in verdict/exact.ts.
import type { BundleBenchmarkConfig, Side } from '../../model.js';
import type { Composition, PackageInstance } from './composition.js';
import type { Compression } from './compress.js';
import { compileGlobs } from './glob.js';
import { hashlessName, type MatchKind, matchFiles } from './hash.js';
import { type BundleFile, type BundleSnapshot, looksUnminified } from './measure.js';
import { fitTarget } from './rows.js';
import { bundleMetrics, type SizeMetric, validateBundle } from './settings.js';

export type Sizes = { raw: number } & Partial<Record<Compression, number>>;

export interface SizeChange {
  metric: SizeMetric;
  base: number;
  head: number;
  /** head − base, in bytes. */
  delta: number;
  /** Relative change, delta / base (0.12 is +12%); against 1 byte when base is 0. */
  change: number;
}

export interface FileComparison {
  /** The name in metric keys: the hashless name when it is unique, else the head path. */
  target: string;
  base: string;
  head: string;
  how: MatchKind;
  changes: SizeChange[];
}

/** A file on one side only; its changes are from 0 (added) or to 0 (removed). */
export interface OneSidedFile extends BundleFile {
  /** The name in metric keys: the hashless name when no other file of the run has it, else the
   *  path. */
  target: string;
  changes: SizeChange[];
}

export interface GroupComparison {
  /** `total` or the group's name. */
  name: string;
  base: Sizes;
  head: Sizes;
  changes: SizeChange[];
  baseFiles: string[];
  headFiles: string[];
}

export type PackageStatus = 'added' | 'removed' | 'grew' | 'shrank' | 'unchanged';

export interface PackageDiff {
  name: string;
  /** Bytes of generated code attributed to the package. */
  base: number;
  head: number;
  delta: number;
  status: PackageStatus;
  baseInstances: PackageInstance[];
  headInstances: PackageInstance[];
}

export interface ModuleDiff {
  id: string;
  package?: string;
  base: number;
  head: number;
  delta: number;
  status: PackageStatus;
  /** Output files holding it on head (or base, when removed). */
  files: string[];
}

export interface CompositionDiff {
  /** Packages that changed or are bundled more than once on head, largest growth first. */
  packages: PackageDiff[];
  /** Modules that changed, largest absolute change first, at most MAX_MODULE_DIFFS. */
  modules: ModuleDiff[];
  modulesOmitted: number;
  coverage: Record<Side, { files: number; bytes: number; unmapped: number }>;
}

export interface UnminifiedFile {
  path: string;
  raw: number;
  whitespaceRatio: number;
  commentRatio: number;
  meanLineLength: number;
  /** New on head, or grew since base. */
  changed: boolean;
}

export interface BundleComparison {
  benchmark: string;
  metrics: SizeMetric[];
  base: { sha: string };
  head: { sha: string };
  /** Files on both sides, sorted by head path. */
  files: FileComparison[];
  /** Files on head only, and on base only, sorted by path. */
  added: OneSidedFile[];
  removed: OneSidedFile[];
  groups: GroupComparison[];
  total: GroupComparison;
  /** Present when both sides have a composition. */
  composition?: CompositionDiff;
  /** Head's composition, for advice on what is there now. */
  headComposition?: Composition;
  unminified: UnminifiedFile[];
  notes: string[];
}

export const MAX_MODULE_DIFFS = 500;

function sizesOf(file: BundleFile): Sizes {
  const s: Sizes = { raw: file.raw };
  if (file.gzip !== undefined) s.gzip = file.gzip;
  if (file.brotli !== undefined) s.brotli = file.brotli;
  return s;
}

function sumSizes(files: BundleFile[], metrics: SizeMetric[]): Sizes {
  const s: Sizes = { raw: 0 };
  for (const m of metrics) s[m] = 0;
  for (const f of files) for (const m of metrics) s[m] = (s[m] ?? 0) + (f[m] ?? 0);
  return s;
}

function changesOf(base: Sizes, head: Sizes, metrics: SizeMetric[]): SizeChange[] {
  return metrics.map((metric) => {
    const b = base[metric] ?? 0;
    const h = head[metric] ?? 0;
    return { metric, base: b, head: h, delta: h - b, change: (h - b) / Math.max(b, 1) };
  });
}

/** Jaccard similarity of two files' module bytes, or of their raw sizes without compositions. */
function similarityFn(base: BundleSnapshot, head: BundleSnapshot) {
  const size = (s: BundleSnapshot) => new Map(s.files.map((f) => [f.path, f.raw]));
  const baseSizes = size(base);
  const headSizes = size(head);
  const byFile = (c: Composition | undefined) => {
    const out = new Map<string, Map<string, number>>();
    for (const [id, m] of Object.entries(c?.modules ?? {})) {
      for (const f of m.files) {
        let map = out.get(f);
        if (!map) {
          map = new Map();
          out.set(f, map);
        }
        // A module spread over several files counts fully in each; fine for a similarity.
        map.set(id, m.bytes);
      }
    }
    return out;
  };
  const baseModules = byFile(base.composition);
  const headModules = byFile(head.composition);
  return (b: string, h: string): number => {
    const bm = baseModules.get(b);
    const hm = headModules.get(h);
    if (bm && hm) {
      let inter = 0;
      let union = 0;
      for (const id of new Set([...bm.keys(), ...hm.keys()])) {
        inter += Math.min(bm.get(id) ?? 0, hm.get(id) ?? 0);
        union += Math.max(bm.get(id) ?? 0, hm.get(id) ?? 0);
      }
      return union === 0 ? 0 : inter / union;
    }
    const x = baseSizes.get(b) ?? 0;
    const y = headSizes.get(h) ?? 0;
    return Math.max(x, y) === 0 ? 1 : Math.min(x, y) / Math.max(x, y);
  };
}

/** Everything the gate, the report and advice need from two snapshots of one benchmark. */
export function compareBundles(
  bench: BundleBenchmarkConfig,
  base: BundleSnapshot,
  head: BundleSnapshot,
): BundleComparison {
  validateBundle(bench);
  const metrics = bundleMetrics(bench);
  const baseFiles = new Map(base.files.map((f) => [f.path, f]));
  const headFiles = new Map(head.files.map((f) => [f.path, f]));
  const matching = matchFiles(
    [...baseFiles.keys()],
    [...headFiles.keys()],
    similarityFn(base, head),
  );

  const targetOf = fileTargets(matching.pairs, [...headFiles.keys()]);
  const files: FileComparison[] = matching.pairs.map((pair) => {
    return {
      target: targetOf(pair.head),
      base: pair.base,
      head: pair.head,
      how: pair.how,
      changes: changesOf(
        sizesOf(baseFiles.get(pair.base)!),
        sizesOf(headFiles.get(pair.head)!),
        metrics,
      ),
    };
  });

  const group = (name: string, b: BundleFile[], h: BundleFile[]): GroupComparison => {
    const bs = sumSizes(b, metrics);
    const hs = sumSizes(h, metrics);
    return {
      name,
      base: bs,
      head: hs,
      changes: changesOf(bs, hs, metrics),
      baseFiles: b.map((f) => f.path),
      headFiles: h.map((f) => f.path),
    };
  };
  const notes: string[] = [];
  const groups = Object.entries(bench.groups).map(([name, globs]) => {
    const set = compileGlobs(globs);
    const g = group(
      name,
      base.files.filter((f) => set.matches(f.path)),
      head.files.filter((f) => set.matches(f.path)),
    );
    if (g.baseFiles.length === 0 && g.headFiles.length === 0) {
      notes.push(`group ${name} (${globs.join(', ')}) matches no measured file on either side`);
    }
    return g;
  });
  const total = group('total', base.files, head.files);

  const comparison: BundleComparison = {
    benchmark: bench.name,
    metrics,
    base: { sha: base.sha },
    head: { sha: head.sha },
    files,
    ...oneSided(matching, baseFiles, headFiles, files, targetOf, metrics),
    groups,
    total,
    unminified: unminifiedFiles(head, baseFiles, matching.pairs),
    notes: [
      ...notes,
      ...base.notes.map((n) => `base: ${n}`),
      ...head.notes.map((n) => `head: ${n}`),
    ],
  };
  if (head.composition) comparison.headComposition = head.composition;
  if (base.composition && head.composition) {
    comparison.composition = diffComposition(base.composition, head.composition);
  } else if (base.composition || head.composition) {
    const missing = base.composition ? 'head' : 'base';
    comparison.notes.push(
      `${missing} has no source maps or metafile: packages and modules are not compared`,
    );
  }
  return comparison;
}

/**
 * Added files are named as head files are (fileTargets); a removed file by its hashless name when
 * no other base file has it and no head file's target is it, else by its path: metric keys stay
 * unique and say which file of several it was.
 */
function oneSided(
  matching: { added: string[]; removed: string[] },
  baseFiles: Map<string, BundleFile>,
  headFiles: Map<string, BundleFile>,
  files: FileComparison[],
  targetOf: (headPath: string) => string,
  metrics: SizeMetric[],
): { added: OneSidedFile[]; removed: OneSidedFile[] } {
  const none: Sizes = { raw: 0 };
  const added = matching.added.map((path) => {
    const file = headFiles.get(path)!;
    return { ...file, target: targetOf(path), changes: changesOf(none, sizesOf(file), metrics) };
  });
  const taken = new Set([...files.map((f) => f.target), ...added.map((f) => f.target)]);
  const count = new Map<string, number>();
  for (const p of baseFiles.keys())
    count.set(hashlessName(p), (count.get(hashlessName(p)) ?? 0) + 1);
  const removed = matching.removed.map((path) => {
    const file = baseFiles.get(path)!;
    const key = hashlessName(path);
    const target = fitTarget(count.get(key) === 1 && !taken.has(key) ? key : path);
    return { ...file, target, changes: changesOf(sizesOf(file), none, metrics) };
  });
  return { added, removed };
}

/**
 * A head file's name in metric keys and budget checks: its hashless name, stable across commits,
 * unless several head files share it or the match was ambiguous; then the head path.
 */
function fileTargets(pairs: Array<{ head: string; how: MatchKind }>, headPaths: string[]) {
  const count = new Map<string, number>();
  for (const p of headPaths) count.set(hashlessName(p), (count.get(hashlessName(p)) ?? 0) + 1);
  const ambiguous = new Set(pairs.filter((p) => p.how === 'ambiguous').map((p) => p.head));
  return (headPath: string): string => {
    const key = hashlessName(headPath);
    return fitTarget(!ambiguous.has(headPath) && count.get(key) === 1 ? key : headPath);
  };
}

function unminifiedFiles(
  head: BundleSnapshot,
  baseFiles: Map<string, BundleFile>,
  pairs: Array<{ base: string; head: string }>,
): UnminifiedFile[] {
  const baseOf = new Map(pairs.map((p) => [p.head, baseFiles.get(p.base)!]));
  const out: UnminifiedFile[] = [];
  for (const f of head.files) {
    if (!f.text || !looksUnminified(f.raw, f.text)) continue;
    const before = baseOf.get(f.path);
    out.push({
      path: f.path,
      raw: f.raw,
      whitespaceRatio: f.text.whitespace / f.raw,
      commentRatio: f.text.comments / f.raw,
      meanLineLength: f.raw / f.text.lines,
      changed: before === undefined || f.raw > before.raw,
    });
  }
  return out;
}

function statusOf(base: number, head: number): PackageStatus {
  if (base === 0 && head > 0) return 'added';
  if (head === 0 && base > 0) return 'removed';
  return head > base ? 'grew' : head < base ? 'shrank' : 'unchanged';
}

/** Packages and modules that appeared, disappeared, grew, shrank or are bundled twice. */
export function diffComposition(base: Composition, head: Composition): CompositionDiff {
  const packages: PackageDiff[] = [];
  for (const name of new Set([...Object.keys(base.packages), ...Object.keys(head.packages)])) {
    const b = base.packages[name];
    const h = head.packages[name];
    const diff: PackageDiff = {
      name,
      base: b?.bytes ?? 0,
      head: h?.bytes ?? 0,
      delta: (h?.bytes ?? 0) - (b?.bytes ?? 0),
      status: statusOf(b?.bytes ?? 0, h?.bytes ?? 0),
      baseInstances: b?.instances ?? [],
      headInstances: h?.instances ?? [],
    };
    if (diff.status !== 'unchanged' || diff.headInstances.length > 1) packages.push(diff);
  }
  packages.sort((x, y) => y.delta - x.delta || (x.name < y.name ? -1 : 1));

  const modules: ModuleDiff[] = [];
  for (const id of new Set([...Object.keys(base.modules), ...Object.keys(head.modules)])) {
    const b = base.modules[id];
    const h = head.modules[id];
    const status = statusOf(b?.bytes ?? 0, h?.bytes ?? 0);
    if (status === 'unchanged') continue;
    const diff: ModuleDiff = {
      id,
      base: b?.bytes ?? 0,
      head: h?.bytes ?? 0,
      delta: (h?.bytes ?? 0) - (b?.bytes ?? 0),
      status,
      files: (h ?? b)!.files,
    };
    const pkg = h?.package ?? b?.package;
    if (pkg !== undefined) diff.package = pkg;
    modules.push(diff);
  }
  modules.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.id < y.id ? -1 : 1));
  const coverage = (c: Composition) => {
    let bytes = c.unmapped;
    for (const m of Object.values(c.modules)) bytes += m.bytes;
    return { files: Object.keys(c.files).length, bytes, unmapped: c.unmapped };
  };
  return {
    packages,
    modules: modules.slice(0, MAX_MODULE_DIFFS),
    modulesOmitted: Math.max(0, modules.length - MAX_MODULE_DIFFS),
    coverage: { base: coverage(base), head: coverage(head) },
  };
}
