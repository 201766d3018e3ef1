// What a nightly bisect costs: `perfgate trend` over N commits since the previous nightly, one of
// which makes a route 40% slower, at the defaults a user gets (the config names only the server,
// its ready path and the routes; every gate setting is the default, the time budget included).
//
//   npx tsx bench/bisect/run.ts [--commits 8,32] [--repeats 2] [--json FILE] [--keep DIR]
//
// For each N: a real git repository in a temp dir (the nightly, then N commits; the slow one at
// a seeded position), `perfgate trend --base <nightly>` in process through the CLI entry, and
// from its result: wall time, A/B comparisons run (the night's, the bisect's steps and their
// retries), pairs measured, and whether the culprit named is the slow commit. The service is a
// realistic small one: JSON built per request and a simulated 3–5 ms database wait, with the
// slow commit doing 40% more CPU work on one route and waiting longer on it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runCli } from '../../src/command-line/run.js';
import { type Result, resultSchema } from '../../src/result.js';
import { createRng } from '../../src/stats/random.js';

const { values: args } = parseArgs({
  options: {
    commits: { type: 'string', default: '8,32' },
    repeats: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
    /** A directory to keep each run's result JSON in (the steps, their changes and notes). */
    keep: { type: 'string' },
  },
});
const counts = args.commits.split(',').map((s) => Number(s.trim()));
const repeats = Number(args.repeats);
for (const n of counts) {
  if (!Number.isInteger(n) || n < 2 || n > 256) {
    throw new Error(`--commits must list whole numbers from 2 to 256, got "${args.commits}"`);
  }
}
if (!Number.isInteger(repeats) || repeats < 1) {
  throw new Error(`--repeats must be a whole number ≥ 1, got "${args.repeats}"`);
}

/** The service: two routes; `slow` scales /orders' work (CPU and wait) by 1.4 when true. */
function service(slow: boolean, note: string): string {
  return `// ${note}
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
const factor = ${slow ? 1.4 : 1};
function build(n) {
  const items = [];
  for (let i = 0; i < n; i++) items.push({ id: i, name: 'item-' + i, price: i * 1.25, tags: ['a', 'b', String(i % 7)] });
  return items;
}
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/health') { res.writeHead(200); return res.end(); }
  const orders = path === '/orders';
  const n = Math.round((orders ? 400 : 200) * (orders ? factor : 1));
  const body = JSON.stringify(build(n));
  const hash = createHash('sha256').update(body).digest('hex');
  const wait = (3 + Math.random() * 2) * (orders ? factor : 1);
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json', etag: hash });
    res.end(body);
  }, wait);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
`;
}

const CONFIG = `benchmarks:
  - name: api
    type: http
    start: node server.mjs
    ready: /health
    requests:
      - { path: /orders }
      - { path: /users }
`;

function git(dir: string, ...a: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=perfgate bench', '-c', 'user.email=bench@perfgate.invalid', ...a],
    { cwd: dir, encoding: 'utf8' },
  ).trim();
}

function makeRepo(n: number, slowAt: number): { dir: string; base: string; slow: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-bisect-bench-'));
  git(dir, 'init', '-q', '-b', 'main');
  const commit = (message: string, slow: boolean) => {
    writeFileSync(join(dir, 'perfgate.yml'), CONFIG);
    writeFileSync(join(dir, 'server.mjs'), service(slow, message));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const base = commit('previous nightly', false);
  let slow = '';
  for (let i = 0; i < n; i++) {
    const sha = commit(i === slowAt ? `slow /orders down (${i})` : `change ${i}`, i >= slowAt);
    if (i === slowAt) slow = sha;
  }
  return { dir, base, slow };
}

interface Row {
  commits: number;
  slowAt: number;
  wallS: number;
  comparisons: number;
  steps: number;
  retries: number;
  /** Pairs of the night's comparison (the steps' own are in their results). */
  nightPairs: number;
  exit: number;
  culpritRight: boolean;
  load: number;
}

async function once(n: number, slowAt: number): Promise<Row> {
  const { dir, base, slow } = makeRepo(n, slowAt);
  const json = join(dir, '.trend.json');
  const started = performance.now();
  let stderr = '';
  try {
    const exit = await runCli(['trend', '--base', base, '--json', json, '--creep-days', '0'], {
      cwd: dir,
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      isTty: false,
      env: {},
    });
    const wallS = (performance.now() - started) / 1000;
    const result: Result = resultSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    if (args.keep) {
      writeFileSync(join(args.keep, `trend-${n}-at-${slowAt}.json`), readFileSync(json));
    }
    const steps = result.trend?.steps ?? [];
    const retries = steps.reduce((sum, s) => sum + s.attempts - 1, 0);
    return {
      commits: n,
      slowAt,
      wallS,
      comparisons: 1 + steps.length + retries,
      steps: steps.length,
      retries,
      nightPairs: result.sampling.pairs,
      exit,
      culpritRight: result.trend?.culprit?.sha === slow,
      load: loadavg()[0]!,
    };
  } catch (error) {
    throw new Error(`trend over ${n} commits failed: ${String(error)}\n${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rng = createRng(Number(args.seed));
const rows: Row[] = [];
for (const n of counts) {
  for (let r = 0; r < repeats; r++) {
    const slowAt = Math.floor(rng.next() * n);
    const row = await once(n, slowAt);
    rows.push(row);
    console.log(
      `${n} commits, slow at ${slowAt}: ${row.wallS.toFixed(1)} s, ${row.comparisons} A/B comparisons (${row.steps} steps, ${row.retries} retries), exit ${row.exit}, culprit ${row.culpritRight ? 'right' : 'WRONG'}, load ${row.load.toFixed(2)}`,
    );
  }
}
if (args.json) writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
