// `--shard i/n`: the split of the config's benchmarks (or an http benchmark's routes) into n
// parts, stable under reordering, every target in exactly one part; bad values named (exit 2).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, readInputs } from '../../src/action/inputs.js';
import { ConfigError, parseConfig, resolveConfig } from '../../src/config/index.js';
import { configHash, parseShard, shardArtifactName, shardConfig } from '../../src/config/shard.js';
import { exitCodeFor } from '../../src/errors.js';
import type { HttpBenchmarkConfig } from '../../src/model.js';
import { runPerfgate } from '../helpers/cli.js';

const commands = (names: string[]) =>
  `benchmarks:\n${names.map((n) => `  - { name: ${n}, type: command, run: "true" }`).join('\n')}\n`;
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];

const HTTP = `benchmarks:
  - name: api
    type: http
    start: node server.js
    requests: [/a, /b, /c, /d]
    budgets: { p95: 50ms, GET /a/p95: 20ms, GET /c/p99: 80ms }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfgate-shard-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(exitCodeFor(error)).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseShard', () => {
  it('reads i/n, counting from 1', () => {
    expect(parseShard('1/2', '--shard')).toEqual({ index: 1, count: 2 });
    expect(parseShard(' 3/3 ', '--shard')).toEqual({ index: 3, count: 3 });
    expect(parseShard('1/1', '--shard')).toEqual({ index: 1, count: 1 });
  });

  it('refuses 0/2, 3/2, x and friends, naming the field, the value and the rule', () => {
    expect(message(() => parseShard('0/2', '--shard'))).toBe(
      '--shard: expected i/n, this job\'s part i of n parts (1 ≤ i ≤ n ≤ 256), e.g. 1/4, got "0/2"',
    );
    expect(message(() => parseShard('3/2', 'input `shard`'))).toBe(
      'input `shard`: expected i/n, this job\'s part i of n parts (1 ≤ i ≤ n ≤ 256), e.g. 1/4, got "3/2"; part 3 of 2 does not exist',
    );
    for (const bad of ['x', '1', '1/0', '-1/2', '1/2/3', '1.5/2', '1/257', '']) {
      expect(message(() => parseShard(bad, '--shard'))).toMatch(/^--shard: expected i\/n/);
    }
  });
});

describe('shardConfig', () => {
  const config = parseConfig(commands(NAMES));
  const parts = (count: number, c = config) =>
    Array.from({ length: count }, (_, i) => shardConfig(c, { index: i + 1, count }, '--shard'));

  it('puts every benchmark in exactly one part, parts differing by at most one', () => {
    for (const count of [1, 2, 3, 7]) {
      const split = parts(count);
      const names = split.flatMap((p) => p.config.benchmarks.map((b) => b.name));
      expect(names.toSorted()).toEqual(NAMES.toSorted());
      const sizes = split.map((p) => p.config.benchmarks.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const p of split) {
        expect(p.info.targets).toEqual(p.config.benchmarks.map((b) => b.name));
        expect(p.info.count).toBe(count);
      }
    }
  });

  it('is stable when the benchmarks are reordered, and the gate and build stay whole', () => {
    const reordered = parseConfig(commands(NAMES.toReversed()));
    const a = parts(3).map((p) => p.info.targets.toSorted());
    const b = parts(3, reordered).map((p) => p.info.targets.toSorted());
    expect(b).toEqual(a);
    for (const p of parts(3)) expect(p.config.gate).toBe(config.gate);
  });

  it('hashes the whole resolved config, the same for every part and for equal configs', () => {
    const hashes = new Set(parts(3).map((p) => p.info.config));
    expect(hashes).toEqual(new Set([configHash(config)]));
    expect(configHash(parseConfig(commands(NAMES)))).toBe(configHash(config));
    expect(configHash(parseConfig(`${commands(NAMES)}gate: { threshold: 7% }\n`))).not.toBe(
      configHash(config),
    );
  });

  it('splits an http benchmark`s routes when there are fewer benchmarks than shards, with their budgets', () => {
    const http = parseConfig(HTTP);
    const split = parts(3, http);
    const routes = split.map((p) =>
      (p.config.benchmarks as HttpBenchmarkConfig[]).flatMap((b) => b.requests.map((r) => r.name)),
    );
    expect(routes.flat().toSorted()).toEqual(['GET /a', 'GET /b', 'GET /c', 'GET /d']);
    expect(routes.every((r) => r.length >= 1)).toBe(true);
    for (const p of split) {
      const bench = p.config.benchmarks[0] as HttpBenchmarkConfig;
      const mine = bench.requests.map((r) => r.name);
      expect(p.info.targets).toEqual(mine.map((r) => `api/${r}`));
      // The general budget stays; a route's own only where the route is.
      expect(bench.budgets!.p95).toBe(50);
      expect(Object.hasOwn(bench.budgets!, 'GET /a/p95')).toBe(mine.includes('GET /a'));
      expect(Object.hasOwn(bench.budgets!, 'GET /c/p99')).toBe(mine.includes('GET /c'));
    }
  });

  it('refuses more shards than targets, naming the field', () => {
    expect(message(() => shardConfig(parseConfig(HTTP), { index: 1, count: 5 }, '--shard'))).toBe(
      '--shard: 5 shards but only 4 targets to split (benchmarks, and the routes of http benchmarks when there are fewer benchmarks than shards): at most 4 shards',
    );
  });

  it('names each shard`s artifact apart', () => {
    expect(shardArtifactName('default', { index: 2, count: 4 })).toBe(
      'perfgate-result-default-shard-2-of-4',
    );
  });
});

