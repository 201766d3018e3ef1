// Every format's parser on the tool's real output (test/fixtures/suite/README.md says how each
// was made; criterion, Google Benchmark and custom are hand-made from their documentation),
// and the errors a broken output gets: the line and what was expected there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SuiteEntry } from '../../../src/kinds/suite/entry.js';
import { SUITE_FORMATS } from '../../../src/kinds/suite/formats.js';
import { SuiteFormatError } from '../../../src/kinds/suite/read.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/suite/${name}`, import.meta.url), 'utf8');

const byName = (entries: SuiteEntry[]) => Object.fromEntries(entries.map((e) => [e.name, e.value]));

/** The parse error of `text` in `format`. */
function failure(format: keyof typeof SUITE_FORMATS, text: string): SuiteFormatError {
  try {
    SUITE_FORMATS[format](text);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteFormatError);
    return error as SuiteFormatError;
  }
  throw new Error(`${format} accepted ${JSON.stringify(text.slice(0, 80))}`);
}

describe('the real outputs', () => {
  it('vitest bench --outputJson: each benchmark named by its file and groups, median in ms', () => {
    const entries = SUITE_FORMATS.vitest(fixture('vitest.json'));
    expect(entries.map((e) => e.name)).toEqual([
      'math.bench.ts > json round trip',
      'math.bench.ts > sorting > sort 1k numbers',
      'math.bench.ts > sorting > reverse 1k numbers',
    ]);
    expect(entries.every((e) => e.metric === 'time')).toBe(true);
    const values = byName(entries);
    expect(values['math.bench.ts > sorting > sort 1k numbers']).toBeCloseTo(0.121467, 6);
    expect(values['math.bench.ts > json round trip']).toBeCloseTo(0.000661, 6);
  });

  it('tinybench 6 table: Latency med (ns) read from its "value ± margin" text', () => {
    const entries = SUITE_FORMATS.tinybench(fixture('tinybench-6.json'));
    expect(entries).toEqual([
      { name: 'sort 1k numbers', metric: 'time', value: 122339 / 1e6 },
      { name: 'json round trip', metric: 'time', value: 641 / 1e6 },
    ]);
  });

  it('tinybench 2 table: Average Time (ns)', () => {
    const values = byName(SUITE_FORMATS.tinybench(fixture('tinybench-2.json')));
    expect(values['sort 1k numbers']).toBeCloseTo(1010450.1188118807 / 1e6, 9);
    expect(values['json round trip']).toBeCloseTo(1792.5704298569103 / 1e6, 12);
  });

  it('benchmark.js lines: ops/sec, better higher; "Fastest is" skipped', () => {
    expect(SUITE_FORMATS.benchmarkjs(fixture('benchmarkjs.txt'))).toEqual([
      { name: 'sort 1k numbers', metric: 'ops', value: 3635 },
      { name: 'json round trip', metric: 'ops', value: 1101046 },
      { name: 'RegExp#test', metric: 'ops', value: 41266601 },
    ]);
  });

  it('mitata JSON: p50 in ms, a group as a prefix, one entry per argument', () => {
    const values = byName(SUITE_FORMATS.mitata(fixture('mitata.json')));
    expect(Object.keys(values)).toEqual([
      'sort 1k numbers',
      'json > json round trip',
      'fill 10',
      'fill 1000',
    ]);
    expect(values['sort 1k numbers']).toBeCloseTo(118887 / 1e6, 9);
  });

  it('go test -bench: ns/op in ms, the two lines of -count 2 averaged', () => {
    const values = byName(SUITE_FORMATS.go(fixture('go.txt')));
    expect(Object.keys(values)).toEqual([
      'BenchmarkSort-2',
      'BenchmarkJSON-2',
      'BenchmarkFill/size=10-2',
      'BenchmarkFill/size=1000-2',
    ]);
    expect(values['BenchmarkSort-2']).toBeCloseTo((276078 + 84333) / 2 / 1e6, 9);
    expect(values['BenchmarkFill/size=10-2']).toBeCloseTo((192.2 + 114.8) / 2 / 1e6, 12);
  });

  it('pytest-benchmark JSON: fullname, median seconds in ms', () => {
    const values = byName(SUITE_FORMATS['pytest-benchmark'](fixture('pytest-benchmark.json')));
    expect(Object.keys(values)).toEqual(['test_sfx.py::test_sort', 'test_sfx.py::test_json']);
    expect(values['test_sfx.py::test_sort']).toBeCloseTo(5.973950001703088e-5 * 1e3, 12);
  });

  it('hyperfine JSON: each command (or its -n name), median seconds in ms', () => {
    const values = byName(SUITE_FORMATS.hyperfine(fixture('hyperfine.json')));
    expect(Object.keys(values)).toEqual(['short', 'sleep 0.02']);
    expect(values.short).toBeCloseTo(10.55029384, 6);
  });

  it('cargo-criterion messages (hand-made from its book): benchmark-complete medians', () => {
    const entries = SUITE_FORMATS.criterion(fixture('criterion.jsonl'));
    expect(entries.map((e) => [e.name, e.metric])).toEqual([
      ['fib/20', 'time'],
      ['fib/30', 'time'],
    ]);
    expect(entries[0]!.value).toBeCloseTo(20998.1e-6, 12);
    expect(entries[1]!.value).toBeCloseTo(2586910.5e-6, 12);
  });

  it('Google Benchmark JSON (hand-made from its guide): the median aggregate over repetitions', () => {
    const values = byName(SUITE_FORMATS['google-benchmark'](fixture('google-benchmark.json')));
    expect(values).toEqual({
      BM_StringCopy: 19.35e-6,
      'BM_SetInsert/1024/1': 41.5e-3,
      'BM_Sleep/real_time': 1.062,
    });
  });

  it("custom (github-action-benchmark's list): the value in its own unit", () => {
    expect(SUITE_FORMATS.custom(fixture('custom.json'))).toEqual([
      { name: 'parse large file', metric: 'value', value: 812.5, unit: 'ms' },
      { name: 'peak heap', metric: 'value', value: 142, unit: 'MB' },
    ]);
  });
});

