// Glob matching for the bundle probe's `files` and `groups`. Node 20 has no stable fs.glob and the
// project takes no glob dependency, so this is a small matcher of its own:
//   `*`   any run of characters within one path segment
//   `?`   one character within a segment
//   `**`  as a whole segment: zero or more segments
//   `[a-z]`, `[!a-z]` / `[^a-z]`  a character class within a segment
//   `{a,b}`  alternatives (nestable)
//   `\x`  the character x literally
// A leading `!` makes a pattern exclude what it matches. Like fast-glob's default, `*`, `?` and
// `**` do not match a segment that starts with a dot unless the pattern spells the dot.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { globToRegExp } from './glob-pattern.js';

export { GlobError, globToRegExp } from './glob-pattern.js';

/** The leading segments of a pattern that hold no wildcard: where a walk for it can start. */
export function staticPrefix(pattern: string): string {
  const segments = pattern.replace(/^!/, '').split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\]{}\\]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

/** A set of include and exclude (`!`) patterns compiled once. */
export interface GlobSet {
  patterns: string[];
  matches(path: string): boolean;
}

export function compileGlobs(patterns: string[]): GlobSet {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const p of patterns) {
    if (p.startsWith('!')) exclude.push(globToRegExp(p.slice(1)));
    else include.push(globToRegExp(p));
  }
  return {
    patterns,
    matches: (path) => include.some((r) => r.test(path)) && !exclude.some((r) => r.test(path)),
  };
}

/** Directories a walk never enters unless a pattern names them literally. */
const PRUNED = new Set(['node_modules', '.git']);

/**
 * The files under `root` that match `patterns`, as `/`-separated paths relative to root, sorted.
 * Walks only below each pattern's static prefix. Symbolic links to files count as files; links to
 * directories are not followed (no cycles).
 */
export async function findFiles(root: string, patterns: string[]): Promise<string[]> {
  const set = compileGlobs(patterns);
  const includes = patterns.filter((p) => !p.startsWith('!'));
  const namesPruned = (name: string) =>
    PRUNED.has(name) && !includes.some((p) => p.split('/').includes(name));
  // Walk each distinct prefix once; a prefix inside another prefix is covered by the outer walk.
  const prefixes = [...new Set(includes.map(staticPrefix))].sort();
  const roots = prefixes.filter(
    (p, i) => !prefixes.slice(0, i).some((q) => q === '' || p.startsWith(`${q}/`)),
  );
  const found = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    const below: Promise<void>[] = [];
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!namesPruned(entry.name)) below.push(walk(path));
      } else if (entry.isFile() && set.matches(path)) {
        found.add(path);
      } else if (entry.isSymbolicLink() && set.matches(path)) {
        below.push(
          stat(join(root, path)).then(
            (s) => void (s.isFile() && found.add(path)),
            () => undefined, // a dangling link is not a file
          ),
        );
      }
    }
    await Promise.all(below);
  };
  await Promise.all(roots.map(walk));
  return [...found].sort();
}
