// `perfgate trend` in process over real git repositories with a real server in its own process:
// one commit of eight after the previous nightly makes route /a 40% slower, and the trend
// confirms it, bisects to that commit and exits 1; eight comment-only commits exit 0 with no
// culprit and start a history file. 200 ms rounds and early stops keep a run near 25 s; the 45 s
// budget is room for a loaded machine, where the bisect steps need more pairs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/command-line/run.js';
import { seriesSchema } from '../../src/history/series.js';
import { type Result, resultSchema } from '../../src/result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

/** A service whose routes wait the given milliseconds; `note` changes only a comment. */
function service(delays: Record<string, number>, note: string) {
  return `// ${note}
import { createServer } from 'node:http';
const delays = ${JSON.stringify(delays)};
const server = createServer((req, res) => {
  const route = new URL(req.url, 'http://x').pathname.slice(1);
  if (route === 'health') { res.writeHead(200); return res.end(); }
  setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, delays[route] ?? 0);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
`;
}

const CONFIG = `benchmarks:
  - name: api
    type: http
    start: node server.mjs
    ready: /health
    ready-timeout: 5s
    connections: 2
    round-duration: 200ms
    requests:
      - { path: /a }
gate:
  threshold: 10%
  time-budget: 45s
`;

let repo: TestRepo | undefined;
let out: string | undefined;
afterEach(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
  repo = undefined;
  out = undefined;
});

/** The previous nightly, then eight commits; `slowAt` (0-based) makes /a take 7 ms, not 5. */
function history(slowAt: number | undefined): { base: string; commits: string[] } {
  repo = createRepo('perfgate-trend-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-trend-out-'));
  const base = repo.commit('nightly', {
    'perfgate.yml': CONFIG,
    'server.mjs': service({ a: 5 }, 'nightly'),
  });
  const commits: string[] = [];
  let delay = 5;
  for (let i = 0; i < 8; i++) {
    if (i === slowAt) delay = 7;
    commits.push(
      repo.commit(i === slowAt ? `slow /a down (${i})` : `comment only (${i})`, {
        'server.mjs': service({ a: delay }, `commit ${i}`),
      }),
    );
  }
  return { base, commits };
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd: repo!.dir,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
    env: {},
  });
  return { code, stdout, stderr };
}

const read = (path: string): Result => resultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));

describe('perfgate trend', { timeout: 120_000 }, () => {
  it('confirms a 40% regression, bisects it to its commit and exits 1', async () => {
    const { base, commits } = history(4);
    const json = join(out!, 'trend.json');
    const markdown = join(out!, 'trend.md');
    const run = await cli('trend', '--base', base, '--json', json, '--markdown', markdown);
    expect(run.code, run.stderr).toBe(1);
    const result = read(json);
    expect(result.mode).toBe('trend');
    expect(result.verdict).toBe('fail');
    expect(result.base?.sha).toBe(base);
    const trend = result.trend!;
    expect(trend.base.sha).toBe(base);
    expect(trend.head.sha).toBe(commits[7]);
    expect(trend.commits).toBe(8);
    expect(trend.culprit?.sha, JSON.stringify({ steps: trend.steps, notes: result.notes })).toBe(
      commits[4],
    );
    expect(trend.culprit?.subject).toBe('slow /a down (4)');
    expect(trend.culprit?.author).toBe('perfgate test <test@perfgate.invalid>');
    expect(trend.steps.length).toBeGreaterThanOrEqual(3);
    expect(trend.steps.length).toBeLessThanOrEqual(6);
    for (const step of trend.steps) expect(step.base).toBe(base);
    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain(`\`${commits[4]!.slice(0, 7)}\``);
    expect(md).toContain('Culprit');
    expect(run.stdout).toContain(commits[4]!.slice(0, 7));
  });

  it('an A/A history (eight comment-only commits) exits 0 with no culprit and starts a history', async () => {
    const { base, commits } = history(undefined);
    const json = join(out!, 'trend.json');
    const file = join(out!, 'history', 'nightly.json');
    const run = await cli('trend', '--base', base, '--history', file, '--json', json);
    expect(run.code, run.stderr).toBe(0);
    const result = read(json);
    expect(result.trend?.culprit).toBeNull();
    expect(result.trend?.steps).toEqual([]);
    expect(result.notes[0]).toContain(`History file ${file} did not exist`);
    const series = seriesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(series.runs.map((r) => r.commit)).toEqual([commits[7]]);
    expect(Object.keys(series.runs[0]!.metrics)).toContain(result.comparisons[0]!.key);
    expect(result.trend?.history).toEqual({ path: file, runs: 1 });
  });

  it('refuses a malformed history file with exit 2, naming the file and the field, before measuring', async () => {
    history(undefined);
    const file = join(out!, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'perfgate-trend-history', version: 1, runs: [{ commit: 'xyz' }] }),
    );
    const run = await cli('trend', '--history', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('runs[0].commit');
    expect(run.stderr).toContain('"xyz"');
  });

  it('without --base and without a history run to start from, names --base (exit 2)', async () => {
    history(undefined);
    const run = await cli('trend', '--history', join(out!, 'new.json'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--base');
  });
});
