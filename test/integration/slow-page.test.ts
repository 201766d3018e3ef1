// A slow page, as a user gates it: a perfgate.yml with the page and a 60 s budget, a base commit
// on main, a head commit on a branch that makes the page block its main thread for 300 ms during
// load with the same bytes (test/fixtures/slow/page: one digit differs), and `perfgate compare`
// with real Chromium and Lighthouse. A Lighthouse run takes seconds, so the budget holds a few
// pairs; a timing metric must still be called regressed, the byte weight must not move (#20).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const PAGE = readFileSync(new URL('../fixtures/slow/page/index.html', import.meta.url), 'utf8');
const BASE_BLOCK = 'const BLOCK_MS = 300 * 0;';
const HEAD_BLOCK = 'const BLOCK_MS = 300 * 1;';
const CONFIG = `benchmarks:
  - name: orders
    type: lighthouse
    serve: site
gate:
  time-budget: 60s
`;
/** Metrics that time the page; any of them shows a 300 ms long task during load. */
const TIMINGS = ['lcp', 'fcp', 'tbt', 'max-potential-fid', 'speed-index'];
/** The budget, Chromium's start, Lighthouse's import and room for a loaded machine. */
const TIMEOUT_MS = 150_000;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  expect(PAGE).toContain(BASE_BLOCK);
  expect(HEAD_BLOCK.length).toBe(BASE_BLOCK.length);
  repo = createRepo('perfgate-slow-page-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-slow-page-out-'));
  repo.commit('base: the orders page', { 'perfgate.yml': CONFIG, 'site/index.html': PAGE });
  repo.git('checkout', '-q', '-b', 'blocking');
  repo.commit('head: 300 ms of work on the main thread during load', {
    'site/index.html': PAGE.replace(BASE_BLOCK, HEAD_BLOCK),
  });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('a page in a 60 s budget', () => {
  it(
    'head blocking the main thread for 300 ms with the same bytes fails the gate on a timing metric',
    async () => {
      const json = join(out, 'result.json');
      const { code, stderr } = await runPerfgate(
        ['compare', '--base', 'main', '--json', json],
        repo.dir,
      );
      expect(existsSync(json), `exit ${code}: ${stderr}`).toBe(true);
      const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
      const metric = (name: string) => result.comparisons.find((c) => c.metric === name);
      // Everything a failure needs to be diagnosed without a rerun: the plan, the looks, the tests.
      const why = JSON.stringify(
        {
          code,
          verdict: result.verdict,
          sampling: result.sampling,
          metrics: result.comparisons.map((c) => ({
            metric: c.metric,
            status: c.status,
            change: c.change,
            ci: c.ci,
            pValue: c.pValue,
            adjustedPValue: c.adjustedPValue,
            base: c.samples.base,
            head: c.samples.head,
            order: c.samples.order,
          })),
          notes: result.notes,
          stderr,
        },
        null,
        1,
      );

      expect(code, why).toBe(1);
      expect(result.verdict, why).toBe('fail');
      const regressed = result.comparisons.filter((c) => c.status === 'regressed');
      expect(regressed.length, why).toBeGreaterThan(0);
      // A timing metric is called; the score may follow it (it is made of them), and nothing
      // measured in bytes may, since the bytes are the same.
      expect(
        regressed.some((c) => TIMINGS.includes(c.metric)),
        why,
      ).toBe(true);
      expect(
        regressed.every((c) => TIMINGS.includes(c.metric) || c.metric === 'score'),
        why,
      ).toBe(true);
      expect(result.sampling.elapsedMs, why).toBeLessThanOrEqual(60_000);
      // The same bytes on both sides: the weight is compared exactly and does not move.
      const weight = metric('weight');
      expect(weight?.status, why).toBe('unchanged');
      expect(weight?.change, why).toBe(0);
      expect(weight?.head.median, why).toBe(weight?.base.median);
    },
    TIMEOUT_MS,
  );
});
