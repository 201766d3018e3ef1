// One look at every metric: effect, interval, test, multiplicity and detectable change.
import type { MetricAnalysis, MetricSamples } from '../model.js';
import { requireFinite, requireProbability, StatsInputError } from './errors.js';
import { mannWhitney } from './mann-whitney.js';
import { minimumDetectableChange } from './mde.js';
import { adjustPValues, type Correction } from './multiple.js';
import {
  exactChange,
  hodgesLehmannShiftWithCI,
  hodgesLehmannWithCI,
  pairedValues,
  sideValues,
  toChangeScale,
} from './paired.js';
import { createRng, deriveSeed } from './random.js';
import { crossoverTTest } from './student-t.js';
import { mad, median } from './summary.js';
import { type JointEntry, westfallYoungAdjust } from './westfall-young.js';
import { wilcoxonSignedRank } from './wilcoxon.js';

/** How far below the level the signed-rank test's floor must lie for it to be used: at the
 *  floor 2^(1−n) it rejects only when every sign agrees; 8 times below, one pair with a small
 *  |d| may go the other way. */
export const RANK_TEST_SLACK = 8;

/**
 * The paired test of a look: Wilcoxon's signed-rank test where its smallest two-sided p-value
 * 2^(1−n) lies at least RANK_TEST_SLACK times below `level` (the look's α over the number of
 * tested metrics, the first step of Holm and of BH), the order-adjusted Student's t otherwise
 * (student-t.ts). The choice depends on n, α and the number of metrics only, never on the
 * values, so each look's p-value keeps the validity of the test chosen (src/stats/README.md).
 */
export function pairedTestFor(n: number, level: number): 'signed-rank' | 't' {
  return 2 ** (1 - n) * RANK_TEST_SLACK <= level ? 'signed-rank' : 't';
}

/** Resamples of the bootstrap intervals: Efron & Tibshirani (§19.3) ask for at least 1000 for
 *  percentile intervals; 2000 keeps the Monte Carlo wobble of the endpoints small. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;

export interface AnalyzeOptions {
  /** The two-sided level of this look (sequential.ts), before the correction across metrics. */
  alphaAtLook: number;
  /** Across the tested metrics: `holm`, `bh`, or `westfall-young` (step-down max-T over the
   *  metrics' pairs resampled jointly, westfall-young.ts). */
  correction: Correction;
  seed: number;
  /** δ per metric, same order as the samples (verdict/gate.ts thresholdFor). */
  thresholds: number[];
  bootstrapResamples?: number;
  /** Per metric, same order: true where pairs are not meaningful (Mann–Whitney and the
   *  two-sample HL instead of the signed-rank test and the paired HL). */
  unpaired?: boolean[];
  /** `auto` (default): Student's t where the signed-rank test cannot reach the look's level
   *  (pairedTestFor); `signed-rank`: always the rank test. */
  pairedTest?: 'auto' | 'signed-rank';
}

/**
 * Ratio and difference metrics: the Hodges–Lehmann estimate of the paired values (paired.ts),
 * its expanded percentile bootstrap 95% CI, the Wilcoxon signed-rank p-value, p-values adjusted
 * across the tested metrics (Holm, BH or Westfall–Young), and the smallest detectable change. Exact metrics:
 * the relative change of their (identical every round) values, no test.
 *
 * Each metric's bootstrap has its own stream, derived from the seed and the metric key, so a
 * metric's interval does not depend on which other metrics are in the run.
 *
 * The detectable change uses α/m, m the number of tested metrics: under Holm and under BH alike,
 * a change confined to one metric must reach p < α/m (the first step of both procedures); under
 * Westfall–Young that is the level for metrics unrelated to the others, and conservative for
 * correlated ones.
 */
