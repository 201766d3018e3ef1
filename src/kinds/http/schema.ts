// The `http` benchmark of perfgate.yml: a server started in each tree and the routes to load.
import { z } from 'zod';
import { resolveRouteBudgets, routeBudgets } from '../../config/budgets.js';
import {
  benchmarkName,
  choice,
  documented,
  duration,
  expecting,
  fields,
  headers,
  issue,
  text,
  urlPath,
  wholeNumber,
} from '../../config/leaves.js';
import { RANGES, rangeText } from '../../config/ranges.js';
import { SERVER_DEFAULTS, SERVER_FIELDS } from '../../config/server.js';
import type { HttpBenchmarkConfig, HttpRequestConfig } from '../../model.js';
import { PROFILE_FIELD } from '../../profile/policy.js';
import { HTTP_METRICS } from './catalogue.js';

export const HTTP_DEFAULTS = {
  connections: 10,
  roundDuration: '1s',
  requestTimeout: '10s',
  method: 'GET',
} as const;

/** No HEAD: autocannon's response parser waits for the body a HEAD response never has, so every
 *  request would time out (src/kinds/http/probe.ts). */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const BUDGETED = { catalogue: HTTP_METRICS, scope: 'of every route' };

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
      }).prefault(HTTP_DEFAULTS.method),
      `HTTP method (default ${HTTP_DEFAULTS.method}); HEAD is not supported.`,
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
        name: `${HTTP_DEFAULTS.method} ${item}`,
        method: HTTP_DEFAULTS.method,
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

export const httpSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('http'),
    start: SERVER_FIELDS.start,
    ready: SERVER_FIELDS.ready.optional(),
    'ready-timeout': SERVER_FIELDS['ready-timeout'].prefault(SERVER_DEFAULTS.readyTimeout),
    env: SERVER_FIELDS.env.prefault({}),
    cwd: SERVER_FIELDS.cwd.prefault(SERVER_DEFAULTS.cwd),
    connections: documented(
      wholeNumber('a whole number', 1, 10_000).prefault(HTTP_DEFAULTS.connections),
      `Concurrent connections per route (default ${HTTP_DEFAULTS.connections}).`,
    ),
    'round-duration': documented(
      duration(RANGES.roundDuration).prefault(HTTP_DEFAULTS.roundDuration),
      `Load per route per round (default ${HTTP_DEFAULTS.roundDuration}; ${rangeText(RANGES.roundDuration)}).`,
    ),
    timeout: documented(
      duration(RANGES.requestTimeout).prefault(HTTP_DEFAULTS.requestTimeout),
      `Per-request timeout; a timed-out request counts as an error (default ${HTTP_DEFAULTS.requestTimeout}; ${rangeText(RANGES.requestTimeout)}).`,
    ),
    requests: documented(
      requests,
      'The routes to load: paths, or mappings with path, method, headers, body.',
    ),
    profile: PROFILE_FIELD,
    budgets: documented(
      routeBudgets(BUDGETED).optional(),
      'Absolute budgets, each checked on head\'s median over the rounds: p50, p95, p99, mean, cpu (the server\'s CPU time per request; durations), error-rate (a percentage), throughput (a floor, req/s) for every route, or one route\'s as "<route name>/<key>", e.g. "GET /orders/p95": 150ms. Exceeding one fails the gate.',
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
  if (b.profile !== undefined) out.profile = b.profile;
  if (b.budgets !== undefined) {
    const routes = b.requests.map((r) => r.name);
    const budgets = resolveRouteBudgets(BUDGETED, b.budgets, routes, ctx);
    if (Object.keys(budgets).length > 0) out.budgets = budgets;
  }
  return out;
});
