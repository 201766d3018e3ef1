// The metric catalogue: one entry per metric of each benchmark kind, the single place a metric
// is defined (as Lighthouse's default-config lists each audit once). The probe announces its
// specs from it; config/ reads how a threshold override and a budget are written; verdict/
// reads the direction, the scale and the default threshold; report/ reads label and unit.
import type { Range } from '../config/ranges.js';
import type { Better, Scale } from '../model.js';

/** How a number about the metric is written in perfgate.yml (thresholds of difference-scale
 *  metrics, budgets): `5%`, `150ms`, `200kB` or a plain number. */
export type WrittenAs = 'percent' | 'duration' | 'size' | 'number';

export interface MetricEntry {
  /** The metric's name in keys, thresholds and budgets: `p50`, `lcp`, `gzip`. */
  metric: string;
  /** What a reader calls it: `p50 latency`, `Largest Contentful Paint`. */
  label: string;
  /** MetricSpec.unit: `ms`, `req/s`, `fraction`, `bytes`, `unitless`, `score`. */
  unit: string;
  better: Better;
  scale: Scale;
  /**
   * δ of a difference-scale metric, absolute in its unit, with how an override is written and
   * its range. Ratio and exact metrics take gate.threshold (a percentage) instead.
   */
  threshold?: {
    /** The default; `points` reads gate.threshold as points (5% → 5), for 0–100 scores. */
    default: number | 'points';
    writtenAs: WrittenAs;
    /** e.g. `a duration such as 50ms`. */
    example: string;
    range: Range;
  };
  /**
   * δ of a ratio metric when perfgate.yml and the flags leave gate.threshold at its default: a
   * kind whose noise and typical changes a bench measured takes the δ that bench chose (the
   * HTTP kind: bench/RESULTS.md, "HTTP at the defaults"). A gate.threshold that is set, or a
   * gate.thresholds entry, always wins. Absent: gate.threshold's default.
   */
  delta?: number;
  /** The key of an absolute budget under the benchmark's `budgets:`; absent: no budget. */
  budget?: {
    key: string;
    writtenAs: WrittenAs;
    range: Range;
  };
  /** The one metric that stands for a target in one-line findings (one per kind). */
  headline?: true;
}

/** A kind's metrics, in report order. */
export type Catalogue = readonly MetricEntry[];
