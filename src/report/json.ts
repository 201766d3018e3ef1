// The result JSON, written and read back. Reading is the trust boundary of the fork-safe
// `report` mode: the artifact was built by code from the pull request, so it is checked for
// size before anything else, decoded strictly, parsed, and validated against the schema,
// and every rejection names the first bad field.
import { MAX_RESULT_BYTES, type Result, resultSchema, SCHEMA_VERSION } from '../result.js';
import { InvalidResultError, previewValue, ReportOptionError } from './errors.js';
import { findJsonSyntaxProblem, formatJsonPath } from './json-syntax.js';

export interface ParseResultOptions {
  /** Larger inputs are rejected before they are decoded or parsed (default 20 MiB). */
  maxBytes?: number;
}

type Issue = {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
};

function pathParts(path: readonly PropertyKey[]): Array<string | number> {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

/** The value at `path` in `root`, following own properties only. */
function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return { found: false, value: undefined };
    const k = typeof key === 'number' ? String(key) : key;
    if (!Object.hasOwn(current, k)) return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[k];
  }
  return { found: true, value: current };
}

function schemaError(issues: readonly Issue[], root: unknown, prefix = ''): InvalidResultError {
  const first = issues[0];
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`
      : '';
  if (!first) return new InvalidResultError('schema', '$', `${prefix}does not match the schema`);
  if (first.code === 'unrecognized_keys' && first.keys && first.keys.length > 0) {
    const key = first.keys[0]!;
    const path = formatJsonPath([...pathParts(first.path), key]);
    const others = first.keys.length > 1 ? ` (and ${first.keys.length - 1} more unknown)` : '';
    return new InvalidResultError(
      'schema',
      path,
      `${prefix}unknown field; schema version ${SCHEMA_VERSION} has no such field${others}${more}`,
    );
  }
  const at = valueAt(root, first.path);
  const got = at.found ? `got ${previewValue(at.value)}` : 'the field is missing';
  return new InvalidResultError(
    'schema',
    formatJsonPath(pathParts(first.path)),
    `${prefix}${first.message}; ${got}${more}`,
  );
}

/** Checks a value against the result schema; the typed Result on success. */
export function validateResult(value: unknown): Result {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const version = (value as Record<string, unknown>).schemaVersion;
    if (Object.hasOwn(value, 'schemaVersion') && version !== SCHEMA_VERSION) {
      throw new InvalidResultError(
        'schema',
        '$.schemaVersion',
        `schema version ${previewValue(version)} is not supported; this perfgate reads version ${SCHEMA_VERSION}`,
      );
    }
  }
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success) throw schemaError(parsed.error.issues as Issue[], value);
  return parsed.data;
}

/** The result as JSON (one line and a newline), after checking it against the schema. */
export function serializeResult(result: Result): string {
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) {
    throw schemaError(parsed.error.issues as Issue[], result, 'cannot serialize: ');
  }
  const text = `${JSON.stringify(parsed.data)}\n`;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RESULT_BYTES) {
    throw new InvalidResultError(
      'too-large',
      '$',
      `cannot serialize: ${bytes} bytes is over the ${MAX_RESULT_BYTES}-byte limit that readers enforce`,
    );
  }
  return text;
}

function tooLarge(size: string, maxBytes: number): InvalidResultError {
  return new InvalidResultError('too-large', '$', `${size} is over the limit of ${maxBytes} bytes`);
}

/**
 * Reads an untrusted result: size first (before decoding or parsing), then strict UTF-8,
 * JSON syntax (with the line, column and field of the first error) and the schema.
 */
export function parseResult(input: string | Uint8Array, options: ParseResultOptions = {}): Result {
  const maxBytes = options.maxBytes ?? MAX_RESULT_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new ReportOptionError('maxBytes', maxBytes, 'a positive integer number of bytes');
  }

  let text: string;
  if (typeof input === 'string') {
    // A UTF-16 code unit is at least one UTF-8 byte: the cheap check comes first.
    if (input.length > maxBytes) throw tooLarge(`at least ${input.length} bytes`, maxBytes);
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > maxBytes) throw tooLarge(`${bytes} bytes`, maxBytes);
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) throw tooLarge(`${input.byteLength} bytes`, maxBytes);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new InvalidResultError('encoding', '$', 'the input is not valid UTF-8');
    }
  } else {
    throw new ReportOptionError('input', input, 'a string or a Uint8Array');
  }

  if (text.startsWith('\uFEFF')) {
    throw new InvalidResultError(
      'encoding',
      '$',
      'the input starts with a byte-order mark; perfgate writes plain UTF-8 JSON',
    );
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    if (problem) {
      throw new InvalidResultError('syntax', problem.path, problem.message, {
        offset: problem.offset,
        line: problem.line,
        column: problem.column,
      });
    }
    // The locator and JSON.parse disagree only on inputs neither should accept silently.
    throw new InvalidResultError(
      'syntax',
      '$',
      error instanceof Error ? error.message : String(error),
    );
  }
  return validateResult(value);
}
