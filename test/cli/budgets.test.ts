// Absolute budgets of http and command benchmarks end to end: `perfgate compare` (the TypeScript
// entry, since dist/ is rebuilt separately) on a real git repository, with a real server on
// loopback. A budget exceeded fails the gate (exit 1), one held passes, and the budgets table
// shows each route's p95; a budget naming an unknown route stops the run at load (exit 2).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Result, resultSchema } from '../../src/result.js';
import { processesWith } from '../helpers/processes.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const CLI = resolve('src/cli.ts');
// By URL: the repository under test is the child's working directory, without node_modules.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function perfgate(args: string[], cwd: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const SERVER = `import { createServer } from 'node:http';
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function httpConfig(marker: string, budgets: string): string {
  return `benchmarks:
  - name: api
    type: http
    start: node server.mjs ${marker}
    ready-timeout: 5s
    connections: 2
    round-duration: 100ms
    requests:
      - /orders
      - /users
    budgets:
${budgets}
gate:
  time-budget: 3s
`;
}

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.dispose();
  repo = undefined;
});

/** `perfgate compare` of a commit against itself, with the result JSON read back. */
async function compare(perfgateYml: string, files: Record<string, string> = {}) {
  repo = createRepo('perfgate-budgets-');
  repo.commit('base', { 'perfgate.yml': perfgateYml, ...files });
  const json = join(repo.dir, 'out', 'result.json');
  const markdown = join(repo.dir, 'out', 'comment.md');
  const run = await perfgate(
    ['compare', '--base', 'main', '--json', json, '--markdown', markdown],
    repo.dir,
  );
  const result = run.code === 0 || run.code === 1 ? read(json) : undefined;
  const md = result ? readFileSync(markdown, 'utf8') : '';
  return { run, result, md };
}

function read(path: string): Result {
  return resultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const rows = (result: Result | undefined) =>
  (result?.budgets ?? []).map((b) => [b.target, b.metric, b.unit, b.limit, b.exceeded]);

describe('budgets on http and command benchmarks', () => {
  it('fails the gate (exit 1) when p95 is over 0.01ms, showing p95 of every route', async () => {
    const marker = `--marker=budget-fail-${process.pid}-${Date.now()}`;
    const { run, result, md } = await compare(httpConfig(marker, '      p95: 0.01ms'), {
      'server.mjs': SERVER,
    });
    expect(run.stderr).not.toContain('measurement failed');
    expect(run.code).toBe(1);
    expect(result!.verdict).toBe('fail');
    expect(rows(result)).toEqual([
      ['GET /orders', 'p95', 'ms', 0.01, true],
      ['GET /users', 'p95', 'ms', 0.01, true],
    ]);
    // The value checked is head's median of the route's per-round p95.
    for (const b of result!.budgets) {
      const c = result!.comparisons.find((x) => x.key === `api/${b.target}/p95`)!;
      expect(b.value).toBe(c.head.median);
    }
    expect(run.stdout).toMatch(/exceeded +api +GET \/orders +p95/);
    expect(run.stdout).toMatch(/exceeded +api +GET \/users +p95/);
    expect(md).toContain('<summary>Budgets (2 of 2 exceeded)</summary>');
    expect(md).toMatch(/\| api \| GET \/orders \| p95 \| [^|]+ \| 10\.0 µs \|/);
    expect(md).toMatch(/\| api \| GET \/users \| p95 \| [^|]+ \| 10\.0 µs \|/);
    expect(processesWith(marker)).toEqual([]);
  }, 60_000);

  it('passes the budget (exit 0) when p95 is under 10s, showing p95 of every route', async () => {
    const marker = `--marker=budget-pass-${process.pid}-${Date.now()}`;
    const { run, result, md } = await compare(httpConfig(marker, '      p95: 10s'), {
      'server.mjs': SERVER,
    });
    expect(run.stderr).not.toContain('measurement failed');
    expect(rows(result)).toEqual([
      ['GET /orders', 'p95', 'ms', 10_000, false],
      ['GET /users', 'p95', 'ms', 10_000, false],
    ]);
    // Base and head are one commit: no budget and, at α, no metric fails the gate.
    expect(result!.verdict).not.toBe('fail');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/within +api +GET \/orders +p95/);
    expect(run.stdout).toMatch(/within +api +GET \/users +p95/);
    expect(md).toMatch(/\| api \| GET \/users \| p95 \| [^|]+ \| 10\.0 s \|/);
  }, 60_000);

  it("lets a route's own budget win, and reads throughput as a floor", async () => {
    const marker = `--marker=budget-route-${process.pid}-${Date.now()}`;
    const budgets = [
      '      p95: 0.01ms',
      '      "GET /orders/p95": 10s',
      '      throughput: 10000000',
      '      error-rate: 100%',
    ].join('\n');
    const { run, result } = await compare(httpConfig(marker, budgets), { 'server.mjs': SERVER });
    expect(run.code).toBe(1);
    expect(rows(result)).toEqual([
      ['GET /orders', 'p95', 'ms', 10_000, false],
      ['GET /users', 'p95', 'ms', 0.01, true],
      ['GET /orders', 'throughput', 'req/s', 10_000_000, true],
      ['GET /users', 'throughput', 'req/s', 10_000_000, true],
      ['GET /orders', 'error-rate', 'fraction', 1, false],
      ['GET /users', 'error-rate', 'fraction', 1, false],
    ]);
    const throughput = result!.budgets.find((b) => b.metric === 'throughput')!;
    expect(throughput.value).toBeGreaterThan(0);
    expect(throughput.value).toBeLessThan(10_000_000);
  }, 60_000);

  it('checks a command wall budget on the median run', async () => {
    const yml = (wall: string) => `benchmarks:
  - name: sleep
    type: command
    run: node -e "setTimeout(() => {}, 30)"
    budgets:
      wall: ${wall}
gate:
  time-budget: 2s
`;
    const over = await compare(yml('10ms'));
    expect(over.run.code).toBe(1);
    expect(rows(over.result)).toEqual([[undefined, 'wall', 'ms', 10, true]]);
    expect(over.result!.budgets[0]!.value).toBeGreaterThanOrEqual(30);
    repo?.dispose();
    const within = await compare(yml('1m'));
    expect(rows(within.result)).toEqual([[undefined, 'wall', 'ms', 60_000, false]]);
    expect(within.result!.verdict).not.toBe('fail');
    expect(within.run.code).toBe(0);
  }, 60_000);

  it('stops at load (exit 2) on a budget naming an unknown route, listing the routes', async () => {
    const marker = `--marker=budget-load-${process.pid}-${Date.now()}`;
    const { run } = await compare(httpConfig(marker, '      "GET /order/p95": 150ms'), {
      'server.mjs': SERVER,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'benchmarks[0].budgets["GET /order/p95"]: unknown route "GET /order"; the routes are GET /orders, GET /users; did you mean `GET /orders`?',
    );
    expect(run.stdout).toBe('');
    expect(processesWith(marker)).toEqual([]);
  }, 30_000);
});
