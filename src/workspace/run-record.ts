// A run's record in the repository (`.git/perfgate/runs/<cookie>.json`): its cookie, perfgate's
// pid and start time, and its worktrees. A SIGKILLed perfgate cannot clean up after itself;
// the next run in the same repository finds the record of a process that is gone, ends what
// still carries that cookie, removes those worktrees and says so.
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { registerCleanup } from './cleanup.js';
import { git } from './git.js';
import { isProcessAlive } from './process-group.js';
import { newRunCookie, RUN_VARIABLE, sweepMarked, sweepMarkedSync } from './run-cookie.js';

interface RunRecord {
  cookie: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat, so that a reused pid is not taken for the run. */
  pidStart: string | null;
  startedAt: string;
  worktreeDirs: string[];
}

export interface Run {
  cookie: string;
  /** Records that a worktree directory now exists, before anything is checked out into it. */
  addWorktreeDir(dir: string): Promise<void>;
  /** Ends every process still carrying the cookie and drops the record. Idempotent. */
  end(): Promise<void>;
}

/** Leftovers are already orphans; they get a short grace. */
const SWEEP_GRACE_MS = 1_000;

function pidStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isLive(record: RunRecord): boolean {
  if (!isProcessAlive(record.pid)) return false;
  return record.pidStart === null || pidStartTime(record.pid) === record.pidStart;
}

function parseRecord(text: string): RunRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<RunRecord>;
    const ok =
      typeof value.cookie === 'string' &&
      /^[0-9a-f]{8,64}$/.test(value.cookie) &&
      Number.isInteger(value.pid) &&
      Array.isArray(value.worktreeDirs) &&
      value.worktreeDirs.every((dir) => typeof dir === 'string');
    return ok ? (value as RunRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Only perfgate's own temporary directories are ever removed, whatever a record says. */
function isOwnTempDir(dir: string): boolean {
  return isAbsolute(dir) && normalize(dir) === dir && /^perfgate-[A-Za-z0-9]+$/.test(basename(dir));
}

async function worktreesUnder(cwd: string, dir: string): Promise<string[]> {
  const roots = [dir];
  try {
    roots.push(realpathSync(dir));
  } catch {
    // Already gone: `git worktree prune` drops its records.
  }
  const listing = await git(['worktree', 'list', '--porcelain'], cwd);
  return listing
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .filter((path) => roots.some((root) => path.startsWith(root + sep)));
}

/** Ends an earlier run's leftovers; returns the line that says what was done. */
async function recover(cwd: string, record: RunRecord): Promise<string> {
  const ended = await sweepMarked(RUN_VARIABLE, record.cookie, SWEEP_GRACE_MS);
  let removed = 0;
  for (const dir of record.worktreeDirs.filter(isOwnTempDir)) {
    for (const path of await worktreesUnder(cwd, dir)) {
      await git(['worktree', 'remove', '--force', path], cwd).then(
        () => (removed += 1),
        () => {},
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
  await git(['worktree', 'prune'], cwd);
  return (
    `perfgate: an earlier run (pid ${record.pid}, started ${record.startedAt}) ended without ` +
    `cleaning up; ended ${ended.length} of its processes and removed ${removed} of its worktrees.`
  );
}

/**
 * Starts a run in the repository at `cwd`: ends the leftovers of earlier runs whose perfgate is
 * gone (each said in one line through `log`), records this one, and registers its end for
 * signals and exits. Outside a repository the run goes unrecorded (the caller reports that).
 */
export async function startRun(options: {
  cwd: string;
  log?: (line: string) => void;
}): Promise<Run> {
  const cwd = resolve(options.cwd);
  const cookie = newRunCookie();
  let recordsDir: string | undefined;
  try {
    recordsDir = join(
      resolve(cwd, await git(['rev-parse', '--git-common-dir'], cwd)),
      'perfgate',
      'runs',
    );
    mkdirSync(recordsDir, { recursive: true });
  } catch {
    recordsDir = undefined;
  }
  if (recordsDir !== undefined) {
    for (const name of readdirSync(recordsDir)) {
      if (!name.endsWith('.json')) continue;
      const path = join(recordsDir, name);
      const record = parseRecord(readFileSync(path, 'utf8'));
      if (record !== undefined && isLive(record)) continue;
      options.log?.(
        record === undefined
          ? `perfgate: removed an unreadable run record, ${path}.`
          : await recover(cwd, record),
      );
      rmSync(path, { force: true });
    }
  }

  const path = recordsDir === undefined ? undefined : join(recordsDir, `${cookie}.json`);
  const record: RunRecord = {
    cookie,
    pid: process.pid,
    pidStart: pidStartTime(process.pid),
    startedAt: new Date().toISOString(),
    worktreeDirs: [],
  };
  // Written whole and renamed into place: a SIGKILL mid-write leaves no half a record.
  const save = async () => {
    if (path === undefined) return;
    await writeFile(`${path}.tmp`, `${JSON.stringify(record)}\n`);
    await rename(`${path}.tmp`, path);
  };
  await save();

  let ending: Promise<void> | undefined;
  const end = () => {
    ending ??= (async () => {
      await sweepMarked(RUN_VARIABLE, cookie, SWEEP_GRACE_MS);
      if (path !== undefined) await rm(path, { force: true });
      unregister();
    })();
    return ending;
  };
  // Registered before the worktrees and servers, so it runs after they are stopped.
  const unregister = registerCleanup(end, {
    onExit: () => {
      sweepMarkedSync(RUN_VARIABLE, cookie);
      // The worktrees' own exit hook ran first (newer registration) and removed them.
      if (path !== undefined) rmSync(path, { force: true });
    },
  });
  return {
    cookie,
    addWorktreeDir: async (dir) => {
      record.worktreeDirs.push(dir);
      await save();
    },
    end,
  };
}
