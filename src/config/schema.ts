// The perfgate.yml schema: one zod source for the validation of the file, the resolved `Config`
// of model.ts (every default applied here, never downstream) and the JSON Schema for editors.
// The input side speaks the file's kebab-case keys; transforms map them to the camelCase model.
import { z } from 'zod';
import type {
  BenchmarkConfig,
  BundleBenchmarkConfig,
  CommandBenchmarkConfig,
  Config,
  GateConfig,
  HttpBenchmarkConfig,
  HttpRequestConfig,
  LighthouseBenchmarkConfig,
} from '../model.js';
import { didYouMean } from './suggest.js';
import { describeValue, parseDuration, parsePercent, parseSize, ValueError } from './values.js';

export const DEFAULTS = {
  threshold: '5%',
  alpha: 0.01,
  correction: 'holm',
  timeBudget: '5m',
  looks: [10, 20, 30, 40, 60, 80, 120, 160, 240, 320],
  warmup: 1,
  seed: 1,
  failOn: 'regression',
  earlyStop: 'regression',
  buildTimeout: '20m',
  connections: 10,
  roundDuration: '1s',
  requestTimeout: '10s',
  readyTimeout: '60s',
  method: 'GET',
  cwd: '.',
  preset: 'mobile',
  pages: ['/'],
  compression: ['gzip'],
  commandTimeout: '2m',
} as const;

export const BENCHMARK_TYPES = ['http', 'lighthouse', 'bundle', 'command'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const COMPRESSIONS = ['gzip', 'brotli'] as const;
/** Seeds are 32-bit so that every seeded generator can take them unchanged. */
export const MAX_SEED = 2 ** 32 - 1;

// ---------------------------------------------------------------------------
// Messages. Every message names what was expected and the value received; the field's path and
// line are added by load.ts.

interface RawIssue {
  readonly code?: string;
  readonly input?: unknown;
  readonly keys?: readonly string[];
}

function expecting(what: string): (issue: RawIssue) => string {
  return (issue) =>
    issue.input === undefined
      ? `required field is missing; expected ${what}`
      : `expected ${what}, got ${describeValue(issue.input)}`;
}

function fieldsError(what: string, known: readonly string[]): (issue: RawIssue) => string {
  return (issue) => {
    if (issue.code !== 'unrecognized_keys') return expecting(what)(issue);
    // One line per unknown key, in the order of `keys`; load.ts splits them into issues.
    return (issue.keys ?? [])
      .map((key) => {
        const hint = didYouMean(key, known);
        return hint ? `unknown field${hint}` : `unknown field (known here: ${known.join(', ')})`;
      })
      .join('\n');
  };
}

/** A mapping whose unknown keys are errors that suggest the closest known key. */
function fields<const Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  return z.strictObject(shape, { error: fieldsError(what, Object.keys(shape)) });
}

function documented<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description });
}

function issue(
  ctx: z.core.$RefinementCtx,
  message: string,
  path: PropertyKey[] = [],
  input?: unknown,
) {
  ctx.addIssue({ code: 'custom', message, path, ...(input !== undefined && { input }) });
}

// ---------------------------------------------------------------------------
// Leaf values.

function text(what: string) {
  const error = expecting(what);
  return z.string({ error }).min(1, { error });
}

function wholeNumber(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const error = expecting(what);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      const expected = `one of ${values.join(', ')}`;
      if (issue.input === undefined) return `required field is missing; expected ${expected}`;
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      return `expected ${expected}, got ${describeValue(issue.input)}${hint}`;
    },
  });
}

/** A value in one of the syntaxes of values.ts, parsed to a number and range-checked. */
function parsed(
  parse: (value: unknown) => number,
  pattern: string,
  range?: { test: (n: number) => boolean; expected: string },
) {
  const message = (input: unknown): string => {
    try {
      parse(input);
    } catch (error) {
      if (error instanceof ValueError) {
        return input === undefined
          ? `required field is missing; expected ${error.expected}`
          : error.message;
      }
    }
    return `expected a string, got ${describeValue(input)}`;
  };
  return z
    .string({ error: (issue) => message(issue.input) })
    .transform((value, ctx) => {
      let n: number;
      try {
        n = parse(value);
      } catch (error) {
        issue(ctx, error instanceof Error ? error.message : String(error), [], value);
        return z.NEVER;
      }
      if (range && !range.test(n)) {
        issue(ctx, `expected ${range.expected}, got ${describeValue(value)}`, [], value);
        return z.NEVER;
      }
      return n;
    })
    .meta({ pattern });
}

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
const PERCENT_PATTERN = '^\\d+(\\.\\d+)?%$';
const SIZE_PATTERN = '^\\d+(\\.\\d+)?(B|kB|KiB|MB|MiB|GB|GiB)$';

