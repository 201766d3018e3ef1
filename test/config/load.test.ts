import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyOverrides,
  ConfigError,
  type ConfigOverrides,
  loadConfig,
  parseConfig,
} from '../../src/config/index.js';
import { exitCodeFor } from '../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the config loaded');
}

const MINIMAL = 'benchmarks:\n  - { name: job, type: command, run: make }\n';

describe('loadConfig', () => {
  it('reads and parses a file, naming it in messages', async () => {
    const path = join(dir, 'perfgate.yml');
    await writeFile(path, MINIMAL);
    expect((await loadConfig(path)).benchmarks[0]).toStrictEqual({
      name: 'job',
      type: 'command',
      run: 'make',
      cwd: '.',
      env: {},
      timeoutMs: 120_000,
    });

    const bad = join(dir, 'bad.yml');
    await writeFile(bad, `${MINIMAL}gate:\n  warmup: -1\n`);
    const error = await rejection(loadConfig(bad));
    expect(error.message).toBe(
      `${bad}:4: gate.warmup: expected a whole number of rounds from 0 to 1000, got -1`,
    );
    expect(error.source).toBe(bad);
  });

  it('names a missing file and suggests --config; the CLI maps it to exit code 2', async () => {
    const path = join(dir, 'missing', 'perfgate.yml');
    const error = await rejection(loadConfig(path));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      `${path}: no such file; create it, or pass --config with the path of your config file`,
    );
    expect(exitCodeFor(error)).toBe(2);
  });

  it('refuses a directory', async () => {
    const error = await rejection(loadConfig(dir));
    expect(error.message).toBe(
      `${dir}: this is a directory, not a file; create it, or pass --config with the path of your config file`,
    );
  });
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
      alpha: '0.05',
      seed: '7',
    });
    expect(config.gate).toStrictEqual({
      ...base.gate,
      threshold: 0.025,
      timeBudgetMs: 90_000,
      alpha: 0.05,
      seed: 7,
    });
    expect(config.benchmarks).toBe(base.benchmarks);
    // The input is not changed.
    expect(base.gate.threshold).toBe(0.05);
  });

  it('treats absent and empty values (a blank action input) as not given', () => {
    expect(applyOverrides(base, {})).toStrictEqual(base);
    expect(
      applyOverrides(base, { threshold: '', timeBudget: '  ', alpha: undefined }),
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
    expect(overridden({ alpha: '0.7' })).toBe(
      '--alpha: expected a number above 0 and below 0.5, such as 0.01, got 0.7',
    );
    expect(overridden({ alpha: 'low' })).toBe(
      '--alpha: expected a number between 0 and 0.5 such as 0.01, got "low"',
    );
    expect(overridden({ alpha: '1%' })).toBe(
      '--alpha: expected a number between 0 and 0.5 such as 0.01, got "1%"; write 0.01',
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
