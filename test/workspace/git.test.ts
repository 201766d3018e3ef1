import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorktrees,
  NoDefaultBranchError,
  NoMergeBaseError,
  NotAGitRepositoryError,
  pendingCleanups,
  resolveRefs,
  runCleanups,
  UnknownRefError,
} from '../../src/workspace/index.js';
import {
  commitFile,
  gitSync,
  makeProjectRepos,
  type ProjectRepos,
  removeTempDirs,
  tempDir,
} from './helpers.js';

let repos: ProjectRepos;

beforeAll(() => {
  repos = makeProjectRepos();
});

afterAll(async () => {
  await runCleanups();
  removeTempDirs();
});

/** A fresh clone of origin, so a test may change its remote-tracking set-up freely. */
function cloneOrigin(...options: string[]): string {
  const dir = join(tempDir(), 'clone');
  gitSync(repos.root, 'clone', '--quiet', ...options, repos.origin, dir);
  return dir;
}

describe('resolveRefs', () => {
  it('compares HEAD with the merge-base of origin/HEAD, not with the tip of main', async () => {
    expect(gitSync(repos.work, 'symbolic-ref', 'refs/remotes/origin/HEAD')).toBe(
      'refs/remotes/origin/main',
    );
    const refs = await resolveRefs({ cwd: repos.work });
    expect(refs).toEqual({
      base: { ref: 'origin/main', sha: repos.mainTip },
      mergeBase: repos.branchPoint,
      head: { ref: 'HEAD', sha: repos.featureTip },
    });
    expect(refs.mergeBase).not.toBe(refs.base.sha);
  });

  it('takes the branch origin/HEAD names even when origin/main also exists', async () => {
    gitSync(repos.upstream, 'push', '--quiet', 'origin', `${repos.branchPoint}:refs/heads/trunk`);
    const clone = cloneOrigin();
    gitSync(clone, 'remote', 'set-head', 'origin', 'trunk');
    gitSync(clone, 'checkout', '--quiet', 'origin/feature');
    const refs = await resolveRefs({ cwd: clone });
    expect(refs.base).toEqual({ ref: 'origin/trunk', sha: repos.branchPoint });
    expect(refs.mergeBase).toBe(repos.branchPoint);
  });

  it('falls back to origin/main when origin/HEAD is not set (as after actions/checkout)', async () => {
    const clone = cloneOrigin();
    gitSync(clone, 'remote', 'set-head', 'origin', '--delete');
    gitSync(clone, 'checkout', '--quiet', 'origin/feature');
    const refs = await resolveRefs({ cwd: clone });
    expect(refs.base).toEqual({ ref: 'origin/main', sha: repos.mainTip });
    expect(refs.head).toEqual({ ref: 'HEAD', sha: repos.featureTip });
  });

  it('falls back to a local master without any remote', async () => {
    const dir = tempDir();
    gitSync(dir, 'init', '--quiet', '-b', 'master');
    const first = commitFile(dir, 'a.txt', '1', 'first');
    gitSync(dir, 'checkout', '--quiet', '-b', 'topic');
    const topic = commitFile(dir, 'a.txt', '2', 'second');
    const refs = await resolveRefs({ cwd: dir });
    expect(refs).toEqual({
      base: { ref: 'master', sha: first },
      mergeBase: first,
      head: { ref: 'HEAD', sha: topic },
    });
  });

  it('lists every place it looked when no default branch exists', async () => {
    const dir = tempDir();
    gitSync(dir, 'init', '--quiet', '-b', 'trunk');
    commitFile(dir, 'a.txt', '1', 'first');
    const error = await resolveRefs({ cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoDefaultBranchError);
    const typed = error as NoDefaultBranchError;
    expect(typed.name).toBe('NoDefaultBranchError');
    expect(typed.tried).toEqual([
      'origin/HEAD (not set)',
      'origin/main',
      'origin/master',
      'main',
      'master',
    ]);
    expect(typed.message).toContain('--base');
  });

  it('resolves named refs and the merge-base between them', async () => {
    const refs = await resolveRefs({ cwd: repos.work, base: 'origin/main', head: 'feature' });
    expect(refs).toEqual({
      base: { ref: 'origin/main', sha: repos.mainTip },
      mergeBase: repos.branchPoint,
      head: { ref: 'feature', sha: repos.featureTip },
    });
    // Head already contained in base: the merge-base is head itself.
    const behind = await resolveRefs({ cwd: repos.work, base: 'origin/main', head: 'main' });
    expect(behind.mergeBase).toBe(repos.branchPoint);
    expect(behind.head.sha).toBe(repos.branchPoint);
  });

  it('names an unknown ref and suggests git fetch', async () => {
    const error = await resolveRefs({ cwd: repos.work, base: 'origin/release-9' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownRefError);
    expect((error as UnknownRefError).ref).toBe('origin/release-9');
    expect((error as UnknownRefError).message).toContain('"origin/release-9"');
    expect((error as UnknownRefError).message).toContain('git fetch');
    const unknownHead = await resolveRefs({ cwd: repos.work, head: 'nope' }).catch((e) => e);
    expect(unknownHead).toBeInstanceOf(UnknownRefError);
    expect((unknownHead as UnknownRefError).ref).toBe('nope');
  });

  it('refuses a ref that git would read as an option', async () => {
    const error = await resolveRefs({ cwd: repos.work, base: '--output=/tmp/x' }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownRefError);
    expect((error as Error).message).toContain('cannot start with "-"');
  });

  it('says when the directory is not a git repository, or does not exist', async () => {
    const plain = tempDir();
    const error = await resolveRefs({ cwd: plain }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAGitRepositoryError);
    expect((error as NotAGitRepositoryError).cwd).toBe(plain);
    expect((error as NotAGitRepositoryError).exists).toBe(true);
    expect((error as Error).message).toContain('not inside a git repository');
    const missing = await resolveRefs({ cwd: join(plain, 'missing') }).catch((e) => e);
    expect(missing).toBeInstanceOf(NotAGitRepositoryError);
    expect((missing as NotAGitRepositoryError).exists).toBe(false);
  });

  it('tells a shallow clone without a merge-base to fetch with fetch-depth: 0', async () => {
    const shallow = cloneOrigin('--depth', '1', '--no-single-branch', '--no-local');
    expect(gitSync(shallow, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const error = await resolveRefs({
      cwd: shallow,
      base: 'origin/main',
      head: 'origin/feature',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoMergeBaseError);
    const typed = error as NoMergeBaseError;
    expect(typed.shallow).toBe(true);
    expect(typed.base).toEqual({ ref: 'origin/main', sha: repos.mainTip });
    expect(typed.message).toContain('fetch-depth: 0');
  });

  it('says when two branches share no history at all', async () => {
    const dir = tempDir();
    gitSync(dir, 'init', '--quiet', '-b', 'main');
    commitFile(dir, 'a.txt', '1', 'first');
    gitSync(dir, 'checkout', '--quiet', '--orphan', 'island');
    commitFile(dir, 'b.txt', '1', 'unrelated');
    const error = await resolveRefs({ cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoMergeBaseError);
    expect((error as NoMergeBaseError).shallow).toBe(false);
    expect((error as Error).message).toContain('share no history');
  });
});

function worktreePaths(cwd: string): string[] {
  return gitSync(cwd, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

describe('createWorktrees', () => {
  it('checks out the merge-base and head detached, and removes them on dispose', async () => {
    const before = pendingCleanups();
    const refs = await resolveRefs({ cwd: repos.work });
    const trees = await createWorktrees({ cwd: repos.work, refs });
    expect(trees.base).toEqual({
      side: 'base',
      ref: 'origin/main',
      sha: repos.branchPoint,
      dir: join(trees.dir, 'base'),
    });
    expect(trees.head).toEqual({
      side: 'head',
      ref: 'HEAD',
      sha: repos.featureTip,
      dir: join(trees.dir, 'head'),
    });
    expect(trees.notes).toEqual([]);
    // The baseline is the branch point (c2), not main's tip (c3).
    expect(readFileSync(join(trees.base.dir, 'version.txt'), 'utf8')).toBe('c2\n');
    expect(readFileSync(join(trees.head.dir, 'version.txt'), 'utf8')).toBe('feature\n');
    expect(gitSync(trees.base.dir, 'rev-parse', 'HEAD')).toBe(repos.branchPoint);
    expect(gitSync(trees.head.dir, 'rev-parse', 'HEAD')).toBe(repos.featureTip);
    expect(gitSync(trees.head.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('HEAD');
    expect(worktreePaths(repos.work)).toEqual(
      expect.arrayContaining([trees.base.dir, trees.head.dir]),
    );
    expect(pendingCleanups()).toBe(before + 1);

    await trees.dispose();
    await trees.dispose();
    expect(existsSync(trees.dir)).toBe(false);
    expect(worktreePaths(repos.work)).toEqual([repos.work]);
    expect(pendingCleanups()).toBe(before);
  });

  it('measures the committed head and says so when the checkout has uncommitted changes', async () => {
    const file = join(repos.work, 'version.txt');
    writeFileSync(file, 'edited but not committed\n');
    try {
      const refs = await resolveRefs({ cwd: repos.work });
      const trees = await createWorktrees({ cwd: repos.work, refs });
      try {
        expect(trees.notes).toHaveLength(1);
        expect(trees.notes[0]).toContain('uncommitted changes (1 paths)');
        expect(trees.notes[0]).toContain(repos.featureTip.slice(0, 12));
        expect(readFileSync(join(trees.head.dir, 'version.txt'), 'utf8')).toBe('feature\n');
      } finally {
        await trees.dispose();
      }
      // A head other than the checkout is not affected by the checkout's edits: no note.
      const other = await resolveRefs({ cwd: repos.work, head: 'origin/main' });
      const otherTrees = await createWorktrees({ cwd: repos.work, refs: other });
      expect(otherTrees.notes).toEqual([]);
      await otherTrees.dispose();
    } finally {
      gitSync(repos.work, 'checkout', '--', 'version.txt');
    }
  });

  it('does not run the repository hooks when checking out', async () => {
    const marker = join(tempDir(), 'hook-ran');
    const hook = join(repos.work, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    try {
      const refs = await resolveRefs({ cwd: repos.work });
      const trees = await createWorktrees({ cwd: repos.work, refs });
      await trees.dispose();
      expect(existsSync(marker)).toBe(false);
      // The hook itself works: git runs it on an ordinary checkout.
      gitSync(repos.work, 'checkout', '--quiet', 'feature');
      expect(existsSync(marker)).toBe(true);
    } finally {
      writeFileSync(hook, '#!/bin/sh\n');
    }
  });
});
