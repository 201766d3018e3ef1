// Typed errors of the report layer: each names what was wrong, the value and what was expected.

function preview(value: unknown): string {
  if (typeof value === 'string') {
    const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(short);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (value === undefined) return 'nothing';
  if (Array.isArray(value))
    return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A renderer was called with an option it cannot use. */
export class ReportOptionError extends Error {
  override readonly name = 'ReportOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`report option ${option} is ${preview(value)}; expected ${expected}`);
  }
}

export type InvalidResultKind = 'too-large' | 'encoding' | 'syntax' | 'schema';

/**
 * A result JSON that cannot be trusted: too large, not UTF-8, not JSON, or not the schema.
 * `path` is the first bad field as a JSONPath (`$.comparisons[3].ci[1]`, `$` for the whole).
 */
export class InvalidResultError extends Error {
  override readonly name = 'InvalidResultError';
  constructor(
    readonly kind: InvalidResultKind,
    readonly path: string,
    readonly detail: string,
    readonly position?: { offset: number; line: number; column: number },
  ) {
    const where = position ? ` (line ${position.line}, column ${position.column})` : '';
    super(`invalid perfgate result at ${path}${where}: ${detail}`);
  }
}

export { preview as previewValue };
