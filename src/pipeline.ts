// The measurement pipeline shared by the CLI and the action:
// config → workspace → probes → sampler → stats → verdict → advice → Result.
import type { Config, Mode } from './model.js';
import type { Result } from './result.js';

export interface PipelineOptions {
  /** The repository checkout to measure. */
  cwd: string;
  config: Config;
  mode: Extract<Mode, 'compare' | 'collect' | 'record' | 'demo'>;
  /** Base ref (compare/collect); default: the upstream default branch. The merge-base of base
   *  and head is what gets measured. */
  base?: string;
  /** Head ref; default HEAD. */
  head?: string;
  /** Live progress lines for a terminal or a log. */
  onProgress?: (line: string) => void;
  /** Messages worth saying (a missing baseline, a retry). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export async function runPipeline(_options: PipelineOptions): Promise<Result> {
  throw new Error('runPipeline: being written');
}
