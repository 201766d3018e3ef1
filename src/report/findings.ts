// The findings that open every report: one line per target that regressed or improved (its
// headline metric, from the kind's catalogue, with change and CI, and its other changed metrics
// in a parenthesis), one line for the targets no change was found on, one for those proved
// unchanged, and one per exceeded budget. Plain text here; the Markdown and the terminal escape
// or colour it where it is printed.
import { metricEntry } from '../kinds/registry.js';
import type { Status } from '../model.js';
import type { Comparison, Result } from '../result.js';
import { isOneSided } from './bundle-files.js';
import { calledTested } from './detectable.js';
import {
  formatBudgetMargin,
  formatChange,
  formatDuration,
  formatInterval,
  formatMagnitude,
  formatValue,
  pluralize,
  unitKind,
} from './format.js';

/** Every comparison of one benchmark's target, with the target's status and the metric that
 *  stands for it. */
export interface TargetFinding {
  benchmark: string;
  target: string | undefined;
  /** As a reader names it: the target, or the benchmark when it has none. */
  name: string;
  status: Status;
  /** The headline metric when it decided the status, else the first metric that did. */
  lead: Comparison;
  /** Every other metric of the target that regressed or improved. */
  others: Comparison[];
  comparisons: Comparison[];
}

const STATUS_RANK: Record<Status, number> = {
  regressed: 0,
  improved: 1,
  inconclusive: 2,
  unchanged: 3,
};
const CHANGED = new Set<Status>(['regressed', 'improved']);

/** The targets in the order their benchmarks declare them; bundle files on one side only are
 *  left out (their own section lists them). */
export function targetFindings(result: Result): TargetFinding[] {
  // By benchmark, then target (undefined for a benchmark without targets); insertion order.
  const groups = new Map<string, Map<string | undefined, Comparison[]>>();
  for (const c of result.comparisons) {
    if (isOneSided(c)) continue;
    const targets = groups.get(c.benchmark) ?? new Map<string | undefined, Comparison[]>();
    groups.set(c.benchmark, targets);
    const group = targets.get(c.target);
    if (group) group.push(c);
    else targets.set(c.target, [c]);
  }
  const benchmarks = new Set(result.comparisons.map((c) => c.benchmark));
  return [...groups.values()]
    .flatMap((targets) => [...targets.values()])
    .map((comparisons) => {
      const first = comparisons[0]!;
      const status = comparisons
        .map((c) => c.status)
        .reduce((a, b) => (STATUS_RANK[b] < STATUS_RANK[a] ? b : a));
      const headline = comparisons.find((c) => metricEntry(c.metric)?.headline);
      const deciding = comparisons.filter((c) => c.status === status);
      const lead =
        headline && (headline.status === status || !CHANGED.has(status)) ? headline : deciding[0]!;
      const name =
        first.target === undefined
          ? first.benchmark
          : benchmarks.size > 1
            ? `${first.benchmark} › ${first.target}`
            : first.target;
      return {
        benchmark: first.benchmark,
        target: first.target,
        name,
        status,
        lead,
        others: comparisons.filter((c) => c !== lead && CHANGED.has(c.status)),
        comparisons,
      };
    });
}

function percent(change: number): string {
  const p = Math.abs(change) * 100;
  return `${p >= 10 ? Math.round(p) : Number(p.toFixed(1))}%`;
}

/** `39% slower`, `12% smaller`, `regressed` (a change that has no one word). */
function verdictWords(c: Comparison): string {
  const worse = c.status === 'regressed';
  if (c.scale === 'difference') return worse ? 'regressed' : 'improved';
  const kind = unitKind(c.unit);
  const up = c.change > 0;
  if ((kind === 'duration-ms' || kind === 'duration-s') && c.better === 'lower') {
    return `${percent(c.change)} ${up ? 'slower' : 'faster'}`;
  }
  if (kind === 'bytes') return `${percent(c.change)} ${up ? 'larger' : 'smaller'}`;
  return `${percent(c.change)} ${worse ? 'worse' : 'better'}`;
}

