import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { CATALOGUES } from '../../src/kinds/registry.js';
import type { Config } from '../../src/model.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

function errorOf(text: string, source?: string): ConfigError {
  try {
    parseConfig(text, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, the config parsed');
}

/** The lines of the ConfigError's message. */
const problems = (text: string, source?: string) => errorOf(text, source).message.split('\n');

const DEFAULT_GATE: Config['gate'] = {
  threshold: 0.05,
  thresholdDefaulted: true,
  thresholds: {},
  alpha: 0.01,
  correction: 'westfall-young',
  timeBudgetMs: 300_000,
  looks: [10, 20, 30, 40, 60, 80, 120, 160, 240, 320],
  warmup: 1,
  seed: 1,
  failOn: 'regression',
  earlyStop: 'regression',
  lookPlan: 'time',
  futility: true,
};

/** A valid http benchmark with `extra` lines (indented as its fields) appended. */
const http = (extra = '') =>
  `benchmarks:\n  - name: api\n    type: http\n    start: node server.js\n    requests: [/a]\n${extra}`;

describe('parseConfig: valid files resolve to the full Config', () => {
  it('resolves the http example with every default applied', () => {
    const expected: Config = {
      build: 'npm ci && npm run build',
      buildTimeoutMs: 20 * 60_000,
      benchmarks: [
        {
          name: 'api',
          type: 'http',
          start: 'node server.js',
          ready: '/health',
          readyTimeoutMs: 60_000,
          env: {},
          cwd: '.',
          connections: 10,
          roundMs: 500,
          restartEvery: 8,
          timeoutMs: 10_000,
          requests: [
            { name: 'GET /products', method: 'GET', path: '/products', headers: {} },
            {
              name: 'POST /orders',
              method: 'POST',
              path: '/orders',
              headers: { 'content-type': 'application/json' },
              body: '{"id":1}',
            },
          ],
        },
      ],
      gate: { ...DEFAULT_GATE, thresholdDefaulted: false, timeBudgetMs: 120_000 },
    };
    expect(parseConfig(fixture('http.yml'))).toStrictEqual(expected);
  });

  it('resolves lighthouse benchmarks served from a directory or a started server', () => {
    expect(parseConfig(fixture('lighthouse.yml'))).toStrictEqual({
      build: 'npm run build',
      buildTimeoutMs: 1_200_000,
      benchmarks: [
        {
          name: 'site',
          type: 'lighthouse',
          serve: 'dist',
          pages: ['/', '/pricing'],
          preset: 'desktop',
          budgets: { lcp: 2500, tbt: 200, cls: 0.1, weight: 500_000 },
        },
        {
          name: 'app',
          type: 'lighthouse',
          server: {
            start: 'npm run preview -- --port $PORT',
            ready: '/',
            readyTimeoutMs: 30_000,
            env: { NODE_ENV: 'production' },
            cwd: '.',
          },
          pages: ['/dashboard'],
          preset: 'mobile',
          budgets: {},
        },
      ],
      gate: { ...DEFAULT_GATE, thresholds: { lcp: 0.1, cls: 0.02 } },
    } satisfies Config);
  });

  it('resolves a bundle benchmark: globs, groups as lists, budgets in bytes, change as maxChange', () => {
    expect(parseConfig(fixture('bundle.yml'))).toStrictEqual({
      build: 'npm ci && npx vite build',
      buildTimeoutMs: 1_200_000,
      benchmarks: [
        {
          name: 'bundle',
          type: 'bundle',
          files: ['dist/**/*.{js,css}'],
          compression: ['gzip', 'brotli'],
          groups: {
            vendor: ['dist/assets/vendor-*.js'],
            app: ['dist/assets/index-*.js', 'dist/assets/*.css'],
          },
          budgets: {
            'total.gzip': 200_000,
            'vendor.brotli': 80_000,
            'dist/assets/index.js.raw': 1_048_576,
          },
          maxChange: 0.05,
        },
      ],
      gate: DEFAULT_GATE,
    } satisfies Config);
  });

  it('resolves a command benchmark and every gate setting', () => {
    expect(parseConfig(fixture('command.yml'))).toStrictEqual({
      buildTimeoutMs: 1_200_000,
      benchmarks: [
        {
          name: 'test-suite',
          type: 'command',
          run: 'npm test -- --run',
          cwd: 'packages/core',
          env: { CI: 'true', WORKERS: '2' },
          timeoutMs: 90_000,
        },
      ],
      gate: {
        threshold: 0.03,
        thresholdDefaulted: false,
        thresholds: { 'test-suite/wall': 0.1 },
        alpha: 0.05,
        correction: 'bh',
        timeBudgetMs: 90_000,
        looks: [5, 10, 20],
        warmup: 2,
        seed: 42,
        failOn: 'never',
        earlyStop: 'resolved',
        lookPlan: 'time',
        futility: true,
      },
    } satisfies Config);
  });

  it('applies the defaults of every benchmark type', () => {
    const config = parseConfig(`
benchmarks:
  - { name: a, type: http, start: ./serve, requests: [/] }
  - { name: b, type: lighthouse, serve: public }
  - { name: c, type: bundle, files: [dist/*.js] }
  - { name: d, type: command, run: make }
`);
    expect(config).toStrictEqual({
      buildTimeoutMs: 1_200_000,
      benchmarks: [
        {
          name: 'a',
          type: 'http',
          start: './serve',
          readyTimeoutMs: 60_000,
          env: {},
          cwd: '.',
          connections: 10,
          roundMs: 500,
          restartEvery: 8,
          timeoutMs: 10_000,
          requests: [{ name: 'GET /', method: 'GET', path: '/', headers: {} }],
        },
        {
          name: 'b',
          type: 'lighthouse',
          serve: 'public',
          pages: ['/'],
          preset: 'mobile',
          budgets: {},
        },
        {
          name: 'c',
          type: 'bundle',
          files: ['dist/*.js'],
          compression: ['gzip'],
          groups: {},
          budgets: {},
        },
        { name: 'd', type: 'command', run: 'make', cwd: '.', env: {}, timeoutMs: 120_000 },
      ],
      gate: DEFAULT_GATE,
    } satisfies Config);
  });

  it('keeps explicit route names and status lists, and resolves YAML anchors', () => {
    const config = parseConfig(`
benchmarks:
  - name: api
    type: http
    start: node server.js
    env: &env { NODE_ENV: production }
    round-duration: 500ms
    timeout: 2s
    ready-timeout: 1m
    requests:
      - { name: list, path: /products }
      - { name: list again, path: /products, expect-status: 404 }
      - { path: /products, method: DELETE, expect-status: [200, 204] }
  - name: job
    type: command
    run: ./job
    env: *env
`);
    const [api, job] = config.benchmarks;
    expect(api).toMatchObject({ roundMs: 500, timeoutMs: 2000, readyTimeoutMs: 60_000 });
    expect(api?.type === 'http' && api.requests).toStrictEqual([
      { name: 'list', method: 'GET', path: '/products', headers: {} },
      { name: 'list again', method: 'GET', path: '/products', headers: {}, expectStatus: [404] },
      {
        name: 'DELETE /products',
        method: 'DELETE',
        path: '/products',
        headers: {},
        expectStatus: [200, 204],
      },
    ]);
    expect(job).toMatchObject({ env: { NODE_ENV: 'production' } });
  });

  it('reads YAML 1.2: yes/no/on are strings, not booleans', () => {
    const config = parseConfig(http('    env: { A: yes, B: on, C: true }\n'));
    expect(config.benchmarks[0]).toMatchObject({ env: { A: 'yes', B: 'on', C: 'true' } });
  });
});

describe('parseConfig: errors name the line, the field, the value and what was expected', () => {
  it('reports a wrong type with the received value', () => {
    const error = errorOf(http('    connections: ten\n'));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'perfgate.yml:6: benchmarks[0].connections: expected a whole number from 1 to 10000, got "ten"',
    );
    expect(error.issues).toStrictEqual([
      {
        path: 'benchmarks[0].connections',
        message: 'expected a whole number from 1 to 10000, got "ten"',
        value: 'ten',
        line: 6,
      },
    ]);
    expect(problems(http('    connections: 2.5\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].connections: expected a whole number from 1 to 10000, got 2.5',
    ]);
    expect(problems(http('    connections: 0\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].connections: expected a whole number from 1 to 10000, got 0',
    ]);
  });

  it('reports unknown fields at their own line with the closest known field', () => {
    expect(problems(http('    conections: 10\n'), 'ci/perf.yml')).toStrictEqual([
      'ci/perf.yml:6: benchmarks[0].conections: unknown field; did you mean `connections`?',
    ]);
    expect(problems(`${http()}gate:\n  timeBudget: 2m\n  bogus: 1\n`)).toStrictEqual([
      'perfgate.yml:7: gate.timeBudget: unknown field; did you mean `time-budget`?',
      'perfgate.yml:8: gate.bogus: unknown field (known here: threshold, thresholds, alpha, correction, time-budget, looks, look-plan, futility, warmup, seed, fail-on, early-stop)',
    ]);
    expect(
      problems(http().replace('requests: [/a]', 'requests: [{ path: /a, metod: POST }]')),
    ).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].requests[0].metod: unknown field; did you mean `method`?',
    ]);
  });

  it('carries the unknown field and its value in the issue', () => {
    expect(errorOf(http('    tiemout: 5s\n')).issues).toStrictEqual([
      {
        path: 'benchmarks[0].tiemout',
        message: 'unknown field; did you mean `timeout`?',
        value: '5s',
        line: 6,
      },
    ]);
  });

  it('reports values that need a unit or a % sign, with the spelling to use', () => {
    expect(problems(`${http()}gate:\n  time-budget: 30\n  threshold: 5\n`)).toStrictEqual([
      'perfgate.yml:7: gate.time-budget: expected a duration such as 500ms, 30s, 2m or 1h, got 30; a unit is needed: write "30s" or "30ms"',
      'perfgate.yml:8: gate.threshold: expected a percentage such as 5%, got 5; write "5%"',
    ]);
    expect(problems(http('    round-duration: 0s\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].round-duration: "0s" is below the minimum of 100ms (the range is from 100ms to 10m)',
    ]);
    expect(problems(http('    restart-every: 2.5\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].restart-every: expected a whole number of pairs from 0 to 10000, got 2.5',
    ]);
    expect(
      problems(
        'benchmarks:\n  - { name: s, type: lighthouse, serve: d, budgets: { weight: 500KB } }\n',
      ),
    ).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].budgets.weight: expected a size such as 200kB (units B, kB, KiB, MB, MiB, GB, GiB), got "500KB"; write "500kB" (1000 bytes each) or "500KiB" (1024 bytes each)',
    ]);
  });

  it('reports a missing required field at its parent and an empty value as null', () => {
    expect(problems('benchmarks:\n  - name: api\n    type: command\n')).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].run: required field is missing; expected a shell command',
    ]);
    expect(problems('benchmarks:\n  - name: api\n    type: command\n    run:\n')).toStrictEqual([
      'perfgate.yml:4: benchmarks[0].run: expected a shell command, got null (an empty value)',
    ]);
  });

  it('lists the known benchmark types for an unknown or missing type', () => {
    expect(
      problems('benchmarks:\n  - name: a\n    type: htp\n  - name: b\n  - api\n'),
    ).toStrictEqual([
      'perfgate.yml:3: benchmarks[0].type: expected one of http, lighthouse, bundle, command, suite, got "htp"; did you mean `http`?',
      'perfgate.yml:4: benchmarks[1].type: required field is missing; expected one of http, lighthouse, bundle, command, suite',
      'perfgate.yml:5: benchmarks[2]: expected a benchmark: a mapping with name, type and its fields, got "api"',
    ]);
  });

  it('suggests the enum value for a near miss and accepts only exact casing', () => {
    expect(problems(`${http()}gate:\n  correction: Holm\n`)).toStrictEqual([
      'perfgate.yml:7: gate.correction: expected one of westfall-young, holm, bh, got "Holm"; did you mean `holm`?',
    ]);
    expect(
      problems(http().replace('requests: [/a]', 'requests: [{ path: /a, method: post }]')),
    ).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].requests[0].method: expected one of GET, POST, PUT, PATCH, DELETE, OPTIONS, got "post"; did you mean `POST`?',
    ]);
  });

  it('requires at least one benchmark, and benchmarks as a list', () => {
    expect(problems('benchmarks: []\n')).toStrictEqual([
      'perfgate.yml:1: benchmarks: expected at least one benchmark',
    ]);
    expect(problems('gate: { alpha: 0.01 }\n')).toStrictEqual([
      'perfgate.yml:1: benchmarks: required field is missing; expected a list of benchmarks',
    ]);
    expect(problems('benchmarks: { name: a }\n')).toStrictEqual([
      'perfgate.yml:1: benchmarks: expected a list of benchmarks, got a mapping',
    ]);
  });

  it('requires unique, non-empty benchmark names', () => {
    const text =
      'benchmarks:\n  - { name: a, type: command, run: x }\n  - { name: a, type: command, run: y }\n';
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:3: benchmarks[1].name: duplicate benchmark name "a" (also benchmarks[0])',
    ]);
    const invalid = (name: string) =>
      problems(`benchmarks:\n  - { name: ${name}, type: command, run: x }\n`);
    const expectation =
      'expected a benchmark name (non-empty, without / or line breaks, at most 100 characters)';
    expect(invalid('""')).toStrictEqual([
      `perfgate.yml:2: benchmarks[0].name: ${expectation}, got ""`,
    ]);
    expect(invalid('a/b')).toStrictEqual([
      `perfgate.yml:2: benchmarks[0].name: ${expectation}, got "a/b"`,
    ]);
    expect(invalid('" a"')).toStrictEqual([
      `perfgate.yml:2: benchmarks[0].name: ${expectation}, got " a"`,
    ]);
  });

  it('rejects duplicate route names within a benchmark', () => {
    const text = http().replace(
      'requests: [/a]',
      'requests: [/a, { path: /b, name: GET /a }, { path: /a }]',
    );
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].requests[1].name: duplicate route name "GET /a" (also requests[0]); give one of them a distinct `name`',
      'perfgate.yml:5: benchmarks[0].requests[2]: duplicate route name "GET /a" (also requests[0]); give one of them a distinct `name`',
    ]);
  });

  it('checks request paths, status codes, headers and PORT', () => {
    const text = `benchmarks:
  - name: api
    type: http
    start: node server.js
    env: { PORT: 3000 }
    requests:
      - products
      - { path: /a, expect-status: 99, headers: { x-n: 5 } }
      - { path: /b, headers: { Accept: a, accept: b } }
`;
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].env.PORT: PORT is chosen by perfgate for each server; remove it from env',
      'perfgate.yml:7: benchmarks[0].requests[0]: expected a request path starting with /, got "products"',
      'perfgate.yml:8: benchmarks[0].requests[1].headers.x-n: expected a header value (a string), got 5',
      'perfgate.yml:8: benchmarks[0].requests[1].expect-status: expected an HTTP status code from 100 to 599, got 99',
      'perfgate.yml:9: benchmarks[0].requests[2].headers.accept: header "accept" is given twice (header names ignore case)',
    ]);
  });

  it('keeps paths inside the tree', () => {
    expect(
      problems('benchmarks:\n  - { name: a, type: command, run: x, cwd: ../other }\n'),
    ).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].cwd: expected a directory relative to the repository root (no leading / and no ..), got "../other"',
    ]);
    expect(
      problems('benchmarks:\n  - { name: a, type: lighthouse, serve: /srv/www }\n'),
    ).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].serve: expected a directory relative to the repository root (no leading / and no ..), got "/srv/www"',
    ]);
  });

  it('requires exactly one of serve and start for lighthouse', () => {
    expect(problems('benchmarks:\n  - name: web\n    type: lighthouse\n')).toStrictEqual([
      'perfgate.yml:2: benchmarks[0]: expected `serve` (a directory of static files) or `start` (a command that starts a server)',
    ]);
    expect(
      problems(
        'benchmarks:\n  - name: web\n    type: lighthouse\n    serve: dist\n    start: x\n    ready: /\n',
      ),
    ).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].start: `serve` and `start` exclude each other: serve a directory or start a server',
      'perfgate.yml:6: benchmarks[0].ready: applies only with `start`, not with `serve`',
    ]);
  });

  it('checks lighthouse pages and the server environment', () => {
    const text = `benchmarks:
  - name: web
    type: lighthouse
    start: npm run preview
    env: { PORT: 8080, NODE-ENV: production }
    pages: [/, /about, /, about]
`;
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].env.NODE-ENV: expected an environment variable name (letters, digits and _), got "NODE-ENV"',
      'perfgate.yml:6: benchmarks[0].pages[3]: expected a page path starting with /, got "about"',
      'perfgate.yml:6: benchmarks[0].pages[2]: page "/" is listed twice',
    ]);
    expect(
      problems(text.replace(', about]', ']').replace(', NODE-ENV: production', '')),
    ).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].env.PORT: PORT is chosen by perfgate for each server; remove it from env',
      'perfgate.yml:6: benchmarks[0].pages[2]: page "/" is listed twice',
    ]);
    expect(
      problems(
        'benchmarks:\n  - name: web\n    type: lighthouse\n    serve: dist\n    env: { A: b }\n    ready-timeout: 5s\n',
      ),
    ).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].env: applies only with `start`, not with `serve`',
      'perfgate.yml:6: benchmarks[0].ready-timeout: applies only with `start`, not with `serve`',
    ]);
  });

  it('checks bundle budget keys against the groups and compressions', () => {
    const text = `benchmarks:
  - name: b
    type: bundle
    files: dist/*.js
    groups: { vendor: dist/vendor-*.js, total: x }
    budgets:
      vendr.gzip: 1kB
      vendor.brotli: 1kB
      total.zip: 1kB
      total: 1kB
      change: 5
`;
    // Field errors come first; the budget keys are checked against the groups once those parse.
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:5: benchmarks[0].groups.total: expected a group name of letters, digits, - and _ other than "total", got "total"',
      'perfgate.yml:11: benchmarks[0].budgets.change: expected a percentage such as 5%, got 5; write "5%"',
    ]);
    expect(
      problems(text.replace('change: 5', 'change: 5%').replace(', total: x', '')),
    ).toStrictEqual([
      'perfgate.yml:7: benchmarks[0].budgets["vendr.gzip"]: unknown group "vendr"; expected total, a group or a file path; did you mean `vendor`?',
      'perfgate.yml:8: benchmarks[0].budgets["vendor.brotli"]: expected a budget key `<total|group|file>.<raw|gzip>` or `change` ("brotli" is not in compression)',
      'perfgate.yml:9: benchmarks[0].budgets["total.zip"]: expected a budget key `<total|group|file>.<raw|gzip>` or `change`; did you mean `gzip`?',
      'perfgate.yml:10: benchmarks[0].budgets.total: expected a budget key `<total|group|file>.<raw|gzip>` or `change`',
    ]);
    expect(
      problems(
        'benchmarks:\n  - { name: b, type: bundle, files: [], compression: [gzip, gzip] }\n',
      ),
    ).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].files: expected at least one glob',
      'perfgate.yml:2: benchmarks[0].compression[1]: compression "gzip" is listed twice',
    ]);
  });

  it('checks the gate: alpha range, ascending looks, seed range, threshold keys', () => {
    expect(problems(`${http()}gate:\n  alpha: 0.5\n  looks: [10, 10]\n  seed: -1\n`)).toStrictEqual(
      [
        'perfgate.yml:7: gate.alpha: expected a number above 0 and below 0.5, such as 0.01, got 0.5',
        'perfgate.yml:8: gate.looks[1]: expected looks in ascending order, got 10 after 10',
        'perfgate.yml:9: gate.seed: expected a whole number from 0 to 4294967295, got -1',
      ],
    );
    expect(problems(`${http()}gate:\n  alpha: 1%\n`)).toStrictEqual([
      'perfgate.yml:7: gate.alpha: expected a number between 0 and 0.5 such as 0.01, got "1%"; write 0.01',
    ]);
    expect(problems(`${http()}gate:\n  looks: [0, 20]\n`)).toStrictEqual([
      'perfgate.yml:7: gate.looks[0]: expected a whole number of pairs from 1 to 100000, got 0',
    ]);
    expect(
      problems(
        `${http()}gate:\n  threshold: 0%\n  thresholds: { p99: 10, lcp: 0.1, cls: 0.05, home/cls: 0 }\n`,
      ),
    ).toStrictEqual([
      'perfgate.yml:7: gate.threshold: "0%" is not above 0% (the range is above 0% and at most 1000%)',
      'perfgate.yml:8: gate.thresholds.p99: expected a percentage such as 5%, got 10; write "10%"',
      'perfgate.yml:8: gate.thresholds.lcp: expected a percentage such as 5%, got 0.1; write "10%" for the fraction 0.1, or "0.1%" if you meant 0.1 percent',
      'perfgate.yml:8: gate.thresholds["home/cls"]: 0 is not above 0 (the range is above 0 and at most 10)',
    ]);
    // TBT, TTFB and the score are differences in their own unit, not percentages.
    expect(
      problems(`${http()}gate:\n  thresholds: { tbt: 5%, "api/score": "3", ttfb: 0ms }\n`),
    ).toStrictEqual([
      'perfgate.yml:7: gate.thresholds.tbt: expected a duration such as 50ms (above 0ms and at most 10m), got "5%"',
      'perfgate.yml:7: gate.thresholds["api/score"]: expected a number of score points such as 5 (above 0 and at most 100), got "3"',
      'perfgate.yml:7: gate.thresholds.ttfb: "0ms" is not above 0ms (the range is above 0ms and at most 10m)',
    ]);
    expect(
      parseConfig(`${http()}gate:\n  thresholds: { tbt: 50ms, score: 3, error-rate: 2% }\n`).gate
        .thresholds,
    ).toStrictEqual({ tbt: 50, score: 3, 'error-rate': 0.02 });
    expect(
      problems(`${http()}gate:\n  thresholds: { "api/p99": 10%, "ap/throughput": 3% }\n`),
    ).toStrictEqual([
      'perfgate.yml:7: gate.thresholds["ap/throughput"]: unknown benchmark "ap" (the benchmarks are api); did you mean `api`?',
    ]);
    expect(problems(`${http()}gate:\n  fail-on: false\n`)).toStrictEqual([
      'perfgate.yml:7: gate.fail-on: expected one of regression, never, got false',
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const error = errorOf('benchmarks:\n  - name: a\n    type: [http\n', 'perf.yml');
    expect(error.issues[0]).toMatchObject({ path: '', line: 4, column: 1 });
    expect(error.message).toBe(
      'perf.yml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(problems('gate: {}\ngate: {}\n')).toStrictEqual([
      'perfgate.yml:2:1: YAML syntax error: Map keys must be unique',
    ]);
    expect(problems('benchmarks: *missing\n')).toStrictEqual([
      'perfgate.yml: YAML error: Unresolved alias (the anchor must be set before the alias): missing',
    ]);
  });

  it('reports an empty file and a file that is not a mapping', () => {
    expect(problems('# nothing yet\n')).toStrictEqual([
      'perfgate.yml: the file is empty; expected a mapping with `benchmarks`',
    ]);
    expect(problems('- name: a\n')).toStrictEqual([
      'perfgate.yml:1: expected a mapping with `benchmarks` (and optionally build, build-timeout, gate), got a list',
    ]);
  });

  it('reports every problem at once, in line order', () => {
    const text = `gate:
  alpha: high
benchmarks:
  - name: api
    type: http
    start: node server.js
    conections: 10
    requests: []
`;
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:2: gate.alpha: expected a number between 0 and 0.5 such as 0.01, got "high"',
      'perfgate.yml:7: benchmarks[0].conections: unknown field; did you mean `connections`?',
      'perfgate.yml:8: benchmarks[0].requests: expected at least one request',
    ]);
  });
});

