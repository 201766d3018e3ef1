import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyOverrides,
  ConfigError,
  type ConfigOverrides,
  parseConfig,
  resolveConfig,
} from '../../src/config/index.js';
import { exitCodeFor } from '../../src/errors.js';

const MINIMAL = 'benchmarks:\n  - { name: job, type: command, run: make }\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-resolve-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('applyOverrides', () => {
  const base = parseConfig(MINIMAL);
  const overridden = (
    overrides: ConfigOverrides,
    names?: Partial<Record<keyof ConfigOverrides, string>>,
  ) => {
    try {
      return applyOverrides(base, overrides, names);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
  };

  it('replaces the gate settings given, parsed like the file, and leaves the rest', () => {
    const config = applyOverrides(base, {
      threshold: '2.5%',
      timeBudget: '90s',
      seed: '7',
    });
    expect(config.gate).toStrictEqual({
      ...base.gate,
      threshold: 0.025,
      thresholdDefaulted: false,
      timeBudgetMs: 90_000,
      seed: 7,
    });
    expect(config.benchmarks).toBe(base.benchmarks);
    // The input is not changed.
    expect(base.gate.threshold).toBe(0.05);
  });

  it('treats absent and empty values (a blank action input) as not given', () => {
    expect(applyOverrides(base, {})).toStrictEqual(base);
    expect(
      applyOverrides(base, { threshold: '', timeBudget: '  ', seed: undefined }),
    ).toStrictEqual(base);
  });

  it('names the flag, the value and what was expected', () => {
    expect(overridden({ timeBudget: '30' })).toBe(
      '--budget: expected a duration such as 500ms, 30s, 2m or 1h, got "30"; a unit is needed: write "30s" or "30ms"',
    );
    expect(overridden({ timeBudget: '0s' })).toBe(
      '--budget: "0s" is below the minimum of 1s (the range is from 1s to 24h)',
    );
    expect(overridden({ threshold: '5' })).toBe(
      '--threshold: expected a percentage such as 5%, got "5"; write "5%"',
    );
    expect(overridden({ seed: '1.5' })).toBe(
      '--seed: expected a whole number from 0 to 4294967295, got "1.5"',
    );
    expect(overridden({ seed: '4294967296' })).toBe(
      '--seed: expected a whole number from 0 to 4294967295, got 4294967296',
    );
  });

  it('reports every bad override at once, under the names the caller gives', () => {
    expect(
      overridden({ threshold: 'x', timeBudget: '2 minutes' }, { timeBudget: 'input time-budget' }),
    ).toBe(
      [
        '--threshold: expected a percentage such as 5%, got "x"',
        'input time-budget: expected a duration such as 500ms, 30s, 2m or 1h, got "2 minutes"; write "2m"',
      ].join('\n'),
    );
    try {
      applyOverrides(base, { seed: 'abc' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toStrictEqual([
        {
          path: '--seed',
          message: 'expected a whole number from 0 to 4294967295, got "abc"',
          value: 'abc',
        },
      ]);
      return;
    }
    throw new Error('expected a ConfigError');
  });
});
describe('fail-on overrides', () => {
  const never = parseConfig(`${MINIMAL}gate:\n  fail-on: never\n`);
  const regression = parseConfig(MINIMAL);

  it('overrides the file in both directions', () => {
    // The input once could not turn a config `never` back into a failing gate.
    expect(applyOverrides(never, { failOn: 'regression' }).gate.failOn).toBe('regression');
    expect(applyOverrides(regression, { failOn: 'never' }).gate.failOn).toBe('never');
    expect(applyOverrides(never, {}).gate.failOn).toBe('never');
    expect(applyOverrides(never, { failOn: ' ' }).gate.failOn).toBe('never');
  });

  it('names the input, the value and the choices', () => {
    expect(() =>
      applyOverrides(never, { failOn: 'always' }, { failOn: 'input `fail-on`' }),
    ).toThrow('input `fail-on`: expected one of regression, never, got "always"');
    expect(() => applyOverrides(never, { failOn: 'Never' })).toThrow(
      '--fail-on: expected one of regression, never, got "Never"',
    );
  });
});

describe('resolveConfig', () => {
  it('reads the file, applies the overrides and resolves the baseline policy', async () => {
    const path = join(dir, 'perfgate.yml');
    await writeFile(path, `${MINIMAL}gate:\n  fail-on: never\n  threshold: 3%\n`);
    const action = await resolveConfig(path, {
      threshold: '2%',
      failOn: 'regression',
      baseline: 'auto',
    });
    expect(action.config.gate).toMatchObject({ threshold: 0.02, failOn: 'regression' });
    expect(action.baseline).toStrictEqual({ from: 'artifact' });
    expect((await resolveConfig(path, { baseline: 'never' })).baseline).toStrictEqual({
      from: 'measure',
    });
    expect((await resolveConfig(path, {})).baseline).toStrictEqual({ from: 'measure' });
    const cli = await resolveConfig(path, { baseline: 'out/base', baselineIsPath: true });
    expect(cli.baseline).toStrictEqual({ from: 'file', path: 'out/base' });
    expect(cli.config.gate).toMatchObject({ threshold: 0.03, failOn: 'never' });
  });

  it('refuses an unknown baseline policy with exit 2, naming the input', async () => {
    const path = join(dir, 'perfgate.yml');
    await writeFile(path, MINIMAL);
    const error = await resolveConfig(
      path,
      { baseline: 'sometimes' },
      { baseline: 'input `baseline`' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'input `baseline`: expected one of auto, never, got "sometimes"',
    );
    expect(exitCodeFor(error)).toBe(2);
  });

  it('fails at load on a missing file, before any override is read', async () => {
    const error = await resolveConfig(join(dir, 'none.yml'), { threshold: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('none.yml: no such file');
  });
});
