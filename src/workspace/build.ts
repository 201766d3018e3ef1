// Running shell commands in a tree: the build before measuring, and the timed runs of the
// command probe. Each command leads its own process group so a timeout ends all it started.
import { randomUUID } from 'node:crypto';
import type { Side, Tree } from '../model.js';
import { spawnShell } from './process-group.js';

export interface RunCommandOptions {
  cwd: string;
  /** Added to perfgate's environment less the runner's secrets (child-environment.ts). */
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Lines of output kept; 200 unless given. */
  tailLines?: number;
}

export interface CommandResult {
  command: string;
  cwd: string;
  exitCode: number | null;
  /** The signal that ended the shell, if one did (also after a timeout). */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** From spawning the shell to its exit, in milliseconds with sub-millisecond precision. */
  wallMs: number;
  /** The last lines of stdout and stderr together. */
  output: string;
}

/** Time a timed-out command's group gets between SIGTERM and SIGKILL. */
const TIMEOUT_GRACE_MS = 1_000;
/** Time processes left behind by a command that exited get between SIGTERM and SIGKILL. */
const LEFTOVER_GRACE_MS = 1_000;

/**
 * Runs `command` with /bin/sh in `cwd` and reports how it ended; a non-zero exit or a timeout is
 * data here, not an error (the caller decides). Processes the command leaves behind are ended
 * too, so nothing it started outlives it. Rejects with `signal.reason` when aborted.
 */
export async function runCommand(
  command: string,
  options: RunCommandOptions,
): Promise<CommandResult> {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(
      `timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`,
    );
  }
  options.signal?.throwIfAborted();
  const started = process.hrtime.bigint();
  const shell = await spawnShell(command, {
    cwd: options.cwd,
    env: options.env,
    tailLines: options.tailLines,
    onOutput: options.onOutput,
  });
  let timedOut = false;
  let aborted = false;
  // A failure to end the group surfaces from the `await shell.terminate` below; caught here only
  // so that it is not an unhandled rejection meanwhile.
  const stop = () => shell.terminate(TIMEOUT_GRACE_MS).catch(() => {});
  const timer = setTimeout(() => {
    timedOut = true;
    void stop();
  }, options.timeoutMs);
  const onAbort = () => {
    aborted = true;
    void stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await shell.exited;
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    clearTimeout(timer);
    await shell.terminate(LEFTOVER_GRACE_MS);
    if (aborted) throw options.signal?.reason;
    return {
      command,
      cwd: options.cwd,
      exitCode: exit.code,
      signal: exit.signal,
      timedOut,
      wallMs,
      output: shell.tail.text(),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export class BuildError extends Error {
  override name = 'BuildError';
  readonly side: Side;
  readonly ref: string;
  readonly sha: string;
  readonly dir: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  /** The last lines of the build's output. */
  readonly output: string;

  constructor(tree: Tree, result: CommandResult, timeoutMs: number) {
    const how = result.timedOut
      ? `did not finish within ${timeoutMs} ms and was stopped`
      : result.exitCode !== null
        ? `exited with code ${result.exitCode}`
        : `was killed by ${result.signal}`;
    const shown = result.output.split('\n').slice(-MESSAGE_LINES).join('\n');
    super(
      `Build of ${tree.side} (${tree.ref} at ${tree.sha.slice(0, 12)}) failed: ` +
        `\`${result.command}\` ${how} in ${tree.dir}.` +
        (shown.trim() === '' ? ' It printed nothing.' : `\nLast output:\n${shown}`),
    );
    this.side = tree.side;
    this.ref = tree.ref;
    this.sha = tree.sha;
    this.dir = tree.dir;
    this.command = result.command;
    this.exitCode = result.exitCode;
    this.signal = result.signal;
    this.timedOut = result.timedOut;
    this.timeoutMs = timeoutMs;
    this.output = result.output;
  }
}

/** Lines of output repeated in a BuildError's message; all kept lines are on `.output`. */
const MESSAGE_LINES = 30;

export interface BuildOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  env?: Record<string, string>;
  /** Told as a tree's build starts; the group it returns is shown the build's output. */
  onBuild?: (tree: Tree) => OutputGroup | undefined;
}

/** Where a command's output is shown while it runs, ended when it ends. */
export interface OutputGroup {
  write(text: string): void;
  end(): void;
}

/**
 * Output in a folded group of a GitHub Actions log (`::group::`…`::endgroup::`), one line at a
 * time through `writeLine`. The output is PR code's: workflow commands are stopped inside the
 * group (`::stop-commands::` with a token no one can guess), so a line of it cannot end the
 * group, mask text or raise an annotation.
 */
export function actionsLogGroup(writeLine: (line: string) => void) {
  return (title: string): OutputGroup => {
    const token = randomUUID();
    let partial = '';
    writeLine(`::group::${title.replace(/[\r\n]+/g, ' ')}`);
    writeLine(`::stop-commands::${token}`);
    return {
      write(text) {
        const lines = (partial + text).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) writeLine(line);
      },
      end() {
        if (partial !== '') writeLine(partial);
        partial = '';
        writeLine(`::${token}::`);
        writeLine('::endgroup::');
      },
    };
  };
}

export interface BuildOutcome {
  side: Side;
  command: string;
  wallMs: number;
  output: string;
}

/** Runs the build command in the tree's root; throws BuildError unless it exits with 0. */
export async function runBuild(
  tree: Tree,
  command: string,
  options: BuildOptions,
): Promise<BuildOutcome> {
  const group = options.onBuild?.(tree);
  let result: CommandResult;
  try {
    result = await runCommand(command, {
      cwd: tree.dir,
      ...options,
      onOutput: (text, stream) => {
        options.onOutput?.(text, stream);
        group?.write(text);
      },
    });
  } finally {
    group?.end();
  }
  if (result.timedOut || result.exitCode !== 0) {
    throw new BuildError(tree, result, options.timeoutMs);
  }
  return { side: tree.side, command, wallMs: result.wallMs, output: result.output };
}

/**
 * Builds both trees one after the other, head first. Sequential because builds are CPU-bound
 * and usually parallel inside already: on a 2-core runner two at once would only contend,
 * double peak memory and interleave their output, for little saved time. Head first because a
 * PR that breaks its own build is the likelier failure, and it should be reported soonest.
 */
export async function buildTrees(
  trees: { base: Tree; head: Tree },
  command: string,
  options: BuildOptions,
): Promise<{ base: BuildOutcome; head: BuildOutcome }> {
  const head = await runBuild(trees.head, command, options);
  const base = await runBuild(trees.base, command, options);
  return { base, head };
}
