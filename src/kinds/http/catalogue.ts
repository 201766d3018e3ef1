// The metrics of one HTTP route, in report order. p90 is not among them: between p50 and p99
// it adds a comparison (and its share of α) but little information; p95 is what teams budget on.
import { RANGES } from '../../config/ranges.js';
import type { Catalogue } from '../catalogue.js';

const latency = { writtenAs: 'duration', range: RANGES.latencyBudget } as const;

/**
 * δ of the ratio metrics below when gate.threshold is left at its default: 3%, chosen by
 * bench/accuracy on three realistic services at the defaults (bench/RESULTS.md, "HTTP at the
 * defaults"). At 5%, a +5% change of a route's work cannot be called at all (its interval must
 * lie wholly beyond δ, and the change it makes is about 5.5%); at 3% the json service's +5% is
 * called in 87% of runs within 2 minutes, with no more false alarms (α bounds them whatever δ
 * is) and A/A runs still passing in a median under 45 s.
 */
export const HTTP_DELTA = 0.03;

export const HTTP_METRICS = [
  {
    metric: 'p50',
    label: 'median latency',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'p50', ...latency },
    headline: true,
  },
  {
    metric: 'p95',
    label: '95th percentile latency',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'p95', ...latency },
  },
  {
    metric: 'p99',
    label: '99th percentile latency',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'p99', ...latency },
  },
  {
    metric: 'mean',
    label: 'mean latency',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'mean', ...latency },
  },
  // CPU time of the server's process tree in a round over the requests it completed: the work a
  // request costs, which queueing does not inflate (probe.ts; Linux only, left out elsewhere).
  {
    metric: 'cpu',
    label: 'server CPU time per request',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'cpu', ...latency },
  },
  {
    metric: 'throughput',
    label: 'throughput',
    unit: 'req/s',
    better: 'higher',
    scale: 'ratio',
    delta: HTTP_DELTA,
    budget: { key: 'throughput', writtenAs: 'number', range: RANGES.throughputBudget },
  },
  // The capacity search's result (capacity.ts), only where `slo:` is set: the highest request
  // rate at which the route meets every SLO term. Its steps are coarse (a bisection to about 3%)
  // and its noise is the knee's, so it keeps gate.threshold's δ rather than the routes' 3%.
  {
    metric: 'capacity',
    label: 'capacity within the SLO',
    unit: 'req/s',
    better: 'higher',
    scale: 'ratio',
  },
  // A fraction 0..1 (shown as a percentage) that is often 0: differences, not log-ratios. δ is
  // one percentage point.
  {
    metric: 'error-rate',
    label: 'error rate',
    unit: 'fraction',
    better: 'lower',
    scale: 'difference',
    threshold: {
      default: 0.01,
      writtenAs: 'percent',
      example: 'a percentage such as 1%',
      range: RANGES.errorRateThreshold,
    },
    budget: { key: 'error-rate', writtenAs: 'percent', range: RANGES.errorRateBudget },
  },
] as const satisfies Catalogue;
