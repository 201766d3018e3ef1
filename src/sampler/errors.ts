import { MeasurementError } from '../errors.js';
import type { Side } from '../model.js';

/** A measurement that failed twice (the sampler retries each one once). Exit code 3. */
export class SampleError extends MeasurementError {
  override name = 'SampleError';
  constructor(
    message: string,
    /** The benchmark (or the first metric key) of the probe that failed. */
    readonly probe: string,
    readonly side: Side,
    /** The block number; warm-up rounds are negative. */
    readonly round: number,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
  }
}

/** Options the sampler cannot run with (the config stage should have caught them). */
export class SamplerInputError extends Error {
  override name = 'SamplerInputError';
  constructor(
    message: string,
    readonly field: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}
