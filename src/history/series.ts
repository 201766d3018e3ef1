// The nightly series: one record per trend run (its commit, date, and per metric head's median
// and the change's CI against that night's base), kept in one JSON file that `perfgate trend
// --history FILE` reads, appends to and writes back. The action keeps the same file as a rolling
// artifact (history/series-artifact.ts). Change points over it are information for the report,
// never a reason to fail.
//
// Reading is a trust boundary (the file may come from an artifact), so it is size-capped and
// parsed strictly; a malformed file is an error that names the file and the field.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../errors.js';
import type { Result, TrendChangePoint } from '../result.js';
import { detectChangePoints } from '../stats/change-points.js';

export const SERIES_FORMAT = 'perfgate-trend-history';
export const SERIES_VERSION = 1;
/** A year of nightly runs with a few hundred metrics each stays far below this. */
export const MAX_SERIES_BYTES = 32 * 1024 * 1024;
/** The oldest runs are dropped beyond this, so the file (and the artifact) stay bounded. */
export const MAX_SERIES_RUNS = 1000;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const seriesMetricSchema = z.strictObject({
  unit: z.string().max(32),
  better: z.enum(['lower', 'higher']),
  scale: z.enum(['ratio', 'difference', 'exact']),
  /** Head's median that night. */
  median: finite,
  /** The change against that night's base and its 95% CI (relative for ratio metrics). */
  change: finite,
  ci: z.tuple([finite, finite]),
});

export const seriesRunSchema = z.strictObject({
  commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full commit id'),
  ref: z.string().max(1000),
  /** When the run started (ISO 8601). */
  date: z.iso.datetime(),
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  /** Metric key (as in the result's comparisons) → its figures. */
  metrics: z.record(z.string().max(1000), seriesMetricSchema),
});

export const seriesSchema = z.strictObject({
  format: z.literal(SERIES_FORMAT),
  version: z.literal(SERIES_VERSION),
  runs: z.array(seriesRunSchema).max(MAX_SERIES_RUNS),
});

export type Series = z.infer<typeof seriesSchema>;
export type SeriesRun = z.infer<typeof seriesRunSchema>;

export class SeriesFileError extends BadInputError {
  override name = 'SeriesFileError';
  constructor(
    readonly path: string,
    readonly field: string,
    problem: string,
  ) {
    super(`history file ${path}: ${field ? `${field}: ` : ''}${problem}`);
  }
}

export function emptySeries(): Series {
  return { format: SERIES_FORMAT, version: SERIES_VERSION, runs: [] };
}

/** The series in `path`; a missing file is a new, empty series (`created` says so). */
export async function readSeries(path: string): Promise<{ series: Series; created: boolean }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { series: emptySeries(), created: true };
    }
    throw error;
  }
  if (size > MAX_SERIES_BYTES) {
    throw new SeriesFileError(path, '', `${size} bytes, more than the ${MAX_SERIES_BYTES} allowed`);
  }
  return { series: parseSeries(await readFile(path, 'utf8'), path), created: false };
}

export function parseSeries(text: string, path: string): Series {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SeriesFileError(path, '', `not JSON (${(error as Error).message})`);
  }
  const parsed = seriesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
    const where = field.join('').replace(/^\./, '') || '(top level)';
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? 'missing' : `got ${JSON.stringify(value)?.slice(0, 80)}`;
    throw new SeriesFileError(path, where, `${issue.message} (${shown})`);
  }
  return parsed.data;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let at = raw;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** This run as a record of the series. */
export function runRecord(result: Result): SeriesRun {
  const metrics: SeriesRun['metrics'] = {};
  for (const c of result.comparisons) {
    metrics[c.key] = {
      unit: c.unit,
      better: c.better,
      scale: c.scale,
      median: c.head.median,
      change: c.change,
      ci: c.ci,
    };
  }
  return {
    commit: result.head.sha,
    ref: result.head.ref,
    date: result.startedAt,
    verdict: result.verdict,
    metrics,
  };
}

/** The series with `run` appended, the oldest dropped beyond MAX_SERIES_RUNS. */
export function appendRun(series: Series, run: SeriesRun): Series {
  return { ...series, runs: [...series.runs, run].slice(-MAX_SERIES_RUNS) };
}

export async function writeSeries(path: string, series: Series): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(series, null, 2)}\n`);
}

/** The commit of the newest run: where tonight's comparison starts by default. */
export function lastCommit(series: Series): string | undefined {
  return series.runs.at(-1)?.commit;
}

/**
 * Level shifts of each metric's nightly medians (stats/change-points.ts), at the change-point
 * test's own 1% level. Ratio metrics are split on the log scale; exact sizes and differences as
 * they are. A metric missing on some nights is split over the nights that have it.
 */
export function seriesChangePoints(series: Series, seed: number): TrendChangePoint[] {
  const keys = new Set(series.runs.flatMap((run) => Object.keys(run.metrics)));
  const points: TrendChangePoint[] = [];
  for (const key of [...keys].sort()) {
    const runs = series.runs.filter((run) => Object.hasOwn(run.metrics, key));
    const values = runs.map((run) => run.metrics[key]!.median);
    const ratio = runs[0]!.metrics[key]!.scale === 'ratio' && values.every((v) => v > 0);
    // Fewer than two segments of five points: detectChangePoints would find nothing anyway.
    if (values.length < 10) continue;
    for (const point of detectChangePoints(values, {
      seed,
      scale: ratio ? 'ratio' : 'difference',
      permutations: 999,
    })) {
      const at = runs[point.index]!;
      points.push({
        metric: key,
        commit: at.commit,
        date: at.date,
        before: point.before,
        after: point.after,
        change: point.change,
        pValue: point.pValue,
      });
    }
  }
  return points;
}