const positiveDuration = () =>
  parsed(parseDuration, DURATION_PATTERN, {
    test: (n) => n > 0,
    expected: 'a duration above zero',
  });
const duration = () => parsed(parseDuration, DURATION_PATTERN);
const percent = () => parsed(parsePercent, PERCENT_PATTERN);
const positivePercent = () =>
  parsed(parsePercent, PERCENT_PATTERN, { test: (n) => n > 0, expected: 'a percentage above 0%' });
const size = () => parsed(parseSize, SIZE_PATTERN);

/** A path on the server under test, as requested over loopback. */
function urlPath(what: string) {
  const error = expecting(`${what} starting with /`);
  return z
    .string({ error })
    .refine((s) => s.startsWith('/') && !/\s/.test(s), { error })
    .meta({ pattern: '^/\\S*$' });
}

/** A path inside the checked-out tree: relative, and never above the tree's root. */
function treePath(what: string) {
  const error = expecting(`${what} relative to the repository root (no leading / and no ..)`);
  return z
    .string({ error })
    .min(1, { error })
    .refine((s) => !/^([/\\]|[A-Za-z]:)/.test(s) && !s.split(/[/\\]/).includes('..'), { error });
}

/** A check that no entry of a list appears twice. */
function listedOnce(ctx: z.core.$RefinementCtx, list: readonly string[], what: string): void {
  list.forEach((entry, index) => {
    if (list.indexOf(entry) !== index) issue(ctx, `${what} "${entry}" is listed twice`, [index]);
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variables; numbers and booleans are written as YAML reads them (`4`, `true`). */
function environment() {
  const valueError = expecting('a string, a number or true/false');
  return z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: valueError }), {
      error: expecting('a mapping of environment variables (NAME: value)'),
    })
    .transform((env, ctx) => {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(env)) {
        if (!ENV_NAME.test(name)) {
          issue(
            ctx,
            `expected an environment variable name (letters, digits and _), got ${describeValue(name)}`,
            [name],
          );
        }
        out[name] = String(value);
      }
      return out;
    });
}

function benchmarkName() {
  const error = expecting(
    'a benchmark name (non-empty, without / or line breaks, at most 100 characters)',
  );
  return z
    .string({ error })
    .refine((s) => s.trim() !== '' && s.trim() === s && s.length <= 100 && !/[/\r\n]/.test(s), {
      error,
    });
}

// ---------------------------------------------------------------------------
// Benchmarks.

const SERVER_FIELDS = {
  start: documented(
    text('a shell command that starts the server'),
    'Shell command that starts the server, run in each tree; it gets PORT in its environment and must listen on it.',
  ),
  ready: documented(
    urlPath('a path'),
    'Path polled until it answers 2xx before measuring; when absent, the port accepting connections is enough.',
  ),
  'ready-timeout': documented(
    positiveDuration(),
    `How long the server may take to become ready (default ${DEFAULTS.readyTimeout}).`,
  ),
  env: documented(
    environment().superRefine((env, ctx) => {
      if ('PORT' in env) {
        issue(ctx, 'PORT is chosen by perfgate for each server; remove it from env', ['PORT']);
      }
    }),
    'Extra environment variables for the server (PORT is set by perfgate).',
  ),
  cwd: documented(
    treePath('a directory'),
    `Working directory of the server, relative to the tree root (default ${DEFAULTS.cwd}).`,
  ),
};

const statusCode = wholeNumber('an HTTP status code (100 to 599)', 100, 599);

