// The `bundle` benchmark of perfgate.yml: the files to weigh, their groups and size budgets.
import { z } from 'zod';
import {
  benchmarkName,
  choice,
  documented,
  expecting,
  fields,
  globs,
  issue,
  listedOnce,
  percent,
  size,
} from '../../config/leaves.js';
import { RANGES, rangeText } from '../../config/ranges.js';
import { didYouMean } from '../../config/suggest.js';
import { describeValue } from '../../config/values.js';
import type { BundleBenchmarkConfig } from '../../model.js';

export const COMPRESSIONS = ['gzip', 'brotli'] as const;
export const BUNDLE_DEFAULTS = { compression: ['gzip'] } as const;

const GROUP_NAME = /^[A-Za-z0-9_-]+$/;

export const bundleSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('bundle'),
    files: documented(
      globs,
      'Globs of the files to weigh, relative to the tree root (after the build).',
    ),
    compression: documented(
      z
        .array(choice(COMPRESSIONS), { error: expecting('a list such as [gzip, brotli]') })
        .min(1, { error: 'expected at least one compression' })
        .superRefine((list, ctx) => listedOnce(ctx, list, 'compression'))
        .prefault([...BUNDLE_DEFAULTS.compression]),
      `Compressed sizes to measure besides the raw size (default ${JSON.stringify(BUNDLE_DEFAULTS.compression)}).`,
    ),
    groups: documented(
      z
        .record(z.string(), globs, { error: expecting('a mapping of group names to globs') })
        .transform((record, ctx) => {
          const groups: Record<string, string[]> = {};
          for (const [group, value] of Object.entries(record)) {
            if (!GROUP_NAME.test(group) || group === 'total') {
              issue(
                ctx,
                `expected a group name of letters, digits, - and _ other than "total", got ${describeValue(group)}`,
                [group],
              );
            }
            groups[group] = typeof value === 'string' ? [value] : value;
          }
          return groups;
        })
        .prefault({}),
      'Named groups of files (a glob or a list), measured as one total each, e.g. vendor: "dist/assets/vendor-*.js".',
    ),
    budgets: documented(
      z
        .object(
          {
            change: documented(
              percent(RANGES.changeBudget).optional(),
              `Largest allowed growth of any measured size, e.g. 5%; the gate fails past it (${rangeText(RANGES.changeBudget)}).`,
            ),
          },
          { error: expecting('a mapping of budgets such as total.gzip: 200kB') },
        )
        .catchall(size(RANGES.sizeBudget))
        .prefault({}),
      `Absolute size budgets keyed \`<total|group|file>.<raw|gzip|brotli>\`, e.g. total.gzip: 200kB (${rangeText(RANGES.sizeBudget)}), and \`change\`.`,
    ),
  },
  'a bundle benchmark (a mapping)',
).transform((b, ctx): BundleBenchmarkConfig => {
  const { compression, groups } = b;
  const kinds = ['raw', ...compression];
  const targets = ['total', ...Object.keys(groups)];
  const budgets: Record<string, number> = {};
  let maxChange: number | undefined;
  for (const [key, value] of Object.entries(b.budgets)) {
    if (value === undefined) continue;
    if (key === 'change') {
      maxChange = value;
      continue;
    }
    const dot = key.lastIndexOf('.');
    const target = dot > 0 ? key.slice(0, dot) : key;
    const kind = dot > 0 ? key.slice(dot + 1) : '';
    const path = ['budgets', key];
    if (!kinds.includes(kind)) {
      const hint = dot > 0 ? didYouMean(kind, kinds) : '';
      issue(
        ctx,
        `expected a budget key \`<total|group|file>.<${kinds.join('|')}>\` or \`change\`${
          dot > 0 && COMPRESSIONS.includes(kind as (typeof COMPRESSIONS)[number])
            ? ` ("${kind}" is not in compression)`
            : ''
        }${hint}`,
        path,
      );
      continue;
    }
    // A target that is neither total nor a group must look like a file path, so a misspelt
    // group name is an error rather than a budget that never applies.
    if (!targets.includes(target) && !/[./]/.test(target)) {
      issue(
        ctx,
        `unknown group "${target}"; expected total, a group or a file path${didYouMean(target, targets)}`,
        path,
      );
      continue;
    }
    budgets[key] = value;
  }
  const out: BundleBenchmarkConfig = {
    name: b.name,
    type: 'bundle',
    files: typeof b.files === 'string' ? [b.files] : b.files,
    compression,
    groups,
    budgets,
  };
  if (maxChange !== undefined) out.maxChange = maxChange;
  return out;
});
