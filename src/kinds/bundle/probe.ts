// The bundle probe: exact raw, gzip and brotli sizes of a tree's build output, what the bytes are
// made of, and the comparison of two trees. Sizes are deterministic, so there are no rounds and no
// Probe: runBundleBenchmark measures both sides once (measureBundle, sharing one BundleSizer so
// contents unchanged between the sides are compressed once), compares them (compareBundles) and
// makes result-JSON rows (bundleToComparisons). Everything after measuring is pure.
import { access, open } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../../errors.js';
import type { BudgetCheck, BundleBenchmarkConfig, MetricSpec, Side, Tree } from '../../model.js';
import type { Comparison } from '../../result.js';
import { ProbeError } from '../types.js';
import {
  aggregateComposition,
  type Composition,
  compositionFromSourceMap,
  compositionsFromMetafile,
  type FileComposition,
  type PackageInstance,
  packageVersionReader,
} from './composition.js';
import { BundleSizer, type CompressedSizes, type Compression } from './compress.js';
import { compileGlobs, findFiles, staticPrefix } from './glob.js';
import { hashlessName, type MatchKind, matchFiles } from './hash.js';
import { bundleToComparisons, fitTarget, omittedFilesNote, packagesNote } from './rows.js';

export {
  bundleNotes,
  bundleSpecs,
  bundleToComparisons,
  formatBytes,
  MAX_FILE_ROWS,
  omittedFilesNote,
} from './rows.js';

export type SizeMetric = 'raw' | Compression;

/** Shape of a JS or CSS file's text, for the not-minified heuristic. */
export interface TextStats {
  lines: number;
  longestLine: number;
  /** Bytes that are spaces, tabs, carriage returns or newlines. */
  whitespace: number;
  /** Bytes of lines that start with `//`, `/*` or `*` (after indentation). */
  comments: number;
}

export interface BundleFile {
  /** Relative to the tree root, `/`-separated. */
  path: string;
  raw: number;
  gzip?: number;
  brotli?: number;
  /** For .js/.mjs/.cjs/.css files. */
  text?: TextStats;
}

export interface BundleSnapshot {
  benchmark: string;
  side: Side;
  sha: string;
  /** Sorted by path. */
  files: BundleFile[];
  /** Present when at least one file has a source map or a metafile entry. */
  composition?: Composition;
  /** Things worth saying: unreadable source maps, files without composition. */
  notes: string[];
  /** Contents compressed for this side, and contents whose sizes came from the sizer's cache. */
  compressed: number;
  reused: number;
  elapsedMs: number;
}

export interface MeasureBundleOptions {
  /** Shared by both sides of a run; its owner closes it. Default: a sizer of this call's own. */
  sizer?: BundleSizer;
  /** Worker threads of this call's own sizer; default the number of cores. */
  threads?: number;
  /** esbuild metafiles relative to the tree root. Default: `metafile.json` or `meta.json` in the
   *  tree root or in a folder on the way to the `files` globs (`dist/`, `dist/assets/`). */
  metafiles?: string[];
  /** Files read at once. */
  readConcurrency?: number;
}

/** A bundle setting that cannot work: names the field, the value and what was expected. */
export class BundleConfigError extends BadInputError {
  override name = 'BundleConfigError';
  constructor(
    readonly benchmark: string,
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(
      `benchmark ${JSON.stringify(benchmark)}: ${field} is ${JSON.stringify(value)}; expected ${expected}`,
    );
  }
}

const SIZE_METRICS: readonly SizeMetric[] = ['raw', 'gzip', 'brotli'];
const TEXT_FILE = /\.(?:m?js|cjs|css)$/i;

/** The size metrics a benchmark reports, `raw` first. */
export function bundleMetrics(bench: BundleBenchmarkConfig): SizeMetric[] {
  return SIZE_METRICS.filter((m) => m === 'raw' || bench.compression.includes(m));
}