const requestObject = fields(
  {
    name: documented(
      text('a route name').optional(),
      'Display name of the route (default `METHOD path`); unique within the benchmark.',
    ),
    method: documented(
      choice(HTTP_METHODS).prefault(DEFAULTS.method),
      `HTTP method (default ${DEFAULTS.method}).`,
    ),
    path: documented(urlPath('a request path'), 'Request path, e.g. /products?page=2.'),
    headers: documented(
      z
        .record(z.string(), z.string({ error: expecting('a header value (a string)') }), {
          error: expecting('a mapping of header names to values'),
        })
        .prefault({}),
      'Request headers.',
    ),
    body: documented(
      z.string({ error: expecting('a request body (a string; quote JSON)') }).optional(),
      'Request body, sent as written.',
    ),
    'expect-status': documented(
      z
        .union([statusCode, z.array(statusCode).min(1)], {
          error: expecting('a status code or a list of status codes'),
        })
        .optional(),
      'Status codes that count as success (default: any 2xx).',
    ),
  },
  'a request: a mapping with path (and method, headers, body, expect-status)',
);

const request = z
  .union([urlPath('a request path'), requestObject], {
    error: expecting(
      'a request: a path such as /products, or a mapping with path, method, headers, body',
    ),
  })
  .transform((item, ctx): HttpRequestConfig => {
    if (typeof item === 'string') {
      return {
        name: `${DEFAULTS.method} ${item}`,
        method: DEFAULTS.method,
        path: item,
        headers: {},
      };
    }
    const lowerNames = new Set<string>();
    for (const header of Object.keys(item.headers)) {
      const lower = header.toLowerCase();
      if (lowerNames.has(lower)) {
        issue(ctx, `header "${header}" is given twice (header names ignore case)`, [
          'headers',
          header,
        ]);
      }
      lowerNames.add(lower);
    }
    const out: HttpRequestConfig = {
      name: item.name ?? `${item.method} ${item.path}`,
      method: item.method,
      path: item.path,
      headers: item.headers,
    };
    if (item.body !== undefined) out.body = item.body;
    const status = item['expect-status'];
    if (status !== undefined) out.expectStatus = typeof status === 'number' ? [status] : status;
    return out;
  });

const requests = z
  .array(request, { error: expecting('a list of requests') })
  .min(1, { error: 'expected at least one request' })
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((r, index) => {
      const first = seen.get(r.name);
      if (first === undefined) {
        seen.set(r.name, index);
        return;
      }
      const named = r.name !== `${r.method} ${r.path}`;
      issue(
        ctx,
        `duplicate route name "${r.name}" (also requests[${first}]); give one of them a distinct \`name\``,
        named ? [index, 'name'] : [index],
      );
    });
  });

const http = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('http'),
    start: SERVER_FIELDS.start,
    ready: SERVER_FIELDS.ready.optional(),
    'ready-timeout': SERVER_FIELDS['ready-timeout'].prefault(DEFAULTS.readyTimeout),
    env: SERVER_FIELDS.env.prefault({}),
    cwd: SERVER_FIELDS.cwd.prefault(DEFAULTS.cwd),
    connections: documented(
      wholeNumber('a positive whole number', 1, 10_000).prefault(DEFAULTS.connections),
      `Concurrent connections per route (default ${DEFAULTS.connections}).`,
    ),
    'round-duration': documented(
      positiveDuration().prefault(DEFAULTS.roundDuration),
      `Load per route per round (default ${DEFAULTS.roundDuration}).`,
    ),
    timeout: documented(
      positiveDuration().prefault(DEFAULTS.requestTimeout),
      `Per-request timeout; a timed-out request counts as an error (default ${DEFAULTS.requestTimeout}).`,
    ),
    requests: documented(
      requests,
      'The routes to load: paths, or mappings with path, method, headers, body.',
    ),
  },
  'an http benchmark (a mapping)',
).transform((b): HttpBenchmarkConfig => {
  const out: HttpBenchmarkConfig = {
    name: b.name,
    type: 'http',
    start: b.start,
    readyTimeoutMs: b['ready-timeout'],
    env: b.env,
    cwd: b.cwd,
    connections: b.connections,
    roundMs: b['round-duration'],
    timeoutMs: b.timeout,
    requests: b.requests,
  };
  if (b.ready !== undefined) out.ready = b.ready;
  return out;
});

