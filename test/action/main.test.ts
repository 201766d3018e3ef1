// The one top-level catch: whatever a mode runner throws — an Error, a string, an object —
// fails the step with a readable message, an exit code and a job summary. The mode runner is
// replaced here by one that throws what each case needs; everything else is real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const thrown = vi.hoisted(() => ({
  value: undefined as unknown,
  outcome: {} as { failure?: string; exitCode?: number },
}));
vi.mock('../../src/modes/run-mode.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/modes/run-mode.js')>()),
  runMode: async () => {
    if (thrown.value !== undefined) throw thrown.value;
    return thrown.outcome;
  },
}));

const { run } = await import('../../src/main.js');

const dir = mkdtempSync(join(tmpdir(), 'perfgate-main-'));
const saved = { ...process.env };
let written: string[];

beforeEach(() => {
  written = [];
  writeFileSync(join(dir, 'summary'), '');
  Object.assign(process.env, {
    'INPUT_GITHUB-TOKEN': 'ghs_test',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  thrown.value = undefined;
  thrown.outcome = {};
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errorLines = () =>
  written
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('::error::'));

describe('run', () => {
  it.each([
    [new Error('the build failed'), 'perfgate: the build failed'],
    ['a bare string', 'perfgate: a bare string'],
    [{ code: 42 }, 'perfgate: a non-Error was thrown: {"code":42}'],
    [null, 'perfgate: a non-Error was thrown: null'],
  ])('fails the step with a readable message when %j is thrown', async (value, message) => {
    thrown.value = value;
    await run();
    expect(errorLines()).toEqual([`::error::${message}`]);
    expect(process.exitCode).toBe(3);
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toMatch(
      /^### ❌ perfgate could not finish\n\n/,
    );
  });

  it('gives bad input exit code 2, before any mode runs', async () => {
    process.env.INPUT_MODE = 'benchmark';
    await run();
    expect(errorLines()).toEqual([
      '::error::perfgate: input `mode` is "benchmark"; expected one of `compare`, `collect`, `report`, `record`, `trend`, `merge`',
    ]);
    expect(process.exitCode).toBe(2);
  });

  it('fails with the outcome of a failed gate, and succeeds otherwise', async () => {
    thrown.outcome = { failure: 'perfgate: 1 regression (fail-on: regression).' };
    await run();
    expect(errorLines()).toEqual(['::error::perfgate: 1 regression (fail-on: regression).']);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    written = [];
    // A report that could not be published is no regression: exit 3, as the CLI's contract says.
    thrown.outcome = { failure: 'perfgate: the PR comment could not be written', exitCode: 3 };
    await run();
    expect(errorLines()).toEqual(['::error::perfgate: the PR comment could not be written']);
    expect(process.exitCode).toBe(3);
    process.exitCode = undefined;
    written = [];
    thrown.outcome = {};
    await run();
    expect(errorLines()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });
});
