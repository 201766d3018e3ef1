// The `gate` section of perfgate.yml: how the measurements decide, and the settings that flags
// and action inputs may override.
import { z } from 'zod';
import type { WrittenAs } from '../kinds/catalogue.js';
import { HTTP_DELTA } from '../kinds/http/catalogue.js';
import { CATALOGUES, metricEntry } from '../kinds/registry.js';
import type { GateConfig } from '../model.js';
import {
  choice,
  documented,
  duration,
  expecting,
  fields,
  issue,
  percent,
  wholeNumber,
} from './leaves.js';
import { outOfRange, RANGES, rangeText } from './ranges.js';
import { didYouMean } from './suggest.js';
import { describeValue, parseDuration, parsePercent, parseSize } from './values.js';

export const GATE_DEFAULTS = {
  threshold: '5%',
  alpha: 0.01,
  correction: 'westfall-young',
  timeBudget: '5m',
  looks: [10, 20, 30, 40, 60, 80, 120, 160, 240, 320],
  warmup: 1,
  seed: 1,
  failOn: 'regression',
  earlyStop: 'regression',
  lookPlan: 'time',
  futility: true,
} as const;
const DEFAULTS = GATE_DEFAULTS;

/** Seeds are 32-bit so that every seeded generator can take them unchanged. */
export const MAX_SEED = 2 ** 32 - 1;

const alpha = z
  .number({
    error: (issue) => {
      const expected = 'a number between 0 and 0.5 such as 0.01';
      if (typeof issue.input === 'string' && issue.input.trim().endsWith('%')) {
        try {
          return `expected ${expected}, got ${describeValue(issue.input)}; write ${parsePercent(issue.input)}`;
        } catch {
          // Not a percentage after all: the plain message below.
        }
      }
      return expecting(expected)(issue);
    },
  })
  .refine((n) => n > 0 && n < 0.5, {
    error: expecting('a number above 0 and below 0.5, such as 0.01'),
  })
  .meta({ exclusiveMinimum: 0, exclusiveMaximum: 0.5 });

const seed = wholeNumber('a whole number', 0, MAX_SEED);

/** The gate settings that flags and action inputs may override, checked as in the file. */
export const overridable = {
  threshold: percent(RANGES.threshold),
  timeBudget: duration(RANGES.timeBudget),
  seed,
};

const READERS: Record<WrittenAs, (value: unknown) => number> = {
  percent: parsePercent,
  duration: parseDuration,
  size: parseSize,
  number,
};

function number(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`got ${describeValue(value)}`);
  return value;
}

/** Every metric name of every kind, for naming the one meant. */
const METRIC_NAMES = Object.values(CATALOGUES).flatMap((c) => c.map((e) => e.metric));

const WRITTEN: Record<WrittenAs, string> = {
  percent: 'percentage points such as 1%',
  duration: 'durations such as 50ms',
  size: 'sizes',
  number: 'plain numbers',
};

/** The difference-scale metrics and how their absolute δ is written, for the field's
 *  description: `cls (from …), score (…) take plain numbers; tbt, … take durations`. */
function absoluteThresholdsText(): string {
  const byWriting = new Map<WrittenAs, string[]>();
  for (const entry of Object.values(CATALOGUES).flat()) {
    if (entry.threshold === undefined) continue;
    const named = `${entry.metric} (${rangeText(entry.threshold.range)})`;
    byWriting.set(entry.threshold.writtenAs, [
      ...(byWriting.get(entry.threshold.writtenAs) ?? []),
      named,
    ]);
  }
  return [...byWriting]
    .map(
      ([writtenAs, metrics]) =>
        `${metrics.join(', ')} ${metrics.length === 1 ? 'takes' : 'take'} ${WRITTEN[writtenAs]}`,
    )
    .join('; ');
}

/** Metric names perfgate no longer measures, and what replaced them. */
const RENAMED = new Map([['p90', 'p95']]);

function renamedOrClosest(metric: string): string {
  const now = RENAMED.get(metric);
  if (now !== undefined) return `; ${metric} is no longer measured, did you mean \`${now}\`?`;
  return didYouMean(metric, METRIC_NAMES);
}

/** Names no metric has that a plain object would answer to (`constructor`, `toString`…). */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Threshold overrides: percentages, except the difference-scale metrics, whose δ is written
 *  and ranged as their catalogue entry says. */
function resolveThresholds(
  record: Record<string, string | number>,
  ctx: z.core.$RefinementCtx,
): Record<string, number> {
  const thresholds: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) {
    const path = [key];
    if (key === '' || key.startsWith('/') || key.endsWith('/')) {
      issue(
        ctx,
        `expected a key \`metric\`, \`benchmark/metric\` or \`benchmark/target/metric\`, got ${describeValue(key)}`,
        path,
      );
      continue;
    }
    const metric = key.slice(key.lastIndexOf('/') + 1);
    if (PROTOTYPE_NAMES.has(metric)) {
      issue(
        ctx,
        `"${metric}" is not a metric name; expected a key \`metric\`, \`benchmark/metric\` or \`benchmark/target/metric\` such as p99: 10%`,
        path,
      );
      continue;
    }
    const entry = metricEntry(metric);
    if (entry === undefined) {
      issue(
        ctx,
        `unknown metric "${metric}" (the metrics are ${METRIC_NAMES.join(', ')})${renamedOrClosest(metric)}`,
        path,
      );
      continue;
    }
    const absolute = entry.threshold;
    if (absolute && absolute.writtenAs !== 'percent') {
      let parsed: number | undefined;
      try {
        parsed = READERS[absolute.writtenAs](value);
      } catch {
        parsed = undefined;
      }
      const outside =
        parsed === undefined ? undefined : outOfRange(absolute.range, parsed, describeValue(value));
      if (parsed !== undefined && outside === undefined) thresholds[key] = parsed;
      else {
        issue(
          ctx,
          outside ??
            `expected ${absolute.example} (${rangeText(absolute.range)}), got ${describeValue(value)}`,
          path,
          value,
        );
      }
      continue;
    }
    try {
      const fraction = parsePercent(value);
      const outside = outOfRange(
        absolute?.range ?? RANGES.threshold,
        fraction,
        describeValue(value),
      );
      if (outside === undefined) thresholds[key] = fraction;
      else issue(ctx, outside, path, value);
    } catch (error) {
      issue(ctx, error instanceof Error ? error.message : String(error), path, value);
    }
  }
  return thresholds;
}