const LIGHTHOUSE_TIMINGS = {
  fcp: 'First Contentful Paint',
  lcp: 'Largest Contentful Paint',
  tbt: 'Total Blocking Time',
  si: 'Speed Index',
  ttfb: 'server response time (time to first byte)',
} as const;

const lighthouseBudgets = fields(
  {
    ...(Object.fromEntries(
      Object.entries(LIGHTHOUSE_TIMINGS).map(([key, label]) => [
        key,
        documented(duration().optional(), `Budget for ${label}, e.g. 2500ms.`),
      ]),
    ) as Record<keyof typeof LIGHTHOUSE_TIMINGS, z.ZodOptional<ReturnType<typeof duration>>>),
    cls: documented(
      z
        .number({
          error: expecting('a Cumulative Layout Shift score such as 0.1 (a number without unit)'),
        })
        .min(0, { error: expecting('a Cumulative Layout Shift score of 0 or more') })
        .optional(),
      'Budget for Cumulative Layout Shift (unitless), e.g. 0.1.',
    ),
    weight: documented(
      size().optional(),
      'Budget for the total bytes transferred by the page, e.g. 500kB.',
    ),
  },
  'a mapping of budgets (lcp, fcp, tbt, si, ttfb, cls, weight)',
);

const lighthouse = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('lighthouse'),
    serve: documented(
      treePath('a directory'),
      'A directory of static files (relative to the tree root) served on loopback; exclusive with start.',
    ).optional(),
    // Optional here, defaulted in the transform: given with `serve` they are errors.
    start: SERVER_FIELDS.start.optional(),
    ready: SERVER_FIELDS.ready.optional(),
    'ready-timeout': SERVER_FIELDS['ready-timeout'].optional(),
    env: SERVER_FIELDS.env.optional(),
    cwd: SERVER_FIELDS.cwd.optional(),
    pages: documented(
      z
        .array(urlPath('a page path'), { error: expecting('a list of page paths') })
        .min(1, { error: 'expected at least one page' })
        .superRefine((pages, ctx) => listedOnce(ctx, pages, 'page'))
        .prefault([...DEFAULTS.pages]),
      `Page paths to audit (default ${JSON.stringify(DEFAULTS.pages)}).`,
    ),
    preset: documented(
      choice(['desktop', 'mobile']).prefault(DEFAULTS.preset),
      `Lighthouse emulation preset (default ${DEFAULTS.preset}, as Lighthouse itself).`,
    ),
    budgets: documented(
      lighthouseBudgets.prefault({}),
      'Absolute budgets; exceeding one fails the gate.',
    ),
  },
  'a lighthouse benchmark (a mapping)',
).transform((b, ctx): LighthouseBenchmarkConfig => {
  const out: LighthouseBenchmarkConfig = {
    name: b.name,
    type: 'lighthouse',
    pages: b.pages,
    preset: b.preset,
    budgets: Object.fromEntries(
      Object.entries(b.budgets).filter(([, value]) => value !== undefined),
    ) as Record<string, number>,
  };
  if (b.serve !== undefined) {
    if (b.start !== undefined) {
      issue(ctx, '`serve` and `start` exclude each other: serve a directory or start a server', [
        'start',
      ]);
    }
    for (const key of ['ready', 'ready-timeout', 'env', 'cwd'] as const) {
      if (b[key] !== undefined)
        issue(ctx, `applies only with \`start\`, not with \`serve\``, [key]);
    }
    out.serve = b.serve;
    return out;
  }
  if (b.start === undefined) {
    issue(
      ctx,
      'expected `serve` (a directory of static files) or `start` (a command that starts a server)',
    );
    return z.NEVER;
  }
  out.server = {
    start: b.start,
    readyTimeoutMs: b['ready-timeout'] ?? parseDuration(DEFAULTS.readyTimeout),
    env: b.env ?? {},
    cwd: b.cwd ?? DEFAULTS.cwd,
  };
  if (b.ready !== undefined) out.server.ready = b.ready;
  return out;
});

