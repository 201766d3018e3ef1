// Number and unit formatting shared by the markdown, summary and terminal renderers.
// Every function returns plain text: callers escape it for their medium (units and
// names come from untrusted artifacts in `report` mode).
//
// Units a probe may report (MetricSpec.unit) and how they print:
//   `ms`, `s`            durations: 42 µs, 0.84 ms, 12.3 ms, 123 ms, 1.24 s, 12.3 min
//   `req/s`, `<x>/s`     rates: 0.84 req/s, 45.6 req/s, 12,345 req/s
//   `B`, `bytes`         sizes in decimal (SI) units: 532 B, 12.3 kB, 1.24 MB (1 kB = 1,000 B)
//   `fraction`           a share in [0, 1] (error rate): 0.12%, 2.00%; changes in
//                        percentage points (+2.0 pp)
//   `%`                  a value already in percent; changes in percentage points
//   `` / `unitless` / `score`  plain numbers (CLS): 0.052, 1.24; changes as +0.05
//   anything else        `<number> <unit>` with three significant digits
import type { Scale, Status, Verdict } from '../model.js';
import type { Result } from '../result.js';

/** U+2212: a real minus sign, the width of `+`, never a hyphen that breaks lines. */
const MINUS = '\u2212';
export const NOT_AVAILABLE = '—';

/** Says which base the byte units use, for report legends. */
export const BYTES_BASE_NOTE = 'sizes in decimal units (1 kB = 1,000 B)';

type UnitKind =
  | 'duration-ms'
  | 'duration-s'
  | 'rate'
  | 'bytes'
  | 'fraction'
  | 'percent'
  | 'plain'
  | 'other';

export function unitKind(unit: string): UnitKind {
  const u = unit.trim().toLowerCase();
  if (u === 'ms') return 'duration-ms';
  if (u === 's') return 'duration-s';
  if (u === 'b' || u === 'byte' || u === 'bytes') return 'bytes';
  if (u === 'fraction') return 'fraction';
  if (u === '%' || u === 'percent') return 'percent';
  if (u === '' || u === 'unitless' || u === 'score') return 'plain';
  if (u.endsWith('/s')) return 'rate';
  return 'other';
}

/** Thousands separators, fixed decimals, no locale (output must not depend on the machine). */
export function formatFixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  // A value that rounds to zero prints without a sign (no `−0.0`).
  const isZero = Number(fixed) === 0;
  return value < 0 && !isZero ? `${MINUS}${body}` : body;
}

/** Decimals that give about three significant digits: 8.42, 12.3, 123, 1,234. */
function decimalsFor3(abs: number): number {
  if (abs >= 99.95) return 0;
  if (abs >= 9.995) return 1;
  return 2;
}

/** About three significant digits, never in exponent notation. */
export function formatSignificant(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs < 0.995) {
    // Small plain numbers (CLS 0.052): three significant digits, trailing zeros dropped.
    const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(abs))));
    const text = formatFixed(value, decimals);
    return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  }
  return formatFixed(value, decimalsFor3(abs));
}

function withSign(text: string, value: number): string {
  if (text.startsWith(MINUS) || !Number.isFinite(value)) return text;
  return value > 0 && /[1-9]/.test(text) ? `+${text}` : text;
}

