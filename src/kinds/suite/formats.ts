// The formats a suite's tool may write, each with its parser and where its output usually goes.
import type { SuiteParser } from './entry.js';
import { benchmarkjs, mitata, tinybench, vitest } from './js-tools.js';
import {
  criterion,
  custom,
  go,
  googleBenchmark,
  hyperfine,
  pytestBenchmark,
} from './native-tools.js';

export const SUITE_FORMATS = {
  vitest,
  tinybench,
  benchmarkjs,
  mitata,
  go,
  criterion,
  'pytest-benchmark': pytestBenchmark,
  'google-benchmark': googleBenchmark,
  hyperfine,
  custom,
} as const satisfies Record<string, SuiteParser>;

export type SuiteFormat = keyof typeof SUITE_FORMATS;

export const SUITE_FORMAT_NAMES = Object.keys(SUITE_FORMATS) as [SuiteFormat, ...SuiteFormat[]];
