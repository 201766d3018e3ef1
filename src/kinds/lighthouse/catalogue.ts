// The metrics of one page, in report order, each read from its Lighthouse audit (navigation
// mode, simulated throttling). Interaction to Next Paint needs a user interaction (timespan
// mode); Max Potential FID, the longest task after first paint, is its navigation-mode proxy.
import { RANGES } from '../../config/ranges.js';
import type { MetricEntry } from '../catalogue.js';

/**
 * What can move a page metric: render-blocking work before the first paint, what is painted
 * after it (images), work on the main thread, the server's answer, layout shifts, bytes on the
 * wire. advice/lighthouse.ts gives an audit's advice for the metrics its cause moves.
 */
export type PageCause = 'first-paint' | 'rendering' | 'main-thread' | 'server' | 'layout' | 'bytes';

export interface PageMetricEntry extends MetricEntry {
  /** The audit whose numericValue is the metric; none for the performance score. */
  audit?: string;
  movedBy: readonly PageCause[];
}

const timing = { writtenAs: 'duration', range: RANGES.pageTiming } as const;
// Absolute δ of the difference-scale timings: a tenth of web.dev's 200 ms "good" TBT.
const blocking = {
  default: 20,
  writtenAs: 'duration',
  example: 'a duration such as 50ms',
  range: RANGES.timingThreshold,
} as const;

export const PAGE_METRICS = [
  {
    metric: 'lcp',
    audit: 'largest-contentful-paint',
    movedBy: ['first-paint', 'rendering', 'main-thread', 'server'],
    label: 'Largest Contentful Paint',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    budget: { key: 'lcp', ...timing },
    headline: true,
  },
  {
    metric: 'fcp',
    audit: 'first-contentful-paint',
    movedBy: ['first-paint', 'server'],
    label: 'First Contentful Paint',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    budget: { key: 'fcp', ...timing },
  },
  // TBT is 0 for any page without long tasks after first paint: differences, not log-ratios.
  {
    metric: 'tbt',
    audit: 'total-blocking-time',
    movedBy: ['main-thread'],
    label: 'Total Blocking Time',
    unit: 'ms',
    better: 'lower',
    scale: 'difference',
    threshold: blocking,
    budget: { key: 'tbt', ...timing },
  },
  {
    metric: 'max-potential-fid',
    audit: 'max-potential-fid',
    movedBy: ['main-thread'],
    label: 'Max Potential First Input Delay',
    unit: 'ms',
    better: 'lower',
    scale: 'difference',
    threshold: blocking,
    budget: { key: 'max-potential-fid', ...timing },
  },
  {
    metric: 'speed-index',
    audit: 'speed-index',
    movedBy: ['first-paint', 'rendering', 'main-thread', 'server'],
    label: 'Speed Index',
    unit: 'ms',
    better: 'lower',
    scale: 'ratio',
    budget: { key: 'si', ...timing },
  },
  // Loopback answers in about a millisecond, which a log-ratio would magnify into noise.
  {
    metric: 'ttfb',
    audit: 'server-response-time',
    movedBy: ['server'],
    label: 'server response time (time to first byte)',
    unit: 'ms',
    better: 'lower',
    scale: 'difference',
    threshold: {
      default: 5,
      writtenAs: 'duration',
      example: 'a duration such as 10ms',
      range: RANGES.timingThreshold,
    },
    budget: { key: 'ttfb', ...timing },
  },
  {
    metric: 'cls',
    audit: 'cumulative-layout-shift',
    movedBy: ['layout'],
    label: 'Cumulative Layout Shift',
    unit: 'unitless',
    better: 'lower',
    scale: 'difference',
    // A tenth of the 0.1 that web.dev calls "good".
    threshold: {
      default: 0.01,
      writtenAs: 'number',
      example: 'a CLS change such as 0.05',
      range: RANGES.clsThreshold,
    },
    budget: { key: 'cls', writtenAs: 'number', range: RANGES.clsBudget },
  },
  // Bytes on the wire of a static tree do not vary between runs: compared exactly.
  {
    metric: 'weight',
    audit: 'total-byte-weight',
    movedBy: ['bytes'],
    label: 'total byte weight',
    unit: 'bytes',
    better: 'lower',
    scale: 'exact',
    budget: { key: 'weight', writtenAs: 'size', range: RANGES.sizeBudget },
  },
  {
    metric: 'score',
    // Lighthouse weighs FCP, LCP, TBT, CLS and Speed Index into it; bytes alone do not count.
    movedBy: ['first-paint', 'rendering', 'main-thread', 'server', 'layout'],
    label: 'performance score',
    unit: 'score',
    better: 'higher',
    scale: 'difference',
    threshold: {
      default: 'points',
      writtenAs: 'number',
      example: 'a number of score points such as 5',
      range: RANGES.scoreThreshold,
    },
  },
] as const satisfies readonly PageMetricEntry[];
