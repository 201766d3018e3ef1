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

/** A pattern that cannot be compiled: names the pattern and what is wrong. */
export class GlobError extends Error {
  override name = 'GlobError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid glob ${JSON.stringify(pattern)}: ${reason}`);
  }
}

const SEGMENT_CHAR = '[^/]';
const NOT_DOT_START = '(?!\\.)';

/** The regular expression of one glob (without a leading `!`), anchored at both ends. */
export function globToRegExp(pattern: string): RegExp {
  if (pattern === '') throw new GlobError(pattern, 'is empty');
  if (pattern.startsWith('/')) throw new GlobError(pattern, 'must be relative to the tree root');
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === '/' && depth > 0) {
      throw new GlobError(pattern, "has '/' inside braces; write one pattern per path instead");
    }
  }
  const segments = pattern.split('/');
  if (segments.some((s) => s === '..')) {
    throw new GlobError(pattern, "must not leave the tree root ('..')");
  }
  let source = '^';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Zero or more whole segments, none starting with a dot.
      source += last
        ? `(?:${NOT_DOT_START}${SEGMENT_CHAR}+(?:/|$))*`
        : `(?:${NOT_DOT_START}${SEGMENT_CHAR}+/)*`;
      continue;
    }
    if (segment === '' && !last) throw new GlobError(pattern, 'has an empty path segment (//)');
    source += segmentSource(segment, pattern);
    if (!last) source += '/';
  }
  return new RegExp(`${source}$`);
}

function segmentSource(segment: string, pattern: string): string {
  const startsWithWildcard = /^[*?[{]/.test(segment);
  return (startsWithWildcard ? NOT_DOT_START : '') + translate(segment, pattern);
}

function translate(text: string, pattern: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 >= text.length) throw new GlobError(pattern, 'ends with a lone backslash');
      out += escapeRegExp(text[i + 1]!);
      i += 2;
    } else if (c === '*') {
      while (text[i] === '*') i++;
      out += `${SEGMENT_CHAR}*`;
    } else if (c === '?') {
      out += SEGMENT_CHAR;
      i++;
    } else if (c === '[') {
      const end = classEnd(text, i);
      if (end < 0) throw new GlobError(pattern, `has an unclosed '[' at ${i}`);
      let body = text.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&');
      out += negate ? `(?!/)[^${cls}]` : `[${cls}]`;
      i = end + 1;
    } else if (c === '{') {
      const end = braceEnd(text, i);
      if (end < 0) throw new GlobError(pattern, `has an unclosed '{' at ${i}`);
      const options = splitTopLevel(text.slice(i + 1, end));
      out += `(?:${options.map((o) => translate(o, pattern)).join('|')})`;
      i = end + 1;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return out;
}

function classEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === '!' || text[i] === '^') i++;
  if (text[i] === ']') i++; // a leading ']' is literal
  for (; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ']') return i;
  }
  return -1;
}

function braceEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

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
