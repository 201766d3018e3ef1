import { describe, expect, it } from 'vitest';
import { childEnvironment, isWithheld } from '../../src/workspace/child-environment.js';

describe('isWithheld', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['GH_TOKEN', true],
    ['GH_ENTERPRISE_TOKEN', true],
    ['ACTIONS_RUNTIME_TOKEN', true],
    ['ACTIONS_ID_TOKEN_REQUEST_URL', true],
    ['ACTIONS_CACHE_URL', true],
    ['ACTIONS_RESULTS_URL', true],
    ['actions_runtime_token', true],
    ['INPUT_GITHUB-TOKEN', true],
    ['INPUT_CONFIG', true],
    ['input_whatever.it-is', true],
    ['GITHUB_ENV', true],
    ['GITHUB_OUTPUT', true],
    ['GITHUB_STEP_SUMMARY', true],
    ['PATH', false],
    ['HOME', false],
    ['CI', false],
    ['GITHUB_SHA', false],
    ['GITHUB_REPOSITORY', false],
    ['GITHUB_TOKEN_FILE_FOR_TESTS', false],
    ['RUNNER_TEMP', false],
    ['NODE_AUTH_TOKEN', false],
    ['MY_INPUT_DIR', false],
  ])('%s → %s', (name, withheld) => {
    expect(isWithheld(name)).toBe(withheld);
  });
});

describe('childEnvironment', () => {
  it('drops the withheld variables, keeps the rest and adds the extras last', () => {
    const env = childEnvironment(
      { FROM_CONFIG: 'yes', CI: 'overridden' },
      { PATH: '/bin', CI: 'true', GITHUB_TOKEN: 't', 'INPUT_GITHUB-TOKEN': 't', UNSET: undefined },
    );
    expect(env).toEqual({ PATH: '/bin', CI: 'overridden', FROM_CONFIG: 'yes' });
  });

  it('lets the config name a withheld variable on purpose', () => {
    expect(childEnvironment({ GH_TOKEN: 'chosen' }, { GH_TOKEN: 'runner' })).toEqual({
      GH_TOKEN: 'chosen',
    });
  });
});