describe('parseConfig: gate.thresholds read from the metric catalogue', () => {
  it('takes a Max Potential FID threshold as a duration, absolute, not as a percentage', () => {
    expect(
      parseConfig(
        `${http()}gate:\n  thresholds: { max-potential-fid: 30ms, "api/max-potential-fid": 1s }\n`,
      ).gate.thresholds,
    ).toStrictEqual({ 'max-potential-fid': 30, 'api/max-potential-fid': 1000 });
    expect(problems(`${http()}gate:\n  thresholds: { max-potential-fid: 5% }\n`)).toStrictEqual([
      'perfgate.yml:7: gate.thresholds.max-potential-fid: expected a duration such as 50ms (above 0ms and at most 10m), got "5%"',
    ]);
  });

  it('accepts the example every difference-scale entry gives, within its range', () => {
    for (const entry of Object.values(CATALOGUES).flat()) {
      if (entry.threshold === undefined) continue;
      const written = entry.threshold.example.split(' ').at(-1)!;
      const parsed = parseConfig(`${http()}gate:\n  thresholds: { ${entry.metric}: ${written} }\n`)
        .gate.thresholds[entry.metric]!;
      expect(parsed, entry.metric).toBeGreaterThan(entry.threshold.range.min);
      expect(parsed, entry.metric).toBeLessThanOrEqual(entry.threshold.range.max);
    }
  });

  it('refuses a metric no kind measures, naming p95 for the retired p90', () => {
    const names = Object.values(CATALOGUES)
      .flat()
      .map((e) => e.metric)
      .join(', ');
    expect(
      problems(`${http()}gate:\n  thresholds: { "api/p90": 10%, lpc: 10%, fid: 20ms }\n`),
    ).toStrictEqual([
      `perfgate.yml:7: gate.thresholds["api/p90"]: unknown metric "p90" (the metrics are ${names}); p90 is no longer measured, did you mean \`p95\`?`,
      `perfgate.yml:7: gate.thresholds.lpc: unknown metric "lpc" (the metrics are ${names}); did you mean \`lcp\`?`,
      `perfgate.yml:7: gate.thresholds.fid: unknown metric "fid" (the metrics are ${names})`,
    ]);
  });

  it('keeps an error-rate threshold within 100 percentage points', () => {
    expect(problems(`${http()}gate:\n  thresholds: { error-rate: 150% }\n`)).toStrictEqual([
      'perfgate.yml:7: gate.thresholds.error-rate: "150%" is above the maximum of 100% (the range is above 0% and at most 100%)',
    ]);
  });
});