const glob = text('a file glob such as dist/**/*.js');
const globs = z.union([glob, z.array(glob).min(1, { error: 'expected at least one glob' })], {
  error: expecting('a glob or a list of globs'),
});
const GROUP_NAME = /^[A-Za-z0-9_-]+$/;

const bundle = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('bundle'),
    files: documented(
      globs,
      'Globs of the files to weigh, relative to the tree root (after the build).',
    ),
    compression: documented(
      z
        .array(choice(COMPRESSIONS), { error: expecting('a list such as [gzip, brotli]') })
        .min(1, { error: 'expected at least one compression' })
        .superRefine((list, ctx) => listedOnce(ctx, list, 'compression'))
        .prefault([...DEFAULTS.compression]),
      `Compressed sizes to measure besides the raw size (default ${JSON.stringify(DEFAULTS.compression)}).`,
    ),
    groups: documented(
      z
        .record(z.string(), globs, { error: expecting('a mapping of group names to globs') })
        .transform((record, ctx) => {
          const groups: Record<string, string[]> = {};
          for (const [group, value] of Object.entries(record)) {
            if (!GROUP_NAME.test(group) || group === 'total') {
              issue(
                ctx,
                `expected a group name of letters, digits, - and _ other than "total", got ${describeValue(group)}`,
                [group],
              );
            }
            groups[group] = typeof value === 'string' ? [value] : value;
          }
          return groups;
        })
        .prefault({}),
      'Named groups of files (a glob or a list), measured as one total each, e.g. vendor: "dist/assets/vendor-*.js".',
    ),
    budgets: documented(
      z
        .object(
          {
            change: documented(
              percent().optional(),
              'Largest allowed growth of any measured size, e.g. 5%; the gate fails past it.',
            ),
          },
          { error: expecting('a mapping of budgets such as total.gzip: 200kB') },
        )
        .catchall(size())
        .prefault({}),
      'Absolute size budgets keyed `<total|group|file>.<raw|gzip|brotli>`, e.g. total.gzip: 200kB, and `change`.',
    ),
  },
  'a bundle benchmark (a mapping)',
).transform((b, ctx): BundleBenchmarkConfig => {
  const { compression, groups } = b;
  const kinds = ['raw', ...compression];
  const targets = ['total', ...Object.keys(groups)];
  const budgets: Record<string, number> = {};
  let maxChange: number | undefined;
  for (const [key, value] of Object.entries(b.budgets)) {
    if (value === undefined) continue;
    if (key === 'change') {
      maxChange = value;
      continue;
    }
    const dot = key.lastIndexOf('.');
    const target = dot > 0 ? key.slice(0, dot) : key;
    const kind = dot > 0 ? key.slice(dot + 1) : '';
    const path = ['budgets', key];
    if (!kinds.includes(kind)) {
      const hint = dot > 0 ? didYouMean(kind, kinds) : '';
      issue(
        ctx,
        `expected a budget key \`<total|group|file>.<${kinds.join('|')}>\` or \`change\`${
          dot > 0 && COMPRESSIONS.includes(kind as (typeof COMPRESSIONS)[number])
            ? ` ("${kind}" is not in compression)`
            : ''
        }${hint}`,
        path,
      );
      continue;
    }
    // A target that is neither total nor a group must look like a file path, so a misspelt
    // group name is an error rather than a budget that never applies.
    if (!targets.includes(target) && !/[./]/.test(target)) {
      issue(
        ctx,
        `unknown group "${target}"; expected total, a group or a file path${didYouMean(target, targets)}`,
        path,
      );
      continue;
    }
    budgets[key] = value;
  }
  const out: BundleBenchmarkConfig = {
    name: b.name,
    type: 'bundle',
    files: typeof b.files === 'string' ? [b.files] : b.files,
    compression,
    groups,
    budgets,
  };
  if (maxChange !== undefined) out.maxChange = maxChange;
  return out;
});

