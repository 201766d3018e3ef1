// Seeded fuzz of the config loader: valid configs (the fixtures) mutated at random — wrong types,
// huge, negative and non-finite numbers, unknown and prototype keys, deep nesting, empty strings,
// CR/LF and NUL, lists for mappings, YAML oddities — must each either load into a config whose
// every number is finite, or end in a ConfigError whose every issue names its field. Anything
// else (a TypeError, a RangeError, "expected undefined", a message without a field) fails with
// the seed, the case and the input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { createRng, deriveSeed, type Rng } from '../../src/stats/random.js';

const SEED = 20_240_611;
const CASES = 600;
const FIXTURES = ['http', 'lighthouse', 'bundle', 'command'].map((name) =>
  readFileSync(new URL(`fixtures/${name}.yml`, import.meta.url), 'utf8'),
);

const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)]!;

const HOSTILE_VALUES: readonly unknown[] = [
  '',
  ' ',
  'a\r\nX-Injected: 1',
  'nul\0byte',
  '1e400',
  `${'9'.repeat(400)}ms`,
  `${'9'.repeat(400)}%`,
  `${'9'.repeat(400)}kB`,
  '-5s',
  'NaN',
  'Infinity',
  '5constructor',
  '5toString',
  '1__proto__',
  '0.001ms',
  '1000h',
  '100000%',
  '0%',
  '../../**/*',
  '/etc/passwd',
  'HEAD',
  'constructor',
  '5 %',
  '1m30',
  'x'.repeat(5000),
  '{{',
  'dist/[a-.js',
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  -1,
  0,
  1.5,
  2 ** 53,
  1e300,
  true,
  null,
  [],
  {},
  [[[]]],
  { a: { b: { c: 1 } } },
];

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  'a\nb',
  'PORT',
  'total.constructor',
  'x/__proto__',
  'bogus',
];

/** Lines that make the YAML itself odd: tags, anchors, merge keys, duplicate keys, tabs. */
const YAML_ODDITIES = [
  'gate: &g { alpha: 0.01 }\nextra: *g',
  '<<: { gate: {} }',
  'gate: !!binary aGVsbG8=',
  'benchmarks: !!set { a, b }',
  'gate: { seed: !!timestamp 2001-12-14 }',
  'gate: { looks: *missing }',
  '? [complex, key]\n: value',
  'gate:\n\tthreshold: 5%',
  '---\nbenchmarks: []',
  'benchmarks: ~',
  'gate: { threshold: .inf }',
  'gate: { seed: 0x1F }',
  'gate: { seed: .nan }',
  'gate: { warmup: 1e400 }',
  'a: &a [*a]',
  '%YAML 1.1\n---',
];

type Json = Record<string, unknown> | unknown[];

