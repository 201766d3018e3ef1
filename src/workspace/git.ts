// The two sides of a comparison: the head the PR proposes and the merge-base it branched from.
// The baseline is the merge-base, not the tip of base: changes that landed on base since the
// branch point are not the PR's doing and must not be charged to it.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BadInputError } from '../errors.js';
import type { Tree } from '../model.js';
import { childEnvironment } from './child-environment.js';
import { registerCleanup } from './cleanup.js';
import { currentRunCookie, RUN_VARIABLE } from './run-cookie.js';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    readonly args: string[],
    readonly cwd: string,
    readonly exitCode: number | string | null,
    readonly stderr: string,
  ) {
    super(
      exitCode === 'ENOENT'
        ? 'git is not installed or not on PATH'
        : `\`git ${args.join(' ')}\` failed in ${cwd} (exit ${exitCode}): ${stderr.trim() || 'no output'}`,
    );
  }
}

export class NotAGitRepositoryError extends BadInputError {
  override name = 'NotAGitRepositoryError';
  constructor(
    readonly cwd: string,
    readonly exists: boolean,
  ) {
    super(
      exists
        ? `${cwd} is not inside a git repository; run perfgate from a clone of the project`
        : `${cwd} does not exist; run perfgate from a clone of the project`,
    );
  }
}

export class UnknownRefError extends BadInputError {
  override name = 'UnknownRefError';
  constructor(
    readonly ref: string,
    readonly cwd: string,
  ) {
    super(
      ref.startsWith('-')
        ? `"${ref}" is not a git ref (refs cannot start with "-")`
        : `Unknown git ref "${ref}" in ${cwd}: it names no commit here. ` +
            `If it exists on the remote, fetch it first (\`git fetch origin ${ref}\`); ` +
            'in GitHub Actions, check out with `fetch-depth: 0`.',
    );
  }
}

export class NoDefaultBranchError extends BadInputError {
  override name = 'NoDefaultBranchError';
  constructor(
    readonly tried: string[],
    readonly cwd: string,
  ) {
    super(
      `Could not find the default branch to compare against in ${cwd}; tried ${tried.join(', ')}. ` +
        'Name one with --base, or fetch it (`git fetch origin`; `fetch-depth: 0` in GitHub Actions).',
    );
  }
}

export class NoMergeBaseError extends BadInputError {
  override name = 'NoMergeBaseError';
  constructor(
    readonly base: GitRef,
    readonly head: GitRef,
    readonly shallow: boolean,
  ) {
    super(
      shallow
        ? `No merge-base of ${base.ref} and ${head.ref} in this shallow clone: the history that ` +
            'joins them was not fetched. Check out with `fetch-depth: 0` (actions/checkout) or run ' +
            '`git fetch --unshallow`.'
        : `${base.ref} and ${head.ref} share no history (no merge-base); compare branches that ` +
            'grew from a common commit.',
    );
  }
}

export interface GitRef {
  /** The name the user gave, or the default that was resolved (`origin/main`). */
  ref: string;
  sha: string;
}

export interface ResolvedRefs {
  base: GitRef;
  /** The commit measured as the baseline. */
  mergeBase: string;
  head: GitRef;
}

// A caller's GIT_DIR or GIT_WORK_TREE (set inside git hooks) would silently redirect every
// command away from `cwd`. The runner's secrets are withheld and the run's cookie set as for
// any child: after a build, the PR's code may have written the repository's .git/config (an
// fsmonitor or hook command) that later git commands run.
function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = childEnvironment({
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    [RUN_VARIABLE]: currentRunCookie(),
  });
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) {
    delete env[name];
  }
  return env;
}

/** Runs git without a shell; resolves to stdout without its final newline. */
export function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        env: gitEnvironment(),
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          reject(new GitError(args, cwd, code ?? null, stderr));
        } else {
          resolvePromise(stdout.replace(/\n$/, ''));
        }
      },
    );
  });
}

async function ensureRepository(cwd: string): Promise<void> {
  const exists = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) throw new NotAGitRepositoryError(cwd, false);
  try {
    await git(['rev-parse', '--git-dir'], cwd);
  } catch (error) {
    if (error instanceof GitError && /not a git repository/i.test(error.stderr)) {
      throw new NotAGitRepositoryError(cwd, true);
    }
    throw error;
  }
}

/** The commit a ref names, or undefined when it names none. */
async function commitOf(ref: string, cwd: string): Promise<string | undefined> {
  try {
    return await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return undefined;
    throw error;
  }
}

async function resolveRef(ref: string, cwd: string): Promise<GitRef> {
  // A leading dash would be read as an option by git.
  const sha = ref.startsWith('-') || ref === '' ? undefined : await commitOf(ref, cwd);
  if (sha === undefined) throw new UnknownRefError(ref, cwd);
  return { ref, sha };
}

