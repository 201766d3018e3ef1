// Stored bundle baselines: `record` keeps, per bundle benchmark, the measured tree's snapshot and
// the sizer's saved sizes in `perfgate-baseline.json` beside the result JSON of the baseline
// artifact. A later `compare` whose merge-base is that exact commit can use it instead of building
// and measuring the base again: sizes are deterministic, so a stored measurement is as good as a
// fresh one (timings are not, and are always re-measured).
//
// Reading is a trust boundary (an artifact is a file anyone with a workflow could have uploaded),
// so the file is size-capped, parsed strictly with zod, and checked against the run: the commit
// must be the merge-base and each benchmark's measured settings (build command, globs,
// compressions) must be the config's. Every refusal is a sentence for the report's notes.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CompressedSizes } from '../kinds/bundle/compress.js';
import type { BundleSnapshot } from '../kinds/bundle/measure.js';
import type { BundleOutcome } from '../kinds/bundle/probe.js';
import type { BundleBenchmarkConfig, Config } from '../model.js';

/** The file inside the baseline artifact, beside the result JSON. */
export const BASELINE_FILE_NAME = 'perfgate-baseline.json';
export const BASELINE_FORMAT_VERSION = 1;
/** Larger baseline files are neither written nor read. Snapshots hold one row per output file
 *  and module; 64 MiB is far beyond a large app's (10,000 files ≈ 2 MB). */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** What a stored snapshot was measured with; a different value makes its sizes incomparable. */
export interface BundleSettings {
  build: string | null;
  files: string[];
  compression: Array<'gzip' | 'brotli'>;
}

export interface StoredBundle {
  settings: BundleSettings;
  snapshot: BundleSnapshot;
  /** BundleSizer.saved() of the recording run: content hash → compressed sizes. */
  saved: Array<[string, CompressedSizes]>;
}

export interface BaselineFile {
  format: 'perfgate-baseline';
  version: typeof BASELINE_FORMAT_VERSION;
  tool: { name: 'perfgate'; version: string };
  sha: string;
  createdAt: string;
  bundles: Record<string, StoredBundle>;
}

/** A baseline ready for the pipeline: the merge-base's snapshots, instead of measuring it. */
export interface StoredBase {
  /** The commit the snapshots were measured on; must be the run's merge-base. */
  sha: string;
  /** Where it came from, for the notes (`artifact perfgate-baseline-… (id 12)`, a path). */
  source: string;
  /** Benchmark name → the snapshot measured on `sha`. */
  bundles: Record<string, BundleSnapshot>;
  /** Sizes the recording run computed, so contents unchanged since are not compressed again. */
  known: Array<[string, CompressedSizes]>;
}

/** A baseline that cannot be used; the message says why, for the notes. */
export class BaselineError extends Error {
  override name = 'BaselineError';
  constructor(
    message: string,
    readonly reason: 'malformed' | 'oversized' | 'mismatched',
  ) {
    super(message);
  }
}

const count = z.number().int().nonnegative();
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const sha = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'must be a full commit id');
const path = z.string().min(1).max(4096);
const text = z.string().max(2000);
const MAX_FILES = 200_000;

const textStatsSchema = z.strictObject({
  lines: count,
  longestLine: count,
  whitespace: count,
  comments: count,
});

const bundleFileSchema = z.strictObject({
  path,
  raw: count,
  gzip: count.optional(),
  brotli: count.optional(),
  text: textStatsSchema.optional(),
});

const compositionSchema = z.strictObject({
  files: z.record(path, z.enum(['sourcemap', 'metafile'])),
  modules: z.record(
    path,
    z.strictObject({
      bytes: count,
      package: path.optional(),
      files: z.array(path).max(MAX_FILES),
    }),
  ),
  packages: z.record(
    path,
    z.strictObject({
      bytes: count,
      instances: z
        .array(z.strictObject({ root: path, version: text.optional(), bytes: count }))
        .max(10_000),
    }),
  ),
  unmapped: count,
});

