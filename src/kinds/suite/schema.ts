// The `suite` benchmark of perfgate.yml: a benchmark suite the project already has, run in each
// tree once per round, each of its benchmarks a target of its own.
import { z } from 'zod';
import {
  benchmarkName,
  choice,
  documented,
  duration,
  environment,
  fields,
  issue,
  text,
  treePath,
} from '../../config/leaves.js';
import { RANGES, rangeText } from '../../config/ranges.js';
import { SUITE_FORMAT_NAMES, type SuiteFormat } from './formats.js';
import { patternProblem } from './patterns.js';

export interface SuiteBenchmarkConfig {
  name: string;
  type: 'suite';
  /** Shell command, run in each tree once per round. */
  run: string;
  format: SuiteFormat;
  /** The file the tool writes, relative to the tree root; absent: standard output. */
  output?: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Name patterns (`*` any text, `?` one character); empty: every benchmark. */
  include: string[];
  exclude: string[];
  /** The direction of a custom value (github-action-benchmark's customBiggerIsBetter: higher). */
  better: 'lower' | 'higher';
  /** A suite takes no budgets (its benchmarks are known only once it ran). */
  budgets?: undefined;
}

export const SUITE_DEFAULTS = { cwd: '.', timeout: '10m' } as const;

const pattern = text('a benchmark name pattern (* for any text, ? for one character)').superRefine(
  (value, ctx) => {
    const problem = patternProblem(value);
    if (problem) issue(ctx, `expected a benchmark name pattern, got "${value}": ${problem}`);
  },
);
const patterns = z
  .union([pattern, z.array(pattern)], {
    error: 'expected a benchmark name pattern or a list of them',
  })
  .transform((p) => (typeof p === 'string' ? [p] : p));

export const suiteSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('suite'),
    run: documented(
      text('a shell command'),
      "Shell command that runs the project's benchmark suite, run in each tree once per round.",
    ),
    format: documented(
      choice(SUITE_FORMAT_NAMES),
      `What the tool writes: ${SUITE_FORMAT_NAMES.join(', ')}.`,
    ),
    output: documented(
      treePath('a file').optional(),
      'The file the tool writes its results to, relative to the tree root (default: standard output). It is removed before each run.',
    ),
    cwd: documented(
      treePath('a directory').prefault(SUITE_DEFAULTS.cwd),
      `Working directory of the command, relative to the tree root (default ${SUITE_DEFAULTS.cwd}).`,
    ),
    env: documented(environment().prefault({}), 'Extra environment variables.'),
    timeout: documented(
      duration(RANGES.commandTimeout).prefault(SUITE_DEFAULTS.timeout),
      `Longest one run of the suite may take (default ${SUITE_DEFAULTS.timeout}; ${rangeText(RANGES.commandTimeout)}).`,
    ),
    include: documented(
      patterns.optional(),
      'Only the benchmarks whose names match one of these patterns (* any text, ? one character).',
    ),
    exclude: documented(
      patterns.optional(),
      'Leave out the benchmarks whose names match one of these patterns.',
    ),
    better: documented(
      choice(['lower', 'higher']).optional(),
      "Format custom only: whether a lower value (github-action-benchmark's customSmallerIsBetter, the default) or a higher one (customBiggerIsBetter) is better.",
    ),
  },
  'a suite benchmark (a mapping)',
).transform((b, ctx): SuiteBenchmarkConfig => {
  if (b.better !== undefined && b.format !== 'custom') {
    issue(
      ctx,
      `better applies to format custom only; format ${b.format} says its own direction`,
      ['better'],
      b.better,
    );
  }
  const out: SuiteBenchmarkConfig = {
    name: b.name,
    type: 'suite',
    run: b.run,
    format: b.format,
    cwd: b.cwd,
    env: b.env,
    timeoutMs: b.timeout,
    include: b.include ?? [],
    exclude: b.exclude ?? [],
    better: b.better ?? 'lower',
  };
  if (b.output !== undefined) out.output = b.output;
  return out;
});
