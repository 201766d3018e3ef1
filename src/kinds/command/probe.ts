// The wall time of a shell command, run once per round in the side's tree. Spawning, the
// process group, the timeout and the output tail are workspace/'s runCommand.
import path from 'node:path';
import type { CommandBenchmarkConfig, Observation, Side, Tree } from '../../model.js';
import { type CommandResult, runCommand } from '../../workspace/build.js';
import { SpawnError } from '../../workspace/process-group.js';
import { catalogueSpec, disposalGuard, type Probe, ProbeError } from '../types.js';
import { COMMAND_METRICS } from './catalogue.js';

export type CommandFailure = 'exit' | 'signal' | 'timeout' | 'spawn';

/** Lines of output repeated in the message; all kept lines are on `.output`. */
const MESSAGE_LINES = 30;

export class CommandProbeError extends ProbeError {
  override name = 'CommandProbeError';
  readonly reason: CommandFailure;
  readonly command: string;
  readonly cwd: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timeoutMs: number;
  /** The last lines of stdout and stderr together. */
  readonly output: string;
  constructor(
    message: string,
    data: {
      benchmark: string;
      side: Side;
      reason: CommandFailure;
      command: string;
      cwd: string;
      exitCode?: number | null;
      signal?: NodeJS.Signals | null;
      timeoutMs: number;
      output?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, data.benchmark, data.side, options);
    this.reason = data.reason;
    this.command = data.command;
    this.cwd = data.cwd;
    this.exitCode = data.exitCode ?? null;
    this.signal = data.signal ?? null;
    this.timeoutMs = data.timeoutMs;
    this.output = data.output ?? '';
  }
}

export interface CommandProbeOptions {
  signal?: AbortSignal;
}

export function createCommandProbe(
  bench: CommandBenchmarkConfig,
  trees: Record<Side, Tree>,
  o: CommandProbeOptions = {},
): Probe {
  const spec = catalogueSpec(COMMAND_METRICS[0], bench.name);
  const guard = disposalGuard(bench.name, o.signal);
  const { signal } = guard;

  async function measure(side: Side): Promise<Observation> {
    const cwd = path.resolve(trees[side].dir, bench.cwd);
    const base = {
      benchmark: bench.name,
      side,
      command: bench.run,
      cwd,
      timeoutMs: bench.timeoutMs,
    };
    const where = `benchmark "${bench.name}", ${side} side: \`${bench.run}\``;
    let result: CommandResult;
    try {
      result = await runCommand(bench.run, {
        cwd,
        env: bench.env,
        timeoutMs: bench.timeoutMs,
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      if (err instanceof SpawnError) {
        throw new CommandProbeError(
          `${where} could not start in ${cwd}: ${err.message}`,
          { ...base, reason: 'spawn' },
          { cause: err },
        );
      }
      throw err;
    }
    if (!result.timedOut && result.exitCode === 0) return { [spec.key]: result.wallMs };
    const [reason, how]: [CommandFailure, string] = result.timedOut
      ? ['timeout', `did not finish within ${bench.timeoutMs} ms and was stopped`]
      : result.exitCode !== null
        ? ['exit', `exited with code ${result.exitCode}`]
        : ['signal', `was killed by ${result.signal}`];
    const shown = result.output.split('\n').slice(-MESSAGE_LINES).join('\n');
    throw new CommandProbeError(
      `${where} ${how} in ${cwd}.` +
        (shown.trim() === '' ? ' It printed nothing.' : `\nLast output:\n${shown}`),
      {
        ...base,
        reason,
        exitCode: result.exitCode,
        signal: result.signal,
        output: result.output,
      },
    );
  }

  return {
    benchmark: bench.name,
    specs: [spec],
    measure: (side) => guard.round(() => measure(side)),
    dispose: guard.dispose,
  };
}