const snapshotSchema = z.strictObject({
  benchmark: z.string().min(1).max(100),
  side: z.enum(['base', 'head']),
  sha,
  files: z.array(bundleFileSchema).max(MAX_FILES),
  composition: compositionSchema.optional(),
  notes: z.array(text).max(1000),
  compressed: count,
  reused: count,
  elapsedMs: finite.nonnegative(),
});

// BundleSizer keys: `<compressions sorted, joined by +>:<sha256 hex>`.
const sizerKey = z.string().regex(/^(?:brotli\+gzip|brotli|gzip|):[0-9a-f]{64}$/);
const savedSchema = z
  .array(z.tuple([sizerKey, z.strictObject({ gzip: count.optional(), brotli: count.optional() })]))
  .max(MAX_FILES * 4);

const baselineSchema = z.strictObject({
  format: z.literal('perfgate-baseline'),
  version: z.literal(BASELINE_FORMAT_VERSION),
  tool: z.strictObject({ name: z.literal('perfgate'), version: z.string().max(50) }),
  sha,
  createdAt: z.iso.datetime(),
  bundles: z.record(
    z.string().min(1).max(100),
    z.strictObject({
      settings: z.strictObject({
        build: z.string().max(10_000).nullable(),
        files: z.array(z.string().max(1000)).max(1000),
        compression: z.array(z.enum(['gzip', 'brotli'])).max(2),
      }),
      snapshot: snapshotSchema,
      saved: savedSchema,
    }),
  ),
});

export function bundleSettings(config: Config, bench: BundleBenchmarkConfig): BundleSettings {
  return { build: config.build ?? null, files: bench.files, compression: bench.compression };
}

/** The baseline file of a measured commit; undefined when the config has no bundle benchmark. */
export function createBaselineFile(
  config: Config,
  sha: string,
  outcomes: ReadonlyMap<string, Pick<BundleOutcome, 'head' | 'saved'>>,
  tool: { version: string; now?: Date },
): BaselineFile | undefined {
  const bundles: Record<string, StoredBundle> = {};
  for (const bench of config.benchmarks) {
    if (bench.type !== 'bundle') continue;
    const outcome = outcomes.get(bench.name);
    if (!outcome) continue;
    bundles[bench.name] = {
      settings: bundleSettings(config, bench),
      snapshot: outcome.head,
      saved: outcome.saved,
    };
  }
  if (Object.keys(bundles).length === 0) return undefined;
  return {
    format: 'perfgate-baseline',
    version: BASELINE_FORMAT_VERSION,
    tool: { name: 'perfgate', version: tool.version },
    sha,
    createdAt: (tool.now ?? new Date()).toISOString(),
    bundles,
  };
}

/** The file's text; throws BaselineError('oversized') past MAX_BASELINE_BYTES. */
export function serializeBaseline(file: BaselineFile, maxBytes = MAX_BASELINE_BYTES): string {
  const json = `${JSON.stringify(file)}\n`;
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) {
    throw new BaselineError(
      `the bundle snapshots take ${bytes} bytes, over the limit of ${maxBytes}`,
      'oversized',
    );
  }
  return json;
}

/** Parses and validates the bytes of a baseline file; throws BaselineError naming the field. */
export function parseBaseline(
  bytes: Uint8Array | string,
  maxBytes = MAX_BASELINE_BYTES,
): BaselineFile {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
  if (size > maxBytes) {
    throw new BaselineError(`it is ${size} bytes, over the limit of ${maxBytes}`, 'oversized');
  }
  let data: unknown;
  try {
    data = JSON.parse(
      typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes),
    );
  } catch (error) {
    throw new BaselineError(`it is not JSON (${(error as Error).message})`, 'malformed');
  }
  const parsed = baselineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.map(String).join('.') : '(the top level)';
    throw new BaselineError(`${at}: ${issue.message}`, 'malformed');
  }
  return parsed.data as BaselineFile;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The stored base for a run of `config` whose merge-base is `sha`, or a BaselineError('mismatched')
 * saying what differs: another commit, a bundle benchmark the file lacks, or settings that change
 * what is measured (the build command, the globs, the compressions). Groups, budgets and limits
 * are applied at comparison time, so they may differ.
 */
