// The config a user writes, resolved by perfgate's own parser: a name, start, ready, the two
// routes as plain paths and a time budget, nothing else. Every other setting (connections, round
// duration, δ, α, correction, looks, warm-up, futility) is the product's default as it stands,
// so the bench follows the defaults as they change instead of a copy of them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyOverrides, parseConfig } from '../../src/config/index.js';
import type { Config, GateConfig, HttpBenchmarkConfig } from '../../src/model.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SERVICES_FILE = join(HERE, 'services.mjs');

export const BENCHMARK = 'service';
/** The routes as the user lists them: /slow is the one the head version changes. */
export const ROUTE_PATHS = ['/slow', '/steady'] as const;

export interface UserConfigOptions {
  timeBudgetMs: number;
  /** Each trial's seed (the --seed flag's path): a user's runs all have seed 1, but trials of one
   *  fixed block order would share its luck, so the rates would not be over the randomization. */
  seed: number;
  /** Set only to compare against a non-default gate (--threshold, --futility off). */
  threshold?: number;
  futility?: boolean;
  /** The http benchmark's round-duration (ms), set only to compare against the default. */
  roundMs?: number;
  /** The http benchmark's connections, set only to compare against the default. */
  connections?: number;
}

/** The perfgate.yml a user writes, as the object its YAML parses to. */
export function userConfigFile(
  o: Pick<UserConfigOptions, 'timeBudgetMs' | 'futility' | 'roundMs' | 'connections'>,
) {
  const gate: Record<string, unknown> = { 'time-budget': `${Math.round(o.timeBudgetMs)}ms` };
  if (o.futility === false) gate.futility = false;
  return {
    benchmarks: [
      {
        name: BENCHMARK,
        type: 'http',
        start: `node ${JSON.stringify(SERVICES_FILE)}`,
        ready: '/health',
        requests: [...ROUTE_PATHS],
        ...(o.roundMs !== undefined ? { 'round-duration': `${o.roundMs}ms` } : {}),
        ...(o.connections !== undefined ? { connections: o.connections } : {}),
      },
    ],
    gate,
  };
}

/** The resolved config: parsed as perfgate.yml is (JSON is YAML), then the seed (and any
 *  comparison override) through the flags' path. */
export function userConfig(o: UserConfigOptions): Config {
  const parsed = parseConfig(JSON.stringify(userConfigFile(o)), 'bench user config');
  return applyOverrides(parsed, {
    seed: String(o.seed),
    ...(o.threshold !== undefined ? { threshold: `${+(o.threshold * 100).toFixed(4)}%` } : {}),
  });
}

export function userBenchmark(config: Config): HttpBenchmarkConfig {
  const bench = config.benchmarks[0];
  if (bench?.type !== 'http') {
    throw new Error(`the bench's user config must hold one http benchmark, got ${bench?.type}`);
  }
  return bench;
}

export function userGate(o: UserConfigOptions): GateConfig {
  return userConfig(o).gate;
}
