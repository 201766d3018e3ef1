// Starts a command benchmark: nothing runs until the sampler's first round.
import type { CommandBenchmarkConfig } from '../../model.js';
import type { KindRun, Started } from '../types.js';
import { createCommandProbe } from './probe.js';

export async function startCommand(bench: CommandBenchmarkConfig, run: KindRun): Promise<Started> {
  return { probe: createCommandProbe(bench, run.sides, { signal: run.signal }) };
}
