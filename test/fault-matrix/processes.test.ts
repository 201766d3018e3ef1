// Fault matrix, processes and worktrees: whatever way a run ends, nothing the PR's build, server
// or command started outlives it, and the user's repository keeps no worktree record. The PR
// here starts daemons that leave their process group: `setsid sleep 300 &` and a Node
// `spawn(…, { detached: true })`. The CLI runs from the TypeScript source (node with tsx's
// loader: one process, so a signal reaches perfgate itself, not a wrapper), on a real repository.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesMarked } from '../../src/workspace/run-cookie.js';
import { processesWith } from '../helpers/processes.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const TSX = createRequire(import.meta.url).resolve('tsx');
const CLI = resolve('src/cli.ts');

/** Leaves its process group and session, as `spawn(…, { detached: true })` does. */
const DAEMON = `import { spawn } from 'node:child_process';
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { detached: true, stdio: 'ignore' }).unref();
`;
const SERVER = `import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`;
const CONFIG = `build: setsid sleep 300 & node daemon.mjs
benchmarks:
  - name: api
    type: http
    start: setsid sleep 300 & node daemon.mjs & exec node server.mjs
    connections: 2
    round-duration: 200ms
    requests:
      - { path: /a }
  - name: tool
    type: command
    run: setsid sleep 300 & node daemon.mjs
gate:
  time-budget: 4s
`;

interface Run {
  code: number | null;
  stderr: string;
}

function perfgate(cwd: string, mark: string, onSpawn?: (child: ChildProcess) => void) {
  return new Promise<Run>((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, 'compare', '--base', 'main'], {
      cwd,
      // Inherited by everything perfgate starts (it is no secret), so the test finds them all.
      env: { ...process.env, NO_COLOR: '1', PERFGATE_TEST_MARK: mark },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
    onSpawn?.(child);
  });
}

/** Signals perfgate once both servers and their daemons are up and sampling has begun. */
function killWhenServing(signal: NodeJS.Signals, mark: string) {
  return (child: ChildProcess) => {
    const poll = setInterval(() => {
      const servers = processesWith(mark).filter((pid) => cmdline(pid).includes('server.mjs'));
      if (servers.length >= 2) {
        clearInterval(poll);
        setTimeout(() => child.kill(signal), 1_000);
      }
    }, 100);
    child.on('close', () => clearInterval(poll));
  };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function records(repo: TestRepo): string[] {
  const dir = join(repo.dir, '.git', 'perfgate', 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
}

/** Worktrees other than the main one: after a run, none may be left, stale or not. */
function extraWorktrees(repo: TestRepo): string[] {
  return repo
    .git('worktree', 'list', '--porcelain')
    .split('\n\n')
    .filter((block) => !block.startsWith(`worktree ${repo.dir}\n`));
}

type Ending = 'finish' | 'SIGINT' | 'SIGTERM' | 'SIGKILL, then the next run';
const rows: Array<{
  case: string;
  input: Ending;
  expect: { code: number; says?: RegExp };
}> = [
  { case: 'a run that finishes', input: 'finish', expect: { code: 0 } },
  { case: 'Ctrl-C (SIGINT) mid-run', input: 'SIGINT', expect: { code: 130 } },
  { case: 'a cancelled job (SIGTERM) mid-run', input: 'SIGTERM', expect: { code: 143 } },
  {
    case: 'SIGKILL mid-run: the next run ends the leftovers and says so',
    input: 'SIGKILL, then the next run',
    expect: {
      code: 0,
      says: /an earlier run \(pid \d+, started [^)]+\) ended without cleaning up; ended [1-9]\d* of its processes and removed 2 of its worktrees/,
    },
  },
];

let repo: TestRepo | undefined;
let mark = '';
afterEach(() => {
  // A failed row must not leave its daemons for the next.
  for (const pid of processesWith(mark)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  repo?.dispose();
  repo = undefined;
});

describe('fault matrix: processes and worktrees after the run', () => {
  it.each(rows)('$case', async (row) => {
    mark = `pg-proc-${process.pid}-${Date.now()}`;
    repo = createRepo();
    repo.commit('base', {
      'perfgate.yml': CONFIG,
      'server.mjs': SERVER,
      'daemon.mjs': DAEMON,
    });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('head', { 'server.mjs': `// head\n${SERVER}` });

    let run: Run;
    if (row.input === 'finish') {
      run = await perfgate(repo.dir, mark);
    } else if (row.input === 'SIGKILL, then the next run') {
      const killed = await perfgate(repo.dir, mark, killWhenServing('SIGKILL', mark));
      expect(killed.code).toBe(null);
      // The case is real: the killed run left its daemons, its worktrees and its record.
      const [record] = records(repo);
      expect(record).toBeDefined();
      const cookie = JSON.parse(
        readFileSync(join(repo.dir, '.git/perfgate/runs', record!), 'utf8'),
      ).cookie;
      expect(processesMarked('PERFGATE_RUN', cookie).length).toBeGreaterThan(0);
      expect(extraWorktrees(repo)).toHaveLength(2);
      run = await perfgate(repo.dir, mark);
      expect(processesMarked('PERFGATE_RUN', cookie)).toEqual([]);
    } else {
      run = await perfgate(repo.dir, mark, killWhenServing(row.input, mark));
    }

    expect(run.code, run.stderr).toBe(row.expect.code);
    if (row.expect.says) expect(run.stderr).toMatch(row.expect.says);
    expect(processesWith(mark).map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]);
    expect(extraWorktrees(repo)).toEqual([]);
    expect(records(repo)).toEqual([]);
  }, 90_000);
});