const command = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('command'),
    run: documented(
      text('a shell command'),
      'Shell command whose wall-clock time is measured, run in each tree.',
    ),
    cwd: documented(
      treePath('a directory').prefault(DEFAULTS.cwd),
      `Working directory, relative to the tree root (default ${DEFAULTS.cwd}).`,
    ),
    env: documented(environment().prefault({}), 'Extra environment variables.'),
    timeout: documented(
      positiveDuration().prefault(DEFAULTS.commandTimeout),
      `Longest one run may take; a run past it fails the measurement (default ${DEFAULTS.commandTimeout}).`,
    ),
  },
  'a command benchmark (a mapping)',
).transform(
  (b): CommandBenchmarkConfig => ({
    name: b.name,
    type: 'command',
    run: b.run,
    cwd: b.cwd,
    env: b.env,
    timeoutMs: b.timeout,
  }),
);

const benchmark = z.discriminatedUnion('type', [http, lighthouse, bundle, command], {
  error: (issue) => {
    const expected = `one of ${BENCHMARK_TYPES.join(', ')}`;
    if (issue.code === 'invalid_union') {
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      if (type === undefined) return `required field is missing; expected ${expected}`;
      const hint = typeof type === 'string' ? didYouMean(type, BENCHMARK_TYPES) : '';
      return `expected ${expected}, got ${describeValue(type)}${hint}`;
    }
    return expecting('a benchmark: a mapping with name, type and its fields')(issue);
  },
});

// ---------------------------------------------------------------------------
// Gate.

const alpha = z
  .number({
    error: (issue) => {
      const expected = 'a number between 0 and 0.5 such as 0.01';
      if (typeof issue.input === 'string' && issue.input.trim().endsWith('%')) {
        try {
          return `expected ${expected}, got ${describeValue(issue.input)}; write ${parsePercent(issue.input)}`;
        } catch {
          // Not a percentage after all: the plain message below.
        }
      }
      return expecting(expected)(issue);
    },
  })
  .refine((n) => n > 0 && n < 0.5, {
    error: expecting('a number above 0 and below 0.5, such as 0.01'),
  })
  .meta({ exclusiveMinimum: 0, exclusiveMaximum: 0.5 });

const seed = wholeNumber(`a whole number from 0 to ${MAX_SEED}`, 0, MAX_SEED);

/** The gate settings that flags and action inputs may override, checked as in the file. */
export const overridable = {
  threshold: positivePercent(),
  timeBudget: positiveDuration(),
  alpha,
  seed,
};

/** Metrics compared as absolute differences whose δ is not a percentage (model.ts Scale):
 *  CLS and the Lighthouse score take plain numbers, TBT and TTFB durations. */
const ABSOLUTE_THRESHOLDS: Record<string, { expected: string; parse: (v: unknown) => number }> = {
  cls: { expected: 'a CLS change above 0 such as 0.05', parse: plainNumber },
  score: { expected: 'a number of score points above 0 such as 5', parse: plainNumber },
  tbt: { expected: 'a duration above 0 such as 50ms', parse: parseDuration },
  ttfb: { expected: 'a duration above 0 such as 10ms', parse: parseDuration },
};

function plainNumber(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`got ${describeValue(value)}`);
  return value;
}

/** Threshold overrides: percentages, except the metrics of ABSOLUTE_THRESHOLDS, which are
 *  compared as differences in their own unit. */
function resolveThresholds(
  record: Record<string, string | number>,
  ctx: z.core.$RefinementCtx,
): Record<string, number> {
  const thresholds: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) {
    const path = [key];
    if (key === '' || key.startsWith('/') || key.endsWith('/')) {
      issue(
        ctx,
        `expected a key \`metric\`, \`benchmark/metric\` or \`benchmark/target/metric\`, got ${describeValue(key)}`,
        path,
      );
      continue;
    }
    const absolute = ABSOLUTE_THRESHOLDS[key.slice(key.lastIndexOf('/') + 1)];
    if (absolute) {
      let parsed: number | undefined;
      try {
        parsed = absolute.parse(value);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined && parsed > 0 && Number.isFinite(parsed)) thresholds[key] = parsed;
      else issue(ctx, `expected ${absolute.expected}, got ${describeValue(value)}`, path, value);
      continue;
    }
    try {
      const fraction = parsePercent(value);
      if (fraction > 0) thresholds[key] = fraction;
      else issue(ctx, `expected a percentage above 0%, got ${describeValue(value)}`, path, value);
    } catch (error) {
      issue(ctx, error instanceof Error ? error.message : String(error), path, value);
    }
  }
  return thresholds;
}

