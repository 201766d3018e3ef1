// The nightly history file: a missing file starts a new series, a malformed one is refused naming
// the file and the field, runs are appended (bounded) and written back, and a level shift in a
// metric's nightly medians is found as a change point at the commit where it starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendRun,
  emptySeries,
  lastCommit,
  MAX_SERIES_RUNS,
  readSeries,
  SeriesFileError,
  type SeriesRun,
  seriesChangePoints,
  writeSeries,
} from '../../src/history/series.js';
import { createRng } from '../../src/stats/random.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const sha = (i: number) => i.toString(16).padStart(40, 'a');

function night(i: number, median: number): SeriesRun {
  return {
    commit: sha(i),
    ref: 'main',
    date: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
    verdict: 'pass',
    metrics: {
      'api/GET /a/mean': {
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
        median,
        change: 0,
        ci: [-0.02, 0.02],
      },
    },
  };
}

describe('the history file', () => {
  it('starts a new series when the file is missing, and reads back what was written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'perfgate-series-'));
    const path = join(dir, 'nested', 'history.json');
    const first = await readSeries(path);
    expect(first).toEqual({ series: emptySeries(), created: true });
    const series = appendRun(appendRun(first.series, night(1, 5)), night(2, 5.1));
    await writeSeries(path, series);
    const again = await readSeries(path);
    expect(again.created).toBe(false);
    expect(again.series).toEqual(series);
    expect(lastCommit(again.series)).toBe(sha(2));
  });

  it('keeps only the newest runs beyond the bound', () => {
    let series = emptySeries();
    for (let i = 0; i < MAX_SERIES_RUNS + 3; i++) series = appendRun(series, night(i, 5));
    expect(series.runs).toHaveLength(MAX_SERIES_RUNS);
    expect(series.runs[0]!.commit).toBe(sha(3));
  });

  it.each([
    ['not JSON', '{', /history file .*bad\.json: not JSON/],
    [
      'another format',
      JSON.stringify({ format: 'x', version: 1, runs: [] }),
      /: format: .*got "x"/,
    ],
    [
      'a bad date',
      JSON.stringify({
        format: 'perfgate-trend-history',
        version: 1,
        runs: [{ ...night(1, 5), date: 'yesterday' }],
      }),
      /: runs\[0\]\.date: .*got "yesterday"/,
    ],
    [
      'a metric without its median',
      JSON.stringify({
        format: 'perfgate-trend-history',
        version: 1,
        runs: [
          {
            ...night(1, 5),
            metrics: { m: { ...night(1, 5).metrics['api/GET /a/mean'], median: undefined } },
          },
        ],
      }),
      /: runs\[0\]\.metrics\.m\.median: .*missing/,
    ],
  ])('refuses %s, naming the file and the field (exit 2)', async (_name, text, message) => {
    dir = mkdtempSync(join(tmpdir(), 'perfgate-series-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, text);
    const error = await readSeries(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeriesFileError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(message);
  });
});

describe('change points over the history', () => {
  it('finds a 30% step at the night it starts, and none in flat noise (seeded)', () => {
    const rng = createRng(7);
    let stepped = emptySeries();
    let flat = emptySeries();
    for (let i = 0; i < 30; i++) {
      const noise = Math.exp(rng.normal() * 0.03);
      stepped = appendRun(stepped, night(i, (i >= 18 ? 6.5 : 5) * noise));
      flat = appendRun(flat, night(i, 5 * noise));
    }
    const points = seriesChangePoints(stepped, 1);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ metric: 'api/GET /a/mean', commit: sha(18) });
    expect(points[0]!.change).toBeGreaterThan(0.2);
    expect(points[0]!.change).toBeLessThan(0.4);
    expect(seriesChangePoints(flat, 1)).toEqual([]);
  });

  it('says nothing with fewer than ten nights', () => {
    let series = emptySeries();
    for (let i = 0; i < 9; i++) series = appendRun(series, night(i, i < 5 ? 5 : 10));
    expect(seriesChangePoints(series, 1)).toEqual([]);
  });
});
