// Finding every process a run started, however it detached. Each child's environment carries
// the run's cookie and its own spawn's cookie; /proc/<pid>/environ shows them for every
// descendant, also one that called setsid or double-forked out of its process group (the
// technique of Jenkins' ProcessTreeKiller). A process that cleared or replaced its environment
// (`env -i`, an exec with a fresh one) cannot be found this way; nothing short of a cgroup
// could, and cgroups are not writable for the runner's user on GitHub's hosted runners.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Set to the run's cookie in every child's environment. */
export const RUN_VARIABLE = 'PERFGATE_RUN';
/** Set to `<run cookie>.<n>` for the n-th command started, so one command's leftovers can go. */
export const SPAWN_VARIABLE = 'PERFGATE_SPAWN';

const current = new AsyncLocalStorage<string>();
let processCookie: string | undefined;
let spawned = 0;

/** A fresh random cookie (not from the seeded random source: it must differ between runs). */
export function newRunCookie(): string {
  return randomBytes(12).toString('hex');
}

/** Runs `fn` with `cookie` as the cookie of everything it starts, so concurrent runs differ. */
export function withRunCookie<T>(cookie: string, fn: () => T): T {
  return current.run(cookie, fn);
}

/** The cookie of the run this code is part of; outside a run, one for the whole process. */
export function currentRunCookie(): string {
  const cookie = current.getStore();
  if (cookie !== undefined) return cookie;
  processCookie ??= newRunCookie();
  return processCookie;
}

/** The variables that mark one new child. */
export function spawnMarks(): Record<string, string> {
  const run = currentRunCookie();
  spawned += 1;
  return { [RUN_VARIABLE]: run, [SPAWN_VARIABLE]: `${run}.${spawned}` };
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

/**
 * Live processes (not zombies, not this one) whose environment holds `name=value`. Empty where
 * there is no /proc; processes of other users are not readable and not ours to end anyway.
 */
export function processesMarked(name: string, value: string): number[] {
  const needle = `${name}=${value}\0`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if ((environ.startsWith(needle) || environ.includes(`\0${needle}`)) && !isZombie(pid)) {
      found.push(pid);
    }
  }
  return found;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone meanwhile (ESRCH) or not ours (EPERM): nothing to end.
  }
}

/**
 * Ends every process marked `name=value`: SIGTERM, up to `graceMs` to leave, then SIGKILL.
 * Returns the pids it found. Processes that start meanwhile are caught by the later rounds.
 */
export async function sweepMarked(name: string, value: string, graceMs: number): Promise<number[]> {
  const first = processesMarked(name, value);
  if (first.length === 0) return [];
  const seen = new Set(first);
  for (const pid of first) kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = processesMarked(name, value);
  while (left.length > 0 && Date.now() < deadline) {
    for (const pid of left) {
      if (!seen.has(pid)) {
        seen.add(pid);
        kill(pid, 'SIGTERM');
      }
    }
    await sleep(25);
    left = processesMarked(name, value);
  }
  // A daemon may respawn children while it dies; a few SIGKILL rounds catch those too.
  for (let round = 0; round < 5 && left.length > 0; round++) {
    for (const pid of left) {
      seen.add(pid);
      kill(pid, 'SIGKILL');
    }
    await sleep(25);
    left = processesMarked(name, value);
  }
  return [...seen];
}

/** SIGKILLs every process marked `name=value` at once: for the exit hook, where nothing waits. */
export function sweepMarkedSync(name: string, value: string): number[] {
  const found = processesMarked(name, value);
  for (const pid of found) kill(pid, 'SIGKILL');
  return found;
}