describe('outputs that cannot be read', () => {
  it('a JSON syntax error names its line', () => {
    const broken = fixture('vitest.json').replace('"rank": 2,', '"rank": 2');
    const error = failure('vitest', broken);
    expect(error.line).toBe(broken.split('\n').findIndex((l) => l.includes('"rank": 2')) + 2);
    expect(error.message).toMatch(/^vitest output, line \d+: expected JSON, got /);
  });

  it("a field of the wrong shape names the field's line, its path and what was expected", () => {
    const text = fixture('pytest-benchmark.json');
    const broken = text.replace(/"median": [\d.e-]+/, '"median": "fast"');
    const error = failure('pytest-benchmark', broken);
    expect(error.line).toBe(broken.split('\n').findIndex((l) => l.includes('"fast"')) + 1);
    expect(error.message).toContain('a number above 0 at .benchmarks[0].stats.median');
    expect(error.message).toContain('got "fast"');
  });

  it('a missing field is named at the line of the object that lacks it', () => {
    const broken = JSON.stringify(
      { results: [{ command: 'a', median: 1 }, { command: 'b' }] },
      null,
      2,
    );
    const error = failure('hyperfine', broken);
    expect(error.message).toContain('.results[1].median');
    expect(error.message).toContain('got nothing');
    expect(error.line).toBe(broken.split('\n').findIndex((l) => l.includes('"b"')));
  });

  it('an empty output says so', () => {
    expect(failure('mitata', '').message).toBe(
      'mitata output, line 1: expected JSON, got no output',
    );
    expect(failure('benchmarkjs', '\n').message).toContain('got no output');
  });

  it('a benchmark.js line in another form is an error at its line, not skipped', () => {
    const error = failure('benchmarkjs', 'intro\nsort x 12 ops/sec (no margin)\n');
    expect(error.line).toBe(2);
    expect(error.message).toContain('expected a line like `name x 1,234 ops/sec');
  });

  it('go: no benchmark line at all, and a broken one', () => {
    expect(failure('go', 'PASS\nok  \tx\t0.1s\n').message).toContain(
      'at least one line like `BenchmarkName-8',
    );
    expect(failure('go', 'goos: linux\nBenchmarkX-2  many  12 ns/op\n').line).toBe(2);
  });

  it('criterion: a line that is not JSON names its line', () => {
    const lines = fixture('criterion.jsonl').split('\n');
    lines.splice(1, 0, 'Benchmarking fib/30: Warming up');
    expect(failure('criterion', lines.join('\n')).line).toBe(2);
  });

  it('criterion: a measurement in another unit than time', () => {
    const text = fixture('criterion.jsonl').replace(
      '"median":{"estimate":20998.1,"lower_bound":20979.0,"upper_bound":21016.5,"unit":"ns"}',
      '"median":{"estimate":7,"unit":"cycles"}',
    );
    expect(failure('criterion', text).message).toContain('a time unit (ns, us, ms or s)');
  });

  it('tinybench: a table row without a number', () => {
    const text = JSON.stringify([{ 'Task name': 'a', 'Latency med (ns)': 'N/A' }]);
    expect(failure('tinybench', text).message).toContain(
      'expected a time in ns at [0].Latency med (ns), got "N/A"',
    );
  });

  it('mitata: a benchmark that threw', () => {
    const text = JSON.stringify({
      layout: [{ name: null }],
      benchmarks: [{ group: 0, runs: [{ name: 'boom', error: { message: 'no' } }] }],
    });
    expect(failure('mitata', text).message).toContain('"boom" to run without error');
  });

  it('custom: a value that is not a positive number', () => {
    const error = failure('custom', '[\n  { "name": "a", "unit": "ms", "value": 0 }\n]');
    expect(error.line).toBe(2);
    expect(error.message).toContain('a number above 0 at [0].value');
  });
});