describe('parseConfig: hostile keys, headers and globs', () => {
  it('points at the line of a __proto__ key, wherever it is', () => {
    const text = `${http('    env:\n      A: "1"\n      __proto__: { B: 2 }\n')}gate:\n  __proto__: 1\n`;
    expect(problems(text)).toStrictEqual([
      'perfgate.yml:8: benchmarks[0].env.__proto__: `__proto__` cannot be used as a key: JavaScript objects would drop it silently; rename or remove it',
      'perfgate.yml:10: gate.__proto__: `__proto__` cannot be used as a key: JavaScript objects would drop it silently; rename or remove it',
    ]);
  });

  it('accepts a benchmark or target named like a prototype property, only not as the metric', () => {
    const text = `benchmarks:\n  - { name: constructor, type: command, run: make }\ngate:\n  thresholds: { constructor/wall: 5% }\n`;
    expect(parseConfig(text).gate.thresholds).toStrictEqual({ 'constructor/wall': 0.05 });
  });

  it('accepts every RFC 9110 token as a header name and refuses separators and line breaks', () => {
    const request = (headers: string) =>
      `benchmarks:\n  - name: api\n    type: http\n    start: node s.js\n    requests:\n      - { path: /, headers: { ${headers} } }\n`;
    const config = parseConfig(request(`"X-a!#$%&'*+.^_|~1": v, Accept: "a, b;q=0.5"`));
    expect(config.benchmarks[0]).toMatchObject({
      requests: [{ headers: { "X-a!#$%&'*+.^_|~1": 'v', Accept: 'a, b;q=0.5' } }],
    });
    expect(problems(request('"X(a)": v, X-B: "a\\0b"'))).toStrictEqual([
      `perfgate.yml:6: benchmarks[0].requests[0].headers["X(a)"]: expected a header name that is an RFC 9110 token (letters, digits and !#$%&'*+.^_\`|~-), got "X(a)"`,
      'perfgate.yml:6: benchmarks[0].requests[0].headers.X-B: expected a header value without CR, LF or NUL characters',
    ]);
  });

  it('checks globs at load, exclusions included', () => {
    const bundle = (files: string) =>
      `benchmarks:\n  - { name: web, type: bundle, files: ${files} }\n`;
    expect(parseConfig(bundle('[dist/**/*.js, "!dist/**/*.map"]')).benchmarks[0]).toMatchObject({
      files: ['dist/**/*.js', '!dist/**/*.map'],
    });
    expect(problems(bundle('[dist/*.js, "!/etc/*", "a/{b/c,d}"]'))).toStrictEqual([
      'perfgate.yml:2: benchmarks[0].files[1]: expected a file glob inside the tree, got "!/etc/*": must be relative to the tree root',
      'perfgate.yml:2: benchmarks[0].files[2]: expected a file glob inside the tree, got "a/{b/c,d}": has \'/\' inside braces; write one pattern per path instead',
    ]);
  });
});

