// The command kind's CPU time and peak memory, checked against what the measured processes say
// of themselves: a Node.js child writes its own process.cpuUsage() and resourceUsage().maxRSS
// at its end, and the probe's figures must agree (they also hold the shell's share and the
// ticks' rounding).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandProbe } from '../../../src/kinds/command/probe.js';
import { cpuFromStat, USAGE_SUPPORTED } from '../../../src/kinds/command/usage.js';
import type { CommandBenchmarkConfig, Side, Tree } from '../../../src/model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-command-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tree = (side: Side): Tree => ({ side, ref: side, sha: side.repeat(5), dir });
const trees = { base: tree('base'), head: tree('head') };

const bench = (run: string): CommandBenchmarkConfig => ({
  name: 'work',
  type: 'command',
  run,
  cwd: '.',
  env: {},
  timeoutMs: 60_000,
});

/** A Node.js process that burns CPU for `ms`, touches `mb` MB, and writes what it used. */
const selfReporting = (ms: number, mb: number, out: string) =>
  `node -e "const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x++;` +
  ` const b = Buffer.alloc(${mb} * 1e6, 1); setTimeout(() => {` +
  ` const cpu = process.cpuUsage(); require('fs').writeFileSync('${out}', JSON.stringify({` +
  ` user: cpu.user / 1e3, system: cpu.system / 1e3, maxRss: process.resourceUsage().maxRSS * 1024, b: b.length }));` +
  ' }, 300);"';

describe('the command kind on Linux', () => {
  it('runs where /proc has the figures (this machine)', () => {
    expect(USAGE_SUPPORTED).toBe(true);
  });

  it("user CPU time and peak memory agree with the process's own account", async () => {
    const probe = createCommandProbe(bench(selfReporting(400, 150, 'self.json')), trees);
    const observed = await probe.measure('base', 0);
    const self = JSON.parse(readFileSync(path.join(dir, 'self.json'), 'utf8')) as {
      user: number;
      system: number;
      maxRss: number;
    };
    const user = observed['work/user']!;
    const system = observed['work/system']!;
    const rss = observed['work/max-rss']!;
    // The shell's and Node's exit add a little; the ticks round to ±10 ms.
    expect(user).toBeGreaterThanOrEqual(self.user - 10);
    expect(user).toBeLessThan(self.user + 150);
    expect(system).toBeGreaterThanOrEqual(self.system - 10);
    expect(system).toBeLessThan(self.system + 150);
    // VmHWM only grows, and the process lives ≥ 300 ms after its peak: it is seen at it.
    expect(rss).toBeGreaterThanOrEqual(self.maxRss * 0.98);
    expect(rss).toBeLessThan(self.maxRss * 1.2);
    expect(rss).toBeGreaterThan(150e6);
    // CPU time is not wall time: the 300 ms of waiting count in wall only.
    expect(observed['work/wall']!).toBeGreaterThan(user + 250);
    await probe.dispose?.();
  });

  it('counts the CPU of every process the command waited for, and of none it did not run', async () => {
    const probe = createCommandProbe(
      bench(`${selfReporting(300, 10, 'a.json')} & ${selfReporting(300, 10, 'b.json')} & wait`),
      trees,
    );
    const observed = await probe.measure('head', 0);
    const a = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8')) as { user: number };
    const b = JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')) as { user: number };
    expect(observed['work/user']!).toBeGreaterThanOrEqual(a.user + b.user - 20);
    const idle = await createCommandProbe(bench('sleep 0.3'), trees).measure('base', 0);
    expect(idle['work/user']!).toBeLessThan(60);
    expect(idle['work/wall']!).toBeGreaterThanOrEqual(300);
  });

  it('keeps the exit status and the signal of the command', async () => {
    const exited = await createCommandProbe(bench('exit 7'), trees)
      .measure('base', 0)
      .catch((e: unknown) => e);
    expect(exited).toMatchObject({ reason: 'exit', exitCode: 7, command: 'exit 7' });
    expect((exited as Error).message).toContain('`exit 7` exited with code 7');
    const killed = await createCommandProbe(bench('kill -TERM $$'), trees)
      .measure('base', 0)
      .catch((e: unknown) => e);
    expect(killed).toMatchObject({ reason: 'signal', signal: 'SIGTERM' });
  });

  it('reads the shell and its children from a /proc stat line (proc(5) fields 14–17)', () => {
    const stat =
      '4242 (sh (odd) name) S 1 4242 4242 0 -1 4194560 100 200 0 0 3 1 250 40 20 0 1 0 5 0 0';
    expect(cpuFromStat(stat)).toEqual({
      userMs: (3 + 250 + 0.5) * 10,
      systemMs: (1 + 40 + 0.5) * 10,
    });
    expect(() => cpuFromStat('7 (x) S 1 2')).toThrow(/unexpected \/proc stat line/);
  });
});
