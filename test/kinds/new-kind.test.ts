// "Adding a kind is one folder plus one registry line": a tiny kind built here from the same
// parts a folder under kinds/ holds (a catalogue, a schema fragment, a starter), registered in
// one entry, is parsed in
// perfgate.yml's benchmark list and started by the pipeline's dispatch, next to the real kinds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { benchmarkName, documented, fields, wholeNumber } from '../../src/config/leaves.js';
import { benchmarkSchema, configJsonSchema } from '../../src/config/schema.js';
import type { Catalogue } from '../../src/kinds/catalogue.js';
import { KINDS, type KindDefinition, type StartKind, startKind } from '../../src/kinds/registry.js';
import { catalogueSpec, type KindRun } from '../../src/kinds/types.js';
import type { Side, Tree } from '../../src/model.js';

// The kind's folder: its catalogue, its schema fragment and its starter.
const ECHO_METRICS = [
  {
    metric: 'echo',
    label: 'echoed value',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    headline: true,
  },
] as const satisfies Catalogue;

interface EchoBenchmarkConfig {
  name: string;
  type: 'echo';
  value: number;
}

const echoSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark.'),
    type: z.literal('echo'),
    value: documented(wholeNumber('a whole number', 1, 100), 'What base answers; head doubles it.'),
  },
  'an echo benchmark (a mapping)',
).transform((b): EchoBenchmarkConfig => ({ name: b.name, type: 'echo', value: b.value }));

const startEcho: StartKind<EchoBenchmarkConfig> = async (bench) => {
  const spec = catalogueSpec(ECHO_METRICS[0], bench.name);
  return {
    probe: {
      benchmark: bench.name,
      specs: [spec],
      measure: async (side) => ({ [spec.key]: side === 'base' ? bench.value : 2 * bench.value }),
    },
  };
};

// The registry line.
const echoKind: KindDefinition<'echo'> = {
  catalogue: ECHO_METRICS,
  schema: echoSchema,
  start: startEcho as StartKind<never>,
  targets: () => [undefined],
};
const kinds = { ...KINDS, echo: echoKind };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function kindRun(): KindRun & { stops: Array<() => Promise<unknown>> } {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-kind-'));
  dirs.push(dir);
  const tree = (side: Side): Tree => ({ side, ref: side, sha: '0'.repeat(40), dir });
  const stops: Array<() => Promise<unknown>> = [];
  return {
    sides: { base: tree('base'), head: tree('head') },
    log: () => {},
    onDispose: (stop) => stops.push(stop),
    stops,
  };
}

describe('a kind added as one folder plus one registry line', () => {
  const benchmarks = z.array(benchmarkSchema(kinds));

  it('is parsed in the benchmark list beside the real kinds', () => {
    const parsed = benchmarks.parse([
      { name: 'echo it', type: 'echo', value: 3 },
      { name: 'unit', type: 'command', run: 'true' },
    ]);
    expect(parsed[0]).toEqual({ name: 'echo it', type: 'echo', value: 3 });
    expect(parsed[1]).toMatchObject({ name: 'unit', type: 'command', run: 'true', cwd: '.' });
  });

  it("is named among the expected types, and its fields' errors are its own", () => {
    const wrongType = benchmarks.safeParse([{ name: 'x', type: 'ecko' }]);
    expect(wrongType.error?.issues[0]?.message).toBe(
      'expected one of http, lighthouse, bundle, command, suite, echo, got "ecko"; did you mean `echo`?',
    );
    const wrongValue = benchmarks.safeParse([{ name: 'x', type: 'echo', value: 0 }]);
    expect(wrongValue.error?.issues[0]?.path).toEqual([0, 'value']);
    expect(wrongValue.error?.issues[0]?.message).toContain('a whole number from 1 to 100');
  });

  it("is started through the pipeline's dispatch, its specs from its catalogue", async () => {
    const [bench] = benchmarks.parse([{ name: 'echo it', type: 'echo', value: 3 }]);
    const started = await startKind(bench!, kindRun(), kinds);
    if (!('probe' in started)) throw new Error('expected a probe');
    expect(started.probe.specs).toEqual([
      {
        key: 'echo it/echo',
        benchmark: 'echo it',
        metric: 'echo',
        unit: 'ms',
        better: 'lower',
        scale: 'ratio',
      },
    ]);
    expect(await started.probe.measure('base', 0)).toEqual({ 'echo it/echo': 3 });
    expect(await started.probe.measure('head', 0)).toEqual({ 'echo it/echo': 6 });
  });
});

describe('the registry', () => {
  it('lists the kinds in the order the config names them, each with its starter', () => {
    expect(Object.keys(KINDS)).toEqual(['http', 'lighthouse', 'bundle', 'command', 'suite']);
    for (const kind of Object.values(KINDS)) expect(typeof kind.start).toBe('function');
  });

  it('builds the JSON Schema of the benchmarks from each kind, one branch per kind', () => {
    const schema = configJsonSchema() as {
      properties: { benchmarks: { items: { oneOf: Array<{ properties: { type: unknown } }> } } };
    };
    const types = schema.properties.benchmarks.items.oneOf.map((b) => b.properties.type);
    expect(types).toEqual(Object.keys(KINDS).map((kind) => ({ type: 'string', const: kind })));
  });

  it('starts a real command benchmark through the same dispatch, timing a real process', async () => {
    const run = kindRun();
    const [bench] = z
      .array(benchmarkSchema(KINDS))
      .parse([{ name: 'sleep', type: 'command', run: 'sleep 0.05' }]);
    const started = await startKind(bench!, run);
    if (!('probe' in started)) throw new Error('expected a probe');
    expect(started.probe.specs.map((s) => s.key)).toEqual([
      'sleep/wall',
      'sleep/user',
      'sleep/system',
      'sleep/max-rss',
    ]);
    const observation = await started.probe.measure('head', 0);
    expect(observation['sleep/wall']).toBeGreaterThanOrEqual(45);
    await started.probe.dispose?.();
  });

  it('refuses a benchmark of a kind it does not list, naming the kind', () => {
    expect(() => startKind({ type: 'echo' }, kindRun())).toThrow('no benchmark kind "echo"');
  });
});
