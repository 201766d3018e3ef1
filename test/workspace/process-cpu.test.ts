import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CpuSnapshot,
  cpuSource,
  cpuSpentNs,
  ProcessCpuError,
  processTree,
  startTreeCpu,
  treeCpuSnapshot,
} from '../../src/workspace/process-cpu.js';

// A child that starts a grandchild, then on SIGUSR2 burns a fixed amount of hashing in its main
// thread and as much again in a worker thread (what /proc/<pid>/schedstat alone misses), while
// the grandchild burns its own share. Each reports what getrusage (process.cpuUsage: all its
// threads) says it spent between the signal and the end of its work: the truth the tree's
// reading is checked against.
const TREE = String.raw`
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const role = process.argv[2];
const block = Buffer.alloc(16384, 1);
const burn = (n) => { let d = block; for (let i = 0; i < n; i++) d = createHash('sha256').update(block).update(d).digest(); return d; };
const UNITS = Number(process.env.BURN_UNITS);

if (!isMainThread) {
  parentPort.on('message', () => { burn(UNITS); parentPort.postMessage('done'); });
} else {
  let worker;
  if (role === 'child') {
    spawn(process.execPath, [process.argv[1], 'grandchild'], { stdio: ['ignore', 'inherit', 'inherit'] });
    worker = new Worker(new URL(import.meta.url));
    await new Promise((resolve) => worker.once('online', resolve));
  }
  process.on('SIGUSR2', async () => {
    const start = process.cpuUsage();
    burn(UNITS);
    if (worker) {
      worker.postMessage('go');
      await new Promise((resolve) => worker.once('message', resolve));
    }
    const spent = process.cpuUsage(start);
    process.stdout.write('done ' + role + ' ' + (spent.user + spent.system) + '\n');
  });
  process.stdout.write('ready ' + role + ' ' + process.pid + '\n');
  setInterval(() => {}, 1 << 30);
}
`;

/** Hash rounds per burn: ~100 ms of one core on the CI machine (23 µs each), 4 burns in all. */
const BURN_UNITS = 4000;

interface Tree {
  child: ChildProcess;
  pids: Record<'child' | 'grandchild', number>;
  /** Resolves with each process's own CPU time (ns) for the burn, once both are done. */
  burned(): Promise<Record<'child' | 'grandchild', number>>;
}

let script: string;
let dir: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfgate-cpu-'));
  script = join(dir, 'tree.mjs');
  writeFileSync(script, TREE);
  return () => rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function startTree(): Promise<Tree> {
  const child = spawn(process.execPath, [script, 'child'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BURN_UNITS: String(BURN_UNITS) },
  });
  started.push(child);
  let out = '';
  const lines = new Set<(text: string) => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    out += text;
    for (const check of lines) check(out);
  });
  const until = <T>(match: (text: string) => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tree output so far: ${out}`)), 30_000);
      const check = (text: string) => {
        const found = match(text);
        if (found === undefined) return;
        clearTimeout(timer);
        lines.delete(check);
        resolve(found);
      };
      lines.add(check);
      check(out);
    });
  const pids = await until((text) => {
    const c = /ready child (\d+)/.exec(text);
    const g = /ready grandchild (\d+)/.exec(text);
    return c && g ? { child: Number(c[1]), grandchild: Number(g[1]) } : undefined;
  });
  return {
    child,
    pids,
    burned: () =>
      until((text) => {
        const c = /done child (\d+)/.exec(text);
        const g = /done grandchild (\d+)/.exec(text);
        // process.cpuUsage is in µs.
        return c && g ? { child: Number(c[1]) * 1e3, grandchild: Number(g[1]) * 1e3 } : undefined;
      }),
  };
}

/** The parent's own CPU, spent while the tree burns: a reading that counted it would show. */
function burnHere(ms: number): void {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(i + x);
    const spent = process.cpuUsage(start);
    if (spent.user + spent.system >= ms * 1e3) break;
  }
  expect(Number.isFinite(x)).toBe(true);
}

describe('processTree', () => {
  it('holds the root and its grandchildren, not the process that started them', async () => {
    const tree = await startTree();
    const pids = processTree(tree.pids.child);
    expect(pids[0]).toBe(tree.pids.child);
    expect(pids).toContain(tree.pids.grandchild);
    expect(pids).not.toContain(process.pid);
    expect(pids).toHaveLength(2);
  });

  it('throws ProcessCpuError naming a pid that is not running', async () => {
    const tree = await startTree();
    process.kill(-tree.child.pid!, 'SIGKILL');
    await new Promise((resolve) => tree.child.once('exit', resolve));
    // Reaped by this process (its parent) on exit: no /proc entry is left.
    const err = (() => {
      try {
        return processTree(tree.pids.child);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProcessCpuError);
    expect(err).toMatchObject({ pid: tree.pids.child });
    expect((err as Error).message).toBe(
      `process ${tree.pids.child} is not running (no /proc/${tree.pids.child}/stat)`,
    );
    expect(() => processTree(0)).toThrow('root pid must be a positive integer, got 0');
  });
});

describe('the CPU time of a process tree', () => {
  it('is available on this machine from schedstat', () => {
    // The CI machine is Linux with schedstat; the stat fallback is tested below on its own.
    expect(cpuSource()).toBe('schedstat');
  });

  for (const source of ['schedstat', 'stat'] as const) {
    it(`matches what the tree's processes spent, threads and grandchildren included (${source})`, async () => {
      const tree = await startTree();
      const spent = startTreeCpu(tree.pids.child, source);
      const burned = tree.burned();
      process.kill(-tree.child.pid!, 'SIGUSR2');
      burnHere(300);
      const truth = await burned;
      const measured = spent();
      const expected = truth.child + truth.grandchild;
      // Four burns of ~100 ms each on the CI machine; at least the worker's share must be there.
      expect(expected).toBeGreaterThan(100e6);
      // Slack: the signal's handling and the 'done' lines fall outside getrusage's interval but
      // inside the tree's, and stat counts whole 10 ms ticks per thread.
      const slack = 0.1 * expected + (source === 'stat' ? 60e6 : 30e6);
      expect(measured).toBeGreaterThan(expected - slack);
      // The parent's 300 ms would push the reading far above this.
      expect(measured).toBeLessThan(expected + slack);
    });
  }

  it('counts per thread: an ended thread takes only its own time, a reused id counts whole', () => {
    const snap = (tasks: Array<[number, number]>): CpuSnapshot => ({
      source: 'schedstat',
      tasks: new Map(tasks),
    });
    const before = snap([
      [10, 1_000],
      [11, 5_000],
      [12, 9_000],
    ]);
    // 10 ran 500 ns; 11 ended; 12 is a new thread under a reused id (less than before); 13 is new.
    const after = snap([
      [10, 1_500],
      [12, 200],
      [13, 700],
    ]);
    expect(cpuSpentNs(before, after)).toBe(500 + 200 + 700);
    expect(cpuSpentNs(before, before)).toBe(0);
    expect(() => cpuSpentNs(before, { ...after, source: 'stat' })).toThrow(
      'snapshots must come from the same source, got schedstat and stat',
    );
  });

  it('reads every live thread of the root', () => {
    const snapshot = treeCpuSnapshot(process.pid);
    // This process is a node process: several threads (V8 platform, libuv), all counted.
    expect(snapshot.tasks.size).toBeGreaterThan(1);
    expect(snapshot.tasks.has(process.pid)).toBe(true);
    for (const ns of snapshot.tasks.values()) expect(ns).toBeGreaterThanOrEqual(0);
  });
});
