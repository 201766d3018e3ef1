// The perfgate.yml schema: one zod source for the validation of the file, the resolved `Config`
// of model.ts (every default applied here, never downstream) and the JSON Schema for editors.
// The input side speaks the file's kebab-case keys; transforms map them to the camelCase model.
import { z } from 'zod';
import type {
  BenchmarkConfig,
  CommandBenchmarkConfig,
  Config,
  HttpBenchmarkConfig,
  HttpRequestConfig,
  LighthouseBenchmarkConfig,
} from '../model.js';
import { httpBudgets, httpRouteBudgets, targetBudgets } from './budgets.js';
import { BUNDLE_DEFAULTS, bundle } from './bundle.js';
import { GATE_DEFAULTS, gate } from './gate.js';
import {
  benchmarkName,
  choice,
  documented,
  duration,
  environment,
  expecting,
  fields,
  headers,
  issue,
  listedOnce,
  text,
  treePath,
  urlPath,
  wholeNumber,
} from './leaves.js';
import { RANGES, rangeText } from './ranges.js';
import { didYouMean } from './suggest.js';
import { describeValue, parseDuration } from './values.js';

export const DEFAULTS = {
  ...GATE_DEFAULTS,
  ...BUNDLE_DEFAULTS,
  buildTimeout: '20m',
  connections: 10,
  roundDuration: '1s',
  requestTimeout: '10s',
  readyTimeout: '60s',
  method: 'GET',
  cwd: '.',
  preset: 'mobile',
  pages: ['/'],
  commandTimeout: '2m',
} as const;

export const BENCHMARK_TYPES = ['http', 'lighthouse', 'bundle', 'command'] as const;
/** No HEAD: autocannon's response parser waits for the body a HEAD response never has, so every
 *  request would time out (src/kinds/http/probe.ts). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

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
    duration(RANGES.readyTimeout),
    `How long the server may take to become ready (default ${DEFAULTS.readyTimeout}; ${rangeText(RANGES.readyTimeout)}).`,
  ),
  env: documented(
    environment().superRefine((env, ctx) => {
      if (Object.hasOwn(env, 'PORT')) {
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

const statusCode = wholeNumber('an HTTP status code', 100, 599);

const requestObject = fields(
  {
    name: documented(
      text('a route name').optional(),
      'Display name of the route (default `METHOD path`); unique within the benchmark.',
    ),
    method: documented(
      choice(HTTP_METHODS, {
        HEAD: 'HEAD is not supported: the load generator waits for a body a HEAD response never has; use GET',
      }).prefault(DEFAULTS.method),
      `HTTP method (default ${DEFAULTS.method}); HEAD is not supported.`,
    ),
    path: documented(urlPath('a request path'), 'Request path, e.g. /products?page=2.'),
    headers: documented(
      headers().prefault({}),
      'Request headers: names are RFC 9110 tokens, values hold no CR, LF or NUL.',
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
      wholeNumber('a whole number', 1, 10_000).prefault(DEFAULTS.connections),
      `Concurrent connections per route (default ${DEFAULTS.connections}).`,
    ),
    'round-duration': documented(
      duration(RANGES.roundDuration).prefault(DEFAULTS.roundDuration),
      `Load per route per round (default ${DEFAULTS.roundDuration}; ${rangeText(RANGES.roundDuration)}).`,
    ),
    timeout: documented(
      duration(RANGES.requestTimeout).prefault(DEFAULTS.requestTimeout),
      `Per-request timeout; a timed-out request counts as an error (default ${DEFAULTS.requestTimeout}; ${rangeText(RANGES.requestTimeout)}).`,
    ),
    requests: documented(
      requests,
      'The routes to load: paths, or mappings with path, method, headers, body.',
    ),
    budgets: documented(
      httpBudgets.optional(),
      'Absolute budgets, each checked on head\'s median over the rounds: p50, p95, p99, mean (durations), error-rate (a percentage), throughput (a floor, req/s) for every route, or one route\'s as "<route name>/<key>", e.g. "GET /orders/p95": 150ms. Exceeding one fails the gate.',
    ),
  },
  'an http benchmark (a mapping)',
).transform((b, ctx): HttpBenchmarkConfig => {
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
  if (b.budgets !== undefined) {
    const routes = b.requests.map((r) => r.name);
    const budgets = httpRouteBudgets(b.budgets, routes, ctx);
    if (Object.keys(budgets).length > 0) out.budgets = budgets;
  }
  return out;
});

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
      targetBudgets('lighthouse').prefault({}),
      'Absolute budgets of every page; exceeding one fails the gate.',
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
      duration(RANGES.commandTimeout).prefault(DEFAULTS.commandTimeout),
      `Longest one run may take; a run past it fails the measurement (default ${DEFAULTS.commandTimeout}; ${rangeText(RANGES.commandTimeout)}).`,
    ),
    budgets: documented(
      targetBudgets('command').optional(),
      "Absolute budgets, checked on head's median over the rounds: wall (a duration), e.g. wall: 30s. Exceeding one fails the gate.",
    ),
  },
  'a command benchmark (a mapping)',
).transform((b): CommandBenchmarkConfig => {
  const out: CommandBenchmarkConfig = {
    name: b.name,
    type: 'command',
    run: b.run,
    cwd: b.cwd,
    env: b.env,
    timeoutMs: b.timeout,
  };
  const budgets = Object.fromEntries(
    Object.entries(b.budgets ?? {}).filter(([, value]) => value !== undefined),
  ) as Record<string, number>;
  if (Object.keys(budgets).length > 0) out.budgets = budgets;
  return out;
});

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
