// The perfgate.yml schema: one zod source for the validation of the file, the resolved `Config`
// of model.ts (every default applied here, never downstream) and the JSON Schema for editors.
// The input side speaks the file's kebab-case keys; transforms map them to the camelCase model.
// Each kind's benchmark fields are its schema fragment (kinds/<kind>/schema.ts), listed in
// kinds/registry.ts; this file assembles them with what is common to the whole file.
import { z } from 'zod';
import { KINDS, type Kind, type KindDefinition } from '../kinds/registry.js';
import type { BenchmarkConfig, Config } from '../model.js';
import { GATE_DEFAULTS, gate } from './gate.js';
import { documented, duration, expecting, fields, issue, text } from './leaves.js';
import { RANGES, rangeText } from './ranges.js';
import { didYouMean } from './suggest.js';
import { describeValue } from './values.js';

export const DEFAULTS = {
  ...GATE_DEFAULTS,
  buildTimeout: '20m',
} as const;

export const BENCHMARK_TYPES = Object.keys(KINDS) as Kind[];

type KindSchema = KindDefinition<string>['schema'];

/** One entry of `benchmarks:`, told apart by its `type`; exported with the kinds as a parameter
 *  so a test can assemble it with a kind of its own. */
export function benchmarkSchema(kinds: Readonly<Record<string, KindDefinition<string>>>) {
  const types = Object.keys(kinds);
  const schemas = Object.values(kinds).map((k) => k.schema) as [KindSchema, ...KindSchema[]];
  // Every kind's schema is a `fields(...)` object with a literal `type`, piped to its config.
  return z.discriminatedUnion('type', schemas as never, {
    error: (issue) => {
      const expected = `one of ${types.join(', ')}`;
      if (issue.code === 'invalid_union') {
        const type = (issue.input as { type?: unknown } | undefined)?.type;
        if (type === undefined) return `required field is missing; expected ${expected}`;
        const hint = typeof type === 'string' ? didYouMean(type, types) : '';
        return `expected ${expected}, got ${describeValue(type)}${hint}`;
      }
      return expecting('a benchmark: a mapping with name, type and its fields')(issue);
    },
  });
}

const benchmark = benchmarkSchema(KINDS) as unknown as z.ZodType<BenchmarkConfig, unknown>;

export const configSchema = fields(
  {
    build: documented(
      text('a shell command').optional(),
      'Shell command run in each tree (head and base) before measuring, e.g. npm ci && npm run build.',
    ),
    'build-timeout': documented(
      duration(RANGES.buildTimeout).prefault(DEFAULTS.buildTimeout),
      `Longest the build may take in each tree (default ${DEFAULTS.buildTimeout}; ${rangeText(RANGES.buildTimeout)}).`,
    ),
    benchmarks: documented(
      z
        .array(benchmark, { error: expecting('a list of benchmarks') })
        .min(1, { error: 'expected at least one benchmark' }),
      'What to measure: http, lighthouse, bundle and command benchmarks.',
    ),
    gate: documented(gate.prefault({}), 'How the measurements decide the gate.'),
  },
  'a mapping with `benchmarks` (and optionally build, build-timeout, gate)',
)
  .transform((c, ctx): Config => {
    const seen = new Map<string, number>();
    c.benchmarks.forEach((b: BenchmarkConfig, index: number) => {
      const first = seen.get(b.name);
      if (first !== undefined) {
        issue(ctx, `duplicate benchmark name "${b.name}" (also benchmarks[${first}])`, [
          'benchmarks',
          index,
          'name',
        ]);
      } else {
        seen.set(b.name, index);
      }
    });
    const gateConfig = c.gate;
    const names = [...seen.keys()];
    for (const key of Object.keys(gateConfig.thresholds)) {
      const slash = key.indexOf('/');
      if (slash < 0) continue;
      const name = key.slice(0, slash);
      if (!seen.has(name)) {
        issue(
          ctx,
          `unknown benchmark "${name}" (the benchmarks are ${names.join(', ')})${didYouMean(name, names)}`,
          ['gate', 'thresholds', key],
        );
      }
    }
    const out: Config = {
      buildTimeoutMs: c['build-timeout'],
      benchmarks: c.benchmarks,
      gate: gateConfig,
    };
    if (c.build !== undefined) out.build = c.build;
    return out;
  })
  .meta({
    title: 'perfgate.yml',
    description:
      'perfgate configuration. Durations need a unit (500ms, 30s, 2m, 1h); percentages need % (5%); sizes use B, kB = 1000 B, KiB = 1024 B, MB, MiB, GB, GiB.',
  });

/** The JSON Schema of the file as written (kebab-case keys, values as strings with units).
 *  Draft-07, the newest draft editors' YAML plugins fully support. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07' }) as Record<
    string,
    unknown
  >;
}

/** The text of schema/perfgate.schema.json, as scripts/gen-schema.ts writes it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
