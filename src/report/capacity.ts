// "Capacity within the SLO": per route searched (kinds/http/capacity.ts), the rate each side
// sustains within the SLO with its interval, the change and its status from the `capacity`
// comparison, a chart of the latency against offered load for both sides with the SLO's line,
// and what broke at each side's knee. Pure; names are escaped here, where they enter Markdown.
import type { CapacityEvidence } from '../kinds/http/capacity-schema.js';
import { metricKey } from '../kinds/types.js';
import type { Side } from '../model.js';
import type { Comparison } from '../result.js';
import { median } from '../stats/summary.js';
import { chartNumber, xyChartStart } from './chart.js';
import type { Context, Layout } from './context.js';
import { escapeMarkdown, mermaidText, truncate } from './escape.js';
import {
  formatChange,
  formatDurationMs,
  formatInterval,
  formatPercentValue,
  formatSignificant,
  formatStatus,
  pluralize,
} from './format.js';

/** The chart's points along the rate axis. */
const BINS = 10;
/** Latencies above this multiple of the SLO term are drawn at it, so the knee stays readable. */
const CAP = 3;
const SLO_COLOR = '#57606a' as const;

export interface SideCapacity {
  median: number;
  /** A distribution-free 95% interval of the median (order statistics); null below 6 rounds. */
  ci: [number, number] | null;
  /** The median is max-rate: the side met the SLO there in most rounds. */
  atMax: boolean;
  rounds: number;
}

/** Binomial(n, ½) cumulative probability P(X ≤ k). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= (n - i + 1) / i;
    sum += term;
  }
  return sum;
}

/** The median of a side's round estimates and its interval: [x₍ⱼ₎, x₍ₙ₋ⱼ₊₁₎] with the largest j
 *  whose coverage is still at least 95%. */
export function sideCapacity(e: CapacityEvidence['base'], maxRate: number): SideCapacity {
  const sorted = [...e.estimates].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n === 0 ? Number.NaN : median(sorted);
  let ci: [number, number] | null = null;
  for (let j = Math.floor(n / 2); j >= 1; j--) {
    if (1 - 2 * binomialHalfCdf(n, j - 1) >= 0.95) {
      ci = [sorted[j - 1]!, sorted[n - j]!];
      break;
    }
  }
  return { median: mid, ci, atMax: n > 0 && mid >= maxRate, rounds: n };
}

/** A duration as the SLO was written: `50 ms`, `1 s`, `12.5 ms`, without padding zeros. */
function plainDuration(ms: number): string {
  return formatDurationMs(ms)
    .replace(/\.0+ /, ' ')
    .replace(/(\.\d*?)0+ /, '$1 ');
}

function rate(value: number): string {
  return formatSignificant(Math.round(value));
}

function sloText(slo: CapacityEvidence['slo']): string {
  const terms: string[] = [];
  for (const term of ['p50', 'p95', 'p99', 'mean'] as const) {
    const bound = slo[term];
    if (bound !== undefined) terms.push(`${term} ≤ ${plainDuration(bound)}`);
  }
  if (slo.errorRate !== undefined) terms.push(`error rate ≤ ${formatPercentValue(slo.errorRate)}`);
  return terms.join(', ');
}

function sustains(s: SideCapacity, maxRate: number): string {
  if (s.rounds === 0) return 'not measured';
  if (s.atMax) return `≥ ${rate(maxRate)} req/s (met the SLO at max-rate)`;
  const ci = s.ci ? ` (95% CI ${rate(s.ci[0])}–${rate(s.ci[1])})` : '';
  return `${rate(s.median)} req/s${ci}`;
}

/** "head sustains 1,240 req/s within p95 ≤ 100 ms, base 1,810 (−31%)", in plain text after
 *  the route's name. */
export function capacitySentence(e: CapacityEvidence, c: Comparison | undefined): string {
  const base = sideCapacity(e.base, e.maxRate);
  const head = sideCapacity(e.head, e.maxRate);
  const within = sloText(e.slo);
  if (base.atMax && head.atMax) {
    return `both sides meet ${within} at the highest rate tried, ${rate(e.maxRate)} req/s (max-rate): capacity ≥ max-rate on both, not compared beyond it`;
  }
  const change = c
    ? ` (${formatChange(c.change, c.scale, c.unit)}, CI ${formatInterval(c.ci, c.scale, c.unit)}, ${formatStatus(c.status)})`
    : '';
  return `head sustains ${sustains(head, e.maxRate)} within ${within}, base ${sustains(base, e.maxRate)}${change}`;
}

/** The sentence as Markdown, led by the route's name in bold. */
export function capacityLine(
  e: CapacityEvidence,
  c: Comparison | undefined,
  limit: number,
): string {
  const name = escapeMarkdown(truncate(`${e.benchmark} · ${e.route}`, limit));
  return `**${name}**: ${escapeMarkdown(capacitySentence(e, c))}`;
}