function validate(bench: BundleBenchmarkConfig): void {
  if (bench.files.length === 0) {
    throw new BundleConfigError(bench.name, 'files', bench.files, 'at least one glob');
  }
  for (const c of bench.compression) {
    if (c !== 'gzip' && c !== 'brotli') {
      throw new BundleConfigError(bench.name, 'compression', c, '"gzip" or "brotli"');
    }
  }
  if ('total' in bench.groups) {
    throw new BundleConfigError(
      bench.name,
      'groups.total',
      bench.groups.total,
      'another name ("total" is the sum of all files)',
    );
  }
  const metrics = bundleMetrics(bench);
  for (const [key, limit] of Object.entries(bench.budgets)) {
    const dot = key.lastIndexOf('.');
    const metric = key.slice(dot + 1) as SizeMetric;
    if (dot <= 0 || !metrics.includes(metric)) {
      throw new BundleConfigError(
        bench.name,
        `budgets.${key}`,
        limit,
        `a key "<total|group|file>.<${metrics.join('|')}>" (the compressions listed in compression)`,
      );
    }
    if (!Number.isFinite(limit) || limit < 0) {
      throw new BundleConfigError(bench.name, `budgets.${key}`, limit, 'a size in bytes ≥ 0');
    }
  }
  if (
    bench.maxChange !== undefined &&
    !(Number.isFinite(bench.maxChange) && bench.maxChange >= 0)
  ) {
    throw new BundleConfigError(
      bench.name,
      'maxChange',
      bench.maxChange,
      'a fraction ≥ 0 (0.05 is 5%)',
    );
  }
}

// ---------------------------------------------------------------------------
// Measuring one tree.

/**
 * Sizes of every file the benchmark's globs match in the tree, and their composition where source
 * maps or an esbuild metafile tell it. Each file is read once; compression runs on worker threads
 * while the main thread attributes bytes to sources.
 */
export async function measureBundle(
  bench: BundleBenchmarkConfig,
  tree: Tree,
  options: MeasureBundleOptions = {},
): Promise<BundleSnapshot> {
  validate(bench);
  const started = performance.now();
  const paths = await findFiles(tree.dir, bench.files);
  if (paths.length === 0) {
    throw new ProbeError(
      `no file in ${tree.dir} matches files ${JSON.stringify(bench.files)}: did the build run and write its output there?`,
      bench.name,
      tree.side,
    );
  }
  const own = options.sizer === undefined;
  const sizer = options.sizer ?? new BundleSizer({ threads: options.threads });
  const counts = { compressed: 0, reused: 0 };
  const notes: string[] = [];
  const kinds = bench.compression;
  const perFile = new Map<string, FileComposition>();
  try {
    // Read everything first and hand each file to the pool as soon as it is read, so the pool
    // sees the whole queue and can start the largest files first; only then wait for sizes.
    const files = await mapLimit(paths, options.readConcurrency ?? 64, async (path) => {
      const data = await readShared(join(tree.dir, path)).catch((error: unknown) => {
        throw new ProbeError(
          `cannot read ${path}: ${(error as Error).message}`,
          bench.name,
          tree.side,
          { cause: error },
        );
      });
      const { sizes, reused } = sizer.sizes(data, kinds);
      sizes.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      counts[reused ? 'reused' : 'compressed']++;
      const file: BundleFile = { path, raw: data.byteLength };
      if (TEXT_FILE.test(path)) {
        file.text = textStats(data);
        try {
          const composition = await compositionFromSourceMap(tree.dir, path, data, true);
          if (composition) perFile.set(path, composition);
        } catch (error) {
          notes.push(`${path}: ${(error as Error).message}; its bytes are not attributed`);
        }
      }
      return { file, sizes };
    }).then((read) =>
      Promise.all(
        read.map(async ({ file, sizes }) => {
          const compressed = await sizes.catch((error: unknown) => {
            throw new ProbeError(
              `cannot compress ${file.path}: ${(error as Error).message}`,
              bench.name,
              tree.side,
              { cause: error },
            );
          });
          if (compressed.gzip !== undefined) file.gzip = compressed.gzip;
          if (compressed.brotli !== undefined) file.brotli = compressed.brotli;
          return file;
        }),
      ),
    );

    const rawSizes = new Map(files.map((f) => [f.path, f.raw]));
    const metafiles = options.metafiles ?? (await findMetafiles(tree.dir, bench.files));
    for (const metafile of metafiles) {
      try {
        const found = await compositionsFromMetafile(tree.dir, metafile, rawSizes);
        for (const [path, composition] of found)
          if (!perFile.has(path)) perFile.set(path, composition);
      } catch (error) {
        notes.push(`${metafile}: ${(error as Error).message}`);
      }
    }
    const snapshot: BundleSnapshot = {
      benchmark: bench.name,
      side: tree.side,
      sha: tree.sha,
      files,
      notes,
      compressed: counts.compressed,
      reused: counts.reused,
      elapsedMs: 0,
    };
    if (perFile.size > 0) {
      snapshot.composition = await aggregateComposition(perFile, packageVersionReader(tree.dir));
    }
    snapshot.elapsedMs = performance.now() - started;
    return snapshot;
  } finally {
    if (own) await sizer.close();
  }
}