export function storedBaseFor(
  file: BaselineFile,
  config: Config,
  sha: string,
  source: string,
): StoredBase {
  if (file.sha !== sha) {
    throw new BaselineError(
      `it was recorded for ${file.sha.slice(0, 12)}, not the merge-base ${sha.slice(0, 12)}`,
      'mismatched',
    );
  }
  const bundles: Record<string, BundleSnapshot> = {};
  const known: Array<[string, CompressedSizes]> = [];
  for (const bench of config.benchmarks) {
    if (bench.type !== 'bundle') continue;
    const stored = file.bundles[bench.name];
    if (!stored) {
      throw new BaselineError(
        `it has no snapshot of bundle benchmark ${JSON.stringify(bench.name)} (it has ${
          Object.keys(file.bundles)
            .map((n) => JSON.stringify(n))
            .join(', ') || 'none'
        })`,
        'mismatched',
      );
    }
    const want = bundleSettings(config, bench);
    const differs = (field: string, was: unknown, now: unknown) =>
      new BaselineError(
        `benchmark ${JSON.stringify(bench.name)} was recorded with ${field} ${JSON.stringify(was)}, but the config now says ${JSON.stringify(now)}`,
        'mismatched',
      );
    if (stored.settings.build !== want.build)
      throw differs('build', stored.settings.build, want.build);
    if (!sameList(stored.settings.files, want.files))
      throw differs('files', stored.settings.files, want.files);
    if (!sameList(stored.settings.compression, want.compression)) {
      throw differs('compression', stored.settings.compression, want.compression);
    }
    const snapshot = stored.snapshot;
    if (snapshot.benchmark !== bench.name || snapshot.sha !== sha) {
      throw new BaselineError(
        `the snapshot under ${JSON.stringify(bench.name)} is of benchmark ${JSON.stringify(snapshot.benchmark)} at ${snapshot.sha.slice(0, 12)}`,
        'mismatched',
      );
    }
    // A size the config asks for must be there for every file, or the comparison would read 0.
    for (const kind of want.compression) {
      const without = snapshot.files.find((f) => f[kind] === undefined);
      if (without) {
        throw new BaselineError(
          `benchmark ${JSON.stringify(bench.name)}: ${without.path} has no ${kind} size`,
          'malformed',
        );
      }
    }
    bundles[bench.name] = { ...snapshot, side: 'base' };
    known.push(...stored.saved);
  }
  return { sha, source, bundles, known };
}

/**
 * A baseline file on disk (`perfgate-baseline.json`, or a directory holding it, e.g. a downloaded
 * artifact) for a run whose merge-base is `sha`: the stored base, or a note saying why not.
 * Throws BaselineFileNotFoundError when nothing is there (a mistyped path is the caller's error).
 */
export async function readStoredBase(
  path: string,
  config: Config,
  sha: string,
): Promise<{ storedBase?: StoredBase; notes: string[] }> {
  let file = path;
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) file = join(path, BASELINE_FILE_NAME);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new BaselineFileNotFoundError(path);
  try {
    if (size > MAX_BASELINE_BYTES) {
      throw new BaselineError(
        `it is ${size} bytes, over the limit of ${MAX_BASELINE_BYTES}`,
        'oversized',
      );
    }
    const storedBase = storedBaseFor(parseBaseline(await readFile(file)), config, sha, file);
    return { storedBase, notes: [] };
  } catch (error) {
    if (!(error instanceof BaselineError)) throw error;
    return {
      notes: [
        `Stored baseline ${file} not used: it is ${error.reason}: ${error.message}; the base was built and measured in this run.`,
      ],
    };
  }
}

/** `--baseline` names nothing. */
export class BaselineFileNotFoundError extends Error {
  override name = 'BaselineFileNotFoundError';
  constructor(readonly path: string) {
    super(`no baseline file at ${path} (expected ${BASELINE_FILE_NAME} or a directory holding it)`);
  }
}
