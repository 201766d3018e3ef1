// The CLI's flags, parsed in process (test/cli runs the built command end to end).
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/command-line/flags.js';
import { UsageError } from '../../src/errors.js';

const io = { isTty: false, env: {} };

describe('parseCommandLine', () => {
  it('reads --size-cache (a directory or off), and refuses it for merge, which measures nothing', () => {
    expect(parseCommandLine(['compare', '--size-cache', 'off'], io)).toMatchObject({
      'size-cache': 'off',
    });
    expect(parseCommandLine(['record', '--size-cache', '.cache/sizes'], io)).toMatchObject({
      'size-cache': '.cache/sizes',
    });
    expect(() => parseCommandLine(['compare', '--size-cache', ''], io)).toThrow(
      '--size-cache needs a value',
    );
    expect(() => parseCommandLine(['merge', 'a.json', '--size-cache', 'off'], io)).toThrow(
      '--size-cache has no meaning for merge, which measures nothing',
    );
  });

  it('reads a mode and its overrides, --fail-on included', () => {
    expect(
      parseCommandLine(['compare', '--fail-on', 'never', '--seed', '7', '--base', 'main'], io),
    ).toStrictEqual({
      mode: 'compare',
      config: 'perfgate.yml',
      color: false,
      base: 'main',
      seed: '7',
      'fail-on': 'never',
    });
  });

  it('has no --alpha, and names flags that mean nothing in the mode', () => {
    expect(() => parseCommandLine(['compare', '--alpha', '0.05'], io)).toThrow(UsageError);
    expect(() => parseCommandLine(['record', '--baseline', 'x'], io)).toThrow(
      '--baseline has no meaning for record; it applies to compare',
    );
    expect(() => parseCommandLine(['compare', '--fail-on', ''], io)).toThrow(
      '--fail-on needs a value',
    );
  });

  it('reads trend with its history file, and refuses --history elsewhere', () => {
    expect(
      parseCommandLine(['trend', '--history', 'nightly.json', '--budget', '10m'], io),
    ).toStrictEqual({
      mode: 'trend',
      config: 'perfgate.yml',
      color: false,
      history: 'nightly.json',
      budget: '10m',
    });
    expect(() => parseCommandLine(['compare', '--history', 'h.json'], io)).toThrow(
      '--history has no meaning for compare; it applies to trend',
    );
    expect(() => parseCommandLine(['trend', '--history', ''], io)).toThrow(
      '--history needs a value',
    );
  });

  it('reads --creep-days as whole days from 0 (off) to 3650, for trend only', () => {
    expect(parseCommandLine(['trend', '--creep-days', '0'], io)).toMatchObject({ 'creep-days': 0 });
    expect(parseCommandLine(['trend', '--creep-days', '45'], io)).toMatchObject({
      'creep-days': 45,
    });
    for (const bad of ['-1', '1.5', '30d', '3651', 'x']) {
      expect(() => parseCommandLine(['trend', `--creep-days=${bad}`], io)).toThrow(
        `--creep-days must be a whole number of days from 0 (off) to 3650, got "${bad}"`,
      );
    }
    expect(() => parseCommandLine(['compare', '--creep-days', '30'], io)).toThrow(
      '--creep-days has no meaning for compare; it applies to trend',
    );
  });
});
