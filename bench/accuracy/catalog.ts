// The peer rules as rows of the table: each with its documented default setting, and the knob
// that trades false alarms for power, so that it can also be compared at perfgate's false-alarm
// rate (the most lenient setting whose A/A family-wise rate is at most the target).
import {
  BENCHSTAT_DEFAULT_ALPHA,
  BENCHSTAT_DEFAULT_COUNT,
  benchstatComparisons,
  benchstatUTest,
  GAB_DEFAULT_THRESHOLD,
  gabRatioAlert,
  LHCI_DEFAULT_RUNS,
  lhciMedianBudget,
  type MetricSeries,
  type RuleOutcome,
  TACHOMETER_DEFAULT_SAMPLE_SIZE,
  tachometerAutoSample,
} from './rules.js';

export interface PeerRule {
  id: string;
  label: string;
  /** The knob's values from the most lenient to the strictest. */
  knobs: number[];
  defaultKnob: number;
  knobLabel(knob: number): string;
  /** Rounds of each side it may read when the budget allows `maxPairs`. */
  rounds(maxPairs: number): number;
  run(series: readonly MetricSeries[], knob: number, maxPairs: number): RuleOutcome;
  /** The same as `run` for many knobs on one trial, with the shared work done once. */
  prepare?(series: readonly MetricSeries[], maxPairs: number): (knob: number) => RuleOutcome;
}

function preparedBenchstat(count: (maxPairs: number) => number) {
  return (series: readonly MetricSeries[], maxPairs: number) => {
    const n = count(maxPairs);
    const comparisons = benchstatComparisons(series, n);
    return (alpha: number): RuleOutcome => ({
      regressed: comparisons.flatMap((c) => (c.pValue < alpha && c.worse ? [c.key] : [])),
      samplesUsed: n,
    });
  };
}

const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;

const ratioKnobs = [
  1.01, 1.02, 1.03, 1.05, 1.075, 1.1, 1.15, 1.2, 1.3, 1.4, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7.5, 10,
];
const marginKnobs = [
  0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5,
];
const alphaKnobs = [0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 1e-5, 1e-6, 1e-7];
const levelKnobs = [0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999, 0.999999];

function gab(id: string, label: string, defaultKnob: number): PeerRule {
  return {
    id,
    label,
    knobs: ratioKnobs,
    defaultKnob,
    knobLabel: (k) => `alert-threshold ${Math.round(k * 100)}%`,
    rounds: () => 1,
    run: (series, knob) => gabRatioAlert(series, { threshold: knob }),
  };
}

export const PEER_RULES: PeerRule[] = [
  gab('gab-200', 'github-action-benchmark, 200% (default)', GAB_DEFAULT_THRESHOLD),
  gab('gab-110', 'github-action-benchmark, 110%', 1.1),
  {
    id: 'tachometer',
    label: 'tachometer auto-sample (95% CI, horizon 0%)',
    knobs: levelKnobs,
    defaultKnob: 0.95,
    knobLabel: (k) => `${pct(k)} intervals`,
    rounds: (maxPairs) => Math.max(TACHOMETER_DEFAULT_SAMPLE_SIZE, maxPairs),
    run: (series, knob, maxPairs) =>
      tachometerAutoSample(series, { maxSamples: maxPairs, level: knob }),
  },
  {
    id: 'benchstat-20',
    label: 'benchstat U-test, n=20 (α 0.05, no correction)',
    knobs: alphaKnobs,
    defaultKnob: BENCHSTAT_DEFAULT_ALPHA,
    knobLabel: (k) => `α ${k}`,
    rounds: () => BENCHSTAT_DEFAULT_COUNT,
    run: (series, knob) => benchstatUTest(series, { alpha: knob, count: BENCHSTAT_DEFAULT_COUNT }),
  },
  {
    id: 'benchstat-budget',
    label: 'benchstat U-test, every round of the budget',
    knobs: alphaKnobs,
    defaultKnob: BENCHSTAT_DEFAULT_ALPHA,
    knobLabel: (k) => `α ${k}`,
    rounds: (maxPairs) => maxPairs,
    run: (series, knob, maxPairs) => benchstatUTest(series, { alpha: knob, count: maxPairs }),
    prepare: preparedBenchstat((maxPairs) => maxPairs),
  },
  {
    id: 'lhci',
    label: 'Lighthouse CI, median of 3 vs budget (+10%)',
    knobs: marginKnobs,
    defaultKnob: 0.1,
    knobLabel: (k) => `budget +${pct(k)}`,
    rounds: () => LHCI_DEFAULT_RUNS,
    run: (series, knob) => lhciMedianBudget(series, { margin: knob }),
  },
];

/** Rule families compared at equal false-alarm rate (gab-200 and gab-110 are one rule). */
export const CALIBRATED_RULES = PEER_RULES.filter((r) => r.id !== 'gab-110');
