import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  isProcessGroupAlive,
  pendingCleanups,
  registerCleanup,
  runCleanups,
} from '../../src/workspace/index.js';
import {
  FIXTURES,
  gitSync,
  killLeftovers,
  makeProjectRepos,
  type ProjectRepos,
  pidAfter,
  REPO_ROOT,
  removeTempDirs,
  waitFor,
} from './helpers.js';

const groups: number[] = [];
const strays: number[] = [];

afterEach(() => killLeftovers(groups, strays));
afterAll(async () => {
  await runCleanups();
  removeTempDirs();
});

describe('registerCleanup and runCleanups', () => {
  it('runs cleanups newest first, keeps the failed ones and reports their errors', async () => {
    const ran: string[] = [];
    registerCleanup(() => {
      ran.push('worktrees');
    });
    const unregisterFlaky = registerCleanup(async () => {
      ran.push('flaky');
      throw new Error('could not stop');
    });
    const unregister = registerCleanup(() => {
      ran.push('unregistered');
    });
    registerCleanup(() => {
      ran.push('server');
    });
    unregister();
    expect(pendingCleanups()).toBe(3);

    const [first, second] = [runCleanups(), runCleanups()];
    expect(second).toBe(first);
    const failures = await first;
    expect(ran).toEqual(['server', 'flaky', 'worktrees']);
    expect(failures.map((f) => f.message)).toEqual(['could not stop']);
    // The failed one stays registered, so the exit hook still covers it.
    expect(pendingCleanups()).toBe(1);
    ran.length = 0;
    await runCleanups();
    expect(ran).toEqual(['flaky']);
    unregisterFlaky();
    expect(pendingCleanups()).toBe(0);
  });

  it('holds SIGINT and SIGTERM only while something is registered', () => {
    const baseline = process.listenerCount('SIGINT');
    const unregisterA = registerCleanup(() => {});
    const unregisterB = registerCleanup(() => {});
    expect(process.listenerCount('SIGINT')).toBe(baseline + 1);
    expect(process.listenerCount('SIGTERM')).toBe(baseline + 1);
    unregisterA();
    expect(process.listenerCount('SIGINT')).toBe(baseline + 1);
    unregisterB();
    expect(process.listenerCount('SIGINT')).toBe(baseline);
  });
});

interface Held {
  pgid: number;
  serverPid: number;
  sleeperPid: number;
  dir: string;
}

/** Starts hold-resources.ts in its own Node process and waits for what it holds. */
async function holdResources(
  mode: 'wait' | 'throw' | 'exit',
  repo: string,
): Promise<{
  child: ChildProcess;
  held: Held;
  exit: Promise<number | null>;
  stderr: () => string;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(FIXTURES, 'hold-resources.ts'), mode, repo],
    { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  groups.push(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    };
    child.stdout!.on('data', onData);
    void exit.then((code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
  const report = JSON.parse(line) as { pgid: number; output: string; dir: string };
  const held = {
    pgid: report.pgid,
    serverPid: pidAfter('server pid', report.output),
    sleeperPid: pidAfter('sleeper pid', report.output),
    dir: report.dir,
  };
  groups.push(held.pgid);
  strays.push(held.serverPid, held.sleeperPid);
  for (const pid of [held.pgid, held.serverPid, held.sleeperPid]) {
    expect(isProcessAlive(pid)).toBe(true);
  }
  expect(existsSync(held.dir)).toBe(true);
  return { child, held, exit, stderr: () => stderr };
}

async function expectAllGone(held: Held): Promise<void> {
  // SIGKILL at exit is sent, not awaited: the kernel may take a moment to end the processes.
  await waitFor('the server group to end', () => !isProcessGroupAlive(held.pgid), 5_000);
  expect(isProcessGroupAlive(held.pgid)).toBe(false);
  expect(isProcessAlive(held.serverPid)).toBe(false);
  expect(isProcessAlive(held.sleeperPid)).toBe(false);
  expect(existsSync(held.dir)).toBe(false);
}

describe('a perfgate process that is interrupted or fails', () => {
  let repos: ProjectRepos;
  beforeAll(() => {
    repos = makeProjectRepos();
  });

  it('stops its servers and removes its worktrees on SIGINT, then exits with 130', async () => {
    const { child, held, exit, stderr } = await holdResources('wait', repos.work);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    await expectAllGone(held);
    expect(gitSync(repos.work, 'worktree', 'list', '--porcelain')).not.toContain(held.dir);
    expect(stderr()).toContain('perfgate: SIGINT, stopping servers and removing worktrees');
  });

  it('does the same on SIGTERM and exits with 143', async () => {
    const { child, held, exit } = await holdResources('wait', repos.work);
    child.kill('SIGTERM');
    expect(await exit).toBe(143);
    await expectAllGone(held);
  });

  it('kills the server group at exit after an uncaught error', async () => {
    const { held, exit, stderr } = await holdResources('throw', repos.work);
    expect(await exit).toBe(1);
    expect(stderr()).toContain('an uncaught error after the server started');
    await expectAllGone(held);
  });

  it('kills the server group when the process exits without cleaning up', async () => {
    const { held, exit } = await holdResources('exit', repos.work);
    expect(await exit).toBe(0);
    await expectAllGone(held);
  });
});
