// `perfgate trend` in process over real git repositories with a real server in its own process:
// one commit of eight after the previous nightly makes route /a 40% slower, and the trend
// confirms it, bisects to that commit and exits 1; eight comment-only commits exit 0 with no
// culprit and start a history file; a slowdown of 20 days ago that no night showed is found by
// the comparison with the commit of 30 days back and bisected over that range. 200 ms rounds and early stops keep a run near 25 s; the 45 s
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

/** `make()` with git's author and committer dates set to `seconds` (Unix time). */
function dated<T>(seconds: number, make: () => T): T {
  const date = `@${seconds} +0000`;
  process.env.GIT_AUTHOR_DATE = date;
  process.env.GIT_COMMITTER_DATE = date;
  try {
    return make();
  } finally {
    delete process.env.GIT_AUTHOR_DATE;
    delete process.env.GIT_COMMITTER_DATE;
  }
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
    // Every commit is from today: no commit of 30 days back to compare with, and it says so.
    expect(result.trend?.creep).toBeUndefined();
    expect(result.notes.join('\n')).toContain('30 days older than head: no creep comparison');
  });

  it('finds creep no single night shows: head against its commit of 30 days back, bisected over that range', async () => {
    repo = createRepo('perfgate-creep-');
    out = mkdtempSync(join(tmpdir(), 'perfgate-trend-out-'));
    const now = Math.floor(Date.now() / 1000);
    const at = (daysAgo: number, message: string, delay: number) =>
      dated(now - daysAgo * 86_400, () =>
        repo!.commit(message, {
          'perfgate.yml': CONFIG,
          'server.mjs': service({ a: delay }, message),
        }),
      );
    at(40, 'older', 5);
    // The newest commit at least 30 days older than head: the creep comparison's base.
    const monthAgo = at(35, 'a month ago', 5);
    at(28, 'comment only (28)', 5);
    const slow = at(20, 'slow /a down', 7);
    at(10, 'comment only (10)', 7);
    const nightly = at(1, 'previous nightly', 7);
    const head = at(0, 'tonight', 7);
    const json = join(out!, 'trend.json');
    // Three shares (the night, the creep comparison, the bisect) of 60 s.
    const run = await cli('trend', '--base', nightly, '--json', json, '--budget', '60s');
    expect(run.code, run.stderr).toBe(1);
    const result = read(json);
    const trend = result.trend!;
    // The night itself (one comment-only commit) shows nothing.
    expect(result.comparisons.some((c) => c.status === 'regressed')).toBe(false);
    expect(trend.commits).toBe(1);
    expect(trend.creep).toMatchObject({
      base: { sha: monthAgo },
      days: 30,
      commits: 5,
      verdict: 'fail',
    });
    expect(trend.creep!.regressed.map((c) => c.target)).toContain('GET /a');
    expect(trend.head.sha).toBe(head);
    expect(trend.culprit?.sha, JSON.stringify({ steps: trend.steps, notes: result.notes })).toBe(
      slow,
    );
    for (const step of trend.steps) expect(step.base).toBe(monthAgo);
    expect(result.verdict).toBe('fail');
    expect(result.notes.join('\n')).toContain('creep over 5 commits');
    expect(run.stdout).toContain(`Against ${monthAgo.slice(0, 7)} of 30 days back`);
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
