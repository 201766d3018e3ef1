// The command line's words: the usage text, the modes and flags, parsed strictly into CliArgs.
import { parseArgs } from 'node:util';
import { getErrorMessage, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliIo } from './io.js';

export const USAGE = `perfgate ${VERSION}: a performance regression gate for pull requests.

Usage:
  perfgate compare [options]   measure HEAD against its merge-base with the base branch
  perfgate collect [options]   the same; for CI jobs that only upload the result
  perfgate record  [options]   measure one commit (the baseline for later comparisons)
  perfgate trend   [options]   the nightly: HEAD against the previous nightly's commit; a
                               confirmed regression is bisected to the commit that caused it
  perfgate demo    [options]   run the embedded example service through the whole pipeline
  perfgate merge FILE...       join the result JSONs of shards (--shard i/n) into one result,
                               the correction across metrics redone over all of them
  perfgate init [--force]      write a starter perfgate.yml (at --config) and the workflows
                               from what the repository shows; --force overwrites them

Options:
  -c, --config FILE       the config file (default: perfgate.yml)
      --base REF          the base branch or commit (default: the upstream default branch;
                          trend: the history's last commit, measured as itself)
      --head REF          the head commit (default: HEAD)
      --baseline PATH     compare: the merge-base's stored bundle sizes (perfgate-baseline.json
                          of a record artifact, or its directory) instead of measuring it;
                          used only when every benchmark is a bundle benchmark
      --json FILE         write the result JSON here
      --markdown FILE     write the PR-comment markdown here
      --history FILE      trend: the nightly history (JSON); read, appended to, written back;
                          a missing file starts a new one
      --creep-days N      trend: also compare HEAD with its commit of N days back, for slow
                          creep no single night shows (default 30; 0 turns it off)
      --budget DURATION   time budget for sampling, e.g. 90s or 2m (overrides gate.time-budget);
                          trend: shared equally by the night's comparison, the creep comparison
                          and the bisect's steps
      --threshold PERCENT smallest change that matters, e.g. 5% (overrides gate.threshold)
      --seed N            seed of every random source (overrides gate.seed)
      --fail-on WHEN      regression, or never to report only (overrides gate.fail-on)
      --size-cache DIR    where bundle sizes are kept between runs, by content (default:
                          $XDG_CACHE_HOME/perfgate, else ~/.cache/perfgate); off: none
      --shard I/N         compare, collect: measure only part I of N of the benchmarks (of
                          an http benchmark's routes when there are fewer benchmarks than N)
      --no-color          plain output
  -h, --help              this text
  -v, --version           the version

Exit codes: 0 pass or inconclusive, 1 regression or budget exceeded,
            2 bad usage or config, 3 the measurement itself failed.`;

export const MODES = ['compare', 'collect', 'record', 'demo', 'trend', 'merge', 'init'] as const;
type CliMode = (typeof MODES)[number];

export interface CliArgs {
  mode: CliMode;
  config: string;
  base?: string;
  head?: string;
  json?: string;
  markdown?: string;
  budget?: string;
  threshold?: string;
  seed?: string;
  'fail-on'?: string;
  baseline?: string;
  history?: string;
  'creep-days'?: number;
  shard?: string;
  /** A directory, or `off`; absent: the user's cache directory. */
  'size-cache'?: string;
  /** merge: the shards' result files. */
  files?: string[];
  /** init: overwrite existing files. */
  force?: boolean;
  color: boolean;
}

