// A project's own `vitest bench` suite gated by perfgate, as a user sets it up: a perfgate.yml
// with a suite benchmark reading vitest's --outputJson, a base commit on main and a head commit
// on a branch where one of three benchmarks does 30% more work (and one benchmark is new), then
// `perfgate compare`. vitest is this repository's own: the temporary repository commits a
// node_modules symlink to it, so each worktree perfgate makes runs the real vitest.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import {
  BASE_PARSE,
  SLOWER_PARSE,
  suiteConfig,
  vitestSuite,
} from '../fixtures/suite/vitest-suite.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

const CONFIG = suiteConfig('90s');
/** The budget, the two first runs, the worktrees and room for a loaded machine. */
const TIMEOUT_MS = 180_000;
const KEY = (name: string) => `micro/math.bench.js > ${name}/time`;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  repo = createRepo('perfgate-suite-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-suite-out-'));
  symlinkSync(NODE_MODULES, join(repo.dir, 'node_modules'));
  repo.commit('base: the suite', {
    'perfgate.yml': CONFIG,
    '.gitignore': 'bench-results.json\n',
    'math.bench.js': vitestSuite(BASE_PARSE),
  });
  repo.git('checkout', '-q', '-b', 'slower-parse');
  repo.commit('head: parse does 30% more work; a new benchmark', {
    'math.bench.js': vitestSuite(
      SLOWER_PARSE,
      "bench('validate', () => { spin(50000); }, options);\n",
    ),
  });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('a vitest bench suite, head slowing one benchmark by 30%', () => {
  it(
    'that benchmark regressed, the others not, the new one listed as added, exit 1',
    async () => {
      const json = join(out, 'result.json');
      const { code, stderr } = await runPerfgate(
        ['compare', '--base', 'main', '--json', json],
        repo.dir,
      );
      expect(existsSync(json), `exit ${code}: ${stderr}`).toBe(true);
      const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
      const rows = Object.fromEntries(result.comparisons.map((c) => [c.key, c]));
      const why = JSON.stringify(
        {
          code,
          verdict: result.verdict,
          sampling: result.sampling,
          rows: result.comparisons.map((c) => ({
            key: c.key,
            status: c.status,
            change: c.change,
            ci: c.ci,
            adjustedPValue: c.adjustedPValue,
          })),
          notes: result.notes,
          stderr,
        },
        null,
        1,
      );
      expect(Object.keys(rows).sort(), why).toEqual(
        [KEY('encode'), KEY('parse'), KEY('render')].sort(),
      );
      expect(code, why).toBe(1);
      expect(result.verdict, why).toBe('fail');
      expect(rows[KEY('parse')]!.status, why).toBe('regressed');
      // The estimate is the change in work: +30% on parse's median time per operation.
      expect(rows[KEY('parse')]!.change, why).toBeGreaterThan(0.15);
      expect(rows[KEY('parse')]!.change, why).toBeLessThan(0.5);
      expect(rows[KEY('render')]!.status, why).not.toBe('regressed');
      expect(rows[KEY('encode')]!.status, why).not.toBe('regressed');
      expect(result.notes, why).toContain(
        'suite "micro": 1 benchmark added on head, not compared (no base to compare with): "math.bench.js > validate"',
      );
    },
    TIMEOUT_MS,
  );
});
