// Stored bundle baselines through the real pipeline: a real git repository whose build command
// (a small node script) writes the bundle and appends the tree it ran in to a marker file, so a
// test can see which trees were built. `record` on the merge-base keeps its snapshots; a compare
// given them builds and measures only head, with exactly the sizes of a fresh measurement; a
// baseline of another commit, of other settings, or a malformed one is said in the notes and the
// base is measured as usual.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/command-line/run.js';
import { parseConfig } from '../../src/config/index.js';
import {
  BASELINE_FILE_NAME,
  BaselineError,
  BaselineFileNotFoundError,
  createBaselineFile,
  parseBaseline,
  readStoredBase,
  serializeBaseline,
  storedBaseFor,
} from '../../src/history/bundle-baseline.js';
import type { BundleOutcome } from '../../src/kinds/bundle/probe.js';
import type { Config } from '../../src/model.js';
import { type PipelineOptions, runPipeline } from '../../src/pipeline.js';
import type { Result } from '../../src/result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

let repo: TestRepo;
let work: string;
let marker: string;
let baseSha: string;
let headSha: string;
let config: Config;
/** perfgate-baseline.json of the merge-base, as record writes it. */
let baselineText: string;
let fresh: Result;

const CONFIG = `build: node build.mjs
benchmarks:
  - name: web
    type: bundle
    files: ['dist/*.js']
    compression: [gzip, brotli]
gate:
  threshold: 5%
`;

// Pseudo-random text (a fixed LCG), so that gzip and brotli sizes follow the raw size.
function noise(seed: number, length: number): string {
  let x = seed;
  let out = '';
  while (out.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += x.toString(36);
  }
  return out.slice(0, length);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'perfgate-baseline-'));
  marker = join(work, 'built.txt');
  repo = createRepo('perfgate-baseline-repo-');
  const build = `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(marker)}, process.cwd() + '\\n');
mkdirSync('dist', { recursive: true });
writeFileSync('dist/app.js', readFileSync('src/app.js'));
writeFileSync('dist/vendor.js', readFileSync('src/vendor.js'));
`;
  baseSha = repo.commit('base', {
    'perfgate.yml': CONFIG,
    'build.mjs': build,
    'src/app.js': `export const a = ${JSON.stringify(noise(1, 3000))};\n`,
    'src/vendor.js': `export const v = ${JSON.stringify(noise(2, 5000))};\n`,
  });
  repo.git('checkout', '-q', '-b', 'feature');
  // app.js grows by a third; vendor.js is unchanged (its sizes are reused from the baseline).
  headSha = repo.commit('head: a bigger app', {
    'src/app.js': `export const a = ${JSON.stringify(noise(1, 4000))};\n`,
  });
  config = parseConfig(CONFIG);

  const outcomes = new Map<string, BundleOutcome>();
  const recorded = await run({
    mode: 'record',
    head: 'main',
    onBundle: (bench, outcome) => outcomes.set(bench.name, outcome),
  });
  expect(recorded.head.sha).toBe(baseSha);
  const file = createBaselineFile(config, baseSha, outcomes, { version: 'test' });
  baselineText = serializeBaseline(file!);
  fresh = await run({ mode: 'compare', base: 'main' });
}, 120_000);

