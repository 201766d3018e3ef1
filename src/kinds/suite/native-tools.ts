// The other languages' tools and the custom format: `go test -bench` text, cargo-criterion's
// --message-format=json lines, pytest-benchmark's --benchmark-json, Google Benchmark's JSON,
// hyperfine's --export-json and github-action-benchmark's customSmallerIsBetter /
// customBiggerIsBetter list. Times are read as the tool's median where it has one, in ms.
import { meanByName, type SuiteEntry, type SuiteParser, time, toMs } from './entry.js';
import {
  array,
  field,
  type JsonPath,
  object,
  positive,
  readJson,
  ShapeError,
  SuiteFormatError,
  string,
} from './read.js';

const GO_LINE = /^(Benchmark\S*)\s+(\d+)\s+(\d+(?:\.\d+)?(?:e[+-]?\d+)?) ns\/op(?:\s|$)/;

/**
 * `go test -bench .`: `BenchmarkName-8   1000   1234 ns/op [more metrics]` lines; `goos:`,
 * `pkg:`, `PASS`, `ok` and log lines are skipped. A name repeated by `-count` is averaged.
 */
export const go: SuiteParser = (text) => {
  const entries: SuiteEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const match = GO_LINE.exec(line.trim());
    if (match) entries.push(time(match[1]!, Number(match[3]) / 1e6));
    else if (/^Benchmark\S*\s.*ns\/op/.test(line.trim())) {
      throw new SuiteFormatError(
        'go',
        i + 1,
        'a line like `BenchmarkName-8   1000   1234 ns/op`',
        line.trim(),
      );
    }
  });
  if (entries.length === 0) {
    throw new SuiteFormatError(
      'go',
      undefined,
      'at least one line like `BenchmarkName-8   1000   1234 ns/op` (go test -run ^$ -bench .)',
      text.trim() === '' ? 'no output' : `none in ${text.split('\n').length} lines`,
    );
  }
  return meanByName(entries);
};

/**
 * `cargo criterion --message-format=json`: one JSON object per line; each
 * `"reason": "benchmark-complete"` message names the benchmark (`id`) and its `median`
 * estimate (`{ "estimate", "unit" }`). Other messages are skipped.
 */
export const criterion: SuiteParser = (text) => {
  const entries: SuiteEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const entry = readJson(
      'criterion',
      line,
      (value) => {
        const message = object(value, [], 'a cargo-criterion message (a JSON object)');
        if (message.reason !== 'benchmark-complete') return undefined;
        const id = field(message, 'id', [], string);
        const median = field(message, 'median', [], object);
        const estimate = field(median, 'estimate', ['median'], positive);
        return time(id, toMs(estimate, median.unit, ['median', 'unit']));
      },
      i + 1,
    );
    if (entry) entries.push(entry);
  });
  if (entries.length === 0) {
    throw new SuiteFormatError(
      'criterion',
      undefined,
      'at least one {"reason":"benchmark-complete",...} line (cargo criterion --message-format=json)',
      text.trim() === '' ? 'no output' : 'none',
    );
  }
  return entries;
};

/** `pytest --benchmark-json=<file>`: benchmarks with their `fullname` and stats in seconds. */
export const pytestBenchmark: SuiteParser = (text) =>
  readJson('pytest-benchmark', text, (root) =>
    field(object(root, []), 'benchmarks', [], array).map((bench, i) => {
      const path: JsonPath = ['benchmarks', i];
      const record = object(bench, path);
      const stats = field(record, 'stats', path, object);
      const seconds = field(stats, 'median', [...path, 'stats'], positive);
      return time(field(record, 'fullname', path, string), seconds * 1e3);
    }),
  );

/**
 * Google Benchmark's `--benchmark_format=json` (or `--benchmark_out_format=json`): per
 * `run_name`, the `median` aggregate's real time when repetitions made aggregates, else the mean
 * of its iteration runs. A run with `error_occurred` is an error.
 */
export const googleBenchmark: SuiteParser = (text) =>
  readJson('google-benchmark', text, (root) => {
    const iterations: SuiteEntry[] = [];
    const medians = new Map<string, SuiteEntry>();
    const names: string[] = [];
    field(object(root, []), 'benchmarks', [], array).forEach((bench, i) => {
      const path: JsonPath = ['benchmarks', i];
      const record = object(bench, path);
      const name = field(record, 'run_name' in record ? 'run_name' : 'name', path, string);
      if (record.error_occurred === true) {
        throw new ShapeError([...path, 'error_message'], `"${name}" to run`, record.error_message);
      }
      const aggregate = record.run_type === 'aggregate' ? record.aggregate_name : undefined;
      if (aggregate !== undefined && aggregate !== 'median') return;
      const realTime = field(record, 'real_time', path, positive);
      const entry = time(name, toMs(realTime, record.time_unit, [...path, 'time_unit']));
      if (aggregate === 'median') medians.set(name, entry);
      else iterations.push(entry);
      if (!names.includes(name)) names.push(name);
    });
    const means = new Map(meanByName(iterations).map((e) => [e.name, e]));
    return names.map((name) => (medians.get(name) ?? means.get(name))!);
  });

/** `hyperfine --export-json <file>`: one result per command, times in seconds. */
export const hyperfine: SuiteParser = (text) =>
  readJson('hyperfine', text, (root) =>
    field(object(root, []), 'results', [], array).map((result, i) => {
      const path: JsonPath = ['results', i];
      const record = object(result, path);
      const seconds = field(record, 'median', path, positive);
      return time(field(record, 'command', path, string), seconds * 1e3);
    }),
  );

/** github-action-benchmark's custom format: `[{ "name", "unit", "value" }]` (`range` and
 *  `extra` allowed and ignored). */
export const custom: SuiteParser = (text) =>
  readJson('custom', text, (root) =>
    array(root, [], 'a list of { "name", "unit", "value" }').map((item, i) => {
      const path: JsonPath = [i];
      const record = object(item, path, 'an object { "name", "unit", "value" }');
      return {
        name: field(record, 'name', path, string),
        metric: 'value',
        value: field(record, 'value', path, positive),
        unit: field(record, 'unit', path, string),
      } satisfies SuiteEntry;
    }),
  );
