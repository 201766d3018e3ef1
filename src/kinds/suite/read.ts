// What every suite format's parser shares: the error that names the line and what was expected,
// JSON read with that line (on a syntax error, and for a field of the wrong shape, by walking the
// text to the field), and the checked field readers the parsers use.

/** A tool's output that cannot be read: the line (1-based) and what was expected there. */
export class SuiteFormatError extends Error {
  override name = 'SuiteFormatError';
  constructor(
    readonly format: string,
    readonly line: number | undefined,
    readonly expected: string,
    readonly got?: string,
  ) {
    super(
      `${format} output${line === undefined ? '' : `, line ${line}`}: expected ${expected}` +
        (got === undefined ? '' : `, got ${got}`),
    );
  }
}

export type JsonPath = ReadonlyArray<string | number>;

/** A JSON value of the wrong shape, found by a parser: where, and what it wanted there. */
export class ShapeError extends Error {
  constructor(
    readonly path: JsonPath,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${pathText(path)}: expected ${expected}`);
  }
}

export function pathText(path: JsonPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || 'the document';
}

/** A short rendering of a value for an error message. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses `text` as JSON and reads it with `read`; a syntax error or a ShapeError becomes a
 * SuiteFormatError naming the line (`firstLine` offsets it, for one line of JSON lines).
 */
export function readJson<T>(
  format: string,
  text: string,
  read: (value: unknown) => T,
  firstLine = 1,
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 gives a position for most errors; without one, an unexpected token is where the text
    // starts, and an unexpected end is at its end.
    const at = /position (\d+)/.exec(message);
    const offset = at
      ? Number(at[1])
      : /end of JSON/i.test(message)
        ? text.trimEnd().length
        : text.length - text.trimStart().length;
    const line = lineAt(text, offset);
    throw new SuiteFormatError(
      format,
      line + firstLine - 1,
      'JSON',
      text.trim() === '' ? 'no output' : message,
    );
  }
  try {
    return read(value);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const line = lineOfPath(text, error.path);
    throw new SuiteFormatError(
      format,
      line === undefined ? undefined : line + firstLine - 1,
      `${error.expected} at ${pathText(error.path)}`,
      shown(error.got),
    );
  }
}

export function object(
  value: unknown,
  path: JsonPath,
  what = 'an object',
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(path, what, value);
  }
  return value as Record<string, unknown>;
}

export function array(value: unknown, path: JsonPath, what = 'a list'): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, what, value);
  return value;
}

export function string(value: unknown, path: JsonPath, what = 'a string'): string {
  if (typeof value !== 'string' || value === '') throw new ShapeError(path, what, value);
  return value;
}

/** A finite number above zero: every statistic the suite reads is a time, a rate or a value
 *  compared as a ratio. */
export function positive(value: unknown, path: JsonPath, what = 'a number above 0'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ShapeError(path, what, value);
  }
  return value;
}

/** Reads `object[key]` with `read`, the path extended by the key. */
export function field<T>(
  record: Record<string, unknown>,
  key: string,
  path: JsonPath,
  read: (value: unknown, path: JsonPath) => T,
): T {
  return read(record[key], [...path, key]);
}

// The line a JSON path starts on, by walking the text (only when an error is reported, so the
// plain JSON.parse stays the fast path for large outputs such as mitata's).

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return i;
}

/** The end of the value starting at `i` (strings and brackets balanced). */
function skipValue(text: string, i: number): number {
  if (text[i] === '"') return skipString(text, i);
  if (text[i] !== '{' && text[i] !== '[') {
    while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return i;
}

/** The start of the member `step` inside the container at `i`, or undefined. */
function member(text: string, i: number, step: string | number): number | undefined {
  const open = text[i];
  if (open !== '{' && open !== '[') return undefined;
  let index = 0;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== '}' && text[i] !== ']') {
    if (open === '{') {
      const keyEnd = skipString(text, i);
      const key = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipSpace(text, skipSpace(text, keyEnd) + 1);
      if (key === step) return i;
    } else if (index === step) return i;
    index++;
    i = skipSpace(text, skipValue(text, i));
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** The line of the deepest part of `path` found in `text`. */
export function lineOfPath(text: string, path: JsonPath): number | undefined {
  let at = skipSpace(text, 0);
  for (const step of path) {
    const next = member(text, at, step);
    if (next === undefined) break;
    at = next;
  }
  return at < text.length ? lineAt(text, at) : undefined;
}
