// The `perfgate` command end to end: the built dist/cli/index.js run as a user runs it, on real
// git repositories with real servers in their own processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Result, resultSchema } from '../../src/result.js';
import { processesWith } from '../helpers/processes.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const CLI = resolve('dist/cli/index.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function perfgate(
  args: string[],
  cwd: string,
  onSpawn?: (child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
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
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}

/** A service whose routes wait the given milliseconds; `mode` breaks it on purpose. */
function service(delays: Record<string, number>, mode: 'ok' | 'never-ready' | 'crash' = 'ok') {
  return `import { createServer } from 'node:http';
const delays = ${JSON.stringify(delays)};
const mode = ${JSON.stringify(mode)};
let served = 0;
console.log('service starting in mode ' + mode);
const server = createServer((req, res) => {
  const route = new URL(req.url, 'http://x').pathname.slice(1);
  if (route === 'health') {
    res.writeHead(mode === 'never-ready' ? 503 : 200);
    return res.end();
  }
  served += 1;
  if (mode === 'crash' && served > 1500) {
    console.error('service: simulated crash after ' + served + ' requests');
    process.exit(70);
  }
  setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, delays[route] ?? 0);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
`;
}

function config(marker: string, extra = '') {
  return `benchmarks:
  - name: api
    type: http
    start: node server.mjs ${marker}
    ready: /health
    ready-timeout: 5s
    connections: 4
    round-duration: 200ms
    requests:
      - { path: /a }
      - { path: /b }
gate:
  threshold: 10%
  time-budget: 25s
${extra}`;
}

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.dispose();
  repo = undefined;
});