/** What broke at a side's knee: the terms, the server's CPU use, the failures by kind. */
export function kneeText(e: CapacityEvidence, side: Side): string | undefined {
  const knee = e[side].knee;
  if (!knee) return undefined;
  const parts = [...knee.broken];
  if (knee.serverCores !== undefined) {
    const cores = knee.serverCores.toFixed(2);
    parts.push(
      knee.serverCores >= 0.9
        ? `server CPU ${cores} cores: CPU-bound`
        : `server CPU ${cores} cores: not CPU-bound (waiting on I/O, a lock, or the load generator)`,
    );
  }
  const errors = Object.entries(knee.errors)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5)
    .map(([kind, n]) => `${n}× ${kind}`);
  if (errors.length > 0) parts.push(`failures ${errors.join(', ')}`);
  return `${side} at ${rate(knee.rate)} req/s: ${parts.join('; ')}`;
}

/** Median of the finite values; +∞ when half or more are unbounded (null). */
function medianLatency(values: readonly (number | null)[]): number {
  const sorted = values.map((v) => v ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Fills gaps by linear interpolation between the nearest filled bins, ends by the nearest. */
function fill(values: (number | undefined)[]): number[] {
  const known = values.flatMap((v, i) => (v === undefined ? [] : [i]));
  return values.map((v, i) => {
    if (v !== undefined) return v;
    const before = known.filter((k) => k < i).at(-1);
    const after = known.find((k) => k > i);
    if (before === undefined) return values[after!]!;
    if (after === undefined) return values[before]!;
    const a = values[before]!;
    const b = values[after]!;
    return a + ((b - a) * (i - before)) / (after - before);
  });
}

/** The Mermaid chart of latency against offered load; empty when there are too few steps. */
export function capacityChart(e: CapacityEvidence, limit: number): string {
  const steps = [...e.base.steps, ...e.head.steps];
  if (e.base.steps.length === 0 || e.head.steps.length === 0) return '';
  const rates = steps.map((s) => s.rate);
  const lo = Math.min(...rates);
  const hi = Math.max(...rates);
  if (!(hi > lo)) return '';
  const bound = e.slo[e.term];
  const finite = steps.flatMap((s) => (s.latency === null ? [] : [s.latency]));
  const cap = bound !== undefined ? CAP * bound : Math.max(...finite, 1);
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo * (hi / lo) ** (i / BINS));
  const binOf = (r: number) =>
    Math.min(BINS - 1, Math.floor((Math.log(r / lo) / Math.log(hi / lo)) * BINS));
  const series = (side: Side) => {
    const byBin: (number | null)[][] = Array.from({ length: BINS }, () => []);
    for (const s of e[side].steps) byBin[binOf(s.rate)]!.push(s.latency);
    return fill(byBin.map((b) => (b.length === 0 ? undefined : Math.min(cap, medianLatency(b)))));
  };
  // Bare numbers (Mermaid's category grammar), whole above 10 req/s.
  const labels = edges.slice(0, BINS).map((edge, i) => {
    const centre = Math.sqrt(edge * edges[i + 1]!);
    return centre >= 10 ? String(Math.round(centre)) : String(Number(centre.toFixed(1)));
  });
  const line = (values: number[]) => `[${values.map((v) => chartNumber(v)).join(', ')}]`;
  const sloLine = bound !== undefined ? [`  line ${line(labels.map(() => bound))}`] : [];
  const title = mermaidText(`${e.route} ${e.term} vs offered load`, 80);
  const caption =
    `${escapeMarkdown(truncate(`${e.benchmark} · ${e.route}`, limit))}: ${e.term} (ms) against offered load (req/s), ` +
    `base in blue, head in red${bound !== undefined ? `, the SLO (${plainDuration(bound)}) in grey; above ${CAP}× the SLO drawn at ${CAP}×` : ''}; ` +
    'the median of the steps run in each band of rates';
  return [
    caption,
    '',
    ...xyChartStart(SLO_COLOR),
    `  title "${title}"`,
    `  x-axis "offered load (req/s)" [${labels.join(', ')}]`,
    `  y-axis "${e.term} (ms)"`,
    `  line ${line(series('base'))}`,
    `  line ${line(series('head'))}`,
    ...sloLine,
    '```',
  ].join('\n');
}

/** The section, or nothing when no route was searched. */
export function capacitySection(ctx: Context, layout: Layout): string[] {
  const routes = ctx.result.evidence?.capacity ?? [];
  if (routes.length === 0) return [];
  const shown = routes.slice(0, Math.max(1, Math.min(layout.itemLimit, 20)));
  const out = ['### Capacity within the SLO'];
  for (const e of shown) {
    const key = metricKey(e.benchmark, e.route, 'capacity');
    const c = ctx.result.comparisons.find((x) => x.key === key);
    out.push(capacityLine(e, c, layout.nameLimit));
    const knees = (['base', 'head'] as const).flatMap((side) => kneeText(e, side) ?? []);
    if (knees.length > 0) out.push(`At the knee: ${escapeMarkdown(knees.join(' · '))}`);
    if (layout.charts > 0) {
      const chart = capacityChart(e, layout.nameLimit);
      if (chart) out.push(chart);
    }
  }
  if (shown.length < routes.length) {
    out.push(`${routes.length - shown.length} more routes searched are in ${ctx.elsewhere}.`);
  }
  const first = routes[0]!;
  out.push(
    `<sub>Requests arrive at a fixed rate (an open model: latency counts from when each was due) for ${plainDuration(first.stepMs)} a step; ` +
      `every round bisects each side's knee, base and head steps alternating; a side's capacity is the median over ${pluralize(sideCapacity(first.base, first.maxRate).rounds, 'round')}, its interval distribution-free.</sub>`,
  );
  return out;
}
