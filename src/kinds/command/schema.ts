// The `command` benchmark of perfgate.yml: a shell command timed in each tree.
import { z } from 'zod';
import { targetBudgets } from '../../config/budgets.js';
import {
  benchmarkName,
  documented,
  duration,
  environment,
  fields,
  text,
  treePath,
} from '../../config/leaves.js';
import { RANGES, rangeText } from '../../config/ranges.js';
import type { CommandBenchmarkConfig } from '../../model.js';
import { PROFILE_FIELD } from '../../profile/policy.js';
import { COMMAND_METRICS } from './catalogue.js';

export const COMMAND_DEFAULTS = { cwd: '.', commandTimeout: '2m' } as const;

export const commandSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('command'),
    run: documented(
      text('a shell command'),
      'Shell command whose wall-clock time is measured, run in each tree.',
    ),
    cwd: documented(
      treePath('a directory').prefault(COMMAND_DEFAULTS.cwd),
      `Working directory, relative to the tree root (default ${COMMAND_DEFAULTS.cwd}).`,
    ),
    env: documented(environment().prefault({}), 'Extra environment variables.'),
    timeout: documented(
      duration(RANGES.commandTimeout).prefault(COMMAND_DEFAULTS.commandTimeout),
      `Longest one run may take; a run past it fails the measurement (default ${COMMAND_DEFAULTS.commandTimeout}; ${rangeText(RANGES.commandTimeout)}).`,
    ),
    profile: PROFILE_FIELD,
    budgets: documented(
      targetBudgets({ catalogue: COMMAND_METRICS, scope: 'of the command' }).optional(),
      "Absolute budgets, checked on head's median over the rounds: wall (a duration), e.g. wall: 30s. Exceeding one fails the gate.",
    ),
  },
  'a command benchmark (a mapping)',
).transform((b): CommandBenchmarkConfig => {
  const out: CommandBenchmarkConfig = {
    name: b.name,
    type: 'command',
    run: b.run,
    cwd: b.cwd,
    env: b.env,
    timeoutMs: b.timeout,
  };
  const budgets = Object.fromEntries(
    Object.entries(b.budgets ?? {}).filter(([, value]) => value !== undefined),
  ) as Record<string, number>;
  if (Object.keys(budgets).length > 0) out.budgets = budgets;
  if (b.profile !== undefined) out.profile = b.profile;
  return out;
});
