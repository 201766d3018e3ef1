// Every numeric field's range (src/config/ranges.ts), at its bounds, through the real loader.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { formatBound, RANGES, type Range, rangeText } from '../../src/config/ranges.js';

const command = (field = '') =>
  `benchmarks:\n  - { name: job, type: command, run: make${field} }\n`;
const http = (field: string) =>
  `benchmarks:\n  - { name: api, type: http, start: node s.js, requests: [/]${field} }\n`;
const lighthouse = (budget: string) =>
  `benchmarks:\n  - { name: site, type: lighthouse, serve: dist, budgets: { ${budget} } }\n`;
const bundle = (budget: string) =>
  `benchmarks:\n  - { name: web, type: bundle, files: dist/*.js, budgets: { ${budget} } }\n`;

/** Each field with a range: how to write it with a value, and the path messages name. */
const FIELDS: Array<{ field: string; range: Range; config: (v: string) => string }> = [
  {
    field: 'build-timeout',
    range: RANGES.buildTimeout,
    config: (v) => `build-timeout: ${v}\n${command()}`,
  },
  {
    field: 'benchmarks[0].timeout',
    range: RANGES.commandTimeout,
    config: (v) => command(`, timeout: ${v}`),
  },
  {
    field: 'benchmarks[0].ready-timeout',
    range: RANGES.readyTimeout,
    config: (v) => http(`, ready-timeout: ${v}`),
  },
  {
    field: 'benchmarks[0].round-duration',
    range: RANGES.roundDuration,
    config: (v) => http(`, round-duration: ${v}`),
  },
  {
    field: 'benchmarks[0].timeout',
    range: RANGES.requestTimeout,
    config: (v) => http(`, timeout: ${v}`),
  },
  {
    field: 'gate.time-budget',
    range: RANGES.timeBudget,
    config: (v) => `${command()}gate: { time-budget: ${v} }\n`,
  },
  {
    field: 'gate.threshold',
    range: RANGES.threshold,
    config: (v) => `${command()}gate: { threshold: ${v} }\n`,
  },
  {
    field: 'gate.thresholds.p99',
    range: RANGES.threshold,
    config: (v) => `${command()}gate: { thresholds: { p99: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.cls',
    range: RANGES.clsThreshold,
    config: (v) => `${command()}gate: { thresholds: { cls: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.score',
    range: RANGES.scoreThreshold,
    config: (v) => `${command()}gate: { thresholds: { score: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.tbt',
    range: RANGES.timingThreshold,
    config: (v) => `${command()}gate: { thresholds: { tbt: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.max-potential-fid',
    range: RANGES.timingThreshold,
    config: (v) => `${command()}gate: { thresholds: { max-potential-fid: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.ttfb',
    range: RANGES.timingThreshold,
    config: (v) => `${command()}gate: { thresholds: { ttfb: ${v} } }\n`,
  },
  {
    field: 'gate.thresholds.error-rate',
    range: RANGES.errorRateThreshold,
    config: (v) => `${command()}gate: { thresholds: { error-rate: ${v} } }\n`,
  },
  {
    field: 'benchmarks[0].budgets.lcp',
    range: RANGES.pageTiming,
    config: (v) => lighthouse(`lcp: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets.cls',
    range: RANGES.clsBudget,
    config: (v) => lighthouse(`cls: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets.weight',
    range: RANGES.sizeBudget,
    config: (v) => lighthouse(`weight: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets.change',
    range: RANGES.changeBudget,
    config: (v) => bundle(`change: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets["total.gzip"]',
    range: RANGES.sizeBudget,
    config: (v) => bundle(`total.gzip: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets.p95',
    range: RANGES.latencyBudget,
    config: (v) => http(`, budgets: { p95: ${v} }`),
  },
  {
    field: 'benchmarks[0].budgets["GET //p99"]',
    range: RANGES.latencyBudget,
    config: (v) => http(`, budgets: { "GET //p99": ${v} }`),
  },
  {
    field: 'benchmarks[0].budgets.error-rate',
    range: RANGES.errorRateBudget,
    config: (v) => http(`, budgets: { error-rate: ${v} }`),
  },
  {
    field: 'benchmarks[0].budgets.throughput',
    range: RANGES.throughputBudget,
    config: (v) => http(`, budgets: { throughput: ${v} }`),
  },
  {
    field: 'benchmarks[0].slo.p95',
    range: RANGES.sloLatency,
    config: (v) => http(`, slo: { p95: ${v} }`),
  },
  {
    field: 'benchmarks[0].slo.error-rate',
    range: RANGES.sloErrorRate,
    config: (v) => http(`, slo: { error-rate: ${v} }`),
  },
  {
    field: 'benchmarks[0].max-rate',
    range: RANGES.maxRate,
    config: (v) => http(`, slo: { p95: 100ms }, max-rate: ${v}`),
  },
  {
    field: 'benchmarks[0].step-duration',
    range: RANGES.stepDuration,
    config: (v) => http(`, slo: { p95: 100ms }, step-duration: ${v}`),
  },
  {
    field: 'benchmarks[0].budgets.wall',
    range: RANGES.wallBudget,
    config: (v) => command(`, budgets: { wall: ${v} }`),
  },
];

function messages(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

/** A value just outside a bound, written in the field's own syntax. */
function beyond(range: Range, side: 'min' | 'max'): string {
  const bound = side === 'max' ? range.max : range.min;
  if (range.unit === 'duration')
    return side === 'max' ? `${bound + 1}ms` : `${Math.max(bound - 1, 0)}ms`;
  if (range.unit === 'size') return side === 'max' ? `${bound + 1}B` : '';
  if (range.unit === 'percent') return side === 'max' ? `${bound * 100 + 1}%` : '0%';
  return side === 'max' ? String(bound + 1) : '0';
}

describe('numeric ranges', () => {
  it.each(FIELDS)('$field: $range.min to $range.max', ({ field, range, config }) => {
    const max = formatBound(range.unit, range.max);
    expect(messages(config(max)), `${field} at its maximum`).toEqual([]);
    if (!range.minExclusive) {
      expect(
        messages(config(formatBound(range.unit, range.min))),
        `${field} at its minimum`,
      ).toEqual([]);
    }
    const above = beyond(range, 'max');
    expect(messages(config(above))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${literal(field)}: "?${literal(above)}"? is above the maximum of ${literal(max)} \\(the range is ${literal(rangeText(range))}\\)$`,
        ),
      ),
    ]);
    const below = beyond(range, 'min');
    if (below !== '' && (range.minExclusive || range.min > 0)) {
      expect(messages(config(below))[0]).toMatch(new RegExp(`^${literal(field)}: .*the range is`));
    }
  });

  it('writes bounds as the file would', () => {
    expect(formatBound('duration', 600_000)).toBe('10m');
    expect(formatBound('duration', 1500)).toBe('1500ms');
    expect(formatBound('percent', 10)).toBe('1000%');
    expect(formatBound('size', 100 * 1000 ** 3)).toBe('100GB');
    expect(rangeText(RANGES.threshold)).toBe('above 0% and at most 1000%');
    expect(rangeText(RANGES.roundDuration)).toBe('from 100ms to 10m');
  });

  it('keeps every duration within what Node timers can hold', () => {
    for (const range of Object.values(RANGES)) {
      if (range.unit === 'duration') expect(range.max).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
