// The metrics of a suite benchmark: each benchmark of the suite is a target with one of them,
// the tool's statistic of one run (a round): its time per operation (the median where the tool
// has one), operations per second (benchmark.js), or a custom value in the unit the tool names.
import type { Catalogue } from '../catalogue.js';

export const SUITE_METRICS = [
  {
    metric: 'time',
    label: 'time per operation',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    headline: true,
  },
  {
    metric: 'ops',
    label: 'operations per second',
    unit: 'ops/s',
    better: 'higher',
    scale: 'ratio',
  },
  {
    // A custom value's unit and direction are the suite's (the tool's unit, `better:`); the
    // spec carries them, this entry only names the metric.
    metric: 'value',
    label: 'value',
    unit: 'unitless',
    better: 'lower',
    scale: 'ratio',
  },
] as const satisfies Catalogue;
