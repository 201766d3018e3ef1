// The metrics of one command benchmark.
import { RANGES } from '../../config/ranges.js';
import type { Catalogue } from '../catalogue.js';

export const COMMAND_METRICS = [
  {
    metric: 'wall',
    label: 'wall time',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    budget: { key: 'wall', writtenAs: 'duration', range: RANGES.wallBudget },
    headline: true,
  },
] as const satisfies Catalogue;
