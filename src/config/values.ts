// The value syntaxes of perfgate.yml, shared by the config file, the CLI flags and the action
// inputs so that `time-budget: 2m`, `--budget 2m` and `with: { time-budget: 2m }` mean the same.
//
// Decisions (documented in the generated JSON Schema too):
// - Durations need a unit: ms, s, m, h (`500ms`, `30s`, `2m`, `1h`, `1m30s`). A bare number is an
//   error, because `timeout: 30` could mean seconds or milliseconds.
// - Percentages need `%` (`5%`, `0.5%`). A bare number is an error, because `threshold: 5` could
//   mean 5% or 500%, and `0.05` could be read as 0.05%; the message suggests the `%` spelling.
// - Sizes need a unit: B, kB (1000 B), KiB (1024 B), MB, MiB, GB, GiB; SI units are decimal as in
//   most bundle-size tools' output. `KB`/`kb` are errors because they are ambiguous.

/** A value that does not parse; the message says what was expected and what was received. */
export class ValueError extends Error {
  override name = 'ValueError';
  constructor(
    readonly value: unknown,
    readonly expected: string,
    readonly hint?: string,
  ) {
    super(`expected ${expected}, got ${describeValue(value)}${hint ? `; ${hint}` : ''}`);
  }
}

/** How a received value reads in a message: strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** A number as people write it: 5.000000000000001 → 5. */
function tidy(n: number): string {
  return String(Number(n.toPrecision(12)));
}

const NUMBER = '\\d+(?:\\.\\d+)?';
const TOO_LARGE = 'the number is too large to be read';

/** The value of an own key of `table`, never one inherited from Object.prototype. */
function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The number written as `digits`; 400 digits would be Infinity, which no field accepts. */
function finite(digits: string, fail: (hint: string) => never): number {
  const n = Number(digits);
  return Number.isFinite(n) ? n : fail(TOO_LARGE);
}
const DURATION_UNITS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
const DURATION_ALIASES: Record<string, keyof typeof DURATION_UNITS> = {
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  msec: 'ms',
  msecs: 'ms',
  millis: 'ms',
  milliseconds: 'ms',
};
const DURATION_EXPECTED = 'a duration such as 500ms, 30s, 2m or 1h';

/** `500ms`, `30s`, `2m`, `1h`, or parts in decreasing order (`1m30s`) → milliseconds (≥ 0). */
export function parseDuration(value: unknown): number {
  const fail = (hint?: string): never => {
    throw new ValueError(value, DURATION_EXPECTED, hint);
  };
  if (typeof value === 'number') {
    return fail(`a unit is needed: write "${tidy(value)}s" or "${tidy(value)}ms"`);
  }
  if (typeof value !== 'string') return fail();
  const text = value.trim();
  if (new RegExp(`^${NUMBER}$`).test(text)) {
    return fail(`a unit is needed: write "${text}s" or "${text}ms"`);
  }
  const part = new RegExp(`(${NUMBER})([a-zA-Z]+)`, 'gy');
  let total = 0;
  let previousScale = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const match of text.matchAll(part)) {
    const [, amount, unit] = match as unknown as [string, string, string];
    // Own keys only: `5constructor` must not find Object.prototype.constructor.
    const scale = ownValue(DURATION_UNITS, unit);
    if (scale === undefined) {
      const alias = ownValue(DURATION_ALIASES, unit.toLowerCase());
      return fail(
        alias
          ? `write "${amount}${alias}"`
          : `unknown unit "${unit}" (the units are ms, s, m and h)`,
      );
    }
    if (scale >= previousScale)
      return fail('write the parts from the largest unit down, once each');
    previousScale = scale;
    total += finite(amount, fail) * scale;
    end = (match.index ?? 0) + match[0].length;
  }
  if (end === 0 || end !== text.length) {
    if (/\s/.test(text)) {
      // `30 s` or `2 seconds`: say what the written-together form needs.
      const joined = text.replace(/\s+/g, '');
      let hint: string | undefined;
      try {
        parseDuration(joined);
        hint = `write it without spaces: "${joined}"`;
      } catch (error) {
        if (!(error instanceof ValueError)) throw error;
        hint = error.hint;
      }
      return fail(hint);
    }
    return fail();
  }
  return Number.isFinite(total) ? total : fail(TOO_LARGE);
}

