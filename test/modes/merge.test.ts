// `perfgate merge`: shard results joined into one, the correction across metrics redone over all
// of them, one verdict; shards that do not belong together refused with exit 2, a shard whose
// numbers contradict themselves with exit 3. The shards are built by the real analysis from
// their pairs (merge-fixture.ts); the merge runs through the CLI's entry.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeShards } from '../../src/modes/merge.js';
import { serializeResult } from '../../src/report/json.js';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { metric, shardResult } from './merge-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(result: Result | string): string {
  const path = join(dir, `shard-${++files}.json`);
  writeFileSync(path, typeof result === 'string' ? result : serializeResult(result));
  return path;
}

const cli = (args: string[]) => runPerfgate(args, dir);

/** Shard 2's nine metrics: no change, 8 pairs each. */
const quiet = Array.from({ length: 9 }, (_, i) => metric(`quiet-${i + 1}`, 8, 1, 100 + i));

describe('merging shards', () => {
  it('joins both shards into one result and fails (exit 1) when a shard regressed', async () => {
    const one = shardResult({ index: 1, count: 2, metrics: [metric('slow', 12, 1.3, 1)] });
    const two = shardResult({ index: 2, count: 2, metrics: quiet });
    expect(one.comparisons[0]!.status).toBe('regressed');
    const out = join(dir, 'merged.json');
    // The order of the files does not matter.
    const run = await cli(['merge', file(two), file(one), '--json', out]);
    expect(run.code, run.stderr).toBe(1);
    const merged = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(merged.mode).toBe('merge');
    expect(merged.verdict).toBe('fail');
    expect(merged.shard).toBeUndefined();
    expect(merged.comparisons.map((c) => c.key).toSorted()).toEqual(
      ['slow/wall', ...quiet.map((m) => `${m.benchmark}/wall`)].toSorted(),
    );
    const slow = merged.comparisons.find((c) => c.key === 'slow/wall')!;
    expect(slow.status).toBe('regressed');
    // Ten metrics now: the adjusted p is at least the shard's own.
    expect(slow.adjustedPValue!).toBeGreaterThanOrEqual(one.comparisons[0]!.adjustedPValue!);
    expect(slow.adjustedPValue!).toBeLessThan(0.05);
    expect(merged.notes[0]).toMatch(
      /^The correction across metrics was redone over all 10 tested metrics of the 2 shards \(Westfall–Young/,
    );
    expect(merged.notes).toContain(
      `Shard 1/2 (slow): 12 pairs, stopped by resolved, from ${join(dir, `shard-${files}.json`)}.`,
    );
    expect(run.stdout).toMatch(/slow/);
    // --fail-on never reports it and passes the step.
    const never = await cli(['merge', file(one), file(two), '--fail-on', 'never']);
    expect(never.code).toBe(0);
  });

  it('shows a p-value significant within its shard but not across both shards as such', () => {
    const one = shardResult({ index: 1, count: 2, metrics: [metric('slow', 8, 1.3, 1)] });
    const two = shardResult({ index: 2, count: 2, metrics: quiet });
    const within = one.comparisons[0]!;
    // Every one of the 8 pairs slower: the exact signed-rank p is 2/2^8, alone in its shard.
    expect(within.pValue).toBeCloseTo(2 / 256, 12);
    expect(within.adjustedPValue).toBeCloseTo(2 / 256, 12);
    expect(within.status).toBe('regressed');

    const merged = mergeShards([
      { source: 'one.json', result: one },
      { source: 'two.json', result: two },
    ]);
    const across = merged.comparisons.find((c) => c.key === 'slow/wall')!;
    // Any of the ten metrics reaching its most extreme value is about 10 × 2/256 under the null.
    expect(across.adjustedPValue!).toBeGreaterThan(0.06);
    expect(across.adjustedPValue!).toBeLessThan(0.1);
    expect(across.pValue).toBe(within.pValue);
    expect(across.status).toBe('inconclusive');
    expect(merged.verdict).toBe('inconclusive');
    expect(merged.notes).toContain(
      `slow/wall (shard 1/2): regressed within its shard (adjusted p 0.0078), inconclusive across all shards' metrics (adjusted p ${across.adjustedPValue!.toPrecision(2)}).`,
    );
    // The detectable change is stated for the larger family: 8 pairs could reach the shard's
    // level (0.05, floor 2/2^8) but not the level over ten metrics (0.005), so none is left.
    expect(within.mde).toBeGreaterThan(0);
    expect(across.mde).toBeNull();
  });

  it('falls back to Holm over the p-values, and says so, when a row lacks its pairs', () => {
    const one = shardResult({ index: 1, count: 2, metrics: [metric('slow', 8, 1.3, 1)] });
    const two = shardResult({ index: 2, count: 2, metrics: quiet });
    const bare = {
      ...two,
      comparisons: two.comparisons.map((c) => ({
        ...c,
        samples: { base: [], head: [], order: [] },
      })),
    };
    const merged = mergeShards([
      { source: 'one.json', result: one },
      { source: 'two.json', result: bare },
    ]);
    expect(merged.notes[0]).toBe(
      "The correction across metrics was redone over all 10 tested metrics of the 2 shards with Holm over the shards' per-metric p-values, not Westfall–Young: some metric's pairs are not in its shard's result. Holm keeps the family-wise rate, with less power.",
    );
    const slow = merged.comparisons.find((c) => c.key === 'slow/wall')!;
    expect(slow.adjustedPValue).toBeCloseTo(10 * (2 / 256), 12);
    expect(slow.status).toBe('inconclusive');
  });

  it('keeps every shard’s capacity searches in the merged evidence', () => {
    const one = shardResult({ index: 1, count: 2, metrics: [metric('slow', 8, 1.3, 1)] });
    const two = shardResult({ index: 2, count: 2, metrics: quiet });
    const search = (route: string) => ({
      benchmark: 'api',
      route,
      slo: { p95: 100 },
      term: 'p95' as const,
      maxRate: 5000,
      stepMs: 1000,
      base: { estimates: [900, 910], atMax: [false, false], steps: [] },
      head: { estimates: [600, 610], atMax: [false, false], steps: [] },
    });
    const merged = mergeShards([
      { source: 'one.json', result: { ...one, evidence: { capacity: [search('GET /a')] } } },
      { source: 'two.json', result: { ...two, evidence: { capacity: [search('GET /b')] } } },
    ]);
    expect(merged.evidence?.capacity?.map((c) => c.route)).toEqual(['GET /a', 'GET /b']);
    expect(
      mergeShards([
        { source: 'one.json', result: one },
        { source: 'two.json', result: two },
      ]).evidence,
    ).toBeUndefined();
  });

  it('redoes a configured Holm over all metrics', () => {
    const one = shardResult({
      index: 1,
      count: 2,
      correction: 'holm',
      metrics: [metric('slow', 8, 1.3, 1)],
    });
    const two = shardResult({ index: 2, count: 2, correction: 'holm', metrics: quiet });
    const merged = mergeShards([
      { source: 'one.json', result: one },
      { source: 'two.json', result: two },
    ]);
    expect(merged.notes[0]).toBe(
      "The correction across metrics (Holm, as configured) was redone over all 10 tested metrics of the 2 shards; each shard's metrics are called at the level of its final look.",
    );
    expect(merged.comparisons.find((c) => c.key === 'slow/wall')!.adjustedPValue).toBeCloseTo(
      10 * (2 / 256),
      12,
    );
  });
});

describe('shards that do not belong together', () => {
  const one = shardResult({ index: 1, count: 2, metrics: [metric('slow', 8, 1.3, 1)] });
  const two = shardResult({ index: 2, count: 2, metrics: quiet });

  async function refused(results: Array<Result | string>, code = 2) {
    const run = await cli(['merge', ...results.map(file)]);
    expect(run.code, run.stderr).toBe(code);
    expect(run.stdout).toBe('');
    return run.stderr;
  }

  it('refuses shards of different commits (exit 2)', async () => {
    const other = { ...two, head: { ref: 'feature', sha: 'e'.repeat(40) } };
    expect(await refused([one, other])).toMatch(
      /the shards measured different head commits: .*shard-\d+\.json has b{40}, .*shard-\d+\.json has e{40}; every shard of a merge must come from the same run/,
    );
    const base = { ...two, base: { ref: 'main', sha: 'f'.repeat(40) } };
    expect(await refused([one, base])).toMatch(/different base commits/);
  });

  it('refuses shards of different configs, counts, repositories', async () => {
    expect(
      await refused([one, { ...two, shard: { ...two.shard!, config: 'd1'.repeat(32) } }]),
    ).toMatch(/different configs \(the hash of the resolved config\)/);
    expect(await refused([one, { ...two, shard: { ...two.shard!, count: 3 } }])).toMatch(
      /different numbers of shards/,
    );
    expect(await refused([one, { ...two, repository: 'someone/else' }])).toMatch(
      /different repositories/,
    );
  });

  it('refuses a missing or repeated shard, and a result that is no shard', async () => {
    expect(await refused([one])).toMatch(
      /shard 2\/2 is missing \(got 1 of 2\): did every job of the matrix finish and keep its result\?/,
    );
    expect(await refused([one, one, two])).toMatch(/shard 1\/2 is given twice: .* and /);
    const { shard: _, ...plain } = two;
    expect(await refused([one, plain])).toMatch(
      /is not a shard's result \(it has no `shard`\): measure each part with --shard i\/n/,
    );
    expect(await refused([one, '{"schemaVersion": 1'])).toMatch(/is not a perfgate result/);
    const run = await cli(['merge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/merge needs the result files of the shards/);
    const flag = await cli(['merge', 'a.json', '--budget', '1m']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--budget has no meaning for merge/);
  });

  it('refuses a shard whose p-value does not follow from its pairs (exit 3)', async () => {
    const forged = {
      ...one,
      comparisons: one.comparisons.map((c) => ({ ...c, pValue: 0.0001 })),
    };
    expect(await refused([forged, two], 3)).toMatch(
      /contradicts its own numbers at slow\/wall: its p-value 0\.0001 follows from its pairs by neither test/,
    );
    // A claimed status the numbers do not give is caught by the recheck report uses.
    const claimed = {
      ...two,
      comparisons: two.comparisons.map((c, i) =>
        i === 0 ? { ...c, status: 'regressed' as const } : c,
      ),
    };
    expect(await refused([one, claimed], 3)).toMatch(/contradicts its own numbers at comparisons/);
  });
});
