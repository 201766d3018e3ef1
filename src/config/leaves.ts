// The building blocks of the perfgate.yml schema: messages that name what was expected and the
// value received, and the leaf values (text, numbers in ranges, paths, headers, globs). The
// field's path and line are added by load.ts.
import { z } from 'zod';
import { globProblem } from '../kinds/bundle/glob-pattern.js';
import { outOfRange, type Range, rangeText } from './ranges.js';
import { didYouMean } from './suggest.js';
import { describeValue, parseDuration, parsePercent, parseSize, ValueError } from './values.js';

interface RawIssue {
  readonly code?: string;
  readonly input?: unknown;
  readonly keys?: readonly string[];
}

export function expecting(what: string): (issue: RawIssue) => string {
  return (issue) =>
    issue.input === undefined
      ? `required field is missing; expected ${what}`
      : `expected ${what}, got ${describeValue(issue.input)}`;
}

export function fieldsError(what: string, known: readonly string[]): (issue: RawIssue) => string {
  return (issue) => {
    if (issue.code !== 'unrecognized_keys') return expecting(what)(issue);
    // One line per unknown key, in the order of `keys`; load.ts splits them into issues.
    return (issue.keys ?? [])
      .map((key) => {
        const hint = didYouMean(key, known);
        return hint ? `unknown field${hint}` : `unknown field (known here: ${known.join(', ')})`;
      })
      .join('\n');
  };
}

/** A mapping whose unknown keys are errors that suggest the closest known key. */
export function fields<const Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  return z.strictObject(shape, { error: fieldsError(what, Object.keys(shape)) });
}

export function documented<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description });
}

export function issue(
  ctx: z.core.$RefinementCtx,
  message: string,
  path: PropertyKey[] = [],
  input?: unknown,
) {
  ctx.addIssue({ code: 'custom', message, path, ...(input !== undefined && { input }) });
}

/** Non-empty text; NUL never belongs in a command or a name and would fail only at spawn. */
export function text(what: string) {
  const error = expecting(what);
  return z
    .string({ error })
    .min(1, { error })
    .refine((s) => !s.includes('\0'), { error: `expected ${what} without NUL characters` });
}

/** A whole number in [min, max]; the message states the range (`what` says what it counts). */
export function wholeNumber(what: string, min: number, max: number) {
  const error = expecting(`${what} from ${min} to ${max}`);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** One of `values`; `refused` explains values that look valid but are not supported. */
export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  refused: Readonly<Record<string, string>> = {},
) {
  return z.enum(values, {
    error: (issue) => {
      const expected = `one of ${values.join(', ')}`;
      if (issue.input === undefined) return `required field is missing; expected ${expected}`;
      const input = issue.input;
      const hint =
        typeof input !== 'string'
          ? ''
          : Object.hasOwn(refused, input)
            ? `; ${refused[input]}`
            : didYouMean(input, values);
      return `expected ${expected}, got ${describeValue(issue.input)}${hint}`;
    },
  });
}

/** A value in one of the syntaxes of values.ts, parsed to a number and checked against its
 *  range (ranges.ts); the message quotes the value as written. */
function parsed(parse: (value: unknown) => number, pattern: string, range: Range) {
  const message = (input: unknown): string => {
    try {
      parse(input);
    } catch (error) {
      if (error instanceof ValueError) {
        return input === undefined
          ? `required field is missing; expected ${error.expected}`
          : error.message;
      }
    }
    return `expected a string, got ${describeValue(input)}`;
  };
  return z
    .string({ error: (issue) => message(issue.input) })
    .transform((value, ctx) => {
      let n: number;
      try {
        n = parse(value);
      } catch (error) {
        issue(ctx, error instanceof Error ? error.message : String(error), [], value);
        return z.NEVER;
      }
      const outside = outOfRange(range, n, describeValue(value));
      if (outside !== undefined) {
        issue(ctx, outside, [], value);
        return z.NEVER;
      }
      return n;
    })
    .meta({ pattern });
}

const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';
const PERCENT_PATTERN = '^\\d+(\\.\\d+)?%$';
const SIZE_PATTERN = '^\\d+(\\.\\d+)?(B|kB|KiB|MB|MiB|GB|GiB)$';

