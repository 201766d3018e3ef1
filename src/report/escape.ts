// Escaping of untrusted text for GitHub-flavoured Markdown and for Mermaid.
// In `compare` mode branch and benchmark names come from the pull request; in `report`
// mode the whole result comes from an artifact a fork built. Nothing in it may add
// HTML (a `</details>` or `<img onerror>`), links, mentions, issue cross-references,
// table cells, or a copy of the hidden marker that finds the comment again.

/** U+200D between `@` and a name (or `#` and a number) stops GitHub's autolinking. */
const ZWJ = '\u200D';
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;
// C0/C1 controls and DEL, and bidirectional overrides and isolates (Trojan Source), which
// would make text display differently from what it is. Tabs become spaces.
const UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069]/g;

function clean(text: string): string {
  return text.replace(/\t/g, ' ').replace(UNSAFE, '\uFFFD');
}

function escapeInline(text: string): string {
  return (
    text
      // Backslash escapes for every character that starts inline Markdown (CommonMark
      // allows a backslash before any ASCII punctuation); HTML characters as entities,
      // because backslashes do not stop raw HTML.
      .replace(/[\\`*_[\]|~#$&<>@]/g, (ch: string, offset: number, whole: string) => {
        switch (ch) {
          case '&':
            return '&amp;';
          case '<':
            return '&lt;';
          case '>':
            return '&gt;';
          case '@':
            return `@${ZWJ}`;
          case '#':
            return /\d/.test(whole[offset + 1] ?? '') ? `\\#${ZWJ}` : '\\#';
          default:
            return `\\${ch}`;
        }
      })
      // GitHub turns bare URLs, www. addresses and GH-123 into links after parsing, so
      // backslashes cannot stop them; a zero-width joiner does.
      .replace(/:\/\//g, `:${ZWJ}//`)
      .replace(/\b(www)\./gi, `$1${ZWJ}.`)
      .replace(/\b(GH)-(?=\d)/gi, `$1${ZWJ}-`)
  );
}

/**
 * Plain text made safe anywhere in a Markdown line, including where a block could start
 * (a list item, a paragraph) and inside table cells: every kind of line break becomes a
 * space, control and bidi-override characters become U+FFFD, and Markdown, HTML, mentions
 * and autolinks are neutralised. The rendered text reads as the input did.
 */
export function escapeMarkdown(text: string): string {
  return escapeInlineMarkdown(text)
    .replace(/^[-+=]/, (ch) => `\\${ch}`)
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * As escapeMarkdown, for text that follows other text on its line (so it cannot start a
 * list or a heading): `1.0` stays `1.0` instead of `1\.0`.
 */
export function escapeInlineMarkdown(text: string): string {
  return escapeInline(clean(String(text).split(LINE_BREAK).join(' ')).trim());
}

/**
 * Plain text made safe inside one GitHub table cell. Cells hold inline content only, so
 * no block-start escapes are needed; line breaks become `<br>` (which GitHub renders in
 * cells) instead of ending the row, and `|` cannot split the cell.
 */
export function escapeTableCell(text: string): string {
  const lines = String(text)
    .split(LINE_BREAK)
    .map((line) => clean(line).trim());
  // Blank lines at either end would only add space to the row.
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map(escapeInline).join('<br>');
}

/**
 * Text made safe for one line of a terminal: line breaks become spaces, and control
 * characters (ESC of an ANSI sequence among them) and bidi overrides become U+FFFD.
 */
export function plainText(text: string): string {
  return clean(String(text).split(LINE_BREAK).join(' '));
}

/** At most `max` code points (never splitting a surrogate pair), with `…` when cut. */
export function truncate(text: string, max: number): string {
  const s = String(text);
  // A string has at least as many UTF-16 code units as code points.
  if (s.length <= max) return s;
  let points = 0;
  let cut = -1;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    // The low half of a surrogate pair belongs to the code point before it.
    if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
      const prev = s.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    points += 1;
    if (points === max) cut = i;
    // `cut` is where the max-th code point starts: keep max − 1 of them and the ellipsis.
    if (points > max) return `${s.slice(0, Math.max(0, cut))}…`;
  }
  return s;
}

/**
 * Text for a quoted Mermaid label. Mermaid has its own entity syntax (`#quot;`), directives
 * (`%%`) and HTML labels, and a backtick could end the code fence, so only letters, digits
 * and a few harmless punctuation marks are kept.
 */
export function mermaidText(text: string, max = 80): string {
  const kept = clean(String(text))
    .replace(/[^\p{L}\p{N} ._/:,+()-]/gu, '_')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(kept, max);
}
