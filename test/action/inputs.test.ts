import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InputError, inputVariable, readInputs } from '../../src/action/inputs.js';
import { INPUT } from '../../src/constants.js';

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}
const ACTION = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8'),
) as ActionYaml;

/** The environment the runner gives the step: every input with a default, plus `with:`. */
function runnerEnv(withInputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin' };
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression action.yml holds
    const token = spec.default === '${{ github.token }}';
    env[inputVariable(name)] = token ? 'ghs_token' : (spec.default ?? '');
  }
  for (const [name, value] of Object.entries(withInputs)) env[inputVariable(name)] = value;
  return env;
}

/** readInputs, with the masked secrets kept here instead of written to stdout. */
let masked: string[] = [];
function read(env: NodeJS.ProcessEnv) {
  masked = [];
  return readInputs(env, (secret) => masked.push(secret));
}

function inputError(env: NodeJS.ProcessEnv): InputError {
  try {
    read(env);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readInputs', () => {
  it('names the same inputs as action.yml, and the runner spells them with dashes kept', () => {
    expect(Object.keys(ACTION.inputs).sort()).toEqual(Object.values(INPUT).sort());
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
  });

  it("reads action.yml's defaults as the runner passes them", () => {
    expect(read(runnerEnv())).toEqual({
      config: 'perfgate.yml',
      mode: 'compare',
      githubToken: 'ghs_token',
      base: undefined,
      timeBudget: undefined,
      threshold: undefined,
      comment: 'always',
      checkRun: true,
      failOn: undefined,
      reportId: 'default',
      runId: undefined,
      workingDirectory: '.',
      baseline: 'auto',
      sizeCache: true,
      acceptLabel: 'perfgate: accept',
    });
  });

  it('accept-label: a label name GitHub allows (at most 50 characters, one line)', () => {
    expect(read(runnerEnv({ 'accept-label': 'perf ok' })).acceptLabel).toBe('perf ok');
    expect(() => read(runnerEnv({ 'accept-label': 'x'.repeat(51) }))).toThrow(
      /input `accept-label` is "x+"; expected a label name of at most 50 characters/,
    );
  });

  it('size-cache: `true` or `false`, and `false` nowhere it means nothing (report)', () => {
    expect(read(runnerEnv({ 'size-cache': 'false' })).sizeCache).toBe(false);
    expect(read(runnerEnv({ 'size-cache': 'false', mode: 'trend' })).sizeCache).toBe(false);
    expect(() => read(runnerEnv({ 'size-cache': 'yes' }))).toThrow(
      'input `size-cache` is "yes"; expected `true` or `false`',
    );
    expect(() => read(runnerEnv({ 'size-cache': 'false', mode: 'report' }))).toThrow(
      'input `size-cache` is "false"; expected no value in mode `report`; `size-cache` applies only to the modes that measure',
    );
    expect(read(runnerEnv({ mode: 'report' })).sizeCache).toBe(true);
  });

  it('baseline: `auto` or `never`, and `never` only where it means something (compare)', () => {
    expect(read(runnerEnv({ baseline: 'never' })).baseline).toBe('never');
    expect(() => read(runnerEnv({ baseline: 'sometimes' }))).toThrow(
      'input `baseline` is "sometimes"; expected one of `auto`, `never`',
    );
    expect(() => read(runnerEnv({ baseline: 'never', mode: 'record' }))).toThrow(
      'input `baseline` is "never"; expected no value in mode `record`; `baseline` applies only to mode `compare`',
    );
    // action.yml's default reaches every mode and says nothing.
    expect(read(runnerEnv({ mode: 'record' })).baseline).toBe('auto');
  });

  it('reads every input, trimmed', () => {
    const inputs = read(
      runnerEnv({
        config: ' perf/gate.yml ',
        base: 'release/1.x',
        'time-budget': '90s',
        threshold: '2.5%',
        comment: 'on-change',
        'check-run': 'false',
        'fail-on': 'never',
        'report-id': 'shard-1.api',
        'working-directory': 'packages/app',
      }),
    );
    expect(inputs).toMatchObject({
      config: 'perf/gate.yml',
      base: 'release/1.x',
      timeBudget: '90s',
      threshold: '2.5%',
      comment: 'on-change',
      checkRun: false,
      failOn: 'never',
      reportId: 'shard-1.api',
      workingDirectory: 'packages/app',
    });
    expect(read(runnerEnv({ mode: 'report', 'run-id': '123456' })).runId).toBe(123456);
  });

  it('checks enums exactly and suggests the value that was meant', () => {
    const mode = inputError(runnerEnv({ mode: 'Compare' }));
    expect(mode).toMatchObject({ input: 'mode', value: 'Compare' });
    expect(mode.message).toBe(
      'input `mode` is "Compare"; expected one of `compare`, `collect`, `report`, `record`, `trend`, `merge`; did you mean `compare`?',
    );
    expect(inputError(runnerEnv({ comment: 'onchange' })).message).toMatch(
      /did you mean `on-change`/,
    );
    expect(inputError(runnerEnv({ 'fail-on': 'regressions' })).message).toMatch(
      /input `fail-on` is "regressions"; expected one of `regression`, `never`/,
    );
  });

  it('accepts only true and false as booleans', () => {
    for (const value of ['True', 'yes', '1', 'on', 'FALSE']) {
      const error = inputError(runnerEnv({ 'check-run': value }));
      expect(error.message).toBe(
        `input \`check-run\` is "${value}"; expected \`true\` or \`false\``,
      );
    }
  });

  it('checks durations and percentages with the config syntax, naming the input', () => {
    expect(inputError(runnerEnv({ 'time-budget': '90' })).message).toMatch(
      /^input `time-budget` is "90"; expected a duration such as 500ms, 30s, 2m or 1h; a unit is needed: write "90s"/,
    );
    expect(inputError(runnerEnv({ threshold: '5' })).message).toMatch(
      /^input `threshold` is "5"; expected a percentage such as 5%; write "5%"/,
    );
  });

  it('restricts report ids to what can name an artifact and a hidden marker', () => {
    for (const value of ['a/b', '-x', 'a--b', 'x'.repeat(65), 'a b', 'é']) {
      expect(inputError(runnerEnv({ 'report-id': value })).input).toBe('report-id');
    }
  });

  it('reads creep-days in mode trend only, as whole days from 0 (off) to 3650', () => {
    expect(read(runnerEnv({ mode: 'trend', 'creep-days': '0' })).creepDays).toBe(0);
    expect(read(runnerEnv({ mode: 'trend', 'creep-days': '60' })).creepDays).toBe(60);
    expect(read(runnerEnv({ mode: 'trend' })).creepDays).toBeUndefined();
    for (const value of ['-1', '2.5', '30d', '4000']) {
      expect(inputError(runnerEnv({ mode: 'trend', 'creep-days': value })).message).toContain(
        'expected a whole number of days from 0 (off) to 3650',
      );
    }
    expect(inputError(runnerEnv({ mode: 'compare', 'creep-days': '30' })).input).toBe('creep-days');
  });

  it('rejects run ids that are not positive whole numbers', () => {
    for (const value of ['abc', '0', '-1', '1.5', '1e3']) {
      expect(inputError(runnerEnv({ mode: 'report', 'run-id': value })).message).toMatch(
        /expected a workflow run id/,
      );
    }
  });

  it('rejects inputs that mean nothing in the chosen mode', () => {
    expect(inputError(runnerEnv({ mode: 'compare', 'run-id': '5' })).message).toBe(
      'input `run-id` is "5"; expected no value in mode `compare`; `run-id` applies only to mode `report`',
    );
    expect(inputError(runnerEnv({ mode: 'record', base: 'main' })).input).toBe('base');
    expect(inputError(runnerEnv({ mode: 'report', threshold: '5%' })).input).toBe('threshold');
    expect(inputError(runnerEnv({ mode: 'report', 'time-budget': '1m' })).input).toBe(
      'time-budget',
    );
  });

  it('rejects an input the action does not have, with the likely intended one', () => {
    const env = runnerEnv();
    env.INPUT_THRESHHOLD = '5%';
    const error = inputError(env);
    expect(error.message).toMatch(
      /^input `threshhold` is not an input of this action; expected one of the inputs .*; did you mean `threshold`\?$/,
    );
    const renamed = runnerEnv();
    renamed.INPUT_BUDGET = '2m';
    expect(inputError(renamed).message).toMatch(/input `budget`.*did you mean `time-budget`\?$/);
  });

  it('never shows the value of an unknown input, which may be a secret', () => {
    const secret = `github_pat_${'Zq9'.repeat(27)}`;
    const env = runnerEnv();
    env.INPUT_TOKEN = secret;
    const error = inputError(env);
    expect(error.message).toMatch(
      /^input `token` is not an input of this action; .*did you mean `github-token`\?$/,
    );
    expect(error.message).not.toContain(secret.slice(0, 12));
    expect(error.value).toBeUndefined();
  });

  it('masks the token before anything else is checked', () => {
    expect(read(runnerEnv({ 'github-token': ' ghs_abc ' })).githubToken).toBe('ghs_abc');
    expect(masked).toEqual(['ghs_abc']);
    inputError(runnerEnv({ 'github-token': 'ghs_first', mode: 'bogus' }));
    expect(masked).toEqual(['ghs_first']);
    read(runnerEnv({ 'github-token': '', mode: 'collect' }));
    expect(masked).toEqual([]);
  });

  it('needs a token only where something is posted', () => {
    expect(inputError(runnerEnv({ 'github-token': '' })).input).toBe('github-token');
    expect(inputError(runnerEnv({ 'github-token': '', mode: 'report' })).input).toBe(
      'github-token',
    );
    expect(read(runnerEnv({ 'github-token': '', mode: 'collect' })).githubToken).toBe('');
    expect(read(runnerEnv({ 'github-token': '', mode: 'record' })).mode).toBe('record');
    expect(
      read(runnerEnv({ 'github-token': '', comment: 'never', 'check-run': 'false' })).mode,
    ).toBe('compare');
  });
});