/** The remote's default branch as origin/HEAD records it, then the usual names. */
async function resolveDefaultBranch(cwd: string): Promise<GitRef> {
  const tried: string[] = [];
  try {
    const target = await git(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], cwd);
    const ref = target.replace(/^refs\/remotes\//, '');
    tried.push(`origin/HEAD (→ ${ref})`);
    const sha = await commitOf(ref, cwd);
    if (sha !== undefined) return { ref, sha };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    tried.push('origin/HEAD (not set)');
  }
  for (const ref of ['origin/main', 'origin/master', 'main', 'master']) {
    tried.push(ref);
    const sha = await commitOf(ref, cwd);
    if (sha !== undefined) return { ref, sha };
  }
  throw new NoDefaultBranchError(tried, cwd);
}

async function isShallow(cwd: string): Promise<boolean> {
  return (await git(['rev-parse', '--is-shallow-repository'], cwd)) === 'true';
}

/**
 * Resolves head (default HEAD), base (default: the remote's default branch) and their
 * merge-base, which is what gets measured as the baseline.
 */
export async function resolveRefs(options: {
  cwd: string;
  base?: string;
  head?: string;
}): Promise<ResolvedRefs> {
  const cwd = resolve(options.cwd);
  await ensureRepository(cwd);
  const head = await resolveRef(options.head ?? 'HEAD', cwd);
  const base =
    options.base === undefined
      ? await resolveDefaultBranch(cwd)
      : await resolveRef(options.base, cwd);
  let mergeBase: string;
  try {
    mergeBase = await git(['merge-base', base.sha, head.sha], cwd);
  } catch (error) {
    // Exit 1 without output is git's "no common ancestor".
    if (!(error instanceof GitError && error.exitCode === 1)) throw error;
    throw new NoMergeBaseError(base, head, await isShallow(cwd));
  }
  return { base, mergeBase, head };
}

export interface Worktrees {
  base: Tree;
  head: Tree;
  /** The temporary directory holding both trees. */
  dir: string;
  /** Things to say in the report, e.g. that uncommitted changes were not measured. */
  notes: string[];
  /** Removes both worktrees and the temporary directory. Idempotent. */
  dispose(): Promise<void>;
}

/** Paths `git status` reports as changed or untracked; empty outside a work tree. */
async function uncommittedPaths(cwd: string): Promise<string[]> {
  if ((await git(['rev-parse', '--is-inside-work-tree'], cwd)) !== 'true') return [];
  const status = await git(['status', '--porcelain', '--untracked-files=normal'], cwd);
  return status === '' ? [] : status.split('\n');
}

/**
 * Checks out the merge-base and head as detached worktrees in a fresh temporary directory.
 * When head is the current checkout and it has uncommitted changes, the committed head is
 * measured and a note says so.
 */
export async function createWorktrees(options: {
  cwd: string;
  refs: ResolvedRefs;
  /** Told the temporary directory before anything is checked out into it (run-record.ts). */
  onDirectory?: (dir: string) => Promise<void>;
}): Promise<Worktrees> {
  const cwd = resolve(options.cwd);
  const { refs } = options;
  await ensureRepository(cwd);
  const notes: string[] = [];
  const current = await commitOf('HEAD', cwd);
  if (current === refs.head.sha) {
    const dirty = await uncommittedPaths(cwd);
    if (dirty.length > 0) {
      notes.push(
        `The checkout at ${cwd} has uncommitted changes (${dirty.length} paths); ` +
          `perfgate measured the committed head ${refs.head.sha.slice(0, 12)} without them. ` +
          'Commit the changes to measure them.',
      );
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'perfgate-'));
  const added: string[] = [];
  const removeSync = () => {
    rmSync(dir, { recursive: true, force: true });
    try {
      // Without this the records in .git/worktrees stay, listed as prunable.
      execFileSync('git', ['worktree', 'prune'], { cwd, env: gitEnvironment(), stdio: 'ignore' });
    } catch {
      // The process is exiting; git's own gc prunes such records in time.
    }
  };
  let disposing: Promise<void> | undefined;
  const dispose = () => {
    disposing ??= (async () => {
      const failures: unknown[] = [];
      for (const path of added) {
        await git(['worktree', 'remove', '--force', path], cwd).catch((e) => failures.push(e));
      }
      await rm(dir, { recursive: true, force: true });
      // Drops the records of any worktree whose directory is gone (also after a failed remove).
      await git(['worktree', 'prune'], cwd).catch((e) => failures.push(e));
      unregister();
      if (failures.length > 0) throw failures[0];
    })();
    return disposing;
  };
  // At a hard exit there is no time to wait for git: the directory goes and a synchronous
  // `git worktree prune` clears the records.
  const unregister = registerCleanup(dispose, { onExit: removeSync });

  try {
    await options.onDirectory?.(dir);
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
  const add = async (side: Tree['side'], ref: string, sha: string): Promise<Tree> => {
    const path = join(dir, side);
    // No hooks: a post-checkout hook (husky and the like) is not part of what is measured.
    await git(
      ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', path, sha],
      cwd,
    );
    added.push(path);
    return { side, ref, sha, dir: path };
  };
  try {
    const base = await add('base', refs.base.ref, refs.mergeBase);
    const head = await add('head', refs.head.ref, refs.head.sha);
    return { base, head, dir, notes, dispose };
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
}
