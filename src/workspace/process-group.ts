// Shell commands run as leaders of their own process groups, so that one signal to the group
// reaches everything they started (`npm run` → `sh` → `node`, `cmd & other; wait`).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnvironment } from './child-environment.js';
import { registerCleanup } from './cleanup.js';
import { OutputTail } from './output-tail.js';
import { SPAWN_VARIABLE, spawnMarks, sweepMarked, sweepMarkedSync } from './run-cookie.js';

export class SpawnError extends Error {
  override name = 'SpawnError';
  constructor(
    readonly command: string,
    readonly cwd: string,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Could not start \`${command}\` in ${cwd}: ${reason} (does the directory exist?)`);
  }
}

export class ProcessGroupSurvivedError extends Error {
  override name = 'ProcessGroupSurvivedError';
  constructor(
    readonly pgid: number,
    readonly pids: number[],
  ) {
    super(
      `Process group ${pgid} survived SIGKILL (pids ${pids.join(', ') || 'unknown'}); ` +
        'a process stuck in uninterruptible I/O may need to be killed by hand',
    );
  }
}

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Fields of /proc/<pid>/stat after the `(comm)`, which may itself hold spaces and parentheses. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

// A zombie has finished; it only waits for a parent to reap it, and where PID 1 does not reap
// (containers without an init, this very CI machine) orphans stay zombies forever. So "alive"
// means "exists and is not a zombie", which kill(pid, 0) alone cannot tell.
const isZombie = (state: string) => state === 'Z' || state === 'X';

function signalExists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process exists and has not finished. */
export function isProcessAlive(pid: number): boolean {
  if (!signalExists(pid)) return false;
  if (!HAS_PROC) return true;
  const stat = procStat(pid);
  return stat !== undefined && !isZombie(stat.state);
}

/** The pids of the group's members that have not finished (Linux); elsewhere a best effort. */
export function processGroupMembers(pgid: number): number[] {
  if (!signalExists(-pgid)) return [];
  if (!HAS_PROC) return [pgid];
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (stat !== undefined && stat.pgrp === pgid && !isZombie(stat.state)) members.push(pid);
  }
  return members;
}

export function isProcessGroupAlive(pgid: number): boolean {
  return processGroupMembers(pgid).length > 0;
}

/** Sends a signal to a whole group; a group that is already gone is not an error. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}

async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  while (isProcessGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
  return true;
}

/** SIGKILLed processes leave within milliseconds unless stuck in the kernel. */
const SIGKILL_WAIT_MS = 5_000;

/**
 * SIGTERM to the group, up to `graceMs` for it to leave, then SIGKILL. Resolves once no member
 * is left; throws ProcessGroupSurvivedError if even SIGKILL did not end it.
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!isProcessGroupAlive(pgid)) return;
  signalProcessGroup(pgid, 'SIGTERM');
  if (await waitForGroupGone(pgid, graceMs)) return;
  signalProcessGroup(pgid, 'SIGKILL');
  if (await waitForGroupGone(pgid, SIGKILL_WAIT_MS)) return;
  throw new ProcessGroupSurvivedError(pgid, processGroupMembers(pgid));
}

export interface ShellExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ShellProcess {
  child: ChildProcess;
  /** Also the process group id. */
  pid: number;
  tail: OutputTail;
  /** Resolves when the shell itself exits (other group members may remain). Never rejects. */
  exited: Promise<ShellExit>;
  /** The exit, once it happened. */
  exit(): ShellExit | undefined;
  /**
   * Ends the whole group (SIGTERM, then SIGKILL after `graceMs`), waits for the shell's exit and
   * the end of its output, and drops the cleanup registration. Idempotent.
   */
  terminate(graceMs: number): Promise<void>;
}

export interface SpawnShellOptions {
  cwd: string;
  /** Added to perfgate's environment less the runner's secrets (child-environment.ts). */
  env?: Record<string, string>;
  tailLines?: number;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** Output still buffered in the pipes when the shell exits normally arrives within moments;
 *  a descendant that escaped the group (setsid) could hold them open forever. */
const OUTPUT_DRAIN_MS = 1_000;
/** Grace given to leftovers when a cleanup at exit or on a signal ends a command. */
const CLEANUP_GRACE_MS = 1_000;

/** Starts `command` with /bin/sh as the leader of a new process group, capturing its output. */
export function spawnShell(command: string, options: SpawnShellOptions): Promise<ShellProcess> {
  const tail = new OutputTail(options.tailLines);
  const marks = spawnMarks();
  const mark = marks[SPAWN_VARIABLE]!;
  const child = spawn(command, {
    shell: true,
    detached: true,
    cwd: options.cwd,
    // The marks last: the config's env must not unmark a child.
    env: childEnvironment({ ...options.env, ...marks }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: ShellExit | undefined;
  const exited = new Promise<ShellExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (text: string) => {
      tail.push(text, stream);
      options.onOutput?.(text, stream);
    });
  }

  return new Promise((resolve, reject) => {
    // Kept for the child's life: an 'error' event without a listener would crash the process.
    child.on('error', (error) => reject(new SpawnError(command, options.cwd, error)));
    child.once('spawn', () => {
      const pid = child.pid!;
      let terminating: Promise<void> | undefined;
      const terminate = (graceMs: number) => {
        terminating ??= (async () => {
          await terminateProcessGroup(pid, graceMs);
          // What left the group (setsid, a daemon) still carries the mark; it also holds the
          // output pipes open, so it goes before the wait for their end.
          await sweepMarked(SPAWN_VARIABLE, mark, graceMs);
          await exited;
          await Promise.race([closed, sleep(OUTPUT_DRAIN_MS)]);
          child.stdout?.destroy();
          child.stderr?.destroy();
          unregister();
        })();
        return terminating;
      };
      const unregister = registerCleanup(() => terminate(CLEANUP_GRACE_MS), {
        processGroup: pid,
        onExit: () => sweepMarkedSync(SPAWN_VARIABLE, mark),
      });
      resolve({ child, pid, tail, exited, exit: () => exit, terminate });
    });
  });
}