/** `p50 2.88 → 4.01 ms [+26%, +54%]`: the figures of one metric. */
export function metricFigures(c: Comparison): string {
  const ci = c.scale === 'exact' ? 'exact' : formatInterval(c.ci, c.scale, c.unit);
  const head = formatValue(c.head.median, c.unit);
  let base = formatValue(c.base.median, c.unit);
  // `2.88 → 4.01 ms`: the unit once when both sides have it.
  const unit = head.match(/ \D+$/)?.[0];
  if (unit && base.endsWith(unit)) base = base.slice(0, -unit.length);
  return `${c.metric} ${base} → ${head} ${c.scale === 'exact' ? `(${ci})` : ci}`;
}

/** One changed target: `GET /shops/acme 39% slower: p50 2.88 → 4.01 ms [+26%, +54%] (p99 +39%,
 *  throughput −28%)`. Names are not escaped here. */
export function changedLine(f: TargetFinding): { name: string; rest: string } {
  // `rest` follows the name after a space.
  const others = f.others.map((c) => `${c.metric} ${formatChange(c.change, c.scale, c.unit)}`);
  const tail = others.length > 0 ? ` (${others.join(', ')})` : '';
  return { name: f.name, rest: `${verdictWords(f.lead)}: ${metricFigures(f.lead)}${tail}` };
}

/** The plan's aim for the detectable change, as the sampler's notes use it: 1.5 × δ (at δ itself
 *  a change is never called with confidence, since the interval must clear it). */
const AIM_FACTOR = 1.5;

/** On the test scale: log for ratio metrics, as mde.ts works them. */
function onTestScale(c: Comparison, value: number): number {
  if (c.scale !== 'ratio') return value;
  return c.better === 'lower' ? Math.log1p(value) : -Math.log1p(-Math.min(value, 0.999_999));
}

/**
 * The time budget that would bring a metric's detectable change to 1.5 × δ, from what the result
 * holds: its detectable change at its pairs and the sampling time a pair took. The detectable
 * change is δ plus a multiple of the standard error (mde.ts), and the standard error falls as
 * 1/√n, so n' = n·((mde − δ)/(aim − δ))² on the test scale. An estimate (the level of a longer
 * run's last look differs a little), stated as "about"; undefined when it cannot be said.
 */
export function budgetToReach(
  c: Comparison,
  result: Result,
): { budgetMs: number; aim: number } | undefined {
  const n = Math.min(c.base.n, c.head.n);
  const { elapsedMs } = result.sampling;
  if (c.mde === null || c.scale === 'exact' || n < 1 || elapsedMs <= 0) return undefined;
  const aim = AIM_FACTOR * c.threshold;
  if (c.mde <= aim) return undefined;
  const excess = onTestScale(c, c.mde) - onTestScale(c, c.threshold);
  const room = onTestScale(c, aim) - onTestScale(c, c.threshold);
  if (!(excess > 0 && room > 0)) return undefined;
  const pairs = Math.ceil(n * (excess / room) ** 2);
  return { budgetMs: (elapsedMs / Math.max(result.sampling.pairs, 1)) * pairs, aim };
}

