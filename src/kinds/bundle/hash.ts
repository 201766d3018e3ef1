// Matching build outputs across the two sides when their names carry a content hash.
//
// The hash-detection rule, applied to the file's base name (the directory is kept as is):
//  1. `<name>-<8 chars>` before the first dot, as Rollup/Vite (`index-BcD3x9_a.js`, base64url, may
//     itself hold `-` or `_`) and esbuild (`chunk-5QJ2DHXJ.js`, base32) emit by default. The 8
//     characters count as a hash unless they read as a word (all lower-case letters, or one capital
//     then lower-case letters: `polyfill`, `Settings`).
//  2. `<name>-<hex>`: 6 to 64 hexadecimal characters with at least one digit after the last dash
//     (webpack `[name]-[contenthash]`).
//  3. a dot-separated part between the first and the last, e.g. `app.3f2a1c.js`,
//     `main.a1b2c3d4.chunk.js`: 6 to 64 hexadecimal characters with at least one digit, or 8 to 64
//     characters of [A-Za-z0-9_-] with at least one digit and one letter.
// The hash is replaced by `[hash]`; two files whose names become equal are the same output.
import { posix } from 'node:path';

export const HASH_PLACEHOLDER = '[hash]';

const HEX = /^[0-9a-f]{6,64}$/i;
const ALNUM = /^[A-Za-z0-9_-]{8,64}$/;
const WORDISH = /^(?:[a-z]+|[A-Z][a-z]+)$/;
const ROLLUP_HASH = /^[A-Za-z0-9_-]{8}$/;

function isHexHash(token: string): boolean {
  return HEX.test(token) && /[0-9]/.test(token);
}

function isDottedHash(token: string): boolean {
  if (isHexHash(token)) return true;
  return ALNUM.test(token) && /[0-9]/.test(token) && /[A-Za-z]/.test(token);
}

/** The path with a content hash in its base name replaced by `[hash]`; unchanged when none. */
export function hashlessName(path: string): string {
  const dir = posix.dirname(path);
  const base = posix.basename(path);
  const parts = base.split('.');
  const first = parts[0]!;
  let name: string | undefined;
  // Rule 1: `<name>-<8 chars>`.
  if (first.length > 9 && first[first.length - 9] === '-') {
    const tail = first.slice(-8);
    if (ROLLUP_HASH.test(tail) && !WORDISH.test(tail)) {
      name = [`${first.slice(0, -8)}${HASH_PLACEHOLDER}`, ...parts.slice(1)].join('.');
    }
  }
  // Rule 2: `<name>-<hex>`.
  if (name === undefined) {
    const dash = first.lastIndexOf('-');
    if (dash > 0 && isHexHash(first.slice(dash + 1))) {
      name = [`${first.slice(0, dash + 1)}${HASH_PLACEHOLDER}`, ...parts.slice(1)].join('.');
    }
  }
  // Rule 3: a hash between dots.
  if (name === undefined && parts.length >= 3) {
    const middle = parts.slice(1, -1).map((p) => (isDottedHash(p) ? HASH_PLACEHOLDER : p));
    if (middle.includes(HASH_PLACEHOLDER)) name = [first, ...middle, parts.at(-1)!].join('.');
  }
  if (name === undefined) return path;
  return dir === '.' ? name : `${dir}/${name}`;
}

export type MatchKind = 'name' | 'hash' | 'ambiguous';

export interface FilePair {
  base: string;
  head: string;
  /** How the two were matched: same path, same name but for the hash, or the best of several
   *  files with the same hashless name. */
  how: MatchKind;
}

export interface FileMatching {
  pairs: FilePair[];
  /** In head only. */
  added: string[];
  /** In base only. */
  removed: string[];
}

/**
 * Pairs the files of two sides: equal paths first, then equal hashless names. When several files
 * on a side share a hashless name (`chunk-[hash].js` from code splitting), pairs are formed
 * greedily by `similarity` (highest first, ties by path order), and the rest count as added or
 * removed. `similarity` returns a score in [0, 1].
 */
export function matchFiles(
  base: string[],
  head: string[],
  similarity: (base: string, head: string) => number,
): FileMatching {
  const headSet = new Set(head);
  const pairs: FilePair[] = [];
  const baseLeft: string[] = [];
  for (const path of base) {
    if (headSet.has(path)) pairs.push({ base: path, head: path, how: 'name' });
    else baseLeft.push(path);
  }
  const baseSet = new Set(base);
  const headLeft = head.filter((p) => !baseSet.has(p));

  const groups = new Map<string, { base: string[]; head: string[] }>();
  const groupOf = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { base: [], head: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const p of baseLeft) groupOf(hashlessName(p)).base.push(p);
  for (const p of headLeft) groupOf(hashlessName(p)).head.push(p);

  const added: string[] = [];
  const removed: string[] = [];
  for (const group of groups.values()) {
    if (group.base.length === 1 && group.head.length === 1) {
      pairs.push({ base: group.base[0]!, head: group.head[0]!, how: 'hash' });
      continue;
    }
    if (group.base.length === 0 || group.head.length === 0) {
      added.push(...group.head);
      removed.push(...group.base);
      continue;
    }
    const candidates: Array<{ b: string; h: string; score: number }> = [];
    for (const b of group.base) {
      for (const h of group.head) candidates.push({ b, h, score: similarity(b, h) });
    }
    candidates.sort((x, y) => y.score - x.score || cmp(x.b, y.b) || cmp(x.h, y.h));
    const usedBase = new Set<string>();
    const usedHead = new Set<string>();
    for (const c of candidates) {
      if (usedBase.has(c.b) || usedHead.has(c.h)) continue;
      usedBase.add(c.b);
      usedHead.add(c.h);
      pairs.push({ base: c.b, head: c.h, how: 'ambiguous' });
    }
    added.push(...group.head.filter((h) => !usedHead.has(h)));
    removed.push(...group.base.filter((b) => !usedBase.has(b)));
  }
  pairs.sort((x, y) => cmp(x.head, y.head));
  return { pairs, added: added.sort(), removed: removed.sort() };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