export function analyzeMetrics(
  samples: readonly MetricSamples[],
  options: AnalyzeOptions,
): MetricAnalysis[] {
  const alpha = requireFinite('alphaAtLook', options.alphaAtLook);
  if (alpha !== 0) requireProbability('alphaAtLook', alpha);
  const resamples = options.bootstrapResamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  if (options.thresholds.length !== samples.length) {
    throw new StatsInputError(
      `thresholds must hold one δ per metric (${samples.length}), got ${options.thresholds.length}`,
      'thresholds',
      options.thresholds,
    );
  }
  options.thresholds.forEach((t, i) => {
    if (!Number.isFinite(t) || t < 0) {
      throw new StatsInputError(
        `thresholds[${i}] (${samples[i]!.spec.key}) must be a number ≥ 0, got ${String(t)}`,
        `thresholds[${i}]`,
        t,
      );
    }
  });
  if (options.unpaired && options.unpaired.length !== samples.length) {
    throw new StatsInputError(
      `unpaired must hold one flag per metric (${samples.length}), got ${options.unpaired.length}`,
      'unpaired',
      options.unpaired,
    );
  }
  const tested = samples.filter((s) => s.spec.scale !== 'exact').length;

  const partial = samples.map((s, i) => {
    const { spec } = s;
    if (s.base.length === 0 || s.head.length === 0) {
      throw new StatsInputError(
        `${spec.key}: no samples to analyse (base ${s.base.length}, head ${s.head.length})`,
        spec.key,
        s,
      );
    }
    if (spec.scale === 'exact') {
      const change = exactChange(spec, median(s.base), median(s.head));
      return {
        n: Math.min(s.base.length, s.head.length),
        change,
        ci: [change, change] as [number, number],
        pValue: null,
        test: undefined,
        mde: null,
      };
    }
    const scale = spec.scale;
    const rng = createRng(deriveSeed(options.seed, spec.key));
    const threshold = options.thresholds[i]!;
    if (options.unpaired?.[i]) {
      const x = sideValues(spec.key, scale, 'base', s.base);
      const y = sideValues(spec.key, scale, 'head', s.head);
      const { estimate, ci } = hodgesLehmannShiftWithCI(x, y, { rng, resamples });
      const [low, high] = ci;
      const sd = Math.sqrt((mad(x) ** 2 + mad(y) ** 2) / 2);
      return {
        n: Math.min(x.length, y.length),
        change: toChangeScale(scale, estimate),
        ci: [toChangeScale(scale, low), toChangeScale(scale, high)] as [number, number],
        pValue: mannWhitney(x, y).pValue,
        test: 'rank-sum' as const,
        mde: minimumDetectableChange({
          n: x.length,
          nHead: y.length,
          design: 'unpaired',
          sd,
          alpha: alpha / tested,
          threshold,
          scale,
          better: spec.better,
        }),
      };
    }
    const d = pairedValues(spec.key, scale, s.base, s.head);
    const { estimate, ci } = hodgesLehmannWithCI(d, { rng, resamples });
    const [low, high] = ci;
    const test =
      options.pairedTest === 'signed-rank'
        ? 'signed-rank'
        : pairedTestFor(d.length, alpha / tested);
    return {
      n: d.length,
      d,
      change: toChangeScale(scale, estimate),
      ci: [toChangeScale(scale, low), toChangeScale(scale, high)] as [number, number],
      pValue: test === 't' ? crossoverTTest(d, s.order).pValue : wilcoxonSignedRank(d).pValue,
      test,
      mde: minimumDetectableChange({
        n: d.length,
        design: 'paired',
        sd: mad(d),
        alpha: alpha / tested,
        test,
        orders: {
          ab: s.order.filter((o) => o === 'AB').length,
          ba: s.order.filter((o) => o === 'BA').length,
        },
        threshold,
        scale,
        better: spec.better,
      }),
    };
  });

  const testedIndexes = partial.flatMap((a, i) => (a.pValue === null ? [] : [i]));
  const adjusted =
    options.correction === 'westfall-young'
      ? westfallYoungAdjust(
          testedIndexes.map((i): JointEntry => {
            const a = partial[i]!;
            return {
              pValue: a.pValue!,
              ...('d' in a && a.d
                ? {
                    paired: {
                      d: a.d,
                      order: samples[i]!.order,
                      // The reference whose one-metric distribution is the look's own test.
                      reference: a.test === 't' ? 'rotation' : 'sign-flip',
                    },
                  }
                : {}),
            };
          }),
          // Its own stream: the adjusted p-values do not move when bootstrap settings change.
          { level: alpha, rng: createRng(deriveSeed(options.seed, 'westfall-young')) },
        ).adjusted
      : adjustPValues(
          testedIndexes.map((i) => partial[i]!.pValue!),
          options.correction,
        );
  const adjustedByIndex = new Map(testedIndexes.map((index, k) => [index, adjusted[k]!]));
  return partial.map((a, i) => ({
    n: a.n,
    change: a.change,
    ci: a.ci,
    pValue: a.pValue,
    adjustedPValue: adjustedByIndex.get(i) ?? null,
    mde: a.mde,
    ...(a.test ? { test: a.test } : {}),
  }));
}
