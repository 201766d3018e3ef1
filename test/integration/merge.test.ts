// A CI matrix by hand: one repository with two command benchmarks, measured as two shards by the
// real command line (`perfgate collect --shard i/2`, each its own run of the pipeline, as each job
// of a matrix would), then `perfgate merge` of the two result files. Head makes `grows` do eight
// times the work; `steady` is the same on both sides. The split puts `steady` in shard 1 and
// `grows` in shard 2 (by the hash of their names; asserted below). A shard of another head commit
// is refused.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const work = (rounds: string) => `let s = 0;
for (let i = 0; i < ${rounds}; i++) s += (i * i) % 7;
if (s < 0) console.log(s);
`;
const CONFIG = `benchmarks:
  - { name: steady, type: command, run: node steady.js }
  - { name: grows, type: command, run: node grows.js }
gate:
  time-budget: 30s
  # Sample until every metric is resolved or the budget ends, not only to the first call: a
  # shard that stops at its first look's call has a p-value just under that look's level over
  # its own 4 metrics, which the merge's correction over both shards' 8 rightly undoes.
  early-stop: resolved
`;
/** Three shard runs of at most 30 s of sampling each, a warm-up, and room for a loaded machine. */
const TIMEOUT_MS = 240_000;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  repo = createRepo('perfgate-merge-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-merge-out-'));
  repo.commit('base', {
    'perfgate.yml': CONFIG,
    'steady.js': work('1_000_000'),
    'grows.js': work('1_000_000'),
  });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('head: grows does eight times the work', { 'grows.js': work('8_000_000') });
  repo.git('checkout', '-q', 'main');
  repo.git('checkout', '-q', '-b', 'docs');
  repo.commit('head: a readme only', { 'README.md': 'Nothing to measure here.\n' });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

const perfgate = (args: string[]) => runPerfgate(args, repo.dir);

/** One job of the matrix: shard `i` of 2 on `branch`, its result JSON read back. */
async function shard(i: number, branch: string): Promise<{ file: string; result: Result }> {
  repo.git('checkout', '-q', branch);
  const file = join(out, `${branch}-${i}.json`);
  const run = await perfgate(['collect', '--base', 'main', '--shard', `${i}/2`, '--json', file]);
  expect(existsSync(file), `exit ${run.code}: ${run.stderr}`).toBe(true);
  return { file, result: JSON.parse(readFileSync(file, 'utf8')) as Result };
}

describe('perfgate merge of two shards', () => {
  let one: { file: string; result: Result };
  let two: { file: string; result: Result };

  it(
    'measures each shard`s own benchmark, and the merge holds both and exits 1 on the regression',
    async () => {
      one = await shard(1, 'feature');
      two = await shard(2, 'feature');
      expect(one.result.shard).toMatchObject({ index: 1, count: 2, targets: ['steady'] });
      expect(two.result.shard).toMatchObject({ index: 2, count: 2, targets: ['grows'] });
      expect(one.result.shard!.config).toBe(two.result.shard!.config);
      expect(new Set(one.result.comparisons.map((c) => c.benchmark))).toEqual(new Set(['steady']));
      expect(new Set(two.result.comparisons.map((c) => c.benchmark))).toEqual(new Set(['grows']));
      const why = JSON.stringify(
        two.result.comparisons.map((c) => [c.key, c.status, c.change, c.ci, c.adjustedPValue]),
      );
      expect(
        two.result.comparisons.find((c) => c.key === 'grows/user')?.status,
        `shard 2: ${why}`,
      ).toBe('regressed');

      const merged = join(out, 'merged.json');
      const markdown = join(out, 'merged.md');
      const run = await perfgate([
        'merge',
        one.file,
        two.file,
        '--json',
        merged,
        '--markdown',
        markdown,
      ]);
      expect(run.code, run.stderr).toBe(1);
      const result = JSON.parse(readFileSync(merged, 'utf8')) as Result;
      expect(result.mode).toBe('merge');
      expect(result.verdict).toBe('fail');
      expect(result.head.sha).toBe(one.result.head.sha);
      expect(result.comparisons.map((c) => c.key).toSorted()).toEqual(
        [...one.result.comparisons, ...two.result.comparisons].map((c) => c.key).toSorted(),
      );
      const tested = result.comparisons.filter((c) => c.pValue !== null).length;
      expect(result.notes[0]).toMatch(
        new RegExp(
          `^The correction across metrics was redone over all ${tested} tested metrics of the 2 shards`,
        ),
      );
      expect(result.comparisons.find((c) => c.key === 'grows/user')!.status).toBe('regressed');
      expect(readFileSync(markdown, 'utf8')).toMatch(/grows/);
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a shard of another head commit with exit 2',
    async () => {
      const other = await shard(1, 'docs');
      const run = await perfgate(['merge', other.file, two.file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /the shards measured different head commits: .*docs-1\.json has [0-9a-f]{40}, .*feature-2\.json has [0-9a-f]{40}/,
      );
      expect(run.stdout).toBe('');
    },
    TIMEOUT_MS,
  );
});
