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
    '| shift | median time to verdict | 90th pct | verdict within 30 s | within 2 min | median pairs |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
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
      `| ${shiftLabel(s)} | ${seconds(medianOf(c.timesMs))} | ${seconds(p90)} | ${within(30_000)} | ${within(120_000)} | ${Math.round(medianOf(c.samples))} |`,
    );
  }
  return lines.join('\n');
}

export function figuresTable(f: NoiseFigures): string {
  const lines = [
    '| metric | typical value | robust SD of paired log-ratio | robust SD of one side (log) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [m, v] of Object.entries(f.metrics)) {
    lines.push(`| ${m} | ${v.level.toPrecision(4)} | ${pct(v.sdPair, 2)} | ${pct(v.sdSide, 2)} |`);
  }
  lines.push(
    '',
    `pair duration ${f.pairMs.toFixed(0)} ms · lag-1 autocorrelation of p50 ${f.lag1.toFixed(2)} · ` +
      `outliers (> 5 robust SD) ${pct(f.outlierRate, 2)} of pairs, typical size ${pct(f.outlierScale, 1)} · ` +
      `correlation between latency metrics ${f.metricCorrelation.toFixed(2)} · order effect ` +
      `${pct(f.orderEffect, 2)} · error rate ${pct(f.errorRate, 3)}` +
      ` · between-process SD of the run's median p50 change ${pct(f.processSd ?? 0, 2)}` +
      (f.loadAverage !== undefined
        ? ` · load average ${f.loadAverage.toFixed(1)} on 2 cores`
        : '') +
      ` · source: ${f.source}`,
  );
  return lines.join('\n');
}