/** Reads a whole file into shared memory, so workers see the same bytes without a copy. */
async function readShared(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const data = new Uint8Array(new SharedArrayBuffer(size));
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(data, offset, size - offset, offset);
      if (bytesRead === 0) break; // the file shrank while being read
      offset += bytesRead;
    }
    return offset === size ? data : data.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

async function findMetafiles(root: string, globs: string[]): Promise<string[]> {
  const dirs = new Set<string>(['']);
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    const parts = staticPrefix(glob).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const candidates = [...dirs].flatMap((d) =>
    ['metafile.json', 'meta.json'].map((n) => (d ? `${d}/${n}` : n)),
  );
  const found = await Promise.all(
    candidates.map((c) =>
      access(join(root, c)).then(
        () => c,
        () => undefined,
      ),
    ),
  );
  return found.filter((c): c is string => c !== undefined);
}

/** One pass over the bytes: lines, the longest line, whitespace and comment-line bytes. */
export function textStats(code: Uint8Array): TextStats {
  let lines = 0;
  let longestLine = 0;
  let whitespace = 0;
  let comments = 0;
  let lineStart = 0;
  let seenText = false;
  let commentLine = false;
  const endLine = (end: number) => {
    lines++;
    longestLine = Math.max(longestLine, end - lineStart);
    if (commentLine) comments += end - lineStart;
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === 10) {
      whitespace++;
      endLine(i);
      lineStart = i + 1;
      seenText = false;
      commentLine = false;
    } else if (c === 32 || c === 9 || c === 13) {
      whitespace++;
    } else if (!seenText) {
      seenText = true;
      const d = code[i + 1];
      commentLine = (c === 47 && (d === 47 || d === 42)) || c === 42; // `//`, `/*`, `*`
    }
  }
  if (lineStart < code.length) endLine(code.length);
  return { lines, longestLine, whitespace, comments };
}

/**
 * Minified code has almost no whitespace and long lines; hand-written code has ~20% whitespace
 * and lines of a few dozen characters. A file under 1 kB is too small to tell, or to matter.
 */
export function looksUnminified(raw: number, text: TextStats): boolean {
  if (raw < 1024 || text.lines === 0) return false;
  const meanLine = raw / text.lines;
  return meanLine < 200 && (text.whitespace / raw > 0.12 || text.comments / raw > 0.05);
}

export interface BundleOutcome {
  base: BundleSnapshot;
  head: BundleSnapshot;
  comparison: BundleComparison;
  /** Result-JSON comparisons (bundleToComparisons). */
  comparisons: Comparison[];
  /** Budgets and change limits together, as the result JSON's `budgets` holds them. */
  budgets: BudgetCheck[];
  /** A budget or change limit is exceeded: exit 1. */
  failed: boolean;
  /** Every size computed or reused, for a later run's `known` (with a baseline, say). */
  saved: Array<[string, CompressedSizes]>;
}

/**
 * Both sides measured with one sizer (contents the sides share are compressed once), compared,
 * and turned into result-JSON rows. Advice: adviseBundle(outcome.comparison) in advice/bundle.ts.
 */
export async function runBundleBenchmark(
  bench: BundleBenchmarkConfig,
  trees: { base: Tree; head: Tree },
  threshold: number | ((spec: MetricSpec) => number),
  options: { threads?: number; known?: Iterable<[string, CompressedSizes]> } = {},
): Promise<BundleOutcome> {
  const sizer = new BundleSizer(options);
  try {
    const [base, head] = await Promise.all([
      measureBundle(bench, trees.base, { sizer }),
      measureBundle(bench, trees.head, { sizer }),
    ]);
    return outcomeOf(bench, base, head, threshold, await sizer.saved());
  } finally {
    await sizer.close();
  }
}

/**
 * Head measured and compared with a base snapshot measured earlier (a stored baseline of the same
 * commit, schema-checked by history/bundle-baseline.ts). `known`: the sizes saved with that snapshot, so
 * contents unchanged since are not compressed again.
 */
