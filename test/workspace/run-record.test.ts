// The run record and the next run's recovery, on real repositories with real processes. The
// CLI test of a SIGKILLed run is in test/fault-matrix/processes.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/workspace/index.js';
import { startRun } from '../../src/workspace/run-record.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';
import { killLeftovers, removeTempDirs, tempDir } from './helpers.js';

const strays: number[] = [];
let repo: TestRepo | undefined;
afterEach(() => {
  killLeftovers([], strays);
  repo?.dispose();
  repo = undefined;
  removeTempDirs();
});

function runsDir(): string {
  return join(repo!.dir, '.git', 'perfgate', 'runs');
}

/** A process carrying `cookie`, as a daemon of a killed run would. */
function daemonWith(cookie: string): number {
  const child = spawn('sleep', ['60'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PERFGATE_RUN: cookie },
  });
  child.unref();
  strays.push(child.pid!);
  return child.pid!;
}

/** A pid whose process has exited. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

function writeRecord(record: Record<string, unknown>): void {
  mkdirSync(runsDir(), { recursive: true });
  writeFileSync(join(runsDir(), `${record.cookie}.json`), JSON.stringify(record));
}

function worktreePaths(): string[] {
  return repo!
    .git('worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

function setUpRepo(): void {
  repo = createRepo();
  repo.commit('one', { 'a.txt': 'a\n' });
}

describe('startRun', () => {
  it('ends the processes and worktrees of a run whose perfgate is gone, and says so', async () => {
    setUpRepo();
    const cookie = 'a1'.repeat(12);
    const dir = tempDir('perfgate-');
    repo!.git('worktree', 'add', '--detach', '-q', join(dir, 'head'));
    const daemon = daemonWith(cookie);
    writeRecord({ cookie, pid: deadPid(), pidStart: null, startedAt: 'then', worktreeDirs: [dir] });

    const said: string[] = [];
    const run = await startRun({ cwd: repo!.dir, log: (line) => said.push(line) });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^perfgate: an earlier run \(pid \d+, started then\) ended without cleaning up; ended 1 of its processes and removed 1 of its worktrees\.$/,
    );
    expect(isProcessAlive(daemon)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(worktreePaths()).toEqual([repo!.dir]);
    expect(readdirSync(runsDir())).toEqual([`${run.cookie}.json`]);
    await run.end();
    expect(readdirSync(runsDir())).toEqual([]);
  });

  it('leaves the record and processes of a run that is still going', async () => {
    setUpRepo();
    const cookie = 'b2'.repeat(12);
    const daemon = daemonWith(cookie);
    // This very process stands for the other run; its start time is read as perfgate's is.
    const other = await startRun({ cwd: repo!.dir });
    const record = JSON.parse(readFileSync(join(runsDir(), `${other.cookie}.json`), 'utf8'));
    writeRecord({ ...record, cookie });

    const said: string[] = [];
    const run = await startRun({ cwd: repo!.dir, log: (line) => said.push(line) });
    expect(said).toEqual([]);
    expect(isProcessAlive(daemon)).toBe(true);
    expect(readdirSync(runsDir()).sort()).toEqual(
      [`${cookie}.json`, `${other.cookie}.json`, `${run.cookie}.json`].sort(),
    );
    await run.end();
    await other.end();
  });

  it('takes a record whose pid lives on in another process (a reused pid) for a gone run', async () => {
    setUpRepo();
    const cookie = 'c3'.repeat(12);
    const daemon = daemonWith(cookie);
    writeRecord({ cookie, pid: process.pid, pidStart: '1', startedAt: 'then', worktreeDirs: [] });
    const said: string[] = [];
    const run = await startRun({ cwd: repo!.dir, log: (line) => said.push(line) });
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`(pid ${process.pid}, started then)`);
    expect(isProcessAlive(daemon)).toBe(false);
    await run.end();
  });

  it('never removes a worktree outside perfgate’s own temporary directories', async () => {
    setUpRepo();
    const cookie = 'd4'.repeat(12);
    const mine = mkdtempSync(join(tmpdir(), 'users-own-'));
    repo!.git('worktree', 'add', '--detach', '-q', join(mine, 'feature'));
    writeRecord({
      cookie,
      pid: deadPid(),
      pidStart: null,
      startedAt: 'then',
      worktreeDirs: [mine],
    });
    const said: string[] = [];
    const run = await startRun({ cwd: repo!.dir, log: (line) => said.push(line) });
    expect(said[0]).toContain('removed 0 of its worktrees');
    expect(worktreePaths()).toEqual([repo!.dir, join(mine, 'feature')]);
    repo!.git('worktree', 'remove', '--force', join(mine, 'feature'));
    rmSync(mine, { recursive: true, force: true });
    await run.end();
  });

  it('drops an unreadable record and says so', async () => {
    setUpRepo();
    mkdirSync(runsDir(), { recursive: true });
    writeFileSync(join(runsDir(), 'broken.json'), '{"cookie": ');
    const said: string[] = [];
    const run = await startRun({ cwd: repo!.dir, log: (line) => said.push(line) });
    expect(said).toEqual([
      `perfgate: removed an unreadable run record, ${join(runsDir(), 'broken.json')}.`,
    ]);
    expect(readdirSync(runsDir())).toEqual([`${run.cookie}.json`]);
    await run.end();
  });

  it('runs unrecorded outside a repository, and still ends what carries its cookie', async () => {
    const dir = tempDir();
    const run = await startRun({ cwd: dir });
    const daemon = daemonWith(run.cookie);
    await run.end();
    expect(isProcessAlive(daemon)).toBe(false);
    expect(existsSync(join(dir, '.git'))).toBe(false);
  });
});
