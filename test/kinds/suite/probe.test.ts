// The suite kind on real trees and real commands: its config, the first runs that settle which
// benchmarks are compared (and the notes of those on one side only), the rounds, and each way a
// round fails (the command, the output file, the format, a benchmark gone).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { nameFilter } from '../../../src/kinds/suite/patterns.js';
import { type SuiteBenchmarkConfig, suiteSchema } from '../../../src/kinds/suite/schema.js';
import { startSuite } from '../../../src/kinds/suite/start.js';
import { type KindRun, type Probe, ProbeError } from '../../../src/kinds/types.js';
import type { Side, Tree } from '../../../src/model.js';

const root = mkdtempSync(path.join(tmpdir(), 'perfgate-suite-probe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let trees: Record<Side, Tree>;
let count = 0;
beforeEach(() => {
  count++;
  const tree = (side: Side): Tree => {
    const dir = path.join(root, `${count}-${side}`);
    mkdirSync(dir, { recursive: true });
    return { side, ref: side, sha: side === 'base' ? 'a'.repeat(40) : 'b'.repeat(40), dir };
  };
  trees = { base: tree('base'), head: tree('head') };
});

/** What the tool prints on `side`: a custom list from the tree's results.json. */
function results(side: Side, entries: Array<[string, number]>, unit = 'ms') {
  const list = entries.map(([name, value]) => ({ name, unit, value }));
  writeFileSync(path.join(trees[side].dir, 'results.json'), JSON.stringify(list, null, 2));
}

const config = (fields: Record<string, unknown> = {}): SuiteBenchmarkConfig =>
  suiteSchema.parse({
    name: 'micro',
    type: 'suite',
    run: 'cat results.json',
    format: 'custom',
    ...fields,
  });

function kindRun(): KindRun & { notes: string[]; logs: string[] } {
  const notes: string[] = [];
  const logs: string[] = [];
  return {
    sides: trees,
    log: (line) => logs.push(line),
    note: (line) => notes.push(line),
    onDispose: () => {},
    notes,
    logs,
  };
}

async function started(bench: SuiteBenchmarkConfig, run = kindRun()): Promise<Probe> {
  const s = await startSuite(bench, run);
  if (!('probe' in s)) throw new Error('a suite starts a probe');
  return s.probe;
}

async function rejection(promise: Promise<unknown>): Promise<ProbeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProbeError);
  return error as ProbeError;
}