export async function runBundleBenchmarkAgainst(
  bench: BundleBenchmarkConfig,
  base: BundleSnapshot,
  head: Tree,
  threshold: number | ((spec: MetricSpec) => number),
  options: { threads?: number; known?: Iterable<[string, CompressedSizes]> } = {},
): Promise<BundleOutcome> {
  const sizer = new BundleSizer(options);
  try {
    const measured = await measureBundle(bench, head, { sizer });
    return outcomeOf(bench, base, measured, threshold, await sizer.saved());
  } finally {
    await sizer.close();
  }
}

function outcomeOf(
  bench: BundleBenchmarkConfig,
  base: BundleSnapshot,
  head: BundleSnapshot,
  threshold: number | ((spec: MetricSpec) => number),
  saved: Array<[string, CompressedSizes]>,
): BundleOutcome {
  const comparison = compareBundles(bench, base, head);
  const omitted = omittedFilesNote(comparison);
  if (omitted) comparison.notes.push(omitted);
  const packages = packagesNote(comparison);
  if (packages) comparison.notes.push(packages);
  return {
    base,
    head,
    comparison,
    comparisons: bundleToComparisons(comparison, threshold),
    budgets: [...comparison.budgets, ...comparison.changeLimits],
    failed: comparison.failed,
    saved,
  };
}

// ---------------------------------------------------------------------------
// Comparing two trees (pure).

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
  /** Absolute budgets, checked on head. */
  budgets: BudgetCheck[];
  /** maxChange: total and groups always, files only where exceeded; unit `ratio`. */
  changeLimits: BudgetCheck[];
  /** Present when both sides have a composition. */
  composition?: CompositionDiff;
  /** Head's composition, for advice on what is there now. */
  headComposition?: Composition;
  unminified: UnminifiedFile[];
  /** A budget or the change limit is exceeded: the gate fails. */
  failed: boolean;
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
  validate(bench);
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

  const budgets = checkBudgets(bench, head, base, total, groups, targetOf, notes);
  const changeLimits: BudgetCheck[] = [];
  if (bench.maxChange !== undefined) {
    const limit = bench.maxChange;
    const check = (target: string, c: SizeChange): BudgetCheck => ({
      benchmark: bench.name,
      target,
      metric: `${c.metric}-change`,
      unit: 'ratio',
      limit,
      value: c.change,
      exceeded: c.change > limit,
    });
    for (const g of [total, ...groups])
      for (const c of g.changes) changeLimits.push(check(g.name, c));
    for (const f of files) {
      for (const c of f.changes) if (c.change > limit) changeLimits.push(check(f.target, c));
    }
  }

  const comparison: BundleComparison = {
    benchmark: bench.name,
    metrics,
    base: { sha: base.sha },
    head: { sha: head.sha },
    files,
    ...oneSided(matching, baseFiles, headFiles, files, targetOf, metrics),
    groups,
    total,
    budgets,
    changeLimits,
    unminified: unminifiedFiles(head, baseFiles, matching.pairs),
    failed: budgets.some((b) => b.exceeded) || changeLimits.some((c) => c.exceeded),
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

function checkBudgets(
  bench: BundleBenchmarkConfig,
  head: BundleSnapshot,
  base: BundleSnapshot,
  total: GroupComparison,
  groups: GroupComparison[],
  targetOf: (headPath: string) => string,
  notes: string[],
): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const [key, limit] of Object.entries(bench.budgets)) {
    const dot = key.lastIndexOf('.');
    const target = key.slice(0, dot);
    const metric = key.slice(dot + 1) as SizeMetric;
    const push = (t: string, value: number) =>
      checks.push({
        benchmark: bench.name,
        target: t,
        metric,
        unit: 'B',
        limit,
        value,
        exceeded: value > limit,
      });
    const g = target === 'total' ? total : groups.find((x) => x.name === target);
    if (g) {
      push(target, g.head[metric] ?? 0);
      continue;
    }
    const matches = (f: BundleFile) => f.path === target || hashlessName(f.path) === target;
    const inHead = head.files.filter(matches);
    if (inHead.length > 0) {
      for (const f of inHead) push(targetOf(f.path), f[metric] ?? 0);
    } else if (base.files.some(matches)) {
      notes.push(`budget ${key}: ${target} is gone on head; nothing to check`);
    } else {
      throw new BundleConfigError(
        bench.name,
        `budgets.${key}`,
        limit,
        `"total", a group (${Object.keys(bench.groups).join(', ') || 'none defined'}) or a measured file's path, with or without its hash as [hash]`,
      );
    }
  }
  return checks;
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