function readResult(path: string): Result {
  return resultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

describe('perfgate CLI', () => {
  it('prints usage and exits 0 for --help, 2 for an unknown mode or flag', async () => {
    const help = await perfgate(['--help'], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('perfgate compare');
    expect(help.stdout).toContain('Exit codes');

    const mode = await perfgate(['compair'], process.cwd());
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('unknown mode "compair"');
    expect(mode.stderr).toContain('compare, collect, record, demo');

    const flag = await perfgate(['compare', '--bugdet', '1m'], process.cwd());
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--bugdet');
  });

  it('rejects a config with an unknown field with exit 2, naming the field', async () => {
    repo = createRepo();
    const text = config('x').replace('connections: 4', 'conections: 4');
    repo.commit('base', { 'perfgate.yml': text, 'server.mjs': service({ a: 1, b: 1 }) });
    const run = await perfgate(['compare', '--base', 'main'], repo.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('conections');
    expect(run.stderr).toContain('connections');
  });

  it('rejects a bad --budget with exit 2, naming the flag and the value', async () => {
    repo = createRepo();
    repo.commit('base', { 'perfgate.yml': config('x'), 'server.mjs': service({ a: 1, b: 1 }) });
    const run = await perfgate(['compare', '--budget', 'soon'], repo.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--budget');
    expect(run.stderr).toContain('soon');
  });

  it('names an unknown base ref with exit 2', async () => {
    repo = createRepo();
    repo.commit('base', { 'perfgate.yml': config('x'), 'server.mjs': service({ a: 1, b: 1 }) });
    const run = await perfgate(['compare', '--base', 'no-such-branch'], repo.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no-such-branch');
  });

  it('passes (exit 0, no regression) when head differs from base only in a comment', async () => {
    repo = createRepo();
    const marker = `--marker=aa-${process.pid}-${Date.now()}`;
    repo.commit('base', {
      'perfgate.yml': config(marker),
      'server.mjs': service({ a: 3, b: 1 }),
    });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('a comment', {
      'server.mjs': `// Only a comment changed.\n${service({ a: 3, b: 1 })}`,
    });
    const json = join(repo.dir, 'out', 'result.json');
    const md = join(repo.dir, 'out', 'comment.md');
    const run = await perfgate(
      ['compare', '--base', 'main', '--json', json, '--markdown', md],
      repo.dir,
    );
    expect(run.stderr).not.toContain('measurement failed');
    expect(run.code).toBe(0);
    const result = readResult(json);
    expect(result.verdict).not.toBe('fail');
    expect(result.comparisons.length).toBeGreaterThanOrEqual(12);
    expect(result.comparisons.filter((c) => c.status === 'regressed')).toEqual([]);
    expect(result.head.ref).toBe('HEAD');
    // At least the first planned look (4 pairs); an A/A run may stop there or soon after, once
    // no metric can still be called regressed (futility) or every metric is resolved.
    expect(result.sampling.pairs).toBeGreaterThanOrEqual(4);
    expect(['resolved', 'futility', 'budget']).toContain(result.sampling.stoppedBy);
    expect(readFileSync(md, 'utf8')).toContain('perfgate');
    expect(run.stdout).toMatch(/GET \/a/);
    expect(processesWith(marker)).toEqual([]);
  });

  it('records one commit against itself, without an upstream branch', async () => {
    repo = createRepo();
    repo.commit('only commit', {
      'perfgate.yml': `benchmarks:
  - name: startup
    type: command
    run: node -e "for (let i = 0; i < 2e5; i++);"
gate:
  time-budget: 6s
`,
    });
    const json = join(repo.dir, 'record.json');
    const run = await perfgate(['record', '--json', json], repo.dir);
    expect(run.stderr).not.toContain('measurement failed');
    expect(run.code).toBe(0);
    const result = readResult(json);
    expect(result.mode).toBe('record');
    expect(result.base?.sha).toBe(result.head.sha);
    // Wall time, and on Linux the command's CPU time and peak memory. The report orders
    // comparisons by status (an inconclusive one before the unchanged), so compare as a set.
    expect(result.comparisons.map((c) => c.key).sort()).toEqual(
      ['startup/wall', 'startup/user', 'startup/system', 'startup/max-rss'].sort(),
    );
    expect(result.comparisons[0]!.samples.head.length).toBe(result.sampling.pairs);
    expect(result.notes.join('\n')).toContain('measured against itself');
  });

  it('fails with exit 3 and the server output when a server never becomes ready', async () => {
    repo = createRepo();
    const marker = `--marker=nr-${process.pid}-${Date.now()}`;
    repo.commit('base', {
      'perfgate.yml': config(marker),
      'server.mjs': service({ a: 1, b: 1 }, 'never-ready'),
    });
    const run = await perfgate(['compare', '--base', 'main'], repo.dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('/health');
    expect(run.stderr).toContain('service starting in mode never-ready');
    expect(processesWith(marker)).toEqual([]);
  });

  it('fails with exit 3 when a server crashes mid-run, and leaves no process behind', async () => {
    repo = createRepo();
    const marker = `--marker=cr-${process.pid}-${Date.now()}`;
    repo.commit('base', {
      'perfgate.yml': config(marker),
      'server.mjs': service({ a: 1, b: 1 }),
    });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('crashes', { 'server.mjs': service({ a: 1, b: 1 }, 'crash') });
    const run = await perfgate(['compare', '--base', 'main'], repo.dir);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/exited|crash/i);
    expect(run.stderr).toContain('simulated crash');
    expect(processesWith(marker)).toEqual([]);
  });

  it('stops every server when interrupted with Ctrl-C (SIGINT)', async () => {
    repo = createRepo();
    const marker = `--marker=int-${process.pid}-${Date.now()}`;
    repo.commit('base', { 'perfgate.yml': config(marker), 'server.mjs': service({ a: 1, b: 1 }) });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('head', { 'server.mjs': `// head\n${service({ a: 1, b: 1 })}` });
    const run = await perfgate(['compare', '--base', 'main'], repo.dir, (child) => {
      const poll = setInterval(() => {
        // Interrupt once both servers are up and sampling has begun.
        if (processesWith(marker).length >= 2) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      }, 100);
      child.on('close', () => clearInterval(poll));
    });
    expect(run.code).toBe(130);
    expect(processesWith(marker)).toEqual([]);
  });
});
