// The budgets of http, command and lighthouse benchmarks at load: keys from the kinds'
// catalogues, values in the units the catalogue says, route budgets checked against the routes.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import type { BenchmarkConfig } from '../../src/model.js';

const http = (budgets: string) => `benchmarks:
  - name: api
    type: http
    start: node server.js
    requests: [/orders, { path: /users, method: POST, name: new user }]
    budgets:
${budgets}
`;

function first(text: string): BenchmarkConfig {
  return parseConfig(text).benchmarks[0]!;
}

function messages(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('http budgets', () => {
  it('reads every key of the catalogue, for every route and per route, in the model units', () => {
    const bench = first(
      http(
        [
          '      p50: 20ms',
          '      p95: 100ms',
          '      p99: 1s',
          '      mean: 30ms',
          '      throughput: 500',
          '      error-rate: 0.1%',
          '      "GET /orders/p95": 150ms',
          '      "new user/throughput": 50',
        ].join('\n'),
      ),
    );
    expect(bench.type === 'http' && bench.budgets).toEqual({
      p50: 20,
      p95: 100,
      p99: 1000,
      mean: 30,
      throughput: 500,
      'error-rate': 0.001,
      'GET /orders/p95': 150,
      'new user/throughput': 50,
    });
  });

  it('leaves budgets out of the model when none is set', () => {
    const bench = first(
      'benchmarks:\n  - { name: api, type: http, start: node s.js, requests: [/] }\n',
    );
    expect(bench).not.toHaveProperty('budgets');
    expect(first(http('      {}'))).not.toHaveProperty('budgets');
  });

  it('names the field and lists what exists for an unknown route or key, or a bad value', () => {
    expect(
      messages(
        http(
          [
            '      "GET /order/p95": 150ms',
            '      "GET /orders/p90": 150ms',
            '      p90: 150ms',
            '      "GET /orders/p95": 150',
            '      "new user/error-rate": 200%',
          ].join('\n'),
        ),
      ),
    ).toEqual([
      'benchmarks[0].budgets["GET /order/p95"]: unknown route "GET /order"; the routes are GET /orders, new user; did you mean `GET /orders`?',
      'benchmarks[0].budgets["GET /orders/p90"]: unknown budget key "p90"; expected one of p50, p95, p99, mean, cpu, throughput, error-rate, or "<route>/<key>" for one route; did you mean `p50`?',
      'benchmarks[0].budgets.p90: unknown budget key "p90"; expected one of p50, p95, p99, mean, cpu, throughput, error-rate, or "<route>/<key>" for one route; did you mean `p50`?',
      'benchmarks[0].budgets["GET /orders/p95"]: expected a duration such as 500ms, 30s, 2m or 1h, got 150; a unit is needed: write "150s" or "150ms"',
      'benchmarks[0].budgets["new user/error-rate"]: "200%" is above the maximum of 100% (the range is from 0% to 100%)',
    ]);
  });

  it('refuses a latency without a unit and a throughput with one', () => {
    expect(messages(http('      p95: 100'))).toEqual([
      'benchmarks[0].budgets.p95: expected a duration such as 500ms, 30s, 2m or 1h, got 100; a unit is needed: write "100s" or "100ms"',
    ]);
    expect(messages(http('      throughput: 500rps'))[0]).toMatch(
      /^benchmarks\[0\]\.budgets\.throughput: expected throughput as a number without unit/,
    );
  });
});

describe('command and lighthouse budgets', () => {
  it('reads a command wall budget as a duration, and nothing else', () => {
    const bench = first(
      'benchmarks:\n  - { name: build, type: command, run: make, budgets: { wall: 30s } }\n',
    );
    expect(bench.type === 'command' && bench.budgets).toEqual({ wall: 30_000 });
    expect(
      messages(
        'benchmarks:\n  - { name: build, type: command, run: make, budgets: { p95: 30s } }\n',
      ),
    ).toEqual(['benchmarks[0].budgets.p95: unknown field (known here: wall)']);
  });

  it('reads every Lighthouse budget of the catalogue, Max Potential FID included', () => {
    const bench = first(
      'benchmarks:\n  - { name: site, type: lighthouse, serve: dist, budgets: { lcp: 2.5s, max-potential-fid: 100ms, si: 3s, cls: 0.1, weight: 500kB } }\n',
    );
    expect(bench.type === 'lighthouse' && bench.budgets).toEqual({
      lcp: 2500,
      'max-potential-fid': 100,
      si: 3000,
      cls: 0.1,
      weight: 500_000,
    });
  });
});
