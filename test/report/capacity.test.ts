// The capacity section of the comment: the sentence per route with each side's interval, the
// change and its status; "≥ max-rate" for a side that met the SLO there; what broke at the knee;
// the chart of latency against offered load with the SLO line; and hostile route names kept
// inert.
import { describe, expect, it } from 'vitest';
import type { CapacityEvidence } from '../../src/kinds/http/capacity-schema.js';
import { capacityChart, kneeText, sideCapacity } from '../../src/report/capacity.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { resultSchema } from '../../src/result.js';
import { comparison, makeResult } from './fixture.js';
import { HOSTILE } from './hostile.js';
import { markdownProblems } from './markdown-checks.js';

const BASE = [1810, 1790, 1850, 1820, 1760, 1830, 1805, 1840];
const HEAD = [1240, 1260, 1225, 1250, 1230, 1270, 1245, 1210];

function steps(knee: number): CapacityEvidence['base']['steps'] {
  return [100, 200, 400, 800, 1600, 3200, 2400, 1900, 1700, 1300, 1200].map((rate) => ({
    rate,
    ok: rate <= knee,
    latency: rate <= knee ? 20 + rate / 100 : rate > 3000 ? null : 400,
  }));
}

function evidence(route: string, overrides: Partial<CapacityEvidence> = {}): CapacityEvidence {
  return {
    benchmark: 'api',
    route,
    slo: { p95: 100, errorRate: 0.001 },
    term: 'p95',
    maxRate: 5000,
    stepMs: 1000,
    base: { estimates: BASE, atMax: BASE.map(() => false), steps: steps(1810) },
    head: {
      estimates: HEAD,
      atMax: HEAD.map(() => false),
      steps: steps(1240),
      knee: {
        rate: 1290,
        ok: false,
        broken: ['p95 143 ms > 100 ms'],
        latency: 143,
        errorRate: 0.002,
        errors: { 'HTTP 503': 12, timeout: 3 },
        serverCores: 0.97,
      },
    },
    ...overrides,
  };
}

function withCapacity(routes: CapacityEvidence[]) {
  const base = makeResult();
  const comparisons = routes.map((e) =>
    comparison({
      benchmark: e.benchmark,
      target: e.route,
      metric: 'capacity',
      unit: 'req/s',
      better: 'higher',
      scale: 'ratio',
      base: e.base.estimates,
      head: e.head.estimates,
      change: -0.31,
      ci: [-0.33, -0.29],
      pValue: 0.0078,
      adjustedPValue: 0.0078,
      threshold: 0.05,
      mde: 0.03,
      status: 'regressed',
    }),
  );
  return {
    ...base,
    comparisons: [...base.comparisons, ...comparisons],
    evidence: { capacity: routes },
  };
}

describe('sideCapacity', () => {
  it('gives the median and a distribution-free 95% interval from order statistics', () => {
    const s = sideCapacity({ estimates: BASE, atMax: [], steps: [] }, 5000);
    expect(s.median).toBe(1815);
    // n = 8: [x(1), x(8)] covers 99.2%, [x(2), x(7)] 93%: the first is the one at ≥ 95%.
    expect(s.ci).toEqual([1760, 1850]);
    expect(s.atMax).toBe(false);
    const few = sideCapacity({ estimates: [1, 2, 3, 4, 5], atMax: [], steps: [] }, 5000);
    expect(few.ci).toBeNull(); // 5 rounds: even [x(1), x(5)] covers only 93.75%
    const atMax = sideCapacity({ estimates: [5000, 5000, 4100], atMax: [], steps: [] }, 5000);
    expect(atMax.atMax).toBe(true);
  });
});

