// npx tsx bench/suite/run.ts [--runs 20] [--budget 60s] [--out bench/suite/results/runs.json]
//
// The same vitest bench suite (test/fixtures/suite/vitest-suite.ts: parse, render, encode)
// gated two ways, on A/A runs (head changes a README only) and on runs where head's parse does
// 30% more work, alternated so both see the same machine:
//
// - github-action-benchmark's rule: one run of the suite at base and one at head (here on the
//   same machine, one after the other, which favours it: in its usual use the previous result
//   comes from another run on another runner), an alert for a benchmark whose head value is at
//   least 200% of base's (its default alert-threshold; a time, so bigger is worse);
// - perfgate compare with the suite kind at --budget, seed = the run's number.
//
// Each run is appended to the output as it ends, so a run cut short keeps what it measured.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../../src/command-line/run.js';
import { vitest } from '../../src/kinds/suite/js-tools.js';
import type { Result } from '../../src/result.js';
import {
  BASE_PARSE,
  SLOWER_PARSE,
  suiteConfig,
  vitestSuite,
} from '../../test/fixtures/suite/vitest-suite.js';
import { createRepo } from '../../test/helpers/repo.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    budget: { type: 'string', default: '60s' },
    out: { type: 'string', default: join(ROOT, 'bench/suite/results/runs.json') },
  },
});
const RUNS = Number(args.runs);
const GAB_ALERT_RATIO = 2;

type Scenario = 'aa' | 'slower';
interface RunRecord {
  scenario: Scenario;
  run: number;
  loadBefore: number;
  gab: { ratios: Record<string, number>; alerts: string[] };
  perfgate: {
    exit: number;
    verdict: string;
    pairs: number;
    stoppedBy: string;
    seconds: number;
    statuses: Record<string, { status: string; change: number }>;
  };
}

const repo = createRepo('perfgate-bench-suite-');
symlinkSync(join(ROOT, 'node_modules'), join(repo.dir, 'node_modules'));
repo.commit('base', {
  'perfgate.yml': suiteConfig(args.budget),
  '.gitignore': 'bench-results.json\n',
  'math.bench.js': vitestSuite(BASE_PARSE),
});
repo.git('checkout', '-q', '-b', 'slower');
repo.commit('head: parse does 30% more work', { 'math.bench.js': vitestSuite(SLOWER_PARSE) });
repo.git('checkout', '-q', 'main');
repo.git('checkout', '-q', '-b', 'aa');
repo.commit('head: a readme', { 'README.md': 'The same suite.\n' });
repo.git('checkout', '-q', 'main');

/** One run of the suite at `ref`, as github-action-benchmark would record it. */
function oneRun(ref: string): Map<string, number> {
  const dir = join(tmpdir(), `perfgate-bench-suite-tree-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  repo.git('worktree', 'add', '-q', '--detach', dir, ref);
  try {
    const run = spawnSync(
      'node',
      [
        'node_modules/vitest/vitest.mjs',
        'bench',
        '--run',
        '--pool',
        'threads',
        '--outputJson',
        'bench-results.json',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`vitest at ${ref}: ${run.stderr}`);
    const entries = vitest(readFileSync(join(dir, 'bench-results.json'), 'utf8'));
    return new Map(entries.map((e) => [e.name, e.value]));
  } finally {
    repo.git('worktree', 'remove', '--force', dir);
  }
}

function githubActionBenchmark(branch: string): RunRecord['gab'] {
  const base = oneRun('main');
  const head = oneRun(branch);
  const ratios: Record<string, number> = {};
  for (const [name, value] of head) {
    const before = base.get(name);
    if (before !== undefined) ratios[name] = value / before;
  }
  const alerts = Object.keys(ratios).filter((n) => ratios[n]! >= GAB_ALERT_RATIO);
  return { ratios, alerts };
}

async function perfgate(branch: string, seed: number): Promise<RunRecord['perfgate']> {
  repo.git('checkout', '-q', branch);
  const json = join(repo.dir, '..', `perfgate-bench-suite-${process.pid}.json`);
  const started = Date.now();
  const exit = await runCli(['compare', '--base', 'main', '--seed', String(seed), '--json', json], {
    cwd: repo.dir,
    stdout: () => {},
    stderr: () => {},
    isTty: false,
    env: {},
  });
  const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
  rmSync(json, { force: true });
  repo.git('checkout', '-q', 'main');
  return {
    exit,
    verdict: result.verdict,
    pairs: result.sampling.pairs,
    stoppedBy: result.sampling.stoppedBy,
    seconds: (Date.now() - started) / 1000,
    statuses: Object.fromEntries(
      result.comparisons.map((c) => [c.target ?? c.key, { status: c.status, change: c.change }]),
    ),
  };
}

const records: RunRecord[] = [];
mkdirSync(dirname(args.out), { recursive: true });
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const scenario of ['aa', 'slower'] as const) {
      const loadBefore = loadavg()[0]!;
      const gab = githubActionBenchmark(scenario);
      const pg = await perfgate(scenario, run);
      records.push({ scenario, run, loadBefore, gab, perfgate: pg });
      writeFileSync(args.out, `${JSON.stringify(records, null, 1)}\n`);
      const regressed = Object.entries(pg.statuses)
        .filter(([, s]) => s.status === 'regressed')
        .map(([n]) => n);
      console.log(
        `${scenario} #${run}: load ${loadBefore.toFixed(1)}; github-action-benchmark alerts ` +
          `[${gab.alerts.join(', ')}] (parse ×${(gab.ratios['math.bench.js > parse'] ?? Number.NaN).toFixed(2)}); ` +
          `perfgate exit ${pg.exit}, ${pg.pairs} pairs, ${pg.seconds.toFixed(0)} s, regressed [${regressed.join(', ')}]`,
      );
    }
  }
} finally {
  repo.dispose();
}