/** A duration (`30s`) in milliseconds, within `range`. */
export const duration = (range: Range) => parsed(parseDuration, DURATION_PATTERN, range);
/** A percentage (`5%`) as a fraction, within `range`. */
export const percent = (range: Range) => parsed(parsePercent, PERCENT_PATTERN, range);
/** A size (`200kB`) in bytes, within `range`. */
export const size = (range: Range) => parsed(parseSize, SIZE_PATTERN, range);

/** A plain number (YAML's), within `range`; the JSON Schema carries the bounds. */
export function plainNumber(what: string, range: Range) {
  const expected = `${what} ${rangeText(range)}`;
  return z
    .number({ error: expecting(expected) })
    .refine((n) => outOfRange(range, n, String(n)) === undefined, {
      error: (issue) =>
        outOfRange(range, issue.input as number, String(issue.input)) ?? expecting(expected)(issue),
    })
    .meta({
      ...(range.minExclusive ? { exclusiveMinimum: range.min } : { minimum: range.min }),
      maximum: range.max,
    });
}

/** A path on the server under test, as requested over loopback. */
export function urlPath(what: string) {
  const error = expecting(`${what} starting with /`);
  return z
    .string({ error })
    .refine((s) => s.startsWith('/') && !/\s/.test(s), { error })
    .meta({ pattern: '^/\\S*$' });
}

/** A path inside the checked-out tree: relative, and never above the tree's root. */
export function treePath(what: string) {
  const error = expecting(`${what} relative to the repository root (no leading / and no ..)`);
  return z
    .string({ error })
    .min(1, { error })
    .refine((s) => !/^([/\\]|[A-Za-z]:)/.test(s) && !s.split(/[/\\]/).includes('..'), { error });
}

/** A check that no entry of a list appears twice. */
export function listedOnce(
  ctx: z.core.$RefinementCtx,
  list: readonly string[],
  what: string,
): void {
  list.forEach((entry, index) => {
    if (list.indexOf(entry) !== index) issue(ctx, `${what} "${entry}" is listed twice`, [index]);
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variables; numbers and booleans are written as YAML reads them (`4`, `true`). */
export function environment() {
  const valueError = expecting('a string, a number or true/false');
  return z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: valueError }), {
      error: expecting('a mapping of environment variables (NAME: value)'),
    })
    .transform((env, ctx) => {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(env)) {
        if (!ENV_NAME.test(name)) {
          issue(
            ctx,
            `expected an environment variable name (letters, digits and _), got ${describeValue(name)}`,
            [name],
          );
        }
        const text = String(value);
        if (text.includes('\0')) {
          issue(ctx, 'expected a value without NUL characters', [name], value);
        }
        out[name] = text;
      }
      return out;
    });
}

export function benchmarkName() {
  const error = expecting(
    'a benchmark name (non-empty, without / or line breaks, at most 100 characters)',
  );
  return z
    .string({ error })
    .refine((s) => s.trim() !== '' && s.trim() === s && s.length <= 100 && !/[/\r\n]/.test(s), {
      error,
    });
}

/** A file glob of the bundle probe, checked here so a bad one fails at load, before any build. */
const glob = text('a file glob such as dist/**/*.js').superRefine((pattern, ctx) => {
  const problem = globProblem(pattern);
  if (problem !== undefined) {
    issue(ctx, `expected a file glob inside the tree, got ${describeValue(pattern)}: ${problem}`);
  }
});
export const globs = z.union(
  [glob, z.array(glob).min(1, { error: 'expected at least one glob' })],
  {
    error: expecting('a glob or a list of globs'),
  },
);

/** RFC 9110 §5.6.2: a field name is a token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Request headers: names are tokens and values hold no CR, LF or NUL, which would let a value
 *  end the header and start another (header injection). */
export function headers() {
  return z
    .record(z.string(), z.string({ error: expecting('a header value (a string)') }), {
      error: expecting('a mapping of header names to values'),
    })
    .superRefine((record, ctx) => {
      for (const [name, value] of Object.entries(record)) {
        if (!HEADER_NAME.test(name)) {
          issue(
            ctx,
            `expected a header name that is an RFC 9110 token (letters, digits and !#$%&'*+.^_\`|~-), got ${describeValue(name)}`,
            [name],
          );
        }
        if (/[\r\n\0]/.test(value)) {
          issue(ctx, 'expected a header value without CR, LF or NUL characters', [name], value);
        }
      }
    });
}
