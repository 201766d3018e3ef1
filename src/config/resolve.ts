// The one resolution of a run's settings, for the CLI and the action alike: perfgate.yml, then
// the overrides of flags or action inputs, into one Config and the baseline policy that goes
// with it. Pure apart from reading the file; everything is checked here, before any build.
import type { z } from 'zod';
import { BASELINE_POLICIES, type BaselinePolicy, FAIL_ON, type FailOn } from '../constants.js';
import type { Config } from '../model.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { GATE_DEFAULTS, overridable } from './gate.js';
import { loadConfig } from './load.js';
import { parseShard, type ShardInfo, shardConfig } from './shard.js';
import { describeValue } from './values.js';

/** Settings given on the command line or as action inputs, as their raw text. An absent or
 *  empty value (an action input left blank) leaves the file's setting alone. */
export interface ConfigOverrides {
  threshold?: string;
  timeBudget?: string;
  seed?: string;
  /** `regression` or `never`; either way round, whatever the file says. */
  failOn?: string;
  /** `i/n`: measure only this part of the benchmarks (config/shard.ts). */
  shard?: string;
}

/** How messages name each override: the CLI's flags by default. */
export const OVERRIDE_FLAGS: Record<keyof ConfigOverrides, string> = {
  threshold: '--threshold',
  timeBudget: '--budget',
  seed: '--seed',
  failOn: '--fail-on',
  shard: '--shard',
};

export type OverrideNames = Partial<Record<keyof ConfigOverrides | 'baseline', string>>;

/** Where compare may take the merge-base's bundle sizes from instead of measuring them. */
export type BaselineSource =
  /** Always build and measure the base (`baseline: never`, or the CLI without --baseline). */
  | { from: 'measure' }
  /** The artifact `record` uploaded for the merge-base (`baseline: auto`), when it can be used. */
  | { from: 'artifact' }
  /** A perfgate-baseline.json, or a directory holding it (`--baseline PATH`). */
  | { from: 'file'; path: string };

export interface ResolvedSettings {
  /** The shard's part of the config when a shard is asked for. */
  config: Config;
  baseline: BaselineSource;
  /** Which part of the config's benchmarks this run measures (`--shard i/n`). */
  shard?: ShardInfo;
}

/**
 * perfgate.yml at `file` with the overrides applied. `baseline` is the action input's policy
 * (`auto`, `never`) or, with `baselineIsPath`, the CLI's path; absent means measure the base.
 */
export async function resolveConfig(
  file: string,
  overrides: ConfigOverrides & { baseline?: string; baselineIsPath?: boolean },
  names: OverrideNames = {},
): Promise<ResolvedSettings> {
  const config = applyOverrides(await loadConfig(file), overrides, names);
  const baseline = baselineSource(overrides, names.baseline ?? '--baseline');
  const raw = overrides.shard?.trim();
  if (raw === undefined || raw === '') return { config, baseline };
  const field = names.shard ?? OVERRIDE_FLAGS.shard;
  const part = shardConfig(config, parseShard(raw, field), field);
  return { config: part.config, baseline, shard: part.info };
}

function baselineSource(
  overrides: { baseline?: string; baselineIsPath?: boolean },
  name: string,
): BaselineSource {
  const raw = overrides.baseline?.trim();
  if (raw === undefined || raw === '') return { from: 'measure' };
  if (overrides.baselineIsPath) return { from: 'file', path: raw };
  if (!(BASELINE_POLICIES as readonly string[]).includes(raw)) {
    throw new ConfigError([
      {
        path: name,
        message: `expected one of ${BASELINE_POLICIES.join(', ')}, got ${describeValue(raw)}`,
        value: raw,
      },
    ]);
  }
  return (raw as BaselinePolicy) === 'auto' ? { from: 'artifact' } : { from: 'measure' };
}

/** The config with the given gate settings replaced, each parsed and checked as in the file. */
export function applyOverrides(
  config: Config,
  overrides: ConfigOverrides,
  names: OverrideNames = {},
): Config {
  const issues: ConfigIssue[] = [];
  const gate = { ...config.gate };
  const parse = <T>(
    key: keyof ConfigOverrides,
    schema: z.ZodType<T>,
    convert = (s: string): unknown => s,
  ) => {
    const raw = overrides[key]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const result = schema.safeParse(convert(raw), { reportInput: true });
    if (result.success) return result.data;
    const message = result.error.issues[0]?.message ?? `invalid value ${describeValue(raw)}`;
    // Messages show the text as typed: `--seed abc`, not the number it may have become.
    issues.push({ path: names[key] ?? OVERRIDE_FLAGS[key], message, value: raw });
    return undefined;
  };

  const threshold = parse('threshold', overridable.threshold);
  if (threshold !== undefined) {
    gate.threshold = threshold;
    gate.thresholdDefaulted = false;
  }
  const timeBudget = parse('timeBudget', overridable.timeBudget);
  if (timeBudget !== undefined) gate.timeBudgetMs = timeBudget;
  const seed = parse('seed', overridable.seed, (s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (seed !== undefined) gate.seed = seed;
  try {
    gate.failOn = resolveFailOn(overrides.failOn, gate.failOn, names.failOn);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return { ...config, gate };
}

/**
 * The one resolution of fail-on, for every mode: the flag or input when given, in either
 * direction, whatever the config says (the verdict is decided with it, so a config `never`
 * cannot hide a regression from an input `regression`); else the config's; report mode reads no
 * config, so there it is the input or the default.
 */
export function resolveFailOn(
  override: string | undefined,
  configured: FailOn = GATE_DEFAULTS.failOn,
  name: string = OVERRIDE_FLAGS.failOn,
): FailOn {
  const raw = override?.trim();
  if (raw === undefined || raw === '') return configured;
  if ((FAIL_ON as readonly string[]).includes(raw)) return raw as FailOn;
  throw new ConfigError([
    {
      path: name,
      message: `expected one of ${FAIL_ON.join(', ')}, got ${describeValue(raw)}`,
      value: raw,
    },
  ]);
}
