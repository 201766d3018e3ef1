// Typed errors of the statistics: every one names the field, the value and what was expected.

/** Input the statistics cannot work with (an empty sample, a non-positive ratio value…). */
export class StatsInputError extends Error {
  override name = 'StatsInputError';
  constructor(
    message: string,
    /** The field or metric the bad value belongs to. */
    readonly field: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}

export function requireFinite(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new StatsInputError(
      `${field} must be a finite number, got ${String(value)}`,
      field,
      value,
    );
  }
  return value;
}

export function requireProbability(field: string, value: number, open = true): number {
  const ok = open ? value > 0 && value < 1 : value >= 0 && value <= 1;
  if (!Number.isFinite(value) || !ok) {
    const range = open ? 'strictly between 0 and 1' : 'between 0 and 1';
    throw new StatsInputError(`${field} must be ${range}, got ${String(value)}`, field, value);
  }
  return value;
}

export function requireNonEmpty(field: string, values: readonly number[]): void {
  if (values.length === 0) {
    throw new StatsInputError(`${field} must hold at least one value, got none`, field, values);
  }
  for (let i = 0; i < values.length; i++) requireFinite(`${field}[${i}]`, values[i]!);
}
