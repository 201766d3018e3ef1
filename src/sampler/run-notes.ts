// What a run says about its own samples, apart from the schedule: the headline metrics' noise
// for the plan note, why a tested metric has no detectable change, exact metrics that varied.
import { metricEntry } from '../kinds/registry.js';
import type { MetricAnalysis, MetricSamples, MetricSpec, Order } from '../model.js';
import { rankTestFloor, rankTestPairsFor } from '../stats/mde.js';
import { pairedValues } from '../stats/paired.js';
import { mad } from '../stats/summary.js';
import type { PlannedMetric } from './look-plan.js';
import type { LookRecord } from './sampler.js';

/** One metric as the sampler follows it: its spec, its probe's index and its samples so far. */
export interface Tracked {
  spec: MetricSpec;
  probe: number;
  samples: MetricSamples;
}

/** The noise of a pair is estimated (MAD) from 3 pairs on: 1 has no spread and 2 leave it to a
 *  single difference. */
export const MIN_NOISE_PAIRS = 3;

export function oneOrder(order: readonly Order[]): boolean {
  return order.every((o) => o === order[0]);
}

/** The headline metric of each benchmark kind (catalogue `headline`) among the tested ones, with
 *  the noise of its pairs so far; each probe's first tested metric where none is marked (a probe
 *  outside the catalogues). */
export function headlineMetrics(
  tracked: readonly Tracked[],
  thresholds: readonly number[],
): PlannedMetric[] {
  const tested = tracked.flatMap((t, i) => (t.spec.scale === 'exact' ? [] : [{ t, i }]));
  const marked = tested.filter(({ t }) => metricEntry(t.spec.metric)?.headline);
  const chosen =
    marked.length > 0
      ? marked
      : tested.filter(({ t }, k) => tested.findIndex((u) => u.t.probe === t.probe) === k);
  return chosen.map(({ t, i }) => {
    const scale = t.spec.scale as PlannedMetric['scale'];
    return {
      key: t.spec.key,
      scale,
      better: t.spec.better,
      unit: t.spec.unit,
      threshold: thresholds[i]!,
      sd: mad(pairedValues(t.spec.key, scale, t.samples.base, t.samples.head)),
      orders: {
        pairs: t.samples.order.length,
        ab: t.samples.order.filter((o) => o === 'AB').length,
        ba: t.samples.order.filter((o) => o === 'BA').length,
      },
    };
  });
}

/**
 * Why tested metrics have no detectable change at the last look, where they have none: the
 * report has only the pairs and gate.alpha, so the level of that look and the test it used are
 * said here.
 */
export function undetectable(
  tracked: readonly Tracked[],
  analyses: readonly MetricAnalysis[],
  last: LookRecord | undefined,
  testedCount: number,
): string[] {
  if (!last) return [];
  const n = last.pairs;
  const level = last.alpha / Math.max(testedCount, 1);
  // Metrics the correction across metrics rejected at this look: a change of theirs was plainly
  // detectable. Westfall–Young (or BH) can reject below the bound the estimate uses, α over the
  // tested metrics, when metrics move together; the rank floor is then no reason at all.
  const rejected = tracked.filter(
    (t, i) => t.spec.scale !== 'exact' && (analyses[i]?.adjustedPValue ?? 1) <= last.alpha,
  ).length;
  const reason = (t: Tracked, a: MetricAnalysis): string => {
    if (n < 3) return 'no test can call a change from fewer than 3 pairs';
    if (!(level > 0)) {
      return 'the look had no level left to test at (earlier looks had spent what the plan allowed by then)';
    }
    if (a.test === 't' && oneOrder(t.samples.order)) {
      return (
        `every pair ran in the same order (${t.samples.order[0]}), so the order-adjusted t used ` +
        'at few pairs could not tell a change from an order effect'
      );
    }
    if (a.test !== 't' && rankTestFloor(n) >= level && rejected > 0) {
      return (
        `it is estimated at the look's level over the ${testedCount} tested metrics, ` +
        `${formatP(level)}, below the signed-rank test's smallest p-value at ${n} pairs ` +
        `(${formatP(rankTestFloor(n))}); the correction across metrics, less strict for metrics ` +
        `that move together, called ${rejected} of them at this look, so that bound is conservative here`
      );
    }
    if (a.test !== 't' && rankTestFloor(n) >= level) {
      return (
        `the signed-rank test's smallest p-value at ${n} pairs, ${formatP(rankTestFloor(n))}, is ` +
        `not below the level of that look, ${formatP(level)} (its α over ${testedCount} tested ` +
        `metric${testedCount === 1 ? '' : 's'}); it gets below it from ${rankTestPairsFor(level)} pairs`
      );
    }
    return `a regression beyond its threshold cannot be measured on its scale`;
  };
  const byReason = new Map<string, string[]>();
  tracked.forEach((t, i) => {
    const a = analyses[i];
    if (t.spec.scale === 'exact' || !a || a.mde !== null) return;
    if ((a.adjustedPValue ?? 1) <= last.alpha) return;
    const why = reason(t, a);
    byReason.set(why, [...(byReason.get(why) ?? []), t.spec.key]);
  });
  const at = `at the ${last.final ? 'final' : 'last'} look (${n} pair${n === 1 ? '' : 's'})`;
  return [...byReason].map(([why, keys]) => {
    const which =
      keys.length === testedCount
        ? 'any tested metric'
        : keys.slice(0, 3).join(', ') + (keys.length > 3 ? ` and ${keys.length - 3} more` : '');
    return rejected > 0
      ? `No smallest detectable change is given ${at} for ${which}: ${why}.`
      : `No change was detectable ${at} for ${which}: ${why}.`;
  });
}

function formatP(p: number): string {
  return p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1);
}

/** Exact metrics should repeat their value every round; say so when they do not. */
export function exactVariation(tracked: readonly Tracked[]): string[] {
  return tracked.flatMap(({ spec, samples }) => {
    if (spec.scale !== 'exact') return [];
    return (['base', 'head'] as const).flatMap((side) => {
      const values = samples[side];
      const min = Math.min(...values);
      const max = Math.max(...values);
      return min === max
        ? []
        : [
            `${spec.key} varied on ${side} (${min} to ${max} ${spec.unit}) although it is compared exactly; its median was used.`,
          ];
    });
  });
}
