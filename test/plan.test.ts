// The plan step on a real repository: refs resolved once, a stored base judged once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import type { StoredBase } from '../src/history/bundle-baseline.js';
import { planRun, type StoredBaseLookUp } from '../src/plan.js';
import { createRepo, type TestRepo } from './helpers/repo.js';

const BUNDLE = parseConfig("benchmarks:\n  - { name: web, type: bundle, files: ['dist/*.js'] }\n");
const TIMED = parseConfig(
  "benchmarks:\n  - { name: web, type: bundle, files: ['dist/*.js'] }\n  - { name: noop, type: command, run: 'true' }\n",
);

let repo: TestRepo;
let baseSha: string;
let headSha: string;
beforeAll(() => {
  repo = createRepo('perfgate-plan-');
  baseSha = repo.commit('base', { 'a.txt': '1' });
  repo.git('checkout', '-q', '-b', 'feature');
  headSha = repo.commit('head', { 'a.txt': '2' });
});
afterAll(() => repo?.dispose());

const stored = (sha: string): StoredBase => ({
  sha,
  source: 'the test',
  bundles: { web: { benchmark: 'web', sha, side: 'base', files: [] } } as never,
  known: [],
});

/** A look-up that records the merge-bases it was asked for. */
function lookUp(onlyWhereUsable: boolean, found: StoredBase | undefined, asked: string[]) {
  const source: StoredBaseLookUp = {
    onlyWhereUsable,
    find: async (mergeBase) => {
      asked.push(mergeBase);
      return found ? { storedBase: found, notes: [] } : { notes: ['nothing stored'] };
    },
  };
  return source;
}

describe('planRun', () => {
  it('resolves base, merge-base and head, and names the base by its label', async () => {
    const plan = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'compare',
      base: baseSha,
      baseLabel: 'main',
      head: 'feature',
      notes: ['first'],
    });
    expect(plan.refs).toStrictEqual({
      base: { ref: baseSha, sha: baseSha },
      mergeBase: baseSha,
      head: { ref: 'feature', sha: headSha },
    });
    expect(plan.baseName).toBe('main');
    expect(plan.notes).toStrictEqual(['first']);
    expect(plan.storedBase).toBeUndefined();
  });

  it('measures record`s head against itself', async () => {
    const plan = await planRun({ cwd: repo.dir, config: BUNDLE, mode: 'record', head: 'main' });
    expect(plan.refs.mergeBase).toBe(baseSha);
    expect(plan.refs.head.sha).toBe(baseSha);
    expect(plan.baseName).toBe('main');
  });

  it('looks a stored base up for the merge-base and uses it when it fits', async () => {
    const asked: string[] = [];
    const plan = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'compare',
      base: 'main',
      storedBase: lookUp(true, stored(baseSha), asked),
    });
    expect(asked).toStrictEqual([baseSha]);
    expect(plan.storedBase?.sha).toBe(baseSha);
    expect(plan.notes).toStrictEqual([
      `Bundle sizes of the merge-base ${baseSha.slice(0, 12)} come from the stored baseline the test; the base was not built or measured again (sizes are deterministic).`,
    ]);
  });

  it('passes the look-up`s notes on when nothing is stored', async () => {
    const plan = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'compare',
      base: 'main',
      storedBase: lookUp(true, undefined, []),
    });
    expect(plan.storedBase).toBeUndefined();
    expect(plan.notes).toStrictEqual(['nothing stored']);
  });

  it('does not look where no stored base could be used (baseline: auto), silently', async () => {
    const asked: string[] = [];
    const plan = await planRun({
      cwd: repo.dir,
      config: TIMED,
      mode: 'compare',
      base: 'main',
      storedBase: lookUp(true, stored(baseSha), asked),
    });
    expect(asked).toStrictEqual([]);
    expect(plan.notes).toStrictEqual([]);
    expect(plan.storedBase).toBeUndefined();
  });

  it('reads a file named on purpose and says why it is not used', async () => {
    const plan = await planRun({
      cwd: repo.dir,
      config: TIMED,
      mode: 'compare',
      base: 'main',
      storedBase: lookUp(false, stored(baseSha), []),
    });
    expect(plan.storedBase).toBeUndefined();
    expect(plan.notes).toStrictEqual([
      'Stored baseline the test not used: benchmark "noop" (command) is timed, and timings are compared only with a base measured in the same job; the base was built and measured in this job.',
    ]);
  });

  it('refuses a stored base of another commit, or without a benchmark`s snapshot', async () => {
    const other = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'compare',
      base: 'main',
      storedBase: stored(headSha),
    });
    expect(other.notes).toStrictEqual([
      `Stored baseline the test not used: it is of ${headSha.slice(0, 12)}, but the merge-base is ${baseSha.slice(0, 12)}; the base was built and measured in this job.`,
    ]);
    const empty = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'compare',
      base: 'main',
      storedBase: { ...stored(baseSha), bundles: {} },
    });
    expect(empty.notes).toStrictEqual([
      'Stored baseline the test not used: it has no snapshot of benchmark "web"; the base was built and measured in this job.',
    ]);
    const record = await planRun({
      cwd: repo.dir,
      config: BUNDLE,
      mode: 'record',
      storedBase: stored(baseSha),
    });
    expect(record.notes).toStrictEqual([
      'Stored baseline the test not used: mode record measures one commit; the base was built and measured in this job.',
    ]);
  });
});
