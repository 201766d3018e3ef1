// The `profile` field of http and command benchmarks: absent means on-regression (nothing
// written), a value is kept, anything else is an error at load naming the field and the choices.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

const HTTP = (profile: string) =>
  `benchmarks:\n  - name: api\n    type: http\n    start: node server.js\n    requests: [/x]\n${profile}`;
const COMMAND = (profile: string) =>
  `benchmarks:\n  - name: work\n    type: command\n    run: node work.js\n${profile}`;

describe('profile', () => {
  it('is absent unless written, and kept when it is', () => {
    expect(parseConfig(HTTP('')).benchmarks[0]).not.toHaveProperty('profile');
    expect(parseConfig(HTTP('    profile: always\n')).benchmarks[0]).toMatchObject({
      profile: 'always',
    });
    expect(parseConfig(COMMAND('    profile: never\n')).benchmarks[0]).toMatchObject({
      profile: 'never',
    });
  });

  it('anything else fails at load, naming the field, the value and the choices', () => {
    let error: unknown;
    try {
      parseConfig(COMMAND('    profile: sometimes\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('benchmarks[0].profile');
    expect(message).toContain('one of always, on-regression, never');
    expect(message).toContain('sometimes');
  });
});
