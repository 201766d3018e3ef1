// What each kind measures its metrics of (MetricSpec.target): the routes of an http benchmark,
// the pages of a lighthouse one; a command is its own single target. Bundle files are found by
// measuring, so a bundle benchmark names none up front (its budgets have their own keys).
import type {
  BundleBenchmarkConfig,
  CommandBenchmarkConfig,
  HttpBenchmarkConfig,
  LighthouseBenchmarkConfig,
} from '../model.js';

export const routes = (bench: HttpBenchmarkConfig): string[] => bench.requests.map((r) => r.name);
export const pages = (bench: LighthouseBenchmarkConfig): string[] => bench.pages;
export const files = (_bench: BundleBenchmarkConfig): string[] => [];
export const self = (_bench: CommandBenchmarkConfig): [undefined] => [undefined];
