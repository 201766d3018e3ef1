// What the head tree's sources say about a profiled function: its line range (from its first
// line to the brace that closes its body), the text of a line, and whether the pull request's
// diff (`git diff -U0 merge-base..head`) touches those lines. The parsing is pure; `readSources`
// is the one place that reads files and runs git.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { git } from '../workspace/git.js';
import type { SourceLookup } from './diff.js';

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

/** The hunks of `git diff -U0 --no-renames` output, by the file's path on head. */
export function parseHunks(diff: string): Map<string, Hunk[]> {
  const hunks = new Map<string, Hunk[]>();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      file = name === '/dev/null' ? undefined : name.replace(/^b\//, '');
      if (file !== undefined && !hunks.has(file)) hunks.set(file, []);
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file !== undefined) {
      hunks.get(file)!.push({
        oldStart: Number(hunk[1]),
        oldCount: hunk[2] === undefined ? 1 : Number(hunk[2]),
        newStart: Number(hunk[3]),
        newCount: hunk[4] === undefined ? 1 : Number(hunk[4]),
      });
    }
  }
  return hunks;
}

/** Head's changed lines (1-based, inclusive): a hunk that only deletes marks the line after
 *  which it deleted. */
export function changedRanges(hunks: readonly Hunk[]): Array<[number, number]> {
  return hunks.map((h) => {
    const from = h.newCount === 0 ? Math.max(h.newStart, 1) : h.newStart;
    return [from, from + Math.max(h.newCount, 1) - 1];
  });
}

/** Where an unchanged line of base is on head; undefined for a line the diff changed. */
export function headLine(hunks: readonly Hunk[], line: number): number | undefined {
  let shift = 0;
  for (const h of hunks) {
    // A pure insertion (oldCount 0) goes after line oldStart.
    const lastOld = h.oldCount === 0 ? h.oldStart : h.oldStart + h.oldCount - 1;
    if (h.oldCount > 0 && line >= h.oldStart && line <= lastOld) return undefined;
    if (line > lastOld) shift += h.newCount - h.oldCount;
    else break;
  }
  return line + shift;
}

/**
 * The last line of the function starting at `line` (1-based): the line of the brace that closes
 * the first block opened at or after its start, skipping strings, template literals and
 * comments. An arrow function without braces ends on its own line.
 */
export function functionEnd(text: string, line: number): number | undefined {
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) return undefined;
  let offset = 0;
  for (const previous of lines.slice(0, line - 1)) offset += previous.length + 1;
  let depth = 0;
  let current = line;
  let opened = false;
  for (let i = offset; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      current++;
      // A body not opened on the first two lines: an expression arrow, or not a function.
      if (!opened && current > line + 1) return line;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      for (let j = i; j < end; j++) if (text[j] === '\n') current++;
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n') current++;
        j++;
      }
      i = j;
      continue;
    }
    if (c === '{') {
      depth++;
      opened = true;
    } else if (c === '}') {
      depth--;
      if (opened && depth === 0) return current;
    }
  }
  return opened ? undefined : line;
}

function overlaps(ranges: Array<[number, number]>, from: number, to: number): boolean {
  return ranges.some(([a, b]) => a <= to && b >= from);
}

/** A look-up over sources already read: `files` by their path relative to the tree. */
export function sourceLookup(
  files: (file: string) => string | undefined,
  hunks: Map<string, Hunk[]>,
): SourceLookup {
  return {
    headLine(file, line) {
      const fileHunks = hunks.get(file);
      return fileHunks === undefined ? line : headLine(fileHunks, line);
    },
    range(file, line) {
      const text = files(file);
      const end = text === undefined ? undefined : functionEnd(text, line);
      return end === undefined ? undefined : [line, end];
    },
    lineText(file, line) {
      return files(file)?.split('\n')[line - 1];
    },
    changed(file, from, to) {
      return overlaps(changedRanges(hunks.get(file) ?? []), from, to);
    },
  };
}

/**
 * The head tree's sources and the pull request's changed lines (`git diff -U0 mergeBase..head`
 * in `cwd`): files are read once each, and only inside `headDir`.
 */
export async function readSources(
  cwd: string,
  headDir: string,
  mergeBase: string,
  head: string,
): Promise<SourceLookup> {
  const diff = await git(
    ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', `${mergeBase}..${head}`],
    cwd,
  );
  const cache = new Map<string, string | undefined>();
  const files = (file: string) => {
    if (!cache.has(file)) {
      const full = path.resolve(headDir, file);
      let text: string | undefined;
      if (full.startsWith(path.resolve(headDir) + path.sep)) {
        try {
          text = readFileSync(full, 'utf8');
        } catch {
          text = undefined;
        }
      }
      cache.set(file, text);
    }
    return cache.get(file);
  };
  return sourceLookup(files, parseHunks(diff));
}