const gate = fields(
  {
    threshold: documented(
      positivePercent().prefault(DEFAULTS.threshold),
      `Smallest change that matters (δ), e.g. 5%; changes inside ±δ count as unchanged (default ${DEFAULTS.threshold}).`,
    ),
    thresholds: documented(
      z
        .record(
          z.string(),
          z.union([z.string(), z.number()], { error: expecting('a percentage such as 10%') }),
          { error: expecting('a mapping of metric names to percentages, e.g. p99: 10%') },
        )
        .transform(resolveThresholds)
        .prefault({}),
      'Per-metric overrides of threshold keyed `metric`, `benchmark/metric` or `benchmark/target/metric`; the most specific wins. Percentages, except the absolute differences: CLS and score take plain numbers, TBT and TTFB durations (e.g. 50ms).',
    ),
    alpha: documented(
      alpha.prefault(DEFAULTS.alpha),
      `False-alarm rate over all metrics and looks, 0 < alpha < 0.5 (default ${DEFAULTS.alpha}).`,
    ),
    correction: documented(
      choice(['holm', 'bh']).prefault(DEFAULTS.correction),
      `Multiple-comparison control: holm (family-wise, a blocking gate) or bh (false discovery rate) (default ${DEFAULTS.correction}).`,
    ),
    'time-budget': documented(
      positiveDuration().prefault(DEFAULTS.timeBudget),
      `Wall-clock budget for sampling, e.g. 2m (default ${DEFAULTS.timeBudget}).`,
    ),
    looks: documented(
      z
        .array(wholeNumber('a positive whole number of pairs', 1, 100_000), {
          error: expecting('a list of ascending pair counts such as [10, 20, 40]'),
        })
        .min(1, { error: 'expected at least one look' })
        .max(100, { error: 'expected at most 100 looks' })
        .superRefine((looks, ctx) => {
          looks.forEach((look, index) => {
            const previous = looks[index - 1];
            if (previous !== undefined && look <= previous) {
              issue(ctx, `expected looks in ascending order, got ${look} after ${previous}`, [
                index,
              ]);
            }
          });
        })
        .prefault([...DEFAULTS.looks]),
      `Pair counts at which the sampler looks at the data, ascending (default ${JSON.stringify(DEFAULTS.looks)}).`,
    ),
    warmup: documented(
      wholeNumber('a whole number of rounds (0 or more)', 0, 1000).prefault(DEFAULTS.warmup),
      `Warm-up rounds per side, thrown away (default ${DEFAULTS.warmup}).`,
    ),
    seed: documented(
      seed.prefault(DEFAULTS.seed),
      `Seed of every random source, so runs are reproducible (default ${DEFAULTS.seed}).`,
    ),
    'fail-on': documented(
      choice(['regression', 'never']).prefault(DEFAULTS.failOn),
      `What fails the gate: a regression, or never (report only) (default ${DEFAULTS.failOn}).`,
    ),
    'early-stop': documented(
      choice(['resolved', 'regression']).prefault(DEFAULTS.earlyStop),
      `When sampling stops before the budget: regression, at the first look that calls a regression or once every metric is resolved (a failing gate fails fast; the other metrics stay as resolved as they were at that look); resolved, only once every metric is resolved (default ${DEFAULTS.earlyStop}).`,
    ),
  },
  'a mapping of gate settings',
).transform((g): GateConfig => {
  return {
    threshold: g.threshold,
    thresholds: g.thresholds,
    alpha: g.alpha,
    correction: g.correction,
    timeBudgetMs: g['time-budget'],
    looks: g.looks,
    warmup: g.warmup,
    seed: g.seed,
    failOn: g['fail-on'],
    earlyStop: g['early-stop'],
  };
});

// ---------------------------------------------------------------------------
// The file.

export const configSchema = fields(
  {
    build: documented(
      text('a shell command').optional(),
      'Shell command run in each tree (head and base) before measuring, e.g. npm ci && npm run build.',
    ),
    'build-timeout': documented(
      positiveDuration().prefault(DEFAULTS.buildTimeout),
      `Longest the build may take in each tree (default ${DEFAULTS.buildTimeout}).`,
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