afterAll(() => {
  repo?.dispose();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => writeFileSync(marker, ''));

function run(options: Partial<PipelineOptions>): Promise<Result> {
  return runPipeline({ cwd: repo.dir, config, mode: 'compare', ...options });
}

/** Which trees the build ran in, since the last reset. */
function built(): string[] {
  return readFileSync(marker, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((dir) => dir.split('/').pop()!)
    .sort();
}

/** What a comparison decides, without timings. */
function sizes(result: Result) {
  return result.comparisons.map((c) => ({
    key: c.key,
    base: c.base.median,
    head: c.head.median,
    change: c.change,
    status: c.status,
  }));
}

describe('a compare with a stored baseline of the merge-base', { timeout: 60_000 }, () => {
  it('builds and measures only head, with the sizes of a fresh measurement', async () => {
    const storedBase = storedBaseFor(parseBaseline(baselineText), config, baseSha, 'the test');
    let reused = -1;
    const result = await run({
      base: 'main',
      storedBase,
      onBundle: (_, outcome) => {
        reused = outcome.head.reused;
      },
    });
    expect(built()).toEqual(['head']);
    // vendor.js is unchanged: its compressed sizes came with the baseline.
    expect(reused).toBe(1);
    expect(sizes(result)).toEqual(sizes(fresh));
    expect(result.verdict).toBe('fail');
    expect(sizes(result).find((c) => c.key.endsWith('app.js/raw'))?.status).toBe('regressed');
    expect(result.base).toEqual({ ref: 'main', sha: baseSha });
    expect(result.notes).toContainEqual(
      `Bundle sizes of the merge-base ${baseSha.slice(0, 12)} come from the stored baseline the test; the base was not built or measured again (sizes are deterministic).`,
    );
    // The fresh run built both trees and said nothing about baselines.
    expect(fresh.notes.join('\n')).not.toMatch(/baseline/i);
  });

  it('a baseline of another commit is said out loud, and the base is measured', async () => {
    const storedBase = storedBaseFor(parseBaseline(baselineText), config, baseSha, 'the test');
    const result = await run({ base: 'main', storedBase: { ...storedBase, sha: headSha } });
    expect(built()).toEqual(['base', 'head']);
    expect(sizes(result)).toEqual(sizes(fresh));
    expect(result.notes).toContainEqual(
      `Stored baseline the test not used: it is of ${headSha.slice(0, 12)}, but the merge-base is ${baseSha.slice(0, 12)}; the base was built and measured in this job.`,
    );
  });

  it('a config with a timed benchmark measures its base in the job and says why', async () => {
    const timed = parseConfig(
      `${CONFIG.replace('gate:', '  - { name: noop, type: command, run: "true" }\ngate:')}  time-budget: 2s\n  looks: [3]\n`,
    );
    const storedBase = storedBaseFor(parseBaseline(baselineText), timed, baseSha, 'the test');
    const result = await runPipeline({
      cwd: repo.dir,
      config: timed,
      mode: 'compare',
      base: 'main',
      storedBase,
    });
    expect(built()).toEqual(['base', 'head']);
    expect(result.notes).toContainEqual(
      expect.stringMatching(
        /^Stored baseline the test not used: benchmark "noop" \(command\) is timed, .*; the base was built and measured in this job\.$/,
      ),
    );
  });
});

describe('reading a baseline file back', { timeout: 60_000 }, () => {
  it('a missing baseline is the caller`s note; the base is measured and the note is in the result', async () => {
    await expect(readStoredBase(join(work, 'nothing-here'), config, baseSha)).rejects.toThrow(
      BaselineFileNotFoundError,
    );
    const note = `No stored baseline perfgate-baseline-${baseSha} of the merge-base ${baseSha.slice(0, 12)}; the base was built and measured in this job.`;
    const result = await run({ base: 'main', notes: [note] });
    expect(built()).toEqual(['base', 'head']);
    expect(result.notes[0]).toBe(note);
    expect(sizes(result)).toEqual(sizes(fresh));
  });

  it('reads a directory holding the file (an unzipped artifact)', async () => {
    const dir = mkdtempSync(join(work, 'artifact-'));
    writeFileSync(join(dir, BASELINE_FILE_NAME), baselineText);
    const read = await readStoredBase(dir, config, baseSha);
    expect(read.notes).toEqual([]);
    expect(read.storedBase?.bundles.web?.files.map((f) => f.path)).toEqual([
      'dist/app.js',
      'dist/vendor.js',
    ]);
    // The sizer's saved sizes came along: both files' contents, gzip+brotli.
    expect(read.storedBase?.known.length).toBeGreaterThanOrEqual(2);
  });

  it('rejects other settings, another commit, a malformed and an oversized file with a note each', async () => {
    const path = join(work, BASELINE_FILE_NAME);
    const noteFor = async (text: string, cfg = config, sha = baseSha) => {
      writeFileSync(path, text);
      const read = await readStoredBase(path, cfg, sha);
      expect(read.storedBase).toBeUndefined();
      expect(read.notes).toHaveLength(1);
      return read.notes[0]!;
    };
    const gzipOnly = parseConfig(CONFIG.replace('[gzip, brotli]', '[gzip]'));
    expect(await noteFor(baselineText, gzipOnly)).toMatch(
      /not used: it is mismatched: benchmark "web" was recorded with compression \["gzip","brotli"\], but the config now says \["gzip"\]/,
    );
    const otherBuild = parseConfig(CONFIG.replace('node build.mjs', 'npm run build'));
    expect(await noteFor(baselineText, otherBuild)).toMatch(
      /recorded with build "node build.mjs", but the config now says "npm run build"/,
    );
    expect(await noteFor(baselineText, config, headSha)).toMatch(
      new RegExp(
        `recorded for ${baseSha.slice(0, 12)}, not the merge-base ${headSha.slice(0, 12)}`,
      ),
    );
    const tampered = JSON.parse(baselineText);
    tampered.bundles.web.snapshot.files[0].raw = -1;
    expect(await noteFor(JSON.stringify(tampered))).toMatch(
      /it is malformed: bundles\.web\.snapshot\.files\.0\.raw: /,
    );
    expect(await noteFor('{"format":"perfgate-baseline"')).toMatch(
      /it is malformed: it is not JSON/,
    );
    expect(() => parseBaseline(baselineText, 100)).toThrow(BaselineError);
    expect(() => parseBaseline(baselineText, 100)).toThrow(/over the limit of 100/);
  });
});

describe('perfgate compare --baseline', { timeout: 60_000 }, () => {
  const cli = async (...argv: string[]) => {
    let stderr = '';
    const code = await runCli(argv, {
      cwd: repo.dir,
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      isTty: false,
      env: {},
    });
    return { code, stderr };
  };

  it('uses a downloaded artifact directory: only head is built', async () => {
    const dir = mkdtempSync(join(work, 'download-'));
    const file = join(dir, BASELINE_FILE_NAME);
    writeFileSync(file, baselineText);
    const json = join(work, 'cli-result.json');
    const run = await cli('compare', '--base', 'main', '--baseline', dir, '--json', json);
    expect(run.code, run.stderr).toBe(1);
    expect(built()).toEqual(['head']);
    const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
    expect(sizes(result)).toEqual(sizes(fresh));
    expect(result.notes.join('\n')).toContain(`come from the stored baseline ${file}`);
  });

  it('a path that names nothing is a usage error; --baseline outside compare too', async () => {
    const missing = await cli('compare', '--base', 'main', '--baseline', join(work, 'none'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline: no baseline file at .*none/);
    const record = await cli('record', '--baseline', work);
    expect(record.code).toBe(2);
    expect(record.stderr).toMatch(/--baseline has no meaning for record/);
    expect(built()).toEqual([]);
  });
});