describe('parseConfig: the capacity search of an http benchmark', () => {
  const api = (extra: string) => parseConfig(http(extra)).benchmarks[0];

  it('turns on with slo, with max-rate and step-duration defaulted', () => {
    expect(api('    slo: { p95: 100ms, error-rate: 0.1% }\n')).toMatchObject({
      capacity: { slo: { p95: 100, errorRate: 0.001 }, maxRate: 5000, stepMs: 1000 },
    });
    expect(
      api(
        '    slo:\n      p99: 1s\n      mean: 20ms\n    max-rate: 800\n    step-duration: 500ms\n',
      ),
    ).toMatchObject({ capacity: { slo: { p99: 1000, mean: 20 }, maxRate: 800, stepMs: 500 } });
    expect(api('')).not.toHaveProperty('capacity');
  });

  it('refuses an empty slo, an unknown term, and max-rate or step-duration without an slo', () => {
    expect(problems(http('    slo: {}\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].slo: expected at least one SLO term: p50, p95, p99, mean or error-rate',
    ]);
    expect(problems(http('    slo: { p90: 100ms }\n'))[0]).toBe(
      'perfgate.yml:6: benchmarks[0].slo.p90: unknown field; did you mean `p50`?',
    );
    expect(problems(http('    max-rate: 900\n'))).toStrictEqual([
      'perfgate.yml:6: benchmarks[0].max-rate: max-rate is set but slo is not: max-rate bounds the capacity search, which an `slo:` turns on; add one or remove max-rate',
    ]);
    expect(problems(http('    slo: { p95: 100 }\n'))[0]).toMatch(
      /benchmarks\[0\]\.slo\.p95: expected a duration .* got 100; a unit is needed/,
    );
  });
});
