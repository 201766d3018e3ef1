// Exit codes of shared/DESIGN.md and the one way to turn anything thrown into a message.

export const EXIT = { pass: 0, regression: 1, usage: 2, measurement: 3 } as const;

/** The shell's convention for a process ended by a signal: 128 + the signal's number. */
export const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The run was interrupted (Ctrl-C, or the runner cancelling the job). */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}; every server and worktree was stopped`);
  }
}

/**
 * The input was wrong (a flag, an action input, the config, a ref): exit 2. Every such error
 * extends this class, wherever it is defined, so a new one gets exit 2 without being listed.
 */
export class BadInputError extends Error {
  override name = 'BadInputError';
}

/** Bad command-line usage: an unknown flag, a missing value, a ref that does not exist. */
export class UsageError extends BadInputError {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The measurement itself failed: a build, a server, a probe. */
export class MeasurementError extends Error {
  override name = 'MeasurementError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, even a non-Error, never empty. */
export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error || 'an empty string was thrown';
  try {
    return `a non-Error was thrown: ${JSON.stringify(error)}`;
  } catch {
    return `a non-Error was thrown: ${String(error)}`;
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof InterruptedError) return SIGNAL_EXIT[error.signal] ?? EXIT.measurement;
  return error instanceof BadInputError ? EXIT.usage : EXIT.measurement;
}

/** A hint ("what to do") carried by a typed error, if it has one. */
export function getErrorHint(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'hint' in error) {
    const hint = (error as { hint: unknown }).hint;
    if (typeof hint === 'string' && hint) return hint;
  }
  return undefined;
}
