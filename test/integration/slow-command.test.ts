// A slow command, as a user gates it: a perfgate.yml with the command and a time budget, a base
// commit on main and a head commit on a branch, and `perfgate compare`. The command is CPU-bound
// work of about 5 s (test/fixtures/slow/work.js), so the 90 s budget holds a warm-up pair and at
// most 6 measured pairs: the run has to decide at the time-planned looks (4, 5, then the last),
// where only the order-adjusted t can reach the level (issue #20).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const WORK = readFileSync(new URL('../fixtures/slow/work.js', import.meta.url), 'utf8');
const BASE_ROUNDS = '2_750_000_000';
/** 25% more rounds, written with as many characters: head's file differs in one constant. */
const HEAD_ROUNDS = '3_437_500_000';
const CONFIG = `benchmarks:
  - name: crunch
    type: command
    run: node work.js
gate:
  time-budget: 90s
`;
/** The budget, a warm-up pair, the builds (none) and room for a loaded machine. */
const TIMEOUT_MS = 150_000;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  expect(WORK).toContain(`const ROUNDS = ${BASE_ROUNDS};`);
  expect(HEAD_ROUNDS.length).toBe(BASE_ROUNDS.length);
  repo = createRepo('perfgate-slow-command-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-slow-command-out-'));
  repo.commit('base: the work', { 'perfgate.yml': CONFIG, 'work.js': WORK });
  repo.git('checkout', '-q', '-b', 'more-work');
  repo.commit('head: 25% more rounds', {
    'work.js': WORK.replace(BASE_ROUNDS, HEAD_ROUNDS),
  });
  repo.git('checkout', '-q', 'main');
  repo.git('checkout', '-q', '-b', 'docs-only');
  repo.commit('head: a readme, the same work', { 'README.md': 'How the work is done.\n' });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** `perfgate compare --base main` on `branch`, as a user runs it in a checkout of the PR. */
async function compare(branch: string) {
  repo.git('checkout', '-q', branch);
  const json = join(out, `${branch}.json`);
  const { code, stdout, stderr } = await runPerfgate(
    ['compare', '--base', 'main', '--json', json],
    repo.dir,
  );
  expect(existsSync(json), `exit ${code}: ${stderr}`).toBe(true);
  const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
  const wall = result.comparisons.find((c) => c.key === 'crunch/wall');
  // Everything a failure needs to be diagnosed without a rerun: the plan, the looks, the test.
  const why = JSON.stringify(
    {
      code,
      verdict: result.verdict,
      sampling: result.sampling,
      wall: wall && {
        status: wall.status,
        change: wall.change,
        ci: wall.ci,
        pValue: wall.pValue,
        adjustedPValue: wall.adjustedPValue,
        mde: wall.mde,
        samples: wall.samples,
      },
      others: result.comparisons
        .filter((c) => c.key !== 'crunch/wall')
        .map((c) => ({
          key: c.key,
          status: c.status,
          change: c.change,
          pValue: c.pValue,
          adjustedPValue: c.adjustedPValue,
        })),
      notes: result.notes,
      stderr,
    },
    null,
    1,
  );
  return { code, result, wall, why, stdout };
}

describe('a command of about 5 s in a 90 s budget', () => {
  it(
    'head doing 25% more work fails the gate with the command regressed, in at most 6 pairs',
    async () => {
      const { code, result, wall, why, stdout } = await compare('more-work');
      expect(code, why).toBe(1);
      expect(result.verdict, why).toBe('fail');
      // The run stops at the first look that calls a regression (gate.early-stop's default). At
      // 4 pairs the t on 2 degrees of freedom puts wall's p near that look's level, so which of
      // wall and user CPU time (equally slowed) is called there is the noise's choice: either is
      // the command regressed; sys CPU time and max RSS are not slowed and must not be called.
      const called = result.comparisons.filter((c) => c.status === 'regressed').map((c) => c.key);
      expect(called.length, why).toBeGreaterThan(0);
      expect(
        called.every((k) => k === 'crunch/wall' || k === 'crunch/user'),
        why,
      ).toBe(true);
      expect(wall?.status, why).not.toBe('improved');
      expect(result.sampling.pairs, why).toBeLessThanOrEqual(6);
      // The estimate is the change in work, not an artefact of the test: +25% on about 5 s.
      expect(wall!.change, why).toBeGreaterThan(0.1);
      expect(wall!.change, why).toBeLessThan(0.45);
      expect(wall!.base.median, why).toBeGreaterThan(3_000);
      // wall, and with it the user CPU time the command kind also reports (issue 15).
      expect(stdout).toMatch(/FAIL\s+\d+ regressions?/);
    },
    TIMEOUT_MS,
  );

  it(
    'head doing the same work passes, with nothing regressed',
    async () => {
      const { code, result, wall, why } = await compare('docs-only');
      expect(code, why).toBe(0);
      expect(result.verdict, why).not.toBe('fail');
      expect(wall?.status, why).not.toBe('regressed');
      expect(
        result.comparisons.filter((c) => c.status === 'regressed'),
        why,
      ).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
