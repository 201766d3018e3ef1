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

const ALLOWED_TAGS = /^<\/?(details|summary|sub)>|^<br>/;
const MERMAID_LINES = [
  /^---$/,
  /^config:$/,
  /^ {2}themeVariables:$/,
  /^ {4}xyChart:$/,
  /^ {6}plotColorPalette: "#[0-9a-f]{6}, #[0-9a-f]{6}(, #[0-9a-f]{6})?"$/,
  /^xychart-beta$/,
  /^ {2}title "[\p{L}\p{N} ._/:,+()…-]*"$/u,
  /^ {2}x-axis "round" 1 --> \d+$/,
  /^ {2}x-axis "round \(1 in \d+\)" \[[\d, ]+\]$/,
  /^ {2}x-axis "offered load \(req\/s\)" \[[\d., ]+\]$/,
  /^ {2}y-axis "[\p{L}\p{N} ._/:,+()-]*"$/u,
  /^ {2}line \[[-\d., ]*\]$/,
];

/**
 * Problems a hostile result could cause in a rendered report: HTML other than the
 * renderer's own tags, unbalanced collapsible blocks, a forged marker, mentions and
 * autolinks, table rows whose cell count differs from their header, and Mermaid lines
 * outside a strict grammar. `ownLinks` are the renderer's own links, left out of the checks.
 */
export function markdownProblems(body: string, ownLinks: string[] = []): string[] {
  const problems: string[] = [];
  let text = body;
  for (const link of ownLinks) text = text.split(link).join('');
  const lines = text.split('\n');
  let inFence = false;
  let cells: number | undefined;
  const prose: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.startsWith('```')) {
      if (!inFence && line !== '```mermaid')
        problems.push(`line ${i + 1}: unexpected fence ${line}`);
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (!MERMAID_LINES.some((re) => re.test(line)))
        problems.push(`line ${i + 1}: mermaid ${line}`);
      continue;
    }
    prose.push(line);
    if (line.startsWith('|')) {
      const n = tableCells(line).length;
      if (cells === undefined) cells = n;
      else if (n !== cells) problems.push(`line ${i + 1}: ${n} cells, header has ${cells}`);
    } else {
      cells = undefined;
    }
    for (let at = line.indexOf('<'); at >= 0; at = line.indexOf('<', at + 1)) {
      if (!ALLOWED_TAGS.test(line.slice(at)))
        problems.push(`line ${i + 1}: HTML ${line.slice(at, at + 40)}`);
    }
  }
  if (inFence) problems.push('unclosed code fence');
  const all = prose.join('\n');
  for (const tag of ['details', 'summary', 'sub']) {
    const open = all.split(`<${tag}>`).length;
    const close = all.split(`</${tag}>`).length;
    if (open !== close) problems.push(`unbalanced <${tag}>: ${open - 1} open, ${close - 1} closed`);
  }
  for (const trigger of autolinkTriggers(all.replace(/<\/?(details|summary|sub)>|<br>/g, ''))) {
    problems.push(`autolink: ${trigger}`);
  }
  return problems;
}
