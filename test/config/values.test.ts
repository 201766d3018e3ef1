import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/config/suggest.js';
import { parseDuration, parsePercent, parseSize, ValueError } from '../../src/config/values.js';

function errorOf(fn: () => unknown): ValueError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValueError) return error;
    throw error;
  }
  throw new Error('expected a ValueError, nothing was thrown');
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0s', 0],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['  75s ', 75_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses a bare number and says a unit is needed', () => {
    expect(errorOf(() => parseDuration(30)).message).toBe(
      'expected a duration such as 500ms, 30s, 2m or 1h, got 30; a unit is needed: write "30s" or "30ms"',
    );
    expect(errorOf(() => parseDuration('30')).message).toBe(
      'expected a duration such as 500ms, 30s, 2m or 1h, got "30"; a unit is needed: write "30s" or "30ms"',
    );
  });

  it('suggests the unit for spelled-out units and names unknown ones', () => {
    expect(errorOf(() => parseDuration('5min')).hint).toBe('write "5m"');
    expect(errorOf(() => parseDuration('2 seconds')).hint).toBe('write "2s"');
    expect(errorOf(() => parseDuration('3d')).hint).toBe(
      'unknown unit "d" (the units are ms, s, m and h)',
    );
    expect(errorOf(() => parseDuration('30 s')).hint).toBe('write it without spaces: "30s"');
  });

  it('refuses negative, empty, out-of-order and non-string values', () => {
    for (const bad of ['-5s', '', 's', '1s1m', '1s1s', '1h30', 'soon']) {
      expect(() => parseDuration(bad), bad).toThrow(ValueError);
    }
    expect(errorOf(() => parseDuration('30s1m')).hint).toBe(
      'write the parts from the largest unit down, once each',
    );
    expect(errorOf(() => parseDuration(true)).message).toBe(
      'expected a duration such as 500ms, 30s, 2m or 1h, got true',
    );
    expect(errorOf(() => parseDuration(['1s'])).message).toBe(
      'expected a duration such as 500ms, 30s, 2m or 1h, got a list',
    );
  });
});

describe('parsePercent', () => {
  it.each([
    ['5%', 0.05],
    ['0.5%', 0.005],
    ['12.5%', 0.125],
    ['0%', 0],
    ['100%', 1],
    ['250%', 2.5],
  ])('%s is %d', (text, fraction) => {
    expect(parsePercent(text)).toBe(fraction);
  });

  it('refuses a number without % and suggests the % spelling', () => {
    expect(errorOf(() => parsePercent(5)).message).toBe(
      'expected a percentage such as 5%, got 5; write "5%"',
    );
    expect(errorOf(() => parsePercent('5')).message).toBe(
      'expected a percentage such as 5%, got "5"; write "5%"',
    );
    expect(errorOf(() => parsePercent(0.05)).hint).toBe(
      'write "5%" for the fraction 0.05, or "0.05%" if you meant 0.05 percent',
    );
  });

  it('refuses negative and malformed values', () => {
    for (const bad of ['-5%', '%', '5%%', 'five%', '', '5 percent']) {
      expect(() => parsePercent(bad), bad).toThrow(ValueError);
    }
    expect(errorOf(() => parsePercent('5 %')).hint).toBe('write it without spaces: "5%"');
    expect(errorOf(() => parsePercent(-3)).message).toBe(
      'expected a percentage such as 5%, got -3',
    );
  });
});

describe('parseSize', () => {
  it.each([
    ['512B', 512],
    ['200kB', 200_000],
    ['80KiB', 81_920],
    ['1.5MB', 1_500_000],
    ['1MiB', 1_048_576],
    ['2GB', 2_000_000_000],
    ['1GiB', 1_073_741_824],
    ['1.1kB', 1100],
    ['0.5KiB', 512],
    ['0B', 0],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('refuses ambiguous units and says which to write', () => {
    expect(errorOf(() => parseSize('500KB')).message).toBe(
      'expected a size such as 200kB (units B, kB, KiB, MB, MiB, GB, GiB), got "500KB"; ' +
        'write "500kB" (1000 bytes each) or "500KiB" (1024 bytes each)',
    );
    expect(errorOf(() => parseSize('3mb')).hint).toBe(
      'write "3MB" (10^6 bytes each) or "3MiB" (2^20 bytes each)',
    );
    expect(errorOf(() => parseSize('1kib')).hint).toBe('write "1KiB"');
    expect(errorOf(() => parseSize('1b')).hint).toBe('write "1B"');
    expect(errorOf(() => parseSize('7 kB')).hint).toBe('write it without spaces: "7kB"');
    expect(errorOf(() => parseSize('7TB')).hint).toBe('unknown unit "TB"');
  });

  it('refuses a bare number and says a unit is needed', () => {
    expect(errorOf(() => parseSize(200)).hint).toBe(
      'a unit is needed: write "200B" for bytes or "200kB"',
    );
    expect(errorOf(() => parseSize('200')).hint).toBe(
      'a unit is needed: write "200B" for bytes or "200kB"',
    );
    expect(() => parseSize('-1kB')).toThrow(ValueError);
  });
});

describe('suggestions', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('tiemout', 'timeout')).toBe(1);
    expect(editDistance('conections', 'connections')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests close names, kebab-case for camelCase, and nothing for unrelated words', () => {
    const keys = ['connections', 'round-duration', 'timeout', 'env', 'cwd', 'ready-timeout'];
    expect(closest('conections', keys)).toBe('connections');
    expect(closest('roundDuration', keys)).toBe('round-duration');
    expect(closest('ready_timeout', keys)).toBe('ready-timeout');
    expect(closest('tiemout', keys)).toBe('timeout');
    expect(closest('foo', keys)).toBeUndefined();
    expect(closest('fid', ['fcp', 'lcp'])).toBeUndefined();
  });
});

describe('hostile numbers and units', () => {
  it('refuses numbers too large to be read instead of returning Infinity', () => {
    const digits = '9'.repeat(400);
    for (const [parse, text] of [
      [parseDuration, `${digits}ms`],
      [parseDuration, `1h${digits}s`],
      [parsePercent, `${digits}%`],
      [parseSize, `${digits}kB`],
    ] as const) {
      const error = errorOf(() => parse(text));
      expect(error.hint).toBe('the number is too large to be read');
    }
  });

  it('looks units up by own key only: Object.prototype names are unknown units', () => {
    expect(errorOf(() => parseDuration('5constructor')).hint).toBe(
      'unknown unit "constructor" (the units are ms, s, m and h)',
    );
    expect(errorOf(() => parseDuration('5toString')).hint).toContain('unknown unit');
    expect(errorOf(() => parseSize('5valueOf')).hint).toBe('unknown unit "valueOf"');
    expect(errorOf(() => parseSize('5__proto__')).message).toContain('expected a size');
  });
});