/** Every container in the tree with the way to it, for choosing where to mutate. */
function containers(root: unknown): Json[] {
  const out: Json[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    out.push(value as Json);
    for (const child of Object.values(value)) visit(child, depth + 1);
  };
  visit(root, 0);
  return out;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that `__proto__` becomes a key as YAML makes it, not the prototype.
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function nested(rng: Rng, depth: number): unknown {
  let value: unknown = pick(rng, HOSTILE_VALUES);
  for (let i = 0; i < depth; i++) value = rng.next() < 0.5 ? [value] : { deep: value };
  return value;
}

/** One random change to the tree (in place); returns what it did, for the failure message. */
function mutate(rng: Rng, root: Record<string, unknown>): string {
  const target = pick(rng, containers(root));
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(rng, keys) : undefined;
  const choice = rng.int(6);
  if (Array.isArray(target)) {
    const index = target.length > 0 ? rng.int(target.length) : 0;
    if (choice === 0) {
      target.splice(index, 1);
      return `removed item ${index}`;
    }
    target[index] = choice === 1 ? nested(rng, 40 + rng.int(40)) : pick(rng, HOSTILE_VALUES);
    return `set item ${index}`;
  }
  const object = target as Record<string, unknown>;
  switch (choice) {
    case 0:
      if (key !== undefined) delete object[key];
      return `deleted ${key}`;
    case 1: {
      const hostile = pick(rng, HOSTILE_KEYS);
      setOwn(object, hostile, pick(rng, HOSTILE_VALUES));
      return `added key ${JSON.stringify(hostile)}`;
    }
    case 2:
      if (key !== undefined) setOwn(object, key, nested(rng, 1 + rng.int(60)));
      return `nested ${key}`;
    case 3:
      if (key !== undefined) setOwn(object, key, [object[key]]);
      return `wrapped ${key} in a list`;
    default:
      if (key !== undefined) setOwn(object, key, pick(rng, HOSTILE_VALUES));
      return `replaced ${key}`;
  }
}

function generate(index: number): { text: string; what: string[] } {
  const rng = createRng(deriveSeed(SEED, index));
  const fixture = pick(rng, FIXTURES);
  const root = parse(fixture) as Record<string, unknown>;
  const what: string[] = [];
  const changes = 1 + rng.int(4);
  for (let i = 0; i < changes; i++) what.push(mutate(rng, root));
  let text = stringify(root, { aliasDuplicateObjects: false });
  if (rng.next() < 0.25) {
    const oddity = pick(rng, YAML_ODDITIES);
    text = rng.next() < 0.5 ? `${oddity}\n${text}` : `${text}\n${oddity}\n`;
    what.push(`YAML oddity ${JSON.stringify(oddity)}`);
  }
  return { text, what };
}

/** Whole-file problems that have no field to name. */
const WHOLE_FILE = /^(YAML (syntax )?error|the file is empty|expected a mapping with `benchmarks`)/;

/** What is wrong with the outcome of loading `text` (undefined when it is acceptable), and
 *  whether it loaded. */
function outcome(text: string): { loaded: boolean; defect?: string } {
  const defect = (why: string) => ({ loaded: false, defect: why });
  let config: unknown;
  try {
    config = parseConfig(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      return defect(
        `threw ${error instanceof Error ? `${error.name}: ${error.stack}` : String(error)}`,
      );
    }
    if (error.issues.length === 0) return defect('a ConfigError without issues');
    for (const issue of error.issues) {
      if (issue.path === '' && !WHOLE_FILE.test(issue.message)) {
        return defect(`an issue without a field: ${issue.message}`);
      }
      if (/expected undefined|\[object Object\]|\n\s+at /.test(issue.message)) {
        return defect(`an unreadable message: ${issue.path}: ${issue.message}`);
      }
    }
    return { loaded: false };
  }
  const bad: string[] = [];
  JSON.stringify(config, (key, value) => {
    // Durations must fit Node's timers (2^31-1 ms), every other number must be finite.
    const limit = key.endsWith('Ms') ? 2 ** 31 - 1 : 2 ** 53;
    if (typeof value === 'number' && !(Math.abs(value) <= limit)) bad.push(`${key}: ${value}`);
    return value;
  });
  return bad.length === 0 ? { loaded: true } : defect(`loaded with ${bad.join(', ')}`);
}

describe('config fuzz', () => {
  it(`${CASES} mutated configs (seed ${SEED}) each load or name the field`, () => {
    const failures: string[] = [];
    let loaded = 0;
    for (let index = 0; index < CASES; index++) {
      const { text, what } = generate(index);
      const result = outcome(text);
      if (result.defect !== undefined) {
        failures.push(
          `seed ${SEED}, case ${index} (${what.join('; ')}): ${result.defect}\n--- input ---\n${text.slice(0, 2000)}`,
        );
      }
      if (result.loaded) loaded++;
    }
    expect(failures.slice(0, 3).join('\n\n')).toBe('');
    // Both outcomes occur, so the generator is neither too gentle nor too destructive (28 of
    // the 600 load with this seed).
    expect(loaded).toBeGreaterThanOrEqual(10);
    expect(CASES - loaded).toBeGreaterThan(CASES / 2);
  });
});
