/** A threshold that cannot be resolved or a status asked of inconsistent input. */
export class VerdictInputError extends Error {
  override name = 'VerdictInputError';
  constructor(
    message: string,
    readonly field: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}
