// The sizes of each bundle target (the total, a group, a file). Bytes do not vary between runs:
// compared exactly. Budgets are keyed `<target>.<metric>` (config/bundle.ts), not by metric.
import type { Catalogue, MetricEntry } from '../catalogue.js';

export const BUNDLE_METRICS = [
  { metric: 'raw', label: 'raw size', unit: 'bytes', better: 'lower', scale: 'exact' },
  {
    metric: 'gzip',
    label: 'gzip size',
    unit: 'bytes',
    better: 'lower',
    scale: 'exact',
    headline: true,
  },
  { metric: 'brotli', label: 'brotli size', unit: 'bytes', better: 'lower', scale: 'exact' },
] as const satisfies Catalogue;

export type BundleMetric = (typeof BUNDLE_METRICS)[number]['metric'];

/** The entry of one size metric. */
export function bundleEntry(metric: BundleMetric): MetricEntry {
  return BUNDLE_METRICS.find((e) => e.metric === metric)!;
}
