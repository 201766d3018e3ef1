// The budget stage is pure: config budgets and head's figures in, budget checks out.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import type {
  CommandBenchmarkConfig,
  HttpBenchmarkConfig,
  LighthouseBenchmarkConfig,
} from '../../src/model.js';
import { checkTimedBudgets } from '../../src/verdict/budgets.js';

function http(budgets: Record<string, number>): HttpBenchmarkConfig {
  const route = (path: string) => ({ name: `GET ${path}`, method: 'GET', path, headers: {} });
  return {
    name: 'api',
    type: 'http',
    start: 'node server.js',
    readyTimeoutMs: 1000,
    env: {},
    cwd: '.',
    connections: 1,
    roundMs: 100,
    timeoutMs: 1000,
    requests: [route('/orders'), route('/users')],
    budgets,
  };
}

const command = (budgets: Record<string, number>): CommandBenchmarkConfig => ({
  name: 'build',
  type: 'command',
  run: 'make',
  cwd: '.',
  env: {},
  timeoutMs: 60_000,
  budgets,
});

const page = (budgets: Record<string, number>): LighthouseBenchmarkConfig => ({
  name: 'home',
  type: 'lighthouse',
  serve: 'dist',
  pages: ['/', '/products'],
  preset: 'mobile',
  budgets,
});

const medians = {
  'api/GET /orders/p95': 120,
  'api/GET /users/p95': 40,
  'api/GET /orders/throughput': 450,
  'api/GET /users/throughput': 900,
  'api/GET /orders/error-rate': 0.002,
  'api/GET /users/error-rate': 0,
  'build/wall': 31_000,
};

describe('checkTimedBudgets', () => {
  it('checks an http budget on every route, in the metric unit, on head medians', () => {
    expect(checkTimedBudgets([http({ p95: 100 })], medians)).toEqual([
      {
        benchmark: 'api',
        target: 'GET /orders',
        metric: 'p95',
        unit: 'ms',
        limit: 100,
        value: 120,
        exceeded: true,
      },
      {
        benchmark: 'api',
        target: 'GET /users',
        metric: 'p95',
        unit: 'ms',
        limit: 100,
        value: 40,
        exceeded: false,
      },
    ]);
  });

  it("lets a route's own budget win over the benchmark's, in either order", () => {
    for (const budgets of [
      { p95: 100, 'GET /orders/p95': 150 },
      { 'GET /orders/p95': 150, p95: 100 },
    ]) {
      const checks = checkTimedBudgets([http(budgets)], medians);
      expect(checks.map((c) => [c.target, c.limit, c.exceeded])).toEqual(
        expect.arrayContaining([
          ['GET /orders', 150, false],
          ['GET /users', 100, false],
        ]),
      );
      expect(checks).toHaveLength(2);
    }
    const one = checkTimedBudgets([http({ 'GET /users/p95': 30 })], medians);
    expect(one.map((c) => [c.target, c.value, c.exceeded])).toEqual([['GET /users', 40, true]]);
  });

  it('reads throughput as a floor and error-rate as a fraction', () => {
    const checks = checkTimedBudgets([http({ throughput: 500, 'error-rate': 0.001 })], medians);
    expect(checks.map((c) => [c.target, c.metric, c.unit, c.exceeded])).toEqual([
      ['GET /orders', 'throughput', 'req/s', true],
      ['GET /users', 'throughput', 'req/s', false],
      ['GET /orders', 'error-rate', 'fraction', true],
      ['GET /users', 'error-rate', 'fraction', false],
    ]);
  });

  it('checks a command wall budget without a target', () => {
    expect(checkTimedBudgets([command({ wall: 30_000 })], medians)).toEqual([
      {
        benchmark: 'build',
        metric: 'wall',
        unit: 'ms',
        limit: 30_000,
        value: 31_000,
        exceeded: true,
      },
    ]);
    expect(checkTimedBudgets([command({ wall: 60_000 })], medians)[0]!.exceeded).toBe(false);
  });

  it('checks each Lighthouse budget per page against head medians, by its catalogue metric', () => {
    const b = page({ lcp: 2500, si: 1000, cls: 0.1, weight: 100_000 });
    const checks = checkTimedBudgets([b], {
      'home///lcp': 2600,
      'home///speed-index': 900,
      'home///cls': 0.1,
      'home///weight': 101_464,
      'home//products/lcp': 1200,
      'home//products/speed-index': 1200,
      'home//products/cls': 0,
      'home//products/weight': 50_000,
    });
    const get = (target: string, metric: string) =>
      checks.find((c) => c.target === target && c.metric === metric)!;
    expect(checks).toHaveLength(8);
    expect(get('/', 'lcp')).toEqual({
      benchmark: 'home',
      target: '/',
      metric: 'lcp',
      unit: 'ms',
      limit: 2500,
      value: 2600,
      exceeded: true,
    });
    expect(get('/products', 'lcp').exceeded).toBe(false);
    expect(get('/', 'speed-index').exceeded).toBe(false);
    expect(get('/products', 'speed-index').exceeded).toBe(true);
    expect(get('/', 'cls').exceeded).toBe(false); // at the limit is within it
    expect(get('/', 'weight')).toMatchObject({ unit: 'bytes', exceeded: true });
  });

  it('skips targets without a median', () => {
    expect(checkTimedBudgets([page({ lcp: 2500 })], { 'home///lcp': 100 })).toHaveLength(1);
    expect(checkTimedBudgets([command({ wall: 1 })], {})).toEqual([]);
  });

  it('rejects a key no catalogue entry has, or a route the benchmark lacks, naming the field', () => {
    const cases: Array<[() => unknown, string]> = [
      [
        () => checkTimedBudgets([page({ lpc: 2500 })], {}),
        'benchmarks.home.budgets.lpc: not a lighthouse budget; expected one of lcp, fcp, tbt, max-potential-fid, si, ttfb, cls, weight',
      ],
      [
        () => checkTimedBudgets([http({ 'GET /nope/p95': 1 })], medians),
        'benchmarks.api.budgets.GET /nope/p95: not an http budget; expected one of p50, p95, p99, mean, cpu, throughput, error-rate, or "<route>/<key>" for a route of requests',
      ],
      [
        () => checkTimedBudgets([command({ wall: Number.NaN })], medians),
        'benchmarks.build.budgets.wall: expected a finite number, got NaN',
      ],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(message);
    }
  });
});
