// Test helpers that read escaped Markdown the way CommonMark and GitHub do, so tests can
// check what a reader would see rather than how the text happens to be spelled.

export const ZWJ = '\u200D';

/** mulberry32: a tiny seeded generator for test inputs (deterministic across runs). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/**
 * The text a reader sees for escaped inline Markdown with no markup left in it: backslash
 * escapes (CommonMark §2.4) and the three entities undone, the zero-width joiners dropped,
 * `<br>` read as a line break.
 */
export function renderedText(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length; i++) {
    const ch = markdown[i]!;
    const next = markdown[i + 1];
    if (ch === '\\' && next !== undefined && ASCII_PUNCT.test(next)) {
      out += next;
      i += 1;
    } else if (markdown.startsWith('&amp;', i)) {
      out += '&';
      i += 4;
    } else if (markdown.startsWith('&lt;', i)) {
      out += '<';
      i += 3;
    } else if (markdown.startsWith('&gt;', i)) {
      out += '>';
      i += 3;
    } else if (markdown.startsWith('<br>', i)) {
      out += '\n';
      i += 3;
    } else if (ch !== ZWJ) {
      out += ch;
    }
  }
  return out;
}

/** Characters that open inline Markdown and are not backslash-escaped. */
export function unescapedSpecials(markdown: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    const ch = markdown[i]!;
    if (ch === '\\') {
      i += 1; // the escaped character (or a literal backslash pair)
    } else if ('*_[]|~`$#'.includes(ch)) {
      found.push(ch);
    }
  }
  return found;
}

/** The cells of one GFM table row: pipes preceded by a backslash do not split (cmark-gfm). */
export function tableCells(row: string): string[] {
  const inner = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** GitHub's autolinks and notifications that escaped text must never trigger. */
export function autolinkTriggers(markdown: string): string[] {
  const patterns: Array<[string, RegExp]> = [
    ['mention', /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]/u],
    ['issue reference', /#\d/],
    ['GH reference', /\bGH-\d/i],
    ['url', /[a-z]:\/\//i],
    ['www', /\bwww\./i],
    ['html', /<(?!br>)/],
    ['comment', /<!--/],
  ];
  return patterns.filter(([, re]) => re.test(markdown)).map(([name]) => name);
}
