// `--shard i/n` (input `shard`): one job's part of the config's benchmarks in a CI matrix, and
// what every shard must share for `perfgate merge` to join them (the resolved config's hash).
//
// The split is stable under reordering: targets are ordered by a hash of their id, not by their
// place in the file, and dealt to the shards in turn, so every shard gets ⌊T/n⌋ or ⌈T/n⌉ of the
// T targets and none is empty. A target is a benchmark; when there are fewer benchmarks than
// shards, each http benchmark's routes are targets of their own (`benchmark/route`).
import { createHash } from 'node:crypto';
import { resultArtifactName } from '../constants.js';
import type { BenchmarkConfig, Config, HttpBenchmarkConfig } from '../model.js';
import { ConfigError } from './errors.js';
import { describeValue } from './values.js';

/** GitHub Actions runs at most 256 jobs of one matrix. */
export const MAX_SHARDS = 256;

/** One part of n: `index` counts from 1, as `${{ matrix.shard }}/n` is written. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The shard a result was measured as (result.ts `shard`). */
export interface ShardInfo extends ShardSpec {
  /** What this shard measured: benchmark names, or `benchmark/route` for a split http one. */
  targets: string[];
  /** The resolved config's hash before the split (configHash): shards of one run share it. */
  config: string;
}

export const SHARD_RULE = `i/n, this job's part i of n parts (1 ≤ i ≤ n ≤ ${MAX_SHARDS}), e.g. 1/4`;

/** `i/n` → the spec; anything else is a ConfigError naming `field` (the flag or input). */
export function parseShard(text: string, field: string): ShardSpec {
  const match = /^(\d{1,3})\/(\d{1,3})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(index >= 1 && index <= count && count <= MAX_SHARDS)) {
    const why = match && index > count ? `; part ${index} of ${count} does not exist` : '';
    throw new ConfigError([
      {
        path: field,
        message: `expected ${SHARD_RULE}, got ${describeValue(text)}${why}`,
        value: text,
      },
    ]);
  }
  return { index, count };
}

/** The artifact a shard's collect uploads: one per shard, since a run's names are unique. */
export function shardArtifactName(reportId: string, shard: ShardSpec): string {
  return `${shardArtifactPrefix(reportId)}${shard.index}-of-${shard.count}`;
}

/** Every shard artifact of one report id starts with this. */
export function shardArtifactPrefix(reportId: string): string {
  return `${resultArtifactName(reportId)}-shard-`;
}

interface Target {
  id: string;
  bench: BenchmarkConfig;
  /** An http benchmark's route, when routes are split. */
  route?: string;
}

function targetsOf(config: Config, count: number): Target[] {
  if (config.benchmarks.length >= count) {
    return config.benchmarks.map((bench) => ({ id: bench.name, bench }));
  }
  return config.benchmarks.flatMap((bench): Target[] =>
    bench.type === 'http' && bench.requests.length > 1
      ? bench.requests.map((r) => ({ id: `${bench.name}/${r.name}`, bench, route: r.name }))
      : [{ id: bench.name, bench }],
  );
}

const rank = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * The shard's part of the config and what it holds. More shards than targets is a ConfigError
 * naming `field`: a shard with nothing to measure would be a job that says nothing.
 */
export function shardConfig(
  config: Config,
  shard: ShardSpec,
  field: string,
): { config: Config; info: ShardInfo } {
  const all = targetsOf(config, shard.count);
  if (all.length < shard.count) {
    throw new ConfigError([
      {
        path: field,
        message: `${shard.count} shards but only ${all.length} target${all.length === 1 ? '' : 's'} to split (benchmarks, and the routes of http benchmarks when there are fewer benchmarks than shards): at most ${all.length} shards`,
        value: `${shard.index}/${shard.count}`,
      },
    ]);
  }
  const ordered = all
    .map((t) => ({ t, key: rank(t.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.t.id < b.t.id ? -1 : 1))
    .map(({ t }) => t);
  const mine = ordered.filter((_, k) => k % shard.count === shard.index - 1);
  const ids = new Set(mine.map((t) => t.id));
  const benchmarks = config.benchmarks.flatMap((bench): BenchmarkConfig[] => {
    if (ids.has(bench.name)) return [bench];
    if (bench.type !== 'http') return [];
    const routes = new Set(
      mine.filter((t) => t.bench === bench && t.route !== undefined).map((t) => t.route!),
    );
    return routes.size === 0 ? [] : [routesOnly(bench, routes)];
  });
  return {
    config: { ...config, benchmarks },
    info: {
      ...shard,
      // In the file's order, as the report lists them.
      targets: all.filter((t) => ids.has(t.id)).map((t) => t.id),
      config: configHash(config),
    },
  };
}

/** An http benchmark cut down to some of its routes, with the budgets of the others left out
 *  (a budget naming a route the benchmark no longer has is a config error at the end). */
function routesOnly(bench: HttpBenchmarkConfig, routes: ReadonlySet<string>): HttpBenchmarkConfig {
  const dropped = new Set(bench.requests.map((r) => r.name).filter((name) => !routes.has(name)));
  const out: HttpBenchmarkConfig = {
    ...bench,
    requests: bench.requests.filter((r) => routes.has(r.name)),
  };
  if (bench.budgets) {
    out.budgets = Object.fromEntries(
      Object.entries(bench.budgets).filter(
        ([key]) => !dropped.has(key.slice(0, key.lastIndexOf('/'))),
      ),
    );
  }
  return out;
}

/** SHA-256 of the resolved config as canonical JSON (keys sorted): equal configs, equal hash. */
export function configHash(config: Config): string {
  return createHash('sha256').update(canonical(config)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
