import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Tree } from '../../src/model.js';
import {
  BuildError,
  buildTrees,
  isProcessAlive,
  pendingCleanups,
  runBuild,
  runCleanups,
  runCommand,
  SpawnError,
} from '../../src/workspace/index.js';
import { killLeftovers, pidAfter, removeTempDirs, tempDir } from './helpers.js';

const strays: number[] = [];

afterEach(() => killLeftovers([], strays));
afterAll(async () => {
  await runCleanups();
  removeTempDirs();
});

function tree(side: Tree['side'], root = tempDir()): Tree {
  const dir = join(root, side);
  mkdirSync(dir, { recursive: true });
  return { side, ref: side === 'base' ? 'origin/main' : 'feature', sha: 'a'.repeat(40), dir };
}

describe('runBuild', () => {
  it('runs the command in the tree and returns its output', async () => {
    const head = tree('head');
    const outcome = await runBuild(
      head,
      'echo building "$PWD" && mkdir -p dist && echo bundle > dist/app.js',
      { timeoutMs: 30_000 },
    );
    expect(outcome.side).toBe('head');
    expect(outcome.output).toBe(`building ${head.dir}`);
    expect(readFileSync(join(head.dir, 'dist', 'app.js'), 'utf8')).toBe('bundle\n');
    expect(outcome.wallMs).toBeGreaterThan(0);
  });

  it('throws a BuildError with the exit code and the tail of the output', async () => {
    const head = tree('head');
    const command =
      'for i in $(seq 1 500); do echo "step $i"; done; echo "error TS2304: Cannot find name" >&2; exit 3';
    const error = await runBuild(head, command, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const typed = error as BuildError;
    expect(typed.name).toBe('BuildError');
    expect(typed).toMatchObject({
      side: 'head',
      ref: 'feature',
      command,
      exitCode: 3,
      signal: null,
      timedOut: false,
      dir: head.dir,
    });
    const lines = typed.output.split('\n');
    // 501 lines printed, 200 kept, and a marker that the rest was dropped.
    expect(lines).toHaveLength(201);
    expect(lines[0]).toBe('[… 301 earlier lines not kept]');
    expect(lines[1]).toBe('step 302');
    expect(lines.at(-1)).toBe('error TS2304: Cannot find name');
    expect(typed.message).toContain('Build of head (feature at aaaaaaaaaaaa) failed');
    expect(typed.message).toContain('exited with code 3');
    expect(typed.message).toContain('error TS2304');
    expect(typed.message).not.toContain('step 302\n');
  });

  it('stops a build that runs past its timeout, with everything it started', async () => {
    const base = tree('base');
    const error = await runBuild(base, 'sleep 30 & echo "worker $!"; wait', {
      timeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const typed = error as BuildError;
    strays.push(pidAfter('worker', typed.output));
    expect(typed.timedOut).toBe(true);
    expect(typed.side).toBe('base');
    expect(typed.message).toContain('did not finish within 500 ms');
    expect(isProcessAlive(pidAfter('worker', typed.output))).toBe(false);
  });

  it('stops when aborted and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const running = runBuild(tree('head'), 'sleep 30 & echo "worker $!"; wait', {
      timeoutMs: 30_000,
      signal: controller.signal,
      onOutput: (text) => {
        lines.push(text);
        controller.abort(new Error('time budget spent'));
      },
    });
    await expect(running).rejects.toThrow('time budget spent');
    const worker = pidAfter('worker', lines.join(''));
    strays.push(worker);
    expect(isProcessAlive(worker)).toBe(false);
  });

  it('says when the tree directory does not exist', async () => {
    const missing: Tree = { ...tree('head'), dir: join(tempDir(), 'gone') };
    await expect(runBuild(missing, 'true', { timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      SpawnError,
    );
  });
});

describe('buildTrees', () => {
  it('builds head, then base', async () => {
    const root = tempDir();
    const trees = { base: tree('base', root), head: tree('head', root) };
    const built = await buildTrees(trees, 'basename "$PWD" >> ../order.log', { timeoutMs: 30_000 });
    expect(readFileSync(join(root, 'order.log'), 'utf8')).toBe('head\nbase\n');
    expect(built.base.side).toBe('base');
    expect(built.head.side).toBe('head');
  });

  it('does not build base once head failed', async () => {
    const root = tempDir();
    const trees = { base: tree('base', root), head: tree('head', root) };
    const command = 'basename "$PWD" >> ../order.log; test "$(basename "$PWD")" = base';
    const error = await buildTrees(trees, command, { timeoutMs: 30_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).side).toBe('head');
    expect(readFileSync(join(root, 'order.log'), 'utf8')).toBe('head\n');
  });
});

describe('runCommand', () => {
  it('times the command in milliseconds with sub-millisecond precision', async () => {
    const cwd = tempDir();
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await runCommand('sleep 0.2', { cwd, timeoutMs: 30_000 }));
    }
    for (const result of results) {
      expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
      // sleep guarantees the lower bound; the upper one only catches a wrong unit.
      expect(result.wallMs).toBeGreaterThanOrEqual(200);
      expect(result.wallMs).toBeLessThan(20_000);
    }
    // Date.now() would give whole milliseconds every time.
    expect(results.some((r) => !Number.isInteger(r.wallMs))).toBe(true);
  });

  it('reports a failing exit code as data, with the environment it was given', async () => {
    const result = await runCommand('echo "greeting=$GREETING"; exit 4', {
      cwd: tempDir(),
      env: { GREETING: 'hello' },
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(4);
    expect(result.output).toBe('greeting=hello');
  });

  it('kills the whole group at the timeout', async () => {
    const result = await runCommand('sleep 30 & echo "worker $!"; sleep 30', {
      cwd: tempDir(),
      timeoutMs: 300,
    });
    const worker = pidAfter('worker', result.output);
    strays.push(worker);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(null);
    expect(result.signal).toBe('SIGTERM');
    expect(result.wallMs).toBeGreaterThanOrEqual(300);
    expect(isProcessAlive(worker)).toBe(false);
  });

  it('ends what a finished command left running in the background', async () => {
    const before = pendingCleanups();
    const cwd = tempDir();
    const result = await runCommand('sleep 30 > /dev/null & echo "worker $!"', {
      cwd,
      timeoutMs: 30_000,
    });
    const worker = pidAfter('worker', result.output);
    strays.push(worker);
    expect(result.exitCode).toBe(0);
    expect(isProcessAlive(worker)).toBe(false);
    expect(pendingCleanups()).toBe(before);
  });

  it('ends a daemon that left the group (setsid) as soon as the command ends', async () => {
    const cwd = tempDir();
    // It holds the output pipe open too, as a careless daemon does.
    const result = await runCommand('setsid sleep 30 & echo "daemon $!"', {
      cwd,
      timeoutMs: 30_000,
    });
    const daemon = pidAfter('daemon', result.output);
    strays.push(daemon);
    expect(result.exitCode).toBe(0);
    expect(isProcessAlive(daemon)).toBe(false);
  });

  it('rejects a timeout that is not a positive number', async () => {
    await expect(runCommand('true', { cwd: tempDir(), timeoutMs: 0 })).rejects.toThrow(
      'timeoutMs must be a positive number of milliseconds, got 0',
    );
  });
});
