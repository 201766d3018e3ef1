// The wall time of a shell command, run once per round in the side's tree, and (Linux) its user
// and system CPU time and peak memory (usage.ts). Spawning, the process group, the timeout and
// the output tail are workspace/'s runCommand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandBenchmarkConfig, MetricSpec, Observation, Side, Tree } from '../../model.js';
import { type CommandResult, runCommand } from '../../workspace/build.js';
import { SpawnError } from '../../workspace/process-group.js';
import { catalogueSpec, disposalGuard, type Probe, ProbeError } from '../types.js';
import { COMMAND_METRICS } from './catalogue.js';
import { USAGE_SUPPORTED, watchUsage, withUsage } from './usage.js';

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
  /** CPU time and peak memory besides wall time (default: where /proc has them, Linux). */
  usage?: boolean;
}

/** One run of a benchmark's command in one tree, as the command and suite probes make it. */
export interface CheckedRun {
  benchmark: string;
  side: Side;
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** What the shell runs instead of `command` (usage.ts's wrapper); errors name `command`. */
  wrapped?: string;
}

/**
 * Runs the command and returns its result when it exited with 0; a command that could not
 * start, exited otherwise, was killed or timed out is a CommandProbeError with its last output.
 */
export async function runChecked(run: CheckedRun): Promise<CommandResult> {
  const { benchmark, side, command, cwd, timeoutMs, signal } = run;
  const base = { benchmark, side, command, cwd, timeoutMs };
  const where = `benchmark "${benchmark}", ${side} side: \`${command}\``;
  let result: CommandResult;
  try {
    result = await runCommand(run.wrapped ?? command, {
      cwd,
      env: run.env,
      timeoutMs,
      signal,
      ...(run.onOutput ? { onOutput: run.onOutput } : {}),
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
  if (!result.timedOut && result.exitCode === 0) return result;
  const [reason, how]: [CommandFailure, string] = result.timedOut
    ? ['timeout', `did not finish within ${timeoutMs} ms and was stopped`]
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

export function createCommandProbe(
  bench: CommandBenchmarkConfig,
  trees: Record<Side, Tree>,
  o: CommandProbeOptions = {},
): Probe {
  const usage = o.usage ?? USAGE_SUPPORTED;
  const [wall, user, system, maxRss] = COMMAND_METRICS.map((entry) =>
    catalogueSpec(entry, bench.name),
  ) as [MetricSpec, MetricSpec, MetricSpec, MetricSpec];
  const guard = disposalGuard(bench.name, o.signal);
  const { signal } = guard;

  async function measure(side: Side): Promise<Observation> {
    const run: CheckedRun = {
      benchmark: bench.name,
      side,
      command: bench.run,
      cwd: path.resolve(trees[side].dir, bench.cwd),
      env: bench.env,
      timeoutMs: bench.timeoutMs,
      signal,
    };
    if (!usage) return { [wall.key]: (await runChecked(run)).wallMs };
    const dir = await mkdtemp(path.join(tmpdir(), 'perfgate-usage-'));
    const file = path.join(dir, 'usage');
    const watch = watchUsage(file);
    try {
      const result = await runChecked({ ...run, wrapped: withUsage(bench.run, file) });
      const used = await watch.stop();
      return {
        [wall.key]: result.wallMs,
        [user.key]: used.userMs,
        [system.key]: used.systemMs,
        [maxRss.key]: used.maxRssBytes,
      };
    } finally {
      watch.cancel();
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    benchmark: bench.name,
    specs: usage ? [wall, user, system, maxRss] : [wall],
    measure: (side) => guard.round(() => measure(side)),
    dispose: guard.dispose,
  };
}
