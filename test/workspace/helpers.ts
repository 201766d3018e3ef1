// Shared set-up for the workspace tests: real git repositories in temp dirs, and waiting on
// real processes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isProcessAlive, signalProcessGroup } from '../../src/workspace/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/workspace/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
};

export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' }).trim();
}

const tempDirs: string[] = [];

export function tempDir(prefix = 'perfgate-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function commitFile(cwd: string, file: string, text: string, message: string): string {
  writeFileSync(join(cwd, file), text);
  gitSync(cwd, 'add', file);
  gitSync(cwd, 'commit', '--quiet', '-m', message);
  return gitSync(cwd, 'rev-parse', 'HEAD');
}

export interface ProjectRepos {
  root: string;
  /** Where main is advanced from; pushes to origin. */
  upstream: string;
  /** The bare remote. */
  origin: string;
  /** The developer's clone, on `feature`, with origin/HEAD → origin/main. */
  work: string;
  /** main when `feature` branched off. */
  branchPoint: string;
  /** origin/main after it moved on. */
  mainTip: string;
  featureTip: string;
}

/**
 * main: c1 ─ c2 (branch point) ─ c3 (tip, after feature branched)
 * feature:      └─ f1 (tip)
 * The server fixture is committed, and version.txt says which commit a tree holds.
 */
export function makeProjectRepos(): ProjectRepos {
  const root = tempDir('perfgate-git-');
  const upstream = join(root, 'upstream');
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  gitSync(root, 'init', '--quiet', '-b', 'main', upstream);
  copyFileSync(join(FIXTURES, 'server.mjs'), join(upstream, 'server.mjs'));
  copyFileSync(join(FIXTURES, 'sleeper.mjs'), join(upstream, 'sleeper.mjs'));
  gitSync(upstream, 'add', 'server.mjs', 'sleeper.mjs');
  commitFile(upstream, 'version.txt', 'c1\n', 'c1');
  const branchPoint = commitFile(upstream, 'version.txt', 'c2\n', 'c2');
  gitSync(root, 'clone', '--quiet', '--bare', upstream, origin);
  gitSync(upstream, 'remote', 'add', 'origin', origin);
  gitSync(root, 'clone', '--quiet', origin, work);
  gitSync(work, 'checkout', '--quiet', '-b', 'feature');
  const featureTip = commitFile(work, 'version.txt', 'feature\n', 'f1');
  gitSync(work, 'push', '--quiet', 'origin', 'feature');
  const mainTip = commitFile(upstream, 'version.txt', 'c3\n', 'c3');
  gitSync(upstream, 'push', '--quiet', 'origin', 'main');
  gitSync(work, 'fetch', '--quiet', 'origin');
  return { root, upstream, origin, work, branchPoint, mainTip, featureTip };
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The pid printed after `label` in `text` (`server pid 123`). */
export function pidAfter(label: string, text: string): number {
  const match = new RegExp(`${label} (\\d+)`).exec(text);
  if (match === null) throw new Error(`no "${label} <pid>" in output:\n${text}`);
  return Number(match[1]);
}

/** Kills what a failed test may have left (groups and single pids); a no-op when all is gone. */
export function killLeftovers(pgids: number[], pids: number[] = []): void {
  for (const pgid of pgids.splice(0)) signalProcessGroup(pgid, 'SIGKILL');
  for (const pid of pids.splice(0)) {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

export async function httpText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}
