import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandProbeError, createCommandProbe } from '../../../src/kinds/command/probe.js';
import { ProbeError } from '../../../src/kinds/types.js';
import type { CommandBenchmarkConfig, Side, Tree } from '../../../src/model.js';

let root: string;
let trees: Record<Side, Tree>;

// Two real trees whose `delay` file differs, so the same command is slower on head.
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'perfgate-command-probe-'));
  const tree = (side: Side, delay: string): Tree => {
    const dir = path.join(root, side);
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'delay'), delay);
    return { side, ref: side, sha: side === 'base' ? 'aaaaaaa' : 'bbbbbbb', dir };
  };
  trees = { base: tree('base', '0.05'), head: tree('head', '0.25') };
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const bench = (fields: Partial<CommandBenchmarkConfig> = {}): CommandBenchmarkConfig => ({
  name: 'startup',
  type: 'command',
  run: 'sleep "$(cat delay)"',
  cwd: '.',
  env: {},
  timeoutMs: 10_000,
  ...fields,
});

/** Exists and has not finished (a zombie has: orphans are not reaped on this machine). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

describe('createCommandProbe', () => {
  it('reports wall time, and (Linux) user and system CPU time and peak memory', () => {
    const probe = createCommandProbe(bench(), trees);
    expect(probe.benchmark).toBe('startup');
    const spec = (metric: string, unit: string) => ({
      key: `startup/${metric}`,
      benchmark: 'startup',
      metric,
      unit,
      better: 'lower',
      scale: 'ratio',
    });
    expect(probe.specs).toEqual([
      spec('wall', 'ms'),
      spec('user', 'ms'),
      spec('system', 'ms'),
      spec('max-rss', 'bytes'),
    ]);
    expect(createCommandProbe(bench(), trees, { usage: false }).specs).toEqual([
      spec('wall', 'ms'),
    ]);
  });

  it("times the command in each side's tree", async () => {
    const probe = createCommandProbe(bench(), trees);
    const wall = async (side: Side) => (await probe.measure(side, 0))['startup/wall']!;
    // `sleep` bounds each run from below; the best of three base runs bounds the overhead of
    // spawning a shell (and the subshell that resource usage is read around) from above, with
    // room for a machine shared with other test files.
    const b = [await wall('base'), await wall('base'), await wall('base')];
    const h = await wall('head');
    expect(Math.min(...b)).toBeGreaterThanOrEqual(50);
    expect(Math.min(...b)).toBeLessThan(250);
    expect(h).toBeGreaterThanOrEqual(250);
    expect([...b, h].some((v) => !Number.isInteger(v))).toBe(true);
    await probe.dispose!();
  });

  it('runs in the configured subdirectory with the configured environment', async () => {
    const probe = createCommandProbe(
      bench({
        cwd: 'sub',
        env: { PERFGATE_PROBE_MARK: 'yes' },
        run: 'test "$PERFGATE_PROBE_MARK" = yes || exit 9; pwd; echo "to stderr" >&2; exit 4',
      }),
      trees,
    );
    const err = await probe.measure('head', 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandProbeError);
    expect(err).toBeInstanceOf(ProbeError);
    const dir = path.join(root, 'head', 'sub');
    expect(err).toMatchObject({
      name: 'CommandProbeError',
      benchmark: 'startup',
      side: 'head',
      reason: 'exit',
      exitCode: 4,
      cwd: dir,
    });
    const e = err as CommandProbeError;
    expect(e.output).toContain(dir);
    expect(e.output).toContain('to stderr');
    expect(e.message).toContain('benchmark "startup", head side:');
    expect(e.message).toContain('exited with code 4');
    expect(e.message).toMatch(/Last output:\n[\s\S]*to stderr/);
  });

  it('stops a command that outlives its timeout, with everything it started', async () => {
    const probe = createCommandProbe(
      bench({ run: 'sleep 30 & echo $! > bg.pid; echo waiting; wait', timeoutMs: 200 }),
      trees,
    );
    const started = performance.now();
    const err = await probe.measure('base', 0).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(err).toMatchObject({ name: 'CommandProbeError', reason: 'timeout', side: 'base' });
    expect((err as Error).message).toContain('did not finish within 200 ms');
    expect((err as CommandProbeError).output).toContain('waiting');
    const pid = Number(readFileSync(path.join(root, 'base', 'bg.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('ends what a successful command left running', async () => {
    const probe = createCommandProbe(bench({ run: 'sleep 30 & echo $! > left.pid' }), trees);
    const obs = await probe.measure('head', 0);
    expect(obs['startup/wall']).toBeLessThan(1000);
    const pid = Number(readFileSync(path.join(root, 'head', 'left.pid'), 'utf8'));
    expect(alive(pid)).toBe(false);
  });

  it('names the directory when the command cannot start there', async () => {
    const probe = createCommandProbe(bench({ cwd: 'missing' }), trees);
    const err = await probe.measure('base', 0).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'CommandProbeError', reason: 'spawn', side: 'base' });
    expect((err as Error).message).toContain(path.join(root, 'base', 'missing'));
  });

  it('dispose stops a run in flight', async () => {
    const probe = createCommandProbe(bench({ run: 'sleep 30' }), trees);
    const started = performance.now();
    const pending = probe.measure('base', 0).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await probe.dispose!();
    expect(((await pending) as Error).message).toMatch(/probe disposed/);
    expect(performance.now() - started).toBeLessThan(3000);
    await expect(probe.measure('base', 1)).rejects.toThrow(/already disposed/);
  });
});
