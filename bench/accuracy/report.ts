// The tables: rule × shift → false-alarm rate, power, samples used; the comparison at equal
// false-alarm rate; perfgate's time to verdict. Markdown, which reads as well in a terminal.
import type { PeerRule } from './catalog.js';
import type { NoiseFigures } from './noise-model.js';
import { type Cell, medianOf, minimumDetectableShift, type Tally, wilson } from './tally.js';

export const pct = (x: number, digits = 1): string =>
  Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—';
const shiftLabel = (s: number): string => (s === 0 ? 'A/A' : `+${+(s * 100).toFixed(1)}%`);
const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '—');

export interface RowSource {
  id: string;
  label: string;
  knob: number | string;
}

function falseAlarm(cell: Cell | undefined): string {
  if (!cell || cell.trials === 0) return '—';
  const [lo, hi] = wilson(cell.failed, cell.trials);
  return `${pct(cell.failed / cell.trials, 2)} [${pct(lo, 1)}, ${pct(hi, 1)}] of ${cell.trials}`;
}

function power(cell: Cell | undefined): string {
  if (!cell || cell.trials === 0) return '—';
  return `${pct(cell.detected / cell.trials, 0)} · n ${Math.round(medianOf(cell.samples))}`;
}

export function powerCurve(tally: Tally, id: string, knob: number | string, shifts: number[]) {
  return shifts
    .filter((s) => s > 0)
    .flatMap((s): Array<[number, number]> => {
      const c = tally.get(id, knob, s);
      return c && c.trials > 0 ? [[s, c.detected / c.trials]] : [];
    });
}

function mdsLabel(mds: number | undefined, shifts: number[]): string {
  if (mds !== undefined) return `${+(mds * 100).toFixed(1)}%`;
  return `> ${+(Math.max(...shifts) * 100).toFixed(0)}%`;
}

/**
 * The one table: a row per rule; the A/A column is the family-wise false-alarm rate (any of the
 * run's metrics called regressed) with its 95% Wilson interval and trial count; each shift's
 * column is the power (any metric of the slowed route called regressed) and the median rounds per side
 * used; the last column is the smallest shift of the grid detected with ≥ 95% power.
 */
export function ruleTable(tally: Tally, rows: RowSource[], shifts: number[]): string {
  const header = ['rule', ...shifts.map(shiftLabel), 'min shift @95%'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of rows) {
    const cells = shifts.map((s) => {
      const cell = tally.get(row.id, row.knob, s);
      return s === 0 ? falseAlarm(cell) : power(cell);
    });
    const mds = minimumDetectableShift(powerCurve(tally, row.id, row.knob, shifts));
    lines.push(`| ${[row.label, ...cells, mdsLabel(mds, shifts)].join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface Calibrated {
  rule: PeerRule;
  knob: number | undefined;
  falseAlarm: number;
  mds: number | undefined;
}

/** The most lenient knob whose A/A family-wise false-alarm rate is at most `target`. */
export function calibrate(
  tally: Tally,
  rule: PeerRule,
  target: number,
  shifts: number[],
): Calibrated {
  for (const knob of rule.knobs) {
    const cell = tally.get(rule.id, knob, 0);
    if (!cell || cell.trials === 0) continue;
    const fa = cell.failed / cell.trials;
    if (fa <= target) {
      return {
        rule,
        knob,
        falseAlarm: fa,
        mds: minimumDetectableShift(powerCurve(tally, rule.id, knob, shifts)),
      };
    }
  }
  return { rule, knob: undefined, falseAlarm: Number.NaN, mds: undefined };
}

export function calibratedTable(
  tally: Tally,
  rules: PeerRule[],
  target: number,
  shifts: number[],
  perfgateMds: number | undefined,
): { table: string; best: Calibrated | undefined } {
  const header = [
    'rule at A/A ≤ ' + pct(target, 0),
    'setting',
    'A/A',
    ...shifts.filter((s) => s > 0).map(shiftLabel),
    'min shift @95%',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
  ];
  let best: Calibrated | undefined;
  for (const rule of rules) {
    const c = calibrate(tally, rule, target, shifts);
    if (c.knob === undefined) {
      lines.push(
        `| ${rule.id} | none reaches it | — | ${shifts
          .filter((s) => s > 0)
          .map(() => '—')
          .join(' | ')} | — |`,
      );
      continue;
    }
    const cells = shifts.filter((s) => s > 0).map((s) => power(tally.get(rule.id, c.knob!, s)));
    lines.push(
      `| ${[rule.id, rule.knobLabel(c.knob), pct(c.falseAlarm, 2), ...cells, mdsLabel(c.mds, shifts)].join(' | ')} |`,
    );
    if (c.mds !== undefined && (best?.mds === undefined || c.mds < best.mds)) best = c;
  }
  const ratio =
    perfgateMds !== undefined && best?.mds !== undefined ? perfgateMds / best.mds : Number.NaN;
  lines.push(
    '',
    `perfgate's minimum detectable shift: ${mdsLabel(perfgateMds, shifts)}; best peer at equal ` +
      `false-alarm rate: ${best ? `${best.rule.id} ${mdsLabel(best.mds, shifts)}` : 'none'}; ratio ` +
      `${Number.isFinite(ratio) ? ratio.toFixed(2) : '—'} (target ≤ 0.5).`,
  );
  return { table: lines.join('\n'), best };
}

/** perfgate's time to a verdict per shift, and how often it was within the targets' budgets. */
export function timingTable(tally: Tally, id: string, shifts: number[]): string {
  const lines = [
    '| shift | median time to verdict | 90th pct | verdict within 30 s | within 2 min | median pairs | unchanged route called regressed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of shifts) {
    const c = tally.get(id, 'default', s);
    if (!c || c.trials === 0) continue;
    const sorted = [...c.timesMs].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]!;
    // Power within a deadline: runs that detected the shift and whose verdict came in time.
    const within = (ms: number) =>
      s === 0 ? '—' : pct(c.detectedTimesMs.filter((t) => t <= ms).length / c.trials, 0);
    lines.push(
      `| ${shiftLabel(s)} | ${seconds(medianOf(c.timesMs))} | ${seconds(p90)} | ${within(30_000)} | ${within(120_000)} | ${Math.round(medianOf(c.samples))} | ${c.wrongRoute} of ${c.trials} |`,
    );
  }
  return lines.join('\n');
}

