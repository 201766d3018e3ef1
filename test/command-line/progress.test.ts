// The `perfgate` command's live progress, run from source as a user runs it on a real git
// repository: under a pseudo-terminal (util-linux `script`) one block is redrawn in place and
// shows a current estimate with its CI before the report; through pipes there are no escape
// codes and one line per look; in a GitHub Actions log the build's output is folded in a group.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlockState, blockLines } from '../../src/command-line/progress-display.js';
import type { Result } from '../../src/result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const TSX = resolve('node_modules/.bin/tsx');
const CLI = resolve('src/cli.ts');

// An A/A run of a short command: its wall time stays undecided for some looks (the CI is wider
// than ±δ at first), and futility is off so that the run goes on to show them.
const CONFIG = `build: echo "building the app"; echo "::warning::from the PR's build"
gate:
  time-budget: 10s
  futility: false
  threshold: 3%
benchmarks:
  - name: task
    type: command
    run: cat input.txt
`;

let repo: TestRepo;
beforeAll(() => {
  repo = createRepo('perfgate-progress-');
  repo.commit('base', { 'perfgate.yml': CONFIG, 'input.txt': 'same input\n' });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('head', { 'README.md': 'same code\n' });
});
afterAll(() => repo?.dispose());

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: repo.dir,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', CI: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const perfgateArgs = (json: string) => [
  CLI,
  'compare',
  '--base',
  'main',
  '--json',
  json,
  '--no-color',
];
const looksOf = (json: string) => (JSON.parse(readFileSync(json, 'utf8')) as Result).sampling.looks;

describe('live progress', { timeout: 180_000 }, () => {
  it('under a pseudo-terminal, redraws one block with an estimate and its CI, cleared before the report', async () => {
    const json = join(repo.dir, '.git', 'tty.json');
    const command = [TSX, ...perfgateArgs(json)].map((a) => `'${a}'`).join(' ');
    const ran = await run('script', ['-qfec', command, '/dev/null'], {});
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const out = ran.stdout;
    const report = out.indexOf('perfgate · base');
    expect(report).toBeGreaterThan(0);
    const live = out.slice(0, report);
    // The block is redrawn (log-update erases the lines it wrote), not appended line by line.
    const frames = live.split('sampling · ').length - 1;
    expect(frames).toBeGreaterThan(3);
    expect(live).toContain('\x1b[2K');
    expect(live).toMatch(/sampling · \d+ pairs · \d:\d\d \/ 0:10 · next look at \d+ pairs/);
    // A metric still undecided, with its change and CI, while the run goes on.
    // (which metrics are nearest a call depends on this machine's noise: any of the command's)
    const pct = '[+−]?[\\d.,]+%';
    expect(live).toMatch(new RegExp(`\\n {2}task [a-z-]+ ${pct} \\[${pct}, ${pct}\\]`));
    expect(live).toMatch(/building (head|base) · \d:\d\d/);
    // The last frame is erased before the report: no block line between the last erase and it.
    const lastErase = live.lastIndexOf('\x1b[2K');
    expect(live.slice(lastErase)).not.toContain('sampling · ');
    // One line per message, never one per pair.
    expect(live.split('Building both trees').length - 1).toBe(1);
    expect(looksOf(json).length).toBeGreaterThanOrEqual(1);
  });

  it('through pipes: no escape codes and one line per look; in Actions the build is folded', async () => {
    const json = join(repo.dir, '.git', 'pipe.json');
    const ran = await run(TSX, perfgateArgs(json), { GITHUB_ACTIONS: 'true' });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr + ran.stdout).not.toContain('\x1b');
    const lines = ran.stderr.split('\n');
    const lookLines = lines.filter((l) => / look at \d+ pairs/.test(l));
    expect(lookLines).toHaveLength(looksOf(json).length);
    expect(lines.filter((l) => /^\d+ pairs?, \d+ s of/.test(l))).toEqual(lookLines);
    // Each build's output folded in its group, with the PR's workflow commands stopped.
    for (const side of ['head', 'base']) {
      const start = lines.findIndex((l) => l.startsWith(`::group::Build of ${side} (`));
      expect(start, ran.stderr).toBeGreaterThanOrEqual(0);
      const stop = lines[start + 1]!.match(/^::stop-commands::([0-9a-f-]{36})$/);
      expect(stop).not.toBeNull();
      expect(lines.slice(start + 2, start + 4)).toEqual([
        'building the app',
        "::warning::from the PR's build",
      ]);
      expect(lines.slice(start + 4, start + 6)).toEqual([`::${stop![1]}::`, '::endgroup::']);
    }
  });
});

describe('blockLines', () => {
  it('says the phase and the clock before sampling, then pairs, budget, next look and metrics', () => {
    const building: BlockState = { phase: 'building base', sampledAt: 0 };
    expect(blockLines(building, 12_500, 0)).toEqual(['building base · 0:12']);
    expect(blockLines({ phase: 'profiling', sampledAt: 0 }, 83_000, 0)).toEqual([
      'profiling · 1:23',
    ]);
    const spec = {
      key: 'api/GET /work/p50',
      benchmark: 'api',
      target: 'GET /work',
      metric: 'p50',
      unit: 'ms',
      better: 'lower' as const,
      scale: 'ratio' as const,
    };
    const look = {
      pairs: 6,
      alpha: 0.002,
      final: false,
      looksLeft: 2,
      statuses: [{ key: spec.key, status: 'inconclusive' as const }],
      estimates: [
        {
          spec,
          change: 0.31,
          ci: [0.18, 0.44] as [number, number],
          status: 'inconclusive' as const,
          threshold: 0.05,
        },
      ],
    };
    const sampling: BlockState = {
      phase: 'sampling',
      sampledAt: 40_000,
      sampled: { pairs: 7, elapsedMs: 43_000, budgetMs: 120_000, plannedPairs: 20, nextLook: 9 },
      look,
    };
    // The clock moves on between events: 3 s after the event, 46 s of the budget are gone.
    expect(blockLines(sampling, 43_000, 0)).toEqual([
      'sampling · 7 pairs · 0:46 / 2:00 · next look at 9 pairs, 2 looks left · 0/1 decided',
      '  api GET /work p50 +31.0% [+18.0%, +44.0%]',
    ]);
  });
});