/** A budget worth writing into gate.time-budget: whole seconds or minutes, rounded up. */
function roundedBudget(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${Math.max(5, Math.ceil(s / 5) * 5)} s`;
  if (s < 3600) return `${Math.ceil(s / 60)} min`;
  return formatDuration(Math.ceil(s / 1800) * 1_800_000);
}

/** `about 50 min` for the table of detectable changes; undefined when no budget is needed or
 *  none can be said. */
export function budgetText(c: Comparison, result: Result): string | undefined {
  const reach = budgetToReach(c, result);
  return reach && `about ${roundedBudget(reach.budgetMs)}`;
}

const NAMED = 5;

function nameList(findings: readonly TargetFinding[]): string {
  const names = findings.slice(0, NAMED).map((f) => f.name);
  const more = findings.length - names.length;
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
}

/** The one line for targets where no change was found either way (inconclusive). */
export function undecidedLine(result: Result, undecided: readonly TargetFinding[]): string {
  const leads = undecided.map((f) => f.lead);
  const named = nameList(undecided);
  const subject =
    undecided.length === 1 ? named : `${pluralize(undecided.length, 'target')} (${named})`;
  const withMde = leads.filter((c) => c.mde !== null);
  if (withMde.length === 0) {
    const n = Math.min(...leads.map((c) => Math.min(c.base.n, c.head.n)));
    // Other targets called at these pairs: a change was callable, its size is not estimated.
    return calledTested(result).length > 0
      ? `${subject}: no change found; the smallest detectable change is not estimated at ${pluralize(n, 'pair')}`
      : `${subject}: no change found; no change could be called at ${pluralize(n, 'pair')}`;
  }
  // The worst detectable change: the one a longer budget must be planned for.
  const worst = withMde.reduce((a, b) =>
    onTestScale(b, b.mde!) - onTestScale(b, b.threshold) >
    onTestScale(a, a.mde!) - onTestScale(a, a.threshold)
      ? b
      : a,
  );
  const detect = formatMagnitude(worst.mde!, worst.scale, worst.unit);
  const parts = [
    `${subject}: no change found`,
    `the smallest this run could detect was ${undecided.length === 1 ? '' : 'up to '}${detect} (${worst.metric})`,
  ];
  const reach = budgetToReach(worst, result);
  if (reach) {
    parts.push(
      `a time budget of about ${roundedBudget(reach.budgetMs)} would reach ${formatMagnitude(reach.aim, worst.scale, worst.unit)}`,
    );
  }
  return parts.join('; ');
}

/** The one line for targets proved unchanged: every interval within its threshold. */
export function unchangedLine(unchanged: readonly TargetFinding[]): string {
  const lead = unchanged[0]!.lead;
  const within = formatMagnitude(lead.threshold, lead.scale, lead.unit);
  return `Unchanged (within ${within}): ${nameList(unchanged)}`;
}

/** `api › GET /orders: p95 120 ms against a 100 ms budget (+20%)`. */
export function budgetLines(result: Result): string[] {
  const exceeded = result.budgets.filter((b) => b.exceeded);
  const lines = exceeded.slice(0, NAMED).map((b) => {
    const name = [b.benchmark, b.target].filter(Boolean).join(' › ');
    return `${name}: ${b.metric} ${formatValue(b.value, b.unit)} against a ${formatValue(b.limit, b.unit)} budget (${formatBudgetMargin(b.value, b.limit)})`;
  });
  if (exceeded.length > NAMED) lines.push(`…and ${exceeded.length - NAMED} more budgets exceeded`);
  return lines;
}

/** Every finding as plain-text lines, each with the status it reports. */
export interface FindingLines {
  changed: Array<{ status: 'regressed' | 'improved'; name: string; rest: string }>;
  budgets: string[];
  undecided?: string;
  unchanged?: string;
}

export function findingLines(
  result: Result,
  findings: readonly TargetFinding[] = targetFindings(result),
): FindingLines {
  const changed = findings
    .filter((f) => f.status === 'regressed' || f.status === 'improved')
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status])
    .map((f) => ({ status: f.status as 'regressed' | 'improved', ...changedLine(f) }));
  const undecided = findings.filter((f) => f.status === 'inconclusive');
  const unchanged = findings.filter((f) => f.status === 'unchanged');
  return {
    changed,
    budgets: budgetLines(result),
    ...(undecided.length > 0 ? { undecided: undecidedLine(result, undecided) } : {}),
    ...(unchanged.length > 0 ? { unchanged: unchangedLine(unchanged) } : {}),
  };
}

/** The regressed targets' charts: each target's lead metric (its headline where it regressed). */
export function chartedComparisons(findings: readonly TargetFinding[]): Comparison[] {
  return findings
    .filter((f) => f.status === 'regressed' && f.lead.scale !== 'exact')
    .map((f) => f.lead);
}
