// Measuring one tree: the exact raw, gzip and brotli sizes of every file a bundle benchmark's
// globs match, the shape of its text (for the not-minified heuristic) and what the bytes are
// made of, from source maps or an esbuild metafile.
import { access, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleBenchmarkConfig, Side, Tree } from '../../model.js';
import { ProbeError } from '../types.js';
import {
  aggregateComposition,
  type Composition,
  compositionFromSourceMap,
  compositionsFromMetafile,
  type FileComposition,
  packageVersionReader,
} from './composition.js';
import { BundleSizer } from './compress.js';
import { findFiles, staticPrefix } from './glob.js';
import { validateBundle } from './settings.js';

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

const TEXT_FILE = /\.(?:m?js|cjs|css)$/i;

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
  validateBundle(bench);
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