export const gate = fields(
  {
    threshold: documented(
      percent(RANGES.threshold).optional(),
      `Smallest change that matters (δ), e.g. 5%; changes inside ±δ count as unchanged (default ${DEFAULTS.threshold}, and ${HTTP_DELTA * 100}% for the latency, throughput and cpu metrics of http benchmarks, as bench/accuracy chose; set here, it applies to every metric; ${rangeText(RANGES.threshold)}).`,
    ),
    thresholds: documented(
      z
        .record(
          z.string(),
          z.union([z.string(), z.number()], { error: expecting('a percentage such as 10%') }),
          { error: expecting('a mapping of metric names to percentages, e.g. p99: 10%') },
        )
        .transform(resolveThresholds)
        .prefault({}),
      `Per-metric overrides of threshold keyed \`metric\`, \`benchmark/metric\` or \`benchmark/target/metric\`; the most specific wins. Percentages (${rangeText(RANGES.threshold)}), except the absolute differences in the metric's own unit: ${absoluteThresholdsText()}.`,
    ),
    alpha: documented(
      alpha.prefault(DEFAULTS.alpha),
      `False-alarm rate over all metrics and looks, 0 < alpha < 0.5 (default ${DEFAULTS.alpha}).`,
    ),
    correction: documented(
      choice(['westfall-young', 'holm', 'bh']).prefault(DEFAULTS.correction),
      `Multiple-comparison control: westfall-young (family-wise, resampling the metrics of each pair together so that metrics that move together, such as FCP, LCP and Speed Index, are not charged as independent tests), holm (family-wise under any dependence) or bh (false discovery rate) (default ${DEFAULTS.correction}).`,
    ),
    'time-budget': documented(
      duration(RANGES.timeBudget).prefault(DEFAULTS.timeBudget),
      `Wall-clock budget for sampling, e.g. 2m (default ${DEFAULTS.timeBudget}; ${rangeText(RANGES.timeBudget)}).`,
    ),
    looks: documented(
      z
        .array(wholeNumber('a whole number of pairs', 1, 100_000), {
          error: expecting('a list of ascending pair counts such as [10, 20, 40]'),
        })
        .min(1, { error: 'expected at least one look' })
        .max(100, { error: 'expected at most 100 looks' })
        .superRefine((looks, ctx) => {
          looks.forEach((look, index) => {
            const previous = looks[index - 1];
            if (previous !== undefined && look <= previous) {
              issue(ctx, `expected looks in ascending order, got ${look} after ${previous}`, [
                index,
              ]);
            }
          });
        })
        .prefault([...DEFAULTS.looks]),
      `Pair counts at which the sampler looks at the data, ascending, with look-plan: fixed; with look-plan: time, the last one caps the pairs (default ${JSON.stringify(DEFAULTS.looks)}).`,
    ),
    'look-plan': documented(
      choice(['time', 'fixed']).prefault(DEFAULTS.lookPlan),
      `Where the sampler looks: time, at 4, 5, 7, 9, 12, … pairs (each about 1.25 times the last) below what the time budget allows, measured from the pair duration, so that slow benchmarks get early looks; fixed, at the pair counts of looks (default ${DEFAULTS.lookPlan}).`,
    ),
    futility: documented(
      z.boolean({ error: expecting('true or false') }).prefault(DEFAULTS.futility),
      `Stop at a look where no metric can still be called regressed within the budget (predictive power below 10%), so that a PR without a performance change does not pay the whole budget (default ${DEFAULTS.futility}).`,
    ),
    warmup: documented(
      wholeNumber('a whole number of rounds', 0, 1000).prefault(DEFAULTS.warmup),
      `Warm-up rounds per side, thrown away (default ${DEFAULTS.warmup}).`,
    ),
    seed: documented(
      seed.prefault(DEFAULTS.seed),
      `Seed of every random source, so runs are reproducible (default ${DEFAULTS.seed}).`,
    ),
    'fail-on': documented(
      choice(['regression', 'never']).prefault(DEFAULTS.failOn),
      `What fails the gate: a regression, or never (report only) (default ${DEFAULTS.failOn}).`,
    ),
    'early-stop': documented(
      choice(['resolved', 'regression']).prefault(DEFAULTS.earlyStop),
      `When sampling stops before the budget: regression, at the first look that calls a regression or once every metric is resolved (a failing gate fails fast; the other metrics stay as resolved as they were at that look); resolved, only once every metric is resolved (default ${DEFAULTS.earlyStop}).`,
    ),
  },
  'a mapping of gate settings',
).transform((g): GateConfig => {
  return {
    threshold: g.threshold ?? parsePercent(DEFAULTS.threshold),
    thresholdDefaulted: g.threshold === undefined,
    thresholds: g.thresholds,
    alpha: g.alpha,
    correction: g.correction,
    timeBudgetMs: g['time-budget'],
    looks: g.looks,
    warmup: g.warmup,
    seed: g.seed,
    failOn: g['fail-on'],
    earlyStop: g['early-stop'],
    lookPlan: g['look-plan'],
    futility: g.futility,
  };
});
