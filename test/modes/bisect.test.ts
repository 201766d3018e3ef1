// The bisect's search, driven by a stand-in comparison that answers from a known first bad
// commit: it finds git bisect's first bad commit within ⌈log2 N⌉ steps for every position,
// retries an inconclusive step once and skips it after, skips a failed build, and names
// suspects instead of guessing when only skipped commits remain.
import { describe, expect, it } from 'vitest';
import { bisect } from '../../src/modes/bisect.js';
import type { Comparison, Result } from '../../src/result.js';
import { BuildError } from '../../src/workspace/index.js';

const BASE = 'b'.repeat(40);
const commits = (n: number) =>
  Array.from({ length: n }, (_, i) => i.toString(16).padStart(40, '0'));
const KEY = 'api/GET /a/mean';

function answer(status: Comparison['status'], change: number): Result {
  const row = { key: KEY, status, change, ci: [change - 0.05, change + 0.05] };
  return { comparisons: [row] } as unknown as Result;
}

describe('bisect', () => {
  it('finds the first bad commit of every position within ⌈log2 N⌉ steps, each against base', async () => {
    for (const n of [2, 3, 8, 13]) {
      const line = commits(n);
      for (let bad = 0; bad < n; bad++) {
        const found = await bisect({
          base: BASE,
          commits: line,
          metric: KEY,
          compare: async (head) =>
            line.indexOf(head) >= bad ? answer('regressed', 0.4) : answer('unchanged', 0.01),
        });
        expect(found.firstBad, `n=${n} bad=${bad}`).toBe(line[bad]);
        expect(found.steps.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        for (const step of found.steps) expect(step.base).toBe(BASE);
      }
    }
  });

  it('counts an improvement as good, and records the deciding metric with its CI', async () => {
    const line = commits(2);
    const found = await bisect({
      base: BASE,
      commits: line,
      metric: KEY,
      compare: async () => answer('improved', -0.2),
    });
    expect(found.firstBad).toBe(line[1]);
    expect(found.steps).toEqual([
      {
        base: BASE,
        head: line[0],
        outcome: 'unchanged',
        attempts: 1,
        metric: { key: KEY, change: -0.2, ci: [-0.2 - 0.05, -0.2 + 0.05] },
      },
    ]);
  });

  it('holds an inconclusive step against half the confirmed change', async () => {
    // A +40% regression confirmed; noisy steps that cannot show "unchanged within ±δ" still
    // tell 0 from +40%: an interval wholly below +20% is good, wholly above it is bad.
    const line = commits(8);
    const inconclusive = (low: number, high: number): Result =>
      ({
        comparisons: [
          { key: KEY, status: 'inconclusive', change: (low + high) / 2, ci: [low, high] },
        ],
      }) as unknown as Result;
    const found = await bisect({
      base: BASE,
      commits: line,
      metric: KEY,
      confirmed: { change: 0.4, better: 'lower' },
      compare: async (head) =>
        line.indexOf(head) >= 5 ? inconclusive(0.25, 0.6) : inconclusive(-0.1, 0.15),
    });
    expect(found.firstBad).toBe(line[5]);
    expect(found.steps.every((s) => s.attempts === 1)).toBe(true);
    // Higher-is-better (throughput −30%): the same rule on the other side.
    const throughput = await bisect({
      base: BASE,
      commits: line,
      metric: KEY,
      confirmed: { change: -0.3, better: 'higher' },
      compare: async (head) =>
        line.indexOf(head) >= 2 ? inconclusive(-0.4, -0.2) : inconclusive(-0.1, 0.05),
    });
    expect(throughput.firstBad).toBe(line[2]);
    // An interval across half the change stays inconclusive: retried, then skipped.
    const across = await bisect({
      base: BASE,
      commits: commits(2),
      metric: KEY,
      confirmed: { change: 0.4, better: 'lower' },
      compare: async () => inconclusive(0.1, 0.3),
    });
    expect(across.steps[0]).toMatchObject({ outcome: 'skipped', attempts: 2 });
  });

  it('retries an inconclusive step once, then skips it and bisects around it', async () => {
    const line = commits(8);
    const asked: Array<[number, number]> = [];
    const found = await bisect({
      base: BASE,
      commits: line,
      metric: KEY,
      compare: async (head, attempt) => {
        const at = line.indexOf(head);
        asked.push([at, attempt]);
        if (at === 3) return answer('inconclusive', 0.08);
        return at >= 5 ? answer('regressed', 0.4) : answer('unchanged', 0);
      },
    });
    expect(found.firstBad).toBe(line[5]);
    expect(asked.slice(0, 2)).toEqual([
      [3, 1],
      [3, 2],
    ]);
    expect(found.steps[0]).toMatchObject({ head: line[3], outcome: 'skipped', attempts: 2 });
    expect(found.steps[0]!.note).toContain('inconclusive twice');
  });

  it('skips a commit whose build fails, and names suspects when only skipped commits remain', async () => {
    const line = commits(4);
    const found = await bisect({
      base: BASE,
      commits: line,
      metric: KEY,
      compare: async (head) => {
        const at = line.indexOf(head);
        if (at === 1) {
          throw new BuildError(
            { side: 'head', ref: head, sha: head, dir: '/tmp/x' } as never,
            {
              command: 'npm run build',
              exitCode: 1,
              signal: null,
              timedOut: false,
              output: 'boom',
            } as never,
            1000,
          );
        }
        return at >= 1 ? answer('regressed', 0.4) : answer('unchanged', 0);
      },
    });
    expect(found.firstBad).toBeUndefined();
    expect(found.suspects).toEqual([line[1], line[2]]);
    const skipped = found.steps.find((s) => s.outcome === 'skipped');
    expect(skipped).toMatchObject({ head: line[1], attempts: 1 });
    expect(skipped!.note).toMatch(/^build failed: Build of head/);
  });

  it('lets any other error end the bisect', async () => {
    await expect(
      bisect({
        base: BASE,
        commits: commits(3),
        metric: KEY,
        compare: async () => {
          throw new Error('server did not start');
        },
      }),
    ).rejects.toThrow('server did not start');
  });
});