describe('suite config', () => {
  it('takes its defaults', () => {
    expect(config()).toEqual({
      name: 'micro',
      type: 'suite',
      run: 'cat results.json',
      format: 'custom',
      cwd: '.',
      env: {},
      timeoutMs: 600_000,
      include: [],
      exclude: [],
      better: 'lower',
    });
    expect(config({ include: 'parse *', output: 'out/bench.json' })).toMatchObject({
      include: ['parse *'],
      output: 'out/bench.json',
    });
  });

  it('names the field, the value and what was expected', () => {
    const message = (fields: Record<string, unknown>) => {
      const parsed = suiteSchema.safeParse({ name: 'm', type: 'suite', run: 'x', ...fields });
      expect(parsed.success).toBe(false);
      return parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(message({ format: 'jest' })).toMatch(
      /^format: .*expected one of vitest, tinybench, benchmarkjs, mitata, go, criterion, pytest-benchmark, google-benchmark, hyperfine, custom/,
    );
    expect(message({ format: 'vitest', better: 'higher' })).toBe(
      'better: better applies to format custom only; format vitest says its own direction',
    );
    expect(message({ format: 'go', output: '../elsewhere.txt' })).toMatch(
      /^output: expected a file relative/,
    );
    expect(message({ format: 'go', exclude: ['ok', 'trailing\\'] })).toBe(
      'exclude.1: expected a benchmark name pattern, got "trailing\\": it ends with a lone \\',
    );
  });

  it('matches names with * and ? only, across slashes and groups', () => {
    const keep = nameFilter(['parse *', 'BenchmarkFill/size=?-2'], ['* slow']);
    expect(keep('parse json')).toBe(true);
    expect(keep('parse json slow')).toBe(false);
    expect(keep('BenchmarkFill/size=1-2')).toBe(true);
    expect(keep('BenchmarkFill/size=10-2')).toBe(false);
    expect(keep('a.b > parse x')).toBe(false);
    expect(nameFilter(['a.b'], [])('axb')).toBe(false);
  });
});

describe('startSuite and the rounds', () => {
  it('compares the benchmarks on both sides, each a target; one side only goes to the notes', async () => {
    results('base', [
      ['parse', 10],
      ['render', 20],
      ['old', 5],
    ]);
    results('head', [
      ['render', 22],
      ['parse', 11],
      ['new', 7],
    ]);
    const run = kindRun();
    const probe = await started(config(), run);
    expect(probe.specs.map((s) => s.key)).toEqual(['micro/parse/value', 'micro/render/value']);
    expect(probe.specs[0]).toEqual({
      key: 'micro/parse/value',
      benchmark: 'micro',
      target: 'parse',
      metric: 'value',
      unit: 'ms',
      better: 'lower',
      scale: 'ratio',
    });
    expect(run.notes).toEqual([
      'suite "micro": 1 benchmark added on head, not compared (no base to compare with): "new"',
      'suite "micro": 1 benchmark removed on head, not compared: "old"',
    ]);
    expect(await probe.measure('base', 0)).toEqual({
      'micro/parse/value': 10,
      'micro/render/value': 20,
    });
    expect(await probe.measure('head', 0)).toEqual({
      'micro/parse/value': 11,
      'micro/render/value': 22,
    });
    await probe.dispose?.();
  });

  it("custom with better: higher is customBiggerIsBetter; the tool's unit is the spec's", async () => {
    for (const side of ['base', 'head'] as const) results(side, [['throughput', 900]], 'req/s');
    const probe = await started(config({ better: 'higher' }));
    expect(probe.specs[0]).toMatchObject({ unit: 'req/s', better: 'higher' });
  });

  it('a real benchmark.js-style tool: ops/s, better higher; include and exclude', async () => {
    const script = `for (const [name, ops] of Object.entries(require('./rates.json')))
      console.log(name + ' x ' + ops.toLocaleString('en-US') + ' ops/sec ±1.00% (90 runs sampled)');`;
    for (const side of ['base', 'head'] as const) {
      writeFileSync(path.join(trees[side].dir, 'bench.js'), script);
      writeFileSync(
        path.join(trees[side].dir, 'rates.json'),
        JSON.stringify({ 'sort small': 1_234_567, 'sort large': 4_321, 'sort slow': 12 }),
      );
    }
    const probe = await started(
      config({ run: 'node bench.js', format: 'benchmarkjs', include: 'sort *', exclude: '* slow' }),
    );
    expect(probe.specs.map((s) => [s.key, s.unit, s.better])).toEqual([
      ['micro/sort small/ops', 'ops/s', 'higher'],
      ['micro/sort large/ops', 'ops/s', 'higher'],
    ]);
    expect(await probe.measure('head', 1)).toEqual({
      'micro/sort small/ops': 1_234_567,
      'micro/sort large/ops': 4_321,
    });
  });

  it('reads the file the tool writes (output:), and removes it before each run', async () => {
    for (const side of ['base', 'head'] as const) results(side, [['parse', 10]]);
    const bench = config({
      run: 'mkdir -p out && cp results.json out/r.json',
      output: 'out/r.json',
    });
    const probe = await started(bench);
    expect(await probe.measure('base', 0)).toEqual({ 'micro/parse/value': 10 });
    expect(existsSync(path.join(trees.base.dir, 'out/r.json'))).toBe(true);
    // That file, left from the last round, must not pass for a run that writes nothing.
    const error = await rejection(startSuite({ ...bench, run: 'true' }, kindRun()));
    expect(error.message).toContain('exited with 0 but wrote no out/r.json');
    expect(existsSync(path.join(trees.base.dir, 'out/r.json'))).toBe(false);
  });

  it('an output that cannot be read names the side, where it came from, the line and what was expected', async () => {
    results('base', [['parse', 10]]);
    writeFileSync(
      path.join(trees.head.dir, 'results.json'),
      '[\n  { "name": "parse", "unit": "ms" }\n]\n',
    );
    const error = await rejection(startSuite(config(), kindRun()));
    expect(error.side).toBe('head');
    expect(error.message).toBe(
      'benchmark "micro", head side, standard output: custom output, line 2: expected a number above 0 at [0].value, got nothing',
    );
  });

  it('a command that fails says how, with its output', async () => {
    const error = await rejection(
      startSuite(config({ run: 'echo "no such suite" >&2; exit 3' }), kindRun()),
    );
    expect(error.side).toBe('base');
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('no such suite');
  });

  it('a benchmark that ran in the first round but not in a later one stops the round', async () => {
    for (const side of ['base', 'head'] as const) {
      results(side, [
        ['parse', 10],
        ['render', 20],
      ]);
    }
    const probe = await started(config());
    results('head', [['parse', 10]]);
    const error = await rejection(probe.measure('head', 3));
    expect(error.message).toBe(
      'benchmark "micro", head side: "render" ran in the first round but not in this one',
    );
  });

  it('no benchmark on both sides (after include/exclude) is an error naming what each side ran', async () => {
    results('base', [['a', 1]]);
    results('head', [['a', 1]]);
    const error = await rejection(startSuite(config({ exclude: 'a' }), kindRun()));
    expect(error.message).toBe(
      'benchmark "micro": no benchmark of the suite ran on both sides after include/exclude (base: none; head: none)',
    );
  });

  it('a name reported twice in one run is an error', async () => {
    results('base', [
      ['a', 1],
      ['a', 2],
    ]);
    const error = await rejection(startSuite(config(), kindRun()));
    expect(error.message).toContain('names the benchmark "a" twice');
  });
});
