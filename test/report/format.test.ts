import { describe, expect, it } from 'vitest';
import {
  formatBudgetMargin,
  formatBytes,
  formatChange,
  formatClock,
  formatDuration,
  formatDurationMs,
  formatFixed,
  formatInterval,
  formatMagnitude,
  formatPercentValue,
  formatPValue,
  formatPValueCell,
  formatRelativeChange,
  formatSignedValue,
  formatSignificant,
  formatStatus,
  formatTimestamp,
  formatValue,
  pluralize,
} from '../../src/report/format.js';

const M = '\u2212';

describe('formatFixed', () => {
  it('groups thousands, rounds, and never prints a negative zero', () => {
    expect(formatFixed(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatFixed(999, 0)).toBe('999');
    expect(formatFixed(-1234.5, 1)).toBe(`${M}1,234.5`);
    expect(formatFixed(-0.0004, 2)).toBe('0.00');
    expect(formatFixed(Number.NaN, 1)).toBe('n/a');
  });
});

describe('durations', () => {
  it('prints about three significant digits and switches units at the rounding edge', () => {
    expect(formatDurationMs(0.84)).toBe('0.84 ms');
    expect(formatDurationMs(0.042)).toBe('42.0 µs');
    expect(formatDurationMs(8.416)).toBe('8.42 ms');
    expect(formatDurationMs(12.34)).toBe('12.3 ms');
    expect(formatDurationMs(123.4)).toBe('123 ms');
    expect(formatDurationMs(999.4)).toBe('999 ms');
    expect(formatDurationMs(999.6)).toBe('1.00 s');
    expect(formatDurationMs(1240)).toBe('1.24 s');
    expect(formatDurationMs(61_500)).toBe('61.5 s');
    expect(formatDurationMs(1_500_000)).toBe('25.0 min');
    expect(formatDurationMs(0)).toBe('0 ms');
    expect(formatValue(1.5, 's')).toBe('1.50 s');
  });

  it('prints elapsed time as a clock and as words', () => {
    expect(formatClock(32_400)).toBe('0:32');
    expect(formatClock(120_000)).toBe('2:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(32_000)).toBe('32 s');
    expect(formatDuration(92_400)).toBe('1 min 32 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
    expect(formatTimestamp('2024-05-14T09:30:59.000Z')).toBe('2024-05-14 09:30 UTC');
  });
});

describe('sizes, rates and shares', () => {
  it('prints bytes in decimal (SI) units', () => {
    expect(formatBytes(532)).toBe('532 B');
    expect(formatBytes(999.4)).toBe('999 B');
    expect(formatBytes(999.6)).toBe('1.00 kB');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(183_210)).toBe('183 kB');
    expect(formatBytes(1_240_000)).toBe('1.24 MB');
    expect(formatBytes(3_000_000_000)).toBe('3.00 GB');
    expect(formatValue(2048, 'bytes')).toBe('2.05 kB');
  });

  it('prints request rates with grouping', () => {
    expect(formatValue(12_345.4, 'req/s')).toBe('12,345 req/s');
    expect(formatValue(45.63, 'req/s')).toBe('45.6 req/s');
    expect(formatValue(0.84, 'req/s')).toBe('0.84 req/s');
  });

  it('prints fractions as percentages and plain numbers with three significant digits', () => {
    expect(formatPercentValue(0.0012)).toBe('0.12%');
    expect(formatPercentValue(0.02)).toBe('2.00%');
    expect(formatPercentValue(0.123)).toBe('12.3%');
    expect(formatPercentValue(1)).toBe('100%');
    expect(formatPercentValue(0.00001)).toBe('<0.01%');
    expect(formatPercentValue(0)).toBe('0%');
    expect(formatValue(0.052, 'unitless')).toBe('0.052');
    expect(formatValue(0.05, '')).toBe('0.05');
    expect(formatSignificant(0.12345)).toBe('0.123');
    expect(formatSignificant(1.5)).toBe('1.50');
    expect(formatValue(97, 'score')).toBe('97.0');
    expect(formatValue(3.456, 'widgets')).toBe('3.46 widgets');
  });
});

describe('changes', () => {
  it('prints signed relative changes with a real minus sign', () => {
    expect(formatRelativeChange(0.123)).toBe('+12.3%');
    expect(formatRelativeChange(-0.041)).toBe(`${M}4.1%`);
    expect(formatRelativeChange(0.16)).toBe('+16.0%');
    expect(formatRelativeChange(2.5)).toBe('+250%');
    expect(formatRelativeChange(0.0004)).toBe('+0.04%');
    expect(formatRelativeChange(-0.00001)).toBe('0.0%');
    expect(formatRelativeChange(0)).toBe('0.0%');
  });

  it('prints difference metrics as absolute changes: pp for shares, plain for CLS', () => {
    expect(formatChange(0.02, 'difference', 'fraction')).toBe('+2.0 pp');
    expect(formatChange(-0.0004, 'difference', 'fraction')).toBe(`${M}0.04 pp`);
    expect(formatChange(0.05, 'difference', 'unitless')).toBe('+0.05');
    expect(formatChange(-0.002, 'difference', '')).toBe(`${M}0.002`);
    expect(formatChange(3.21, 'difference', 'ms')).toBe('+3.21 ms');
    expect(formatChange(0.5, 'difference', '%')).toBe('+0.50 pp');
    expect(formatSignedValue(-1200, 'B')).toBe(`${M}1.20 kB`);
    expect(formatSignedValue(870, 'B')).toBe('+870 B');
    // Ratio and exact metrics are relative whatever their unit.
    expect(formatChange(0.123, 'ratio', 'req/s')).toBe('+12.3%');
    expect(formatChange(0.0048, 'exact', 'B')).toBe('+0.5%');
  });

  it('prints intervals and magnitudes on the metric scale', () => {
    expect(formatInterval([0.081, 0.16], 'ratio', 'ms')).toBe('[+8.1%, +16.0%]');
    expect(formatInterval([-0.012, 0.109], 'ratio', 'ms')).toBe(`[${M}1.2%, +10.9%]`);
    expect(formatInterval([-0.0004, 0.0009], 'difference', 'fraction')).toBe(
      `[${M}0.04 pp, +0.09 pp]`,
    );
    expect(formatMagnitude(0.041, 'ratio', 'ms')).toBe('±4.1%');
    expect(formatMagnitude(-0.041, 'ratio', 'ms')).toBe('±4.1%');
    expect(formatMagnitude(0.005, 'difference', 'fraction')).toBe('±0.50 pp');
    expect(formatMagnitude(0.01, 'difference', 'unitless')).toBe('±0.01');
  });

  it('prints budget margins relative to the limit', () => {
    expect(formatBudgetMargin(2530, 2500)).toBe('+1.2%');
    expect(formatBudgetMargin(183_210, 200_000)).toBe(`${M}8.4%`);
    expect(formatBudgetMargin(1, 0)).toBe('—');
  });
});

describe('p-values and words', () => {
  it('prints p-values with three decimals below 0.1 and a floor at 0.001', () => {
    expect(formatPValue(0.003)).toBe('p = 0.003');
    expect(formatPValue(0.0006)).toBe('p < 0.001');
    expect(formatPValue(0.049)).toBe('p = 0.049');
    expect(formatPValue(0.27)).toBe('p = 0.27');
    expect(formatPValue(1)).toBe('p = 1.00');
    expect(formatPValue(null)).toBe('p —');
    expect(formatPValueCell(0.0006)).toBe('< 0.001');
    expect(formatPValueCell(null)).toBe('—');
  });

  it('names statuses with an icon and a word, and counts with plurals', () => {
    expect(formatStatus('regressed')).toBe('🔴 regressed');
    expect(formatStatus('improved')).toBe('🟢 improved');
    expect(formatStatus('inconclusive')).toBe('🟡 inconclusive');
    expect(formatStatus('unchanged')).toBe('⚪ unchanged');
    expect(pluralize(1, 'pair')).toBe('1 pair');
    expect(pluralize(1200, 'pair')).toBe('1,200 pairs');
  });
});