describe('resolveConfig with a shard', () => {
  it('measures the part, says which, and fails at load time on a bad value', async () => {
    const file = join(dir, 'perfgate.yml');
    await writeFile(file, commands(NAMES));
    const settings = await resolveConfig(file, { shard: '2/3' });
    expect(settings.shard).toMatchObject({ index: 2, count: 3 });
    expect(settings.config.benchmarks.map((b) => b.name)).toEqual(settings.shard!.targets);
    expect(settings.shard!.config).toBe(configHash(parseConfig(commands(NAMES))));
    expect((await resolveConfig(file, {})).shard).toBeUndefined();
    await expect(resolveConfig(file, { shard: 'x' }, { shard: 'input `shard`' })).rejects.toThrow(
      /^input `shard`: expected i\/n.*got "x"$/,
    );
    await expect(resolveConfig(file, { shard: '1/8' })).rejects.toThrow(
      '--shard: 8 shards but only 7 targets',
    );
  });

  it('exits 2 on the command line, naming --shard, before anything is measured', async () => {
    await writeFile(join(dir, 'perfgate.yml'), commands(NAMES));
    for (const [value, why] of [
      ['0/2', '"0/2"'],
      ['3/2', '"3/2"; part 3 of 2 does not exist'],
      ['x', '"x"'],
    ]) {
      const run = await runPerfgate(['collect', '--shard', value!], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--shard: expected i/n, this job's part i of n parts`);
      expect(run.stderr).toContain(`got ${why}`);
    }
    const record = await runPerfgate(['record', '--shard', '1/2'], dir);
    expect(record.code).toBe(2);
    expect(record.stderr).toContain('--shard has no meaning for record');
  });
});

describe('the `shard` input', () => {
  const read = (inputs: Record<string, string>) => () =>
    readInputs(
      Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      () => {},
    );

  it('is read in mode collect, checked at once, and means nothing elsewhere', () => {
    expect(read({ mode: 'collect', shard: '2/4' })().shard).toBe('2/4');
    expect(read({ mode: 'collect' })().shard).toBeUndefined();
    expect(read({ mode: 'collect', shard: '3/2' })).toThrow(
      new InputError(
        'shard',
        '3/2',
        "i/n, this job's part i of n parts (1 ≤ i ≤ n ≤ 256), e.g. 1/4",
      ),
    );
    expect(read({ mode: 'compare', shard: '1/2', 'github-token': 't' })).toThrow(
      'input `shard` is "1/2"; expected no value in mode `compare`; `shard` applies only to mode `collect`',
    );
  });

  it('mode merge posts, so it needs a token', () => {
    expect(read({ mode: 'merge' })).toThrow(/input `github-token` .* a token in mode `merge`/);
    expect(read({ mode: 'merge', 'github-token': 't' })().mode).toBe('merge');
  });
});
