// The range of every number in perfgate.yml, checked at load. Maxima are generous but safe:
// Node's timers overflow past 2^31-1 ms (24.8 days) and fire at once, so no duration comes near
// that; a nightly run may take hours, a request or a round minutes. Minima stop values that
// cannot measure anything (a 0.001ms round) or would spin (a 1ms server readiness wait).

export type RangeUnit = 'duration' | 'percent' | 'size' | 'number';

export interface Range {
  readonly unit: RangeUnit;
  /** In the parsed unit: milliseconds, a fraction (0.05 is 5%), bytes or a plain number. */
  readonly min: number;
  readonly max: number;
  /** The minimum itself is refused (a threshold must be above 0%). */
  readonly minExclusive?: boolean;
  /** The fields it bounds, as the README's table of ranges names them. */
  readonly fields: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RANGES = {
  buildTimeout: { unit: 'duration', min: SECOND, max: 24 * HOUR, fields: '`build-timeout`' },
  readyTimeout: { unit: 'duration', min: 100, max: HOUR, fields: '`ready-timeout`' },
  roundDuration: {
    unit: 'duration',
    min: 100,
    max: 10 * MINUTE,
    fields: '`round-duration` of an `http` benchmark',
  },
  requestTimeout: {
    unit: 'duration',
    min: 10,
    max: 10 * MINUTE,
    fields: '`timeout` of an `http` benchmark (per request)',
  },
  commandTimeout: {
    unit: 'duration',
    min: 10,
    max: 6 * HOUR,
    fields: '`timeout` of a `command` benchmark (per run)',
  },
  timeBudget: { unit: 'duration', min: SECOND, max: 24 * HOUR, fields: '`gate.time-budget`' },
  /** 0ms is a legitimate TBT budget. */
  pageTiming: {
    unit: 'duration',
    min: 0,
    max: 10 * MINUTE,
    fields: 'Lighthouse timing budgets (LCP, FCP, TBT, SI, TTFB)',
  },
  timingThreshold: {
    unit: 'duration',
    min: 0,
    minExclusive: true,
    max: 10 * MINUTE,
    fields: 'TBT, Max Potential FID and TTFB thresholds',
  },
  threshold: {
    unit: 'percent',
    min: 0,
    minExclusive: true,
    max: 10,
    fields: '`gate.threshold` and percentage thresholds',
  },
  changeBudget: { unit: 'percent', min: 0, max: 10, fields: 'bundle `budgets.change`' },
  sizeBudget: {
    unit: 'size',
    min: 0,
    max: 100 * 1000 ** 3,
    fields: 'bundle size budgets; Lighthouse `weight` budget',
  },
  clsBudget: { unit: 'number', min: 0, max: 10, fields: 'CLS budget' },
  latencyBudget: {
    unit: 'duration',
    min: 0,
    max: 10 * MINUTE,
    fields: 'latency and server CPU budgets of an `http` benchmark (p50, p95, p99, mean, cpu)',
  },
  errorRateBudget: {
    unit: 'percent',
    min: 0,
    max: 1,
    fields: '`error-rate` budget of an `http` benchmark',
  },
  /** A difference of error rates: 100% would be every request failing on head and none on base. */
  errorRateThreshold: {
    unit: 'percent',
    min: 0,
    minExclusive: true,
    max: 1,
    fields: '`error-rate` threshold',
  },
  throughputBudget: {
    unit: 'number',
    min: 0,
    max: 10_000_000,
    fields: '`throughput` budget of an `http` benchmark (a floor, in req/s)',
  },
  /** An SLO latency term of the capacity search: a p95 of 0ms could never be met. */
  sloLatency: {
    unit: 'duration',
    min: 0,
    minExclusive: true,
    max: 10 * MINUTE,
    fields: '`slo` latency terms of an `http` benchmark (p50, p95, p99, mean)',
  },
  /** 0% is a legitimate SLO: no failed request at all. */
  sloErrorRate: {
    unit: 'percent',
    min: 0,
    max: 1,
    fields: '`slo.error-rate` of an `http` benchmark',
  },
  maxRate: {
    unit: 'number',
    min: 1,
    max: 1_000_000,
    fields: '`max-rate` of an `http` benchmark (req/s)',
  },
  stepDuration: {
    unit: 'duration',
    min: 100,
    max: MINUTE,
    fields: '`step-duration` of an `http` benchmark (one rate of the capacity search)',
  },
  wallBudget: {
    unit: 'duration',
    min: 0,
    max: 6 * HOUR,
    fields: '`wall` budget of a `command` benchmark',
  },
  clsThreshold: { unit: 'number', min: 0, minExclusive: true, max: 10, fields: 'CLS threshold' },
  scoreThreshold: {
    unit: 'number',
    min: 0,
    minExclusive: true,
    max: 100,
    fields: 'Lighthouse score threshold (points)',
  },
} as const satisfies Record<string, Range>;

const DURATION_STEPS: ReadonlyArray<[string, number]> = [
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
];
const SIZE_STEPS: ReadonlyArray<[string, number]> = [
  ['GB', 1000 ** 3],
  ['MB', 1000 ** 2],
  ['kB', 1000],
];

/** A bound as the file would write it: 600000 ms → `10m`, 0.05 → `5%`, 1e11 bytes → `100GB`. */
export function formatBound(unit: RangeUnit, n: number): string {
  const largest = (steps: ReadonlyArray<[string, number]>, base: string) => {
    const step = steps.find(([, size]) => n >= size && n % size === 0);
    return step ? `${n / step[1]}${step[0]}` : `${n}${base}`;
  };
  if (unit === 'duration') return largest(DURATION_STEPS, 'ms');
  if (unit === 'size') return largest(SIZE_STEPS, 'B');
  if (unit === 'percent') return `${Number((n * 100).toPrecision(12))}%`;
  return String(n);
}

/** `from 10ms to 10m`, or `above 0% and at most 1000%`. */
export function rangeText(range: Range): string {
  const min = formatBound(range.unit, range.min);
  const max = formatBound(range.unit, range.max);
  return range.minExclusive ? `above ${min} and at most ${max}` : `from ${min} to ${max}`;
}

/** Why `n` (written as `shown`) is outside `range`, or undefined when it is inside. */
export function outOfRange(range: Range, n: number, shown: string): string | undefined {
  const within = ` (the range is ${rangeText(range)})`;
  if (Number.isNaN(n)) return `${shown} is not a number${within}`;
  if (n > range.max) {
    return `${shown} is above the maximum of ${formatBound(range.unit, range.max)}${within}`;
  }
  if (range.minExclusive ? n <= range.min : n < range.min) {
    const bound = formatBound(range.unit, range.min);
    return range.minExclusive
      ? `${shown} is not above ${bound}${within}`
      : `${shown} is below the minimum of ${bound}${within}`;
  }
  return undefined;
}
