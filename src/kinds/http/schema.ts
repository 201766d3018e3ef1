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
  percent,
  plainNumber,
  text,
  urlPath,
  wholeNumber,
} from '../../config/leaves.js';
import { RANGES, rangeText } from '../../config/ranges.js';
import { SERVER_DEFAULTS, SERVER_FIELDS } from '../../config/server.js';
import type { HttpBenchmarkConfig, HttpRequestConfig, HttpSlo } from '../../model.js';
import { PROFILE_FIELD } from '../../profile/policy.js';
import { HTTP_METRICS } from './catalogue.js';

export const HTTP_DEFAULTS = {
  connections: 10,
  /** Half-second rounds: a pair (two sides of every route) takes half as long and, in five of
   *  the bench's six service × machine cells, is less than √2 noisier than with 1 s rounds, so
   *  a 2-minute budget's twice as many pairs gain power: +10% caught in 92–100% of runs
   *  against 62–100% with 1 s, at about the same A/A cost (bench/RESULTS.md, issue 12, "Round
   *  duration"). */
  roundDuration: '500ms',
  /** Fresh server processes every 8 pairs: two processes of the same code can differ by a few
   *  percent for as long as they live (bench/RESULTS.md, issue 12, "Between-process offset"). */
  restartEvery: 8,
  requestTimeout: '10s',
  method: 'GET',
  /** The capacity search's ceiling: beyond a few thousand req/s the load generator, on the same
   *  runner, becomes the limit it would be measuring. */
  maxRate: 5000,
  stepDuration: '1s',
} as const;

const sloLatency = (name: string) =>
  documented(
    duration(RANGES.sloLatency).optional(),
    `The route's ${name} latency at a rate must be at most this.`,
  );

const slo = fields(
  {
    p50: sloLatency('median'),
    p95: sloLatency('95th percentile'),
    p99: sloLatency('99th percentile'),
    mean: sloLatency('mean'),
    'error-rate': documented(
      percent(RANGES.sloErrorRate).optional(),
      'Failed requests (unexpected status, timeout, socket error) over those sent must be at most this.',
    ),
  },
  'an SLO: a mapping of p50, p95, p99, mean (durations such as 100ms) and error-rate (a percentage such as 0.1%)',
)
  .refine((o) => Object.values(o).some((v) => v !== undefined), {
    error: 'expected at least one SLO term: p50, p95, p99, mean or error-rate',
  })
  .transform((o): HttpSlo => {
    const out: HttpSlo = {};
    if (o.p50 !== undefined) out.p50 = o.p50;
    if (o.p95 !== undefined) out.p95 = o.p95;
    if (o.p99 !== undefined) out.p99 = o.p99;
    if (o.mean !== undefined) out.mean = o.mean;
    if (o['error-rate'] !== undefined) out.errorRate = o['error-rate'];
    return out;
  });

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
    'restart-every': documented(
      wholeNumber('a whole number of pairs', 0, 10_000).prefault(HTTP_DEFAULTS.restartEvery),
      `Restart both servers every this many pairs, each fresh process warmed up by a round that is not counted, so that a difference between two processes of the same code averages out instead of passing for a change; 0 never restarts them (default ${HTTP_DEFAULTS.restartEvery}).`,
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
    slo: documented(
      slo.optional(),
      'Turns on the capacity search: per route, the highest request rate (open-model arrivals) at which every term holds, for base and head, as the `capacity` metric (req/s). E.g. { p95: 100ms, error-rate: 0.1% }.',
    ),
    'max-rate': documented(
      plainNumber('a request rate in req/s', RANGES.maxRate).optional(),
      `The capacity search's highest rate (default ${HTTP_DEFAULTS.maxRate} req/s): a side that meets the SLO there is reported as at least it. Needs \`slo\`.`,
    ),
    'step-duration': documented(
      duration(RANGES.stepDuration).optional(),
      `How long the capacity search offers each rate (default ${HTTP_DEFAULTS.stepDuration}; ${rangeText(RANGES.stepDuration)}). Needs \`slo\`.`,
    ),
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
    restartEvery: b['restart-every'],
    timeoutMs: b.timeout,
    requests: b.requests,
  };
  if (b.ready !== undefined) out.ready = b.ready;
  if (b.profile !== undefined) out.profile = b.profile;
  if (b.slo !== undefined) {
    out.capacity = {
      slo: b.slo,
      maxRate: b['max-rate'] ?? HTTP_DEFAULTS.maxRate,
      stepMs: b['step-duration'] ?? parseStepDefault(),
    };
  } else {
    for (const field of ['max-rate', 'step-duration'] as const) {
      if (b[field] !== undefined) {
        issue(
          ctx,
          `${field} is set but slo is not: ${field} bounds the capacity search, which an \`slo:\` turns on; add one or remove ${field}`,
          [field],
        );
      }
    }
  }
  if (b.budgets !== undefined) {
    const routes = b.requests.map((r) => r.name);
    const budgets = resolveRouteBudgets(BUDGETED, b.budgets, routes, ctx);
    if (Object.keys(budgets).length > 0) out.budgets = budgets;
  }
  return out;
});

/** HTTP_DEFAULTS.stepDuration in ms, through the same parser as the field. */
function parseStepDefault(): number {
  return duration(RANGES.stepDuration).parse(HTTP_DEFAULTS.stepDuration);
}
