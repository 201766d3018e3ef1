// The JavaScript tools' outputs, as they really print them (fixtures in test/fixtures/suite/):
// vitest bench's --outputJson, tinybench's bench.table() as JSON, mitata's run({ format: 'json' })
// and benchmark.js's String(event.target) lines. Times are read as the tool's median per
// operation where it has one, in ms.
import { type SuiteEntry, type SuiteParser, time } from './entry.js';
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

/** `vitest bench --run --outputJson <file>`: files → groups → benchmarks, times in ms. */
export const vitest: SuiteParser = (text) =>
  readJson('vitest', text, (root) => {
    const entries: SuiteEntry[] = [];
    const files = field(object(root, []), 'files', [], array);
    files.forEach((file, f) => {
      const filePath: JsonPath = ['files', f];
      const groups = field(object(file, filePath), 'groups', filePath, array);
      groups.forEach((group, g) => {
        const groupPath: JsonPath = [...filePath, 'groups', g];
        const record = object(group, groupPath);
        const fullName = field(record, 'fullName', groupPath, string);
        field(record, 'benchmarks', groupPath, array).forEach((bench, b) => {
          const path: JsonPath = [...groupPath, 'benchmarks', b];
          const row = object(bench, path);
          const name = field(row, 'name', path, string);
          entries.push(time(`${fullName} > ${name}`, field(row, 'median', path, positive)));
        });
      });
    });
    return entries;
  });

/** The leading number of a tinybench table cell: `122339 ± 3677.5`, `1,234`, or a number. */
function cellNumber(value: unknown, path: JsonPath): number {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? /^\s*([\d,]*\.?\d+(?:e[+-]?\d+)?)/i.exec(text) : null;
  const number = match ? Number(match[1]!.replaceAll(',', '')) : Number.NaN;
  if (!(number > 0)) throw new ShapeError(path, 'a time in ns', value);
  return number;
}

/**
 * `console.log(JSON.stringify(bench.table()))`: one row per task. tinybench 3 and later write
 * `Task name` and `Latency med (ns)` (`"122339 ± 3677.5"`); tinybench 2 writes `Task Name` and
 * `Average Time (ns)` (a number).
 */
export const tinybench: SuiteParser = (text) =>
  readJson('tinybench', text, (root) =>
    array(root, [], 'the list bench.table() returns').map((row, i) => {
      const path: JsonPath = [i];
      const record = object(row, path, 'a row of bench.table()');
      if ('Task name' in record) {
        const name = field(record, 'Task name', path, string);
        const latency = 'Latency med (ns)' in record ? 'Latency med (ns)' : 'Latency avg (ns)';
        return time(name, cellNumber(record[latency], [...path, latency]) / 1e6);
      }
      const name = field(record, 'Task Name', path, (v, p) =>
        string(v, p, 'a string (tinybench 3+: "Task name", 2: "Task Name")'),
      );
      return time(
        name,
        cellNumber(record['Average Time (ns)'], [...path, 'Average Time (ns)']) / 1e6,
      );
    }),
  );

/**
 * mitata's `run({ format: 'json' })` (or `{ format: { json: { samples: false, debug: false } } }`):
 * benchmarks → runs (one per argument set), each with stats in ns; a group's name from `layout`.
 */
export const mitata: SuiteParser = (text) =>
  readJson('mitata', text, (root) => {
    const record = object(root, []);
    const layout = field(record, 'layout', [], array);
    const entries: SuiteEntry[] = [];
    field(record, 'benchmarks', [], array).forEach((bench, b) => {
      const path: JsonPath = ['benchmarks', b];
      const trial = object(bench, path);
      const group = layout[trial.group as number] as { name?: unknown } | undefined;
      const prefix = typeof group?.name === 'string' ? `${group.name} > ` : '';
      field(trial, 'runs', path, array).forEach((run, r) => {
        const runPath: JsonPath = [...path, 'runs', r];
        const row = object(run, runPath);
        const name = field(row, 'name', runPath, string);
        if (row.error !== undefined) {
          const message = (row.error as { message?: unknown })?.message;
          throw new ShapeError([...runPath, 'error'], `"${name}" to run without error`, message);
        }
        const stats = field(row, 'stats', runPath, object);
        entries.push(time(prefix + name, positive(stats.p50, [...runPath, 'stats', 'p50']) / 1e6));
      });
    });
    return entries;
  });

const BENCHMARKJS_LINE = /^(.+?) x ([\d,]+(?:\.\d+)?) ops\/sec ±([\d.]+)% \((\d+) runs? sampled\)$/;
const BENCHMARKJS_EXAMPLE = '`name x 1,234 ops/sec ±0.50% (90 runs sampled)`';

/**
 * benchmark.js's `String(event.target)` in a `cycle` listener, one line per benchmark:
 * operations per second. Other lines (`Fastest is …`) are skipped; a line that speaks of
 * ops/sec in another form is an error, not skipped.
 */
export const benchmarkjs: SuiteParser = (text) => {
  const entries: SuiteEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const match = BENCHMARKJS_LINE.exec(line);
    if (match) {
      const ops = Number(match[2]!.replaceAll(',', ''));
      if (!(ops > 0)) {
        throw new SuiteFormatError('benchmarkjs', i + 1, 'a rate above 0 ops/sec', line);
      }
      entries.push({ name: match[1]!, metric: 'ops', value: ops });
    } else if (line.includes('ops/sec')) {
      throw new SuiteFormatError('benchmarkjs', i + 1, `a line like ${BENCHMARKJS_EXAMPLE}`, line);
    }
  });
  if (entries.length === 0) {
    throw new SuiteFormatError(
      'benchmarkjs',
      undefined,
      `at least one line like ${BENCHMARKJS_EXAMPLE}`,
      text.trim() === '' ? 'no output' : `none in ${text.split('\n').length} lines`,
    );
  }
  return entries;
};
