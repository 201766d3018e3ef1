// The CLI's flags, parsed in process (test/cli runs the built command end to end).
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/command-line/flags.js';
import { UsageError } from '../../src/errors.js';

const io = { isTty: false, env: {} };

describe('parseCommandLine', () => {
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
});