export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 0.09995) return `${formatFixed(ms * 1000, decimalsFor3(abs * 1000))} µs`;
  if (abs < 0.995) return `${formatFixed(ms, 2)} ms`;
  if (abs < 999.5) return `${formatFixed(ms, decimalsFor3(abs))} ms`;
  const s = ms / 1000;
  if (Math.abs(s) < 999.5) return `${formatFixed(s, decimalsFor3(Math.abs(s)))} s`;
  const min = s / 60;
  return `${formatFixed(min, decimalsFor3(Math.abs(min)))} min`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  const abs = Math.abs(bytes);
  if (abs < 999.5) return `${formatFixed(bytes, 0)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let scaled = bytes;
  for (const [i, unit] of units.entries()) {
    scaled /= 1000;
    if (Math.abs(scaled) < 999.5 || i === units.length - 1) {
      return `${formatFixed(scaled, decimalsFor3(Math.abs(scaled)))} ${unit}`;
    }
  }
  /* v8 ignore next */
  return `${formatFixed(bytes, 0)} B`;
}

/** A share in [0, 1] as a percentage: 0.0012 → 0.12%, 0.123 → 12.3%. */
export function formatPercentValue(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  return `${formatPercentNumber(fraction * 100)}%`;
}

function formatPercentNumber(pct: number): string {
  const abs = Math.abs(pct);
  if (abs === 0) return '0';
  if (abs < 0.005) return pct < 0 ? `>${MINUS}0.01` : '<0.01';
  return formatFixed(pct, decimalsFor3(abs));
}

function formatRate(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  return `${abs >= 99.5 ? formatFixed(value, 0) : formatFixed(value, decimalsFor3(abs))} ${unit}`;
}

/** One measured value (a median, a sample, a budget limit) in its unit. */
export function formatValue(value: number, unit: string): string {
  switch (unitKind(unit)) {
    case 'duration-ms':
      return formatDurationMs(value);
    case 'duration-s':
      return formatDurationMs(value * 1000);
    case 'bytes':
      return formatBytes(value);
    case 'fraction':
      return formatPercentValue(value);
    case 'percent':
      return Number.isFinite(value) ? `${formatPercentNumber(value)}%` : 'n/a';
    case 'rate':
      return formatRate(value, unit.trim());
    case 'plain':
      return formatSignificant(value);
    default:
      return `${formatSignificant(value)} ${unit.trim()}`;
  }
}

/** A signed absolute difference in the value's unit: +3.21 ms, −1.20 kB, +0.05. */
export function formatSignedValue(delta: number, unit: string): string {
  if (!Number.isFinite(delta)) return 'n/a';
  const kind = unitKind(unit);
  if (kind === 'fraction' || kind === 'percent') {
    const pp = kind === 'fraction' ? delta * 100 : delta;
    // Percentage points of small shares (error rates) need the second decimal below 1 pp.
    return `${formatSignedPercentNumber(pp, 1)} pp`;
  }
  const text = formatValue(Math.abs(delta), unit);
  if (delta < 0 && /[1-9]/.test(text)) return `${MINUS}${text}`;
  return withSign(text, delta);
}

/**
 * One decimal (+12.3), none past 100 (+250), two below `fineBelow` so small values keep a
 * digit (+0.04); zero prints without a sign.
 */
function formatSignedPercentNumber(pct: number, fineBelow: number): string {
  const abs = Math.abs(pct);
  let decimals = 1;
  if (abs >= 99.95) decimals = 0;
  else if (abs < fineBelow) decimals = 2;
  const text = formatFixed(pct, decimals);
  if (!/[1-9]/.test(text)) return formatFixed(0, 1);
  return withSign(text, pct);
}

/** A relative change (0.123 → +12.3%, −0.041 → −4.1%). */
export function formatRelativeChange(change: number): string {
  if (!Number.isFinite(change)) return 'n/a';
  return `${formatSignedPercentNumber(change * 100, 0.05)}%`;
}

/**
 * A change on its metric's scale: relative for ratio and exact metrics, absolute for
 * difference metrics (error rate in percentage points, CLS as a plain number).
 */
export function formatChange(change: number, scale: Scale, unit: string): string {
  return scale === 'difference' ? formatSignedValue(change, unit) : formatRelativeChange(change);
}

/**
 * A change of an exact metric (a size): relative, with the difference it is made of; `new` when
 * base was 0, where a relative change (against 1 byte) would be a meaningless huge number.
 */
export function formatExactChange(
  change: number,
  base: number,
  head: number,
  unit: string,
): string {
  const difference = formatSignedValue(head - base, unit);
  if (base === 0 && head !== 0) return `new (${difference})`;
  return `${formatRelativeChange(change)} (${difference})`;
}

export function formatInterval(ci: readonly [number, number], scale: Scale, unit: string): string {
  return `[${formatChange(ci[0], scale, unit)}, ${formatChange(ci[1], scale, unit)}]`;
}

/** A magnitude on the change scale with ±: the smallest detectable change (±4.1%, ±0.5 pp). */
export function formatMagnitude(value: number, scale: Scale, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = formatChange(Math.abs(value), scale, unit);
  return `±${text.startsWith('+') ? text.slice(1) : text}`;
}

/** `p = 0.003`, `p < 0.001`; three decimals below 0.1 so values near α stay distinguishable. */
export function formatPValue(p: number | null): string {
  const cell = formatPValueCell(p);
  if (p === null || !Number.isFinite(p)) return `p ${cell}`;
  return cell.startsWith('<') ? `p ${cell}` : `p = ${cell}`;
}

/** The bare p-value for a table column headed `p`. */
export function formatPValueCell(p: number | null): string {
  if (p === null) return NOT_AVAILABLE;
  if (!Number.isFinite(p)) return 'n/a';
  if (p < 0.001) return '< 0.001';
  if (p < 0.1) return formatFixed(p, 3);
  return formatFixed(Math.min(p, 1), 2);
}

/** Clock-style elapsed time for live progress: 0:32, 2:00, 1:02:03. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0:00';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A human duration for report text: 850 ms, 32 s, 1 min 32 s, 1 h 2 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** `2024-05-01 12:00 UTC` from an ISO timestamp; the input itself when it does not parse. */
export function formatTimestamp(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatFixed(count, 0)} ${count === 1 ? singular : plural}`;
}

const STATUS_ICON: Record<Status, string> = {
  regressed: '🔴',
  improved: '🟢',
  inconclusive: '🟡',
  unchanged: '⚪',
};

export const VERDICT_ICON: Record<Verdict, string> = {
  fail: '❌',
  pass: '✅',
  inconclusive: '⚠️',
};

/** `🔴 regressed`: icon and word, so the status reads without colour or emoji support. */
export function formatStatus(status: Status): string {
  return `${STATUS_ICON[status]} ${status}`;
}

export function formatBudgetStatus(exceeded: boolean): string {
  return exceeded ? '❌ exceeded' : '✅ within';
}

/** How far a value is from its budget limit, relative to the limit (+8.4% over, −20.0% under). */
export function formatBudgetMargin(value: number, limit: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(limit) || limit === 0) return NOT_AVAILABLE;
  return formatRelativeChange(value / limit - 1);
}

/** Why sampling ended, as every renderer says it. */
export const STOPPED_BY: Record<Result['sampling']['stoppedBy'], string> = {
  resolved: 'stopped once every metric was resolved',
  regression: 'stopped at the first look that called a regression',
  futility: 'stopped once no metric could still be called regressed within the budget',
  budget: 'stopped at the time budget',
  'max-pairs': 'stopped at the largest planned number of pairs',
  exact: 'exact comparison, no sampling needed',
};
