// Counting outcomes per rule × shift, and the figures the tables show.

export interface Cell {
  trials: number;
  /** Runs where any metric was called regressed (the gate failed). */
  failed: number;
  /** Runs where the slowed route's p50 was called regressed. */
  detected: number;
  /** Runs where a metric of a route the trial did not slow was called regressed (in A/A runs,
   *  the same as failed). */
  wrongRoute: number;
  samples: number[];
  timesMs: number[];
  /** Time to verdict of the runs that detected the shift. */
  detectedTimesMs: number[];
}

export function emptyCell(): Cell {
  return {
    trials: 0,
    failed: 0,
    detected: 0,
    wrongRoute: 0,
    samples: [],
    timesMs: [],
    detectedTimesMs: [],
  };
}

export class Tally {
  readonly cells = new Map<string, Cell>();

  static key(rule: string, knob: number | string, shift: number): string {
    return `${rule}|${knob}|${shift}`;
  }

  add(
    rule: string,
    knob: number | string,
    shift: number,
    o: {
      failed: boolean;
      detected: boolean;
      wrongRoute?: boolean;
      samples: number;
      timeMs: number;
    },
  ): void {
    const key = Tally.key(rule, knob, shift);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = emptyCell();
      this.cells.set(key, cell);
    }
    cell.trials++;
    if (o.failed) cell.failed++;
    if (o.wrongRoute) cell.wrongRoute++;
    if (o.detected) {
      cell.detected++;
      cell.detectedTimesMs.push(o.timeMs);
    }
    cell.samples.push(o.samples);
    cell.timesMs.push(o.timeMs);
  }

  get(rule: string, knob: number | string, shift: number): Cell | undefined {
    return this.cells.get(Tally.key(rule, knob, shift));
  }
}

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Wilson score interval of a binomial proportion at 95% (Wilson 1927). */
export function wilson(successes: number, trials: number, z = 1.959964): [number, number] {
  if (trials === 0) return [0, 1];
  const p = successes / trials;
  const denom = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The smallest shift of the grid whose detection rate reaches `power`, or undefined. Shifts
 *  beyond it must keep the power (a dip would mean the grid point was luck). */
export function minimumDetectableShift(
  powerByShift: ReadonlyArray<[shift: number, power: number]>,
  power = 0.95,
): number | undefined {
  const sorted = [...powerByShift].filter(([s]) => s > 0).sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted.slice(i).every(([, p]) => p >= power)) return sorted[i]![0];
  }
  return undefined;
}
