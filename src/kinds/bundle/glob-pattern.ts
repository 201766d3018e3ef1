// The glob syntax of the bundle probe's `files` and `groups` (see glob.ts), compiled to
// regular expressions. Pure, so the config loader checks every pattern at load, before any build.
import { BadInputError } from '../../errors.js';

/** A pattern that cannot be compiled: names the pattern and what is wrong. */
export class GlobError extends BadInputError {
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

/** Why `pattern` (a `files` or `groups` entry, with an optional leading `!`) cannot be used, or
 *  undefined when it compiles. */
export function globProblem(pattern: string): string | undefined {
  try {
    globToRegExp(pattern.startsWith('!') ? pattern.slice(1) : pattern);
    return undefined;
  } catch (error) {
    if (error instanceof GlobError) return error.reason;
    throw error;
  }
}