export function figuresTable(f: NoiseFigures): string {
  const lines = [
    '| metric | typical value | robust SD of paired log-ratio | robust SD of one side (log) | sensitivity to the shift |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [m, v] of Object.entries(f.metrics)) {
    if (!v) continue;
    const k = f.sensitivity?.[m as keyof typeof f.metrics];
    lines.push(
      `| ${m} | ${v.level.toPrecision(4)} | ${pct(v.sdPair, 2)} | ${pct(v.sdSide, 2)} | ${k === undefined ? '—' : k.toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    `pair duration ${f.pairMs.toFixed(0)} ms · lag-1 autocorrelation of p50 ${f.lag1.toFixed(2)} · ` +
      `outliers (> 5 robust SD) ${pct(f.outlierRate, 2)} of pairs, typical size ${pct(f.outlierScale, 1)} · ` +
      `correlation between latency metrics ${f.metricCorrelation.toFixed(2)} · order effect ` +
      `${pct(f.orderEffect, 2)} · error rate ${pct(f.errorRate, 3)}` +
      (f.processSdNote !== undefined
        ? ` · between-process SD of the run's median p50 change ${f.processSdNote}`
        : ` · between-process SD of the run's median p50 change ${pct(f.processSd ?? 0, 2)}` +
          (f.processSdUpper !== undefined
            ? ` (95% upper bound ${pct(f.processSdUpper, 2)}, ${f.processSdRuns} runs)`
            : '')) +
      (f.loadAverage !== undefined
        ? ` · load average ${f.loadAverage.toFixed(1)} on 2 cores`
        : '') +
      ` · source: ${f.source}`,
  );
  return lines.join('\n');
}

/** What the per-condition tables need of a recorded real trial (real.ts's RealTrial). */
export interface TrialView {
  shift: number;
  verdict?: string;
  stoppedBy: string;
  pairs: number;
  elapsedMs: number;
  regressed: string[];
  realized?: Record<string, number>;
  cpuShift?: number;
  cpuShiftSteady?: number;
  /** The trial's calls: the slowed route's, and any of the unchanged route. */
  detected: boolean;
  unchangedCalled: boolean;
  /** Per regressed key, its route and metric. */
  calls: Array<{ slowed: boolean; metric: string }>;
}

const shiftsOf = (trials: readonly TrialView[]) =>
  [...new Set(trials.map((t) => t.shift))].sort((a, b) => a - b);

const share = (k: number, n: number) => (n === 0 ? '—' : `${k}/${n}`);

function rate(k: number, n: number): string {
  if (n === 0) return '—';
  const [lo, hi] = wilson(k, n);
  return `${pct(k / n, 1)} [${pct(lo, 1)}, ${pct(hi, 1)}] (${k}/${n})`;
}

function quantileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/**
 * One condition's outcome per shift: the gate's failures (A/A: the family-wise false-alarm rate
 * with its 95% Wilson interval), the power (the slowed route called regressed), the time to a
 * verdict, how the runs ended, and whether the unchanged route was called regressed.
 */