export function parseCommandLine(
  argv: string[],
  io: Pick<CliIo, 'isTty' | 'env'>,
): CliArgs | 'help' | 'version' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // node:util's messages name the flag; say what to do next.
    throw new UsageError(getErrorMessage(error), 'Run `perfgate --help` for the options.');
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [mode, ...rest] = positionals;
  if (mode === undefined) {
    throw new UsageError('no mode given', `Name one of: ${MODES.join(', ')}.`);
  }
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`unknown mode "${mode}"`, `Expected one of: ${MODES.join(', ')}.`);
  }
  if (mode === 'merge') return mergeArgs(values, rest, io);
  if (rest.length === 0 && mode === 'init') return initArgs(values, io);
  if (values.force !== undefined && mode !== 'init') {
    throw new UsageError(`--force has no meaning for ${mode}; it applies to init`);
  }
  if (rest.length > 0) {
    throw new UsageError(`unexpected argument "${rest[0]}"`, 'Options start with --; see --help.');
  }
  if (mode !== 'compare' && values.baseline !== undefined) {
    throw new UsageError(`--baseline has no meaning for ${mode}; it applies to compare`);
  }
  if (mode !== 'trend' && values.history !== undefined) {
    throw new UsageError(`--history has no meaning for ${mode}; it applies to trend`);
  }
  if (mode !== 'trend' && values['creep-days'] !== undefined) {
    throw new UsageError(`--creep-days has no meaning for ${mode}; it applies to trend`);
  }
  if (mode !== 'compare' && mode !== 'collect' && values.shard !== undefined) {
    throw new UsageError(`--shard has no meaning for ${mode}; it applies to compare and collect`);
  }
  if (mode === 'record' && values.base !== undefined) {
    throw new UsageError('--base has no meaning for record, which measures one commit');
  }
  const args: CliArgs = {
    mode: mode as CliMode,
    config: values.config ?? 'perfgate.yml',
    color: io.isTty && !values['no-color'] && !io.env.NO_COLOR,
  };
  for (const key of [
    'base',
    'head',
    'json',
    'markdown',
    'budget',
    'threshold',
    'seed',
    'fail-on',
    'baseline',
    'history',
    'shard',
    'size-cache',
  ] as const) {
    const value = values[key];
    if (value !== undefined) {
      if (value === '') throw new UsageError(`--${key} needs a value`);
      args[key] = value;
    }
  }
  const creep = values['creep-days'];
  if (creep !== undefined) args['creep-days'] = creepDays(creep);
  return args;
}

/** merge: the files, and only the flags that mean something without measuring. */
function mergeArgs(
  values: ReturnType<typeof parse>['values'],
  files: string[],
  io: Pick<CliIo, 'isTty' | 'env'>,
): CliArgs {
  if (files.length === 0) {
    throw new UsageError(
      'merge needs the result files of the shards',
      'perfgate merge a.json b.json',
    );
  }
  for (const flag of MERGE_MEANINGLESS) {
    if (values[flag] !== undefined) {
      throw new UsageError(`--${flag} has no meaning for merge, which measures nothing`);
    }
  }
  const args: CliArgs = {
    mode: 'merge',
    config: 'perfgate.yml',
    files,
    color: io.isTty && !values['no-color'] && !io.env.NO_COLOR,
  };
  for (const key of ['json', 'markdown', 'fail-on'] as const) {
    const value = values[key];
    if (value === '') throw new UsageError(`--${key} needs a value`);
    if (value !== undefined) args[key] = value;
  }
  return args;
}

/** init: where the config goes, and --force; nothing that measures. */
function initArgs(
  values: ReturnType<typeof parse>['values'],
  io: Pick<CliIo, 'isTty' | 'env'>,
): CliArgs {
  for (const flag of [...MERGE_MEANINGLESS, 'json', 'markdown', 'fail-on'] as const) {
    if (flag !== 'config' && values[flag] !== undefined) {
      throw new UsageError(`--${flag} has no meaning for init, which measures nothing`);
    }
  }
  if (values.config === '') throw new UsageError('--config needs a value');
  return {
    mode: 'init',
    config: values.config ?? 'perfgate.yml',
    force: values.force === true,
    color: io.isTty && !values['no-color'] && !io.env.NO_COLOR,
  };
}

const MERGE_MEANINGLESS = [
  'config',
  'base',
  'head',
  'budget',
  'threshold',
  'seed',
  'baseline',
  'history',
  'creep-days',
  'shard',
  'size-cache',
] as const;

/** Whole days, 0 (off) to ten years. */
function creepDays(text: string): number {
  const days = /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(days >= 0 && days <= 3650)) {
    throw new UsageError(
      `--creep-days must be a whole number of days from 0 (off) to 3650, got ${JSON.stringify(text)}`,
    );
  }
  return days;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      base: { type: 'string' },
      head: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      budget: { type: 'string' },
      threshold: { type: 'string' },
      seed: { type: 'string' },
      'fail-on': { type: 'string' },
      baseline: { type: 'string' },
      history: { type: 'string' },
      'creep-days': { type: 'string' },
      shard: { type: 'string' },
      'size-cache': { type: 'string' },
      force: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
