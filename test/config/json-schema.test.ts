import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText, parseConfig } from '../../src/config/index.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const examples = readdirSync(fixtures).filter((name) => name.endsWith('.yml'));

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/**
 * A small validator for the part of draft-07 the generated schema uses (types, properties,
 * required, additionalProperties, items, enum/const, anyOf/oneOf, patterns and bounds): enough
 * to show that an editor given the schema accepts the examples and flags mistakes.
 */
function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.anyOf || schema.oneOf) {
    const branches = (schema.anyOf ?? schema.oneOf)!;
    const passing = branches.filter((branch) => validate(branch, value, path).length === 0).length;
    const ok = schema.oneOf ? passing === 1 : passing >= 1;
    if (!ok) errors.push(`${path}: matches ${passing} of ${branches.length} branches`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
      return [...errors, `${path}: expected ${types.join('|')}, got ${actual}`];
    }
  }
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`${path}: expected ${String(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: not in ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      errors.push(`${path}: ${value} !~ ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(`${path}: too short`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${path}: above maximum`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(`${path}: too small`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      errors.push(`${path}: too large`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    const items = schema.items;
    if (items) {
      value.forEach((item, i) => {
        errors.push(...validate(items, item, `${path}[${i}]`));
      });
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) errors.push(`${path}: missing ${key}`);
    }
    for (const [key, child] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validate(property, child, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unknown key ${key}`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validate(schema.additionalProperties, child, `${path}.${key}`));
      }
    }
  }
  return errors;
}

const schema = configJsonSchema() as JsonSchema;
const property = (s: JsonSchema, ...keys: string[]): JsonSchema =>
  keys.reduce((node, key) => node.properties?.[key] ?? {}, s);
const benchmarkBranch = (type: string): JsonSchema =>
  property(schema, 'benchmarks').items!.oneOf!.find((b) => b.properties?.type?.const === type)!;

describe('schema/perfgate.schema.json', () => {
  it('is the fresh generation from the zod source (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(join(root, 'schema', 'perfgate.schema.json'), 'utf8');
    expect(committed).toBe(configJsonSchemaText());
  });

  it('describes the file as written: kebab-case keys, unit strings, descriptions on fields', () => {
    expect(Object.keys(property(schema, 'gate').properties ?? {})).toStrictEqual([
      'threshold',
      'thresholds',
      'alpha',
      'correction',
      'time-budget',
      'looks',
      'look-plan',
      'futility',
      'warmup',
      'seed',
      'fail-on',
      'early-stop',
    ]);
    expect(property(schema, 'gate', 'time-budget')).toMatchObject({
      type: 'string',
      default: '5m',
    });
    expect(benchmarkBranch('http').required).toStrictEqual(['name', 'type', 'start', 'requests']);
    const undocumented: string[] = [];
    for (const type of ['http', 'lighthouse', 'bundle', 'command']) {
      for (const [key, field] of Object.entries(benchmarkBranch(type).properties ?? {})) {
        if (key !== 'type' && !field.description) undocumented.push(`${type}.${key}`);
      }
    }
    for (const [key, field] of Object.entries(property(schema, 'gate').properties ?? {})) {
      if (!field.description) undocumented.push(`gate.${key}`);
    }
    expect(undocumented).toStrictEqual([]);
  });

  it.each(examples)('accepts the example %s, which perfgate also accepts', (name) => {
    const text = readFileSync(join(fixtures, name), 'utf8');
    expect(() => parseConfig(text, name)).not.toThrow();
    expect(validate(schema, parse(text))).toStrictEqual([]);
  });

  it('flags the mistakes an editor should underline', () => {
    const example = parse(readFileSync(join(fixtures, 'http.yml'), 'utf8'));
    const mistaken = structuredClone(example);
    mistaken.benchmarks[0].conections = 10;
    mistaken.gate['time-budget'] = 30;
    mistaken.gate.threshold = '5';
    delete mistaken.benchmarks[0].start;
    mistaken.benchmarks.push({ name: 'x', type: 'htp' });
    expect(validate(schema, mistaken)).toStrictEqual([
      '$.benchmarks[0]: matches 0 of 5 branches',
      '$.benchmarks[1]: matches 0 of 5 branches',
      '$.gate.threshold: 5 !~ ^\\d+(\\.\\d+)?%$',
      '$.gate.time-budget: expected string, got integer',
    ]);
    // Within the http branch, the reasons the first benchmark fails.
    expect(validate(benchmarkBranch('http'), mistaken.benchmarks[0])).toStrictEqual([
      '$: missing start',
      '$: unknown key conections',
    ]);
  });

  it('shows the defaults perfgate applies: writing them out changes nothing', () => {
    const defaultsOf = (s: JsonSchema) =>
      Object.fromEntries(
        Object.entries(s.properties ?? {})
          .filter(([, field]) => field.default !== undefined)
          .map(([key, field]) => [key, field.default]),
      );
    const gateDefaults = defaultsOf(property(schema, 'gate'));
    const httpDefaults = defaultsOf(benchmarkBranch('http'));
    // Every gate field but threshold: its default depends on the metric's kind (5%, and the
    // HTTP kind's own δ for its ratio metrics), so no one value written out is the default, and
    // its description says both.
    expect(Object.keys(gateDefaults)).toHaveLength(11);
    expect(gateDefaults).not.toHaveProperty('threshold');
    expect(property(property(schema, 'gate'), 'threshold').description).toMatch(
      /default 5%, and 3% for the latency, throughput and cpu metrics of http benchmarks/,
    );
    expect(Object.keys(httpDefaults)).toStrictEqual([
      'ready-timeout',
      'env',
      'cwd',
      'connections',
      'round-duration',
      'restart-every',
      'timeout',
    ]);
    const minimal = { benchmarks: [{ name: 'api', type: 'http', start: 's', requests: ['/'] }] };
    const explicit = {
      'build-timeout': property(schema, 'build-timeout').default,
      benchmarks: [{ ...minimal.benchmarks[0], ...httpDefaults }],
      gate: gateDefaults,
    };
    // JSON is YAML.
    expect(parseConfig(JSON.stringify(explicit))).toStrictEqual(
      parseConfig(JSON.stringify(minimal)),
    );
  });
});