describe('the capacity section', () => {
  it('says what each side sustains within the SLO, the change and its status', () => {
    const result = withCapacity([evidence('GET /orders')]);
    expect(resultSchema.safeParse(result).success).toBe(true);
    const md = renderMarkdown(result);
    expect(md).toContain('### Capacity within the SLO');
    expect(md).toContain(
      '**api · GET /orders**: head sustains 1,243 req/s (95% CI 1,210–1,270) within p95 ≤ 100 ms, error rate ≤ 0.10%, base 1,815 req/s (95% CI 1,760–1,850) (−31.0%, CI \\[−33.0%, −29.0%\\], 🔴 regressed)\n',
    );
    expect(md).toContain(
      'At the knee: head at 1,290 req/s: p95 143 ms &gt; 100 ms; server CPU 0.97 cores: CPU-bound; failures 12× HTTP 503, 3× timeout',
    );
    expect(markdownProblems(md)).toEqual([]);
  });

  it('reports a side that met the SLO at max-rate as at least max-rate, and both as not compared', () => {
    const atMax = (): CapacityEvidence['base'] => ({
      estimates: [600, 600, 600],
      atMax: [true, true, true],
      steps: steps(10_000).filter((s) => s.rate <= 600),
    });
    const both = evidence('GET /ping', { maxRate: 600, base: atMax(), head: atMax() });
    const below = evidence('GET /orders').head;
    const one = evidence('GET /orders', {
      maxRate: 600,
      base: atMax(),
      head: { ...below, estimates: [400, 410, 390], atMax: [false, false, false] },
    });
    const md = renderMarkdown(withCapacity([both, one]));
    expect(md).toContain(
      '**api · GET /ping**: both sides meet p95 ≤ 100 ms, error rate ≤ 0.10% at the highest rate tried, 600 req/s (max-rate): capacity ≥ max-rate on both, not compared beyond it',
    );
    expect(md).toContain(
      '**api · GET /orders**: head sustains 400 req/s within p95 ≤ 100 ms, error rate ≤ 0.10%, base ≥ 600 req/s (met the SLO at max-rate)',
    );
    expect(kneeText(both, 'base')).toBeUndefined();
  });

  it('charts each side’s latency against offered load, capped at 3× the SLO, with the SLO line', () => {
    const chart = capacityChart(evidence('GET /orders'), 120);
    const lines = chart.split('\n');
    expect(lines).toContain('      plotColorPalette: "#0969da, #cf222e, #57606a"');
    const xAxis = lines.find((l) => l.startsWith('  x-axis'))!;
    // Ten bands from 100 to 3,200 req/s on a log scale: centres 119 … 2,691.
    expect(xAxis).toBe(
      '  x-axis "offered load (req/s)" [119, 168, 238, 336, 476, 673, 951, 1345, 1903, 2691]',
    );
    const series = lines.filter((l) => l.startsWith('  line ')).map((l) => JSON.parse(l.slice(7)));
    expect(series).toHaveLength(3);
    // The SLO line is flat at 100 ms; nothing is drawn above 300 ms.
    expect(series[2]).toEqual(Array(10).fill(100));
    for (const s of series) expect(Math.max(...s)).toBeLessThanOrEqual(300);
    // Below the knees both sides are fast; in the band of 1,345 req/s head broke the SLO and base not.
    expect(series[0][0]).toBeLessThan(100);
    expect(series[1][7]).toBeGreaterThan(100);
    expect(series[0][7]).toBeLessThan(100);
  });

  it('gives the terminal the same sentence and the knee, in plain text', () => {
    const out = renderTerminal(withCapacity([evidence('GET /orders')]), { color: false });
    expect(out).toContain(
      'capacity within the SLO\n  • api · GET /orders: head sustains 1,243 req/s (95% CI 1,210–1,270) within p95 ≤ 100 ms, error rate ≤ 0.10%, base 1,815 req/s (95% CI 1,760–1,850) (−31.0%, CI [−33.0%, −29.0%], 🔴 regressed)\n    knee: head at 1,290 req/s: p95 143 ms > 100 ms; server CPU 0.97 cores: CPU-bound; failures 12× HTTP 503, 3× timeout\n',
    );
  });

  it('keeps hostile route names out of the Markdown’s structure and the chart', () => {
    const routes = HOSTILE.map((name) => evidence(name));
    const md = renderMarkdown(withCapacity(routes));
    expect(markdownProblems(md)).toEqual([]);
  });
});