export function conditionTable(trials: readonly TrialView[]): string {
  const lines = [
    '| shift | gate failed [95% CI] | slowed route called [95% CI] | median time to verdict | 90th pct | pass · inconclusive · fail | futility stops | median pairs | unchanged route called |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of shiftsOf(trials)) {
    const c = trials.filter((t) => t.shift === s);
    const n = c.length;
    const count = (f: (t: TrialView) => boolean) => c.filter(f).length;
    lines.push(
      `| ${shiftLabel(s)} | ${rate(
        count((t) => t.regressed.length > 0),
        n,
      )} | ${
        s === 0
          ? '—'
          : rate(
              count((t) => t.detected),
              n,
            )
      } | ${seconds(medianOf(c.map((t) => t.elapsedMs)))} | ${seconds(
        quantileOf(
          c.map((t) => t.elapsedMs),
          0.9,
        ),
      )} | ${count((t) => t.verdict === 'pass')} · ${count((t) => t.verdict === 'inconclusive')} · ${count(
        (t) => t.verdict === 'fail',
      )} | ${share(
        count((t) => t.stoppedBy === 'futility'),
        n,
      )} | ${Math.round(medianOf(c.map((t) => t.pairs)))} | ${share(
        count((t) => t.unchangedCalled),
        n,
      )} |`,
    );
  }
  return lines.join('\n');
}

/** Per metric and shift, the trials that called it regressed, on the slowed route and on the
 *  unchanged one: which metrics carry the calls. */
export function metricCallsTable(trials: readonly TrialView[], metrics: readonly string[]): string {
  const shifts = shiftsOf(trials);
  const lines = [
    `| metric | ${shifts.map(shiftLabel).join(' | ')} |`,
    `| --- | ${shifts.map(() => '---:').join(' | ')} |`,
  ];
  for (const m of metrics) {
    const cells = shifts.map((s) => {
      const c = trials.filter((t) => t.shift === s);
      const slowed = c.filter((t) => t.calls.some((x) => x.slowed && x.metric === m)).length;
      const steady = c.filter((t) => t.calls.some((x) => !x.slowed && x.metric === m)).length;
      return `${slowed} · ${steady} of ${c.length}`;
    });
    lines.push(`| ${m} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Per shift, the median realized change of the slowed route's metrics and of its work's CPU
 *  time (the servers' own count), beside the nominal shift; the unchanged route's work CPU as a
 *  control. */
export function realizedTable(trials: readonly TrialView[], metrics: readonly string[]): string {
  const lines = [
    `| shift | ${metrics.map((m) => `${m} change`).join(' | ')} | work CPU per request (servers' count) | unchanged route's work CPU |`,
    `| --- | ${metrics.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  for (const s of shiftsOf(trials)) {
    const c = trials.filter((t) => t.shift === s);
    const med = (f: (t: TrialView) => number | undefined) =>
      pct(medianOf(c.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x))), 1);
    lines.push(
      `| ${shiftLabel(s)} | ${metrics.map((m) => med((t) => t.realized?.[m])).join(' | ')} | ${med(
        (t) => t.cpuShift,
      )} | ${med((t) => t.cpuShiftSteady)} |`,
    );
  }
  return lines.join('\n');
}

export interface CellOverview {
  name: string;
  figures: NoiseFigures;
  trials: readonly TrialView[];
}

/** One row per service × condition: the noise per pair, the A/A rate, the power at each shift
 *  and the A/A time to a verdict, the figures the issue's targets are about. */
export function overviewTable(
  cells: readonly CellOverview[],
  noiseMetrics: readonly string[],
): string {
  const shifts = [...new Set(cells.flatMap((c) => shiftsOf(c.trials)))]
    .filter((s) => s > 0)
    .sort((a, b) => a - b);
  const header = [
    'service · condition',
    ...noiseMetrics.map((m) => `${m} noise/pair`),
    'A/A gate failed [95% CI]',
    ...shifts.map((s) => `power ${shiftLabel(s)}`),
    'A/A median time',
    'A/A pass',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const cell of cells) {
    const aa = cell.trials.filter((t) => t.shift === 0);
    const noise = noiseMetrics.map((m) => {
      const v = (cell.figures.metrics as Record<string, { sdPair: number } | undefined>)[m];
      // No A/A trial had the 5 pairs a spread needs: no figure, rather than a 0.
      return v && (cell.figures.pairs ?? 0) > 0 ? pct(v.sdPair, 1) : '—';
    });
    const power = shifts.map((s) => {
      const c = cell.trials.filter((t) => t.shift === s);
      return c.length
        ? `${pct(c.filter((t) => t.detected).length / c.length, 0)} of ${c.length}`
        : '—';
    });
    lines.push(
      `| ${[
        cell.name,
        ...noise,
        rate(aa.filter((t) => t.regressed.length > 0).length, aa.length),
        ...power,
        seconds(medianOf(aa.map((t) => t.elapsedMs))),
        share(aa.filter((t) => t.verdict === 'pass').length, aa.length),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
