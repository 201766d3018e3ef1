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
  // From the command's resource usage (usage.ts; Linux only): CPU time is far less sensitive to
  // a noisy neighbour than wall time.
  {
    metric: 'user',
    label: 'user CPU time',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
  },
  {
    metric: 'system',
    label: 'system CPU time',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
  },
  {
    metric: 'max-rss',
    label: 'peak memory (max RSS)',
    unit: 'bytes',
    better: 'lower',
    scale: 'ratio',
  },
] as const satisfies Catalogue;
