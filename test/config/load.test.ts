import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
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
