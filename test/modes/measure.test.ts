// The action's settings: perfgate.yml under working-directory with the inputs over it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { loadActionConfig } from '../../src/modes/measure.js';
import { inputs } from './helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'perfgate-action-config-'));
writeFileSync(
  join(cwd, 'never.yml'),
  'benchmarks:\n  - { name: noop, type: command, run: "true" }\ngate:\n  fail-on: never\n',
);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('loadActionConfig', () => {
  it('lets the fail-on input turn a config `never` into a failing gate, and back', async () => {
    const load = (fields: Parameters<typeof inputs>[0]) =>
      loadActionConfig(inputs({ config: 'never.yml', ...fields }), { cwd });
    expect((await load({ failOn: 'regression' })).config.gate.failOn).toBe('regression');
    expect((await load({})).config.gate.failOn).toBe('never');
    expect((await load({ baseline: 'never' })).baseline).toStrictEqual({ from: 'measure' });
    expect((await load({ baseline: 'auto' })).baseline).toStrictEqual({ from: 'artifact' });
  });

  it('names the input in override errors', async () => {
    const error = await loadActionConfig(inputs({ config: 'never.yml', threshold: '5' }), {
      cwd,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'input `threshold`: expected a percentage such as 5%, got "5"; write "5%"',
    );
  });
});