const PERCENT_EXPECTED = 'a percentage such as 5%';

/** `5%`, `0.5%` → a fraction (0.05, 0.005); never negative. */
export function parsePercent(value: unknown): number {
  const fail = (hint?: string): never => {
    throw new ValueError(value, PERCENT_EXPECTED, hint);
  };
  const suggest = (n: number): string => {
    if (n > 0 && n < 1) {
      return `write "${tidy(n * 100)}%" for the fraction ${tidy(n)}, or "${tidy(n)}%" if you meant ${tidy(n)} percent`;
    }
    return `write "${tidy(n)}%"`;
  };
  if (typeof value === 'number')
    return fail(Number.isFinite(value) && value >= 0 ? suggest(value) : undefined);
  if (typeof value !== 'string') return fail();
  const text = value.trim();
  const match = new RegExp(`^(${NUMBER})\\s*(%?)$`).exec(text);
  if (!match) return fail();
  const amount = finite(match[1]!, fail);
  if (!match[2]) return fail(suggest(amount));
  if (text.includes(' ')) return fail(`write it without spaces: "${match[1]}%"`);
  return amount / 100;
}

const SIZE_UNITS = {
  B: 1,
  kB: 1000,
  KiB: 1024,
  MB: 1000 ** 2,
  MiB: 1024 ** 2,
  GB: 1000 ** 3,
  GiB: 1024 ** 3,
} as const;
const SIZE_EXPECTED = 'a size such as 200kB (units B, kB, KiB, MB, MiB, GB, GiB)';

/** `200kB` (200,000 B), `80KiB` (81,920 B), `1.5MB`, `512B` → whole bytes (rounded). */
export function parseSize(value: unknown): number {
  const fail = (hint?: string): never => {
    throw new ValueError(value, SIZE_EXPECTED, hint);
  };
  if (typeof value === 'number') {
    return fail(`a unit is needed: write "${tidy(value)}B" for bytes or "${tidy(value)}kB"`);
  }
  if (typeof value !== 'string') return fail();
  const text = value.trim();
  const match = new RegExp(`^(${NUMBER})(\\s*)([a-zA-Z]*)$`).exec(text);
  if (!match) return fail();
  const [, amount, space, unit] = match as unknown as [string, string, string, string];
  if (!unit) return fail(`a unit is needed: write "${amount}B" for bytes or "${amount}kB"`);
  const scale = ownValue(SIZE_UNITS, unit);
  if (scale === undefined) {
    const lower = unit.toLowerCase();
    if (lower === 'k' || lower === 'kb') {
      return fail(`write "${amount}kB" (1000 bytes each) or "${amount}KiB" (1024 bytes each)`);
    }
    if (lower === 'm' || lower === 'mb') {
      return fail(`write "${amount}MB" (10^6 bytes each) or "${amount}MiB" (2^20 bytes each)`);
    }
    if (lower === 'g' || lower === 'gb') {
      return fail(`write "${amount}GB" (10^9 bytes each) or "${amount}GiB" (2^30 bytes each)`);
    }
    const known = Object.keys(SIZE_UNITS).find((u) => u.toLowerCase() === lower);
    return fail(known ? `write "${amount}${known}"` : `unknown unit "${unit}"`);
  }
  if (space) return fail(`write it without spaces: "${amount}${unit}"`);
  const bytes = Math.round(finite(amount, fail) * scale);
  return Number.isFinite(bytes) ? bytes : fail(TOO_LARGE);
}
