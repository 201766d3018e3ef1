import { describe, expect, it } from 'vitest';
import {
  escapeInlineMarkdown,
  escapeMarkdown,
  escapeTableCell,
  mermaidText,
  plainText,
  truncate,
} from '../../src/report/escape.js';
import {
  autolinkTriggers,
  renderedText,
  seededRandom,
  tableCells,
  unescapedSpecials,
  ZWJ,
} from './markdown-checks.js';

describe('escapeMarkdown', () => {
  it('turns HTML into text, so a name cannot close <details> or run script', () => {
    expect(escapeMarkdown('</details><img src=x onerror=alert(1)>')).toBe(
      '&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(escapeMarkdown('<!-- perfgate:default -->')).toBe('&lt;!-- perfgate:default --&gt;');
    expect(escapeMarkdown('&lt;b&gt; & co')).toBe('&amp;lt;b&amp;gt; &amp; co');
  });

  it('stops links, images and emphasis', () => {
    expect(escapeMarkdown('[link](javascript:alert(1))')).toBe('\\[link\\](javascript:alert(1))');
    expect(escapeMarkdown('![x](https://evil.example/a.png)')).toBe(
      `!\\[x\\](https:${ZWJ}//evil.example/a.png)`,
    );
    expect(escapeMarkdown('**bold** _it_ ~~gone~~ `code` $x^2$')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\`code\\` \\$x^2\\$',
    );
    expect(escapeMarkdown('C:\\path\\*')).toBe('C:\\\\path\\\\\\*');
  });

  it('stops mentions, issue references and bare links with a zero-width joiner', () => {
    expect(escapeMarkdown('@everyone')).toBe(`@${ZWJ}everyone`);
    expect(escapeMarkdown('cc @org/team')).toBe(`cc @${ZWJ}org/team`);
    expect(escapeMarkdown('fixes #123 and acme/shop#45, not #main')).toBe(
      `fixes \\#${ZWJ}123 and acme/shop\\#${ZWJ}45, not \\#main`,
    );
    expect(escapeMarkdown('see GH-12')).toBe(`see GH${ZWJ}-12`);
    expect(escapeMarkdown('https://evil.example or WWW.evil.example')).toBe(
      `https:${ZWJ}//evil.example or WWW${ZWJ}.evil.example`,
    );
    expect(escapeMarkdown('mail me@example.com')).toBe(`mail me@${ZWJ}example.com`);
  });

  it('keeps one line and cannot start a block', () => {
    expect(escapeMarkdown('line 1\nline 2\r\n| --- |\u2028x')).toBe('line 1 line 2 \\| --- \\| x');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+1')).toBe('\\+1');
    expect(escapeMarkdown('1. first')).toBe('1\\. first');
    expect(escapeMarkdown('2) second')).toBe('2\\) second');
    expect(escapeMarkdown('# heading')).toBe('\\# heading');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('    indented code')).toBe('indented code');
    expect(escapeMarkdown('===')).toBe('\\===');
    // Mid-line text needs no block escapes.
    expect(escapeInlineMarkdown('1.0.2')).toBe('1.0.2');
  });

  it('replaces control and bidi-override characters', () => {
    expect(escapeMarkdown('a\u001b[31mred\u0000')).toBe('a\uFFFD\\[31mred\uFFFD');
    expect(escapeMarkdown('abc\u202Efed\u2066')).toBe('abc\uFFFDfed\uFFFD');
    expect(escapeMarkdown('tab\there')).toBe('tab here');
  });
});

describe('escapeTableCell', () => {
  it('keeps a hostile value inside one cell', () => {
    const row = `| ${escapeTableCell('a | b')} | ${escapeTableCell('| --- |\n| x | y |')} | z |`;
    expect(row).toBe('| a \\| b | \\| --- \\|<br>\\| x \\| y \\| | z |');
    expect(tableCells(row)).toHaveLength(3);
    // A backslash before a pipe in the input stays a literal backslash.
    expect(escapeTableCell('a\\|b')).toBe('a\\\\\\|b');
    expect(tableCells(`| ${escapeTableCell('a\\|b')} |`)).toEqual(['a\\\\\\|b']);
  });

  it('needs no block escapes: cells hold inline content only', () => {
    expect(escapeTableCell('+12.3%')).toBe('+12.3%');
    expect(escapeTableCell('[+8.1%, +16.0%]')).toBe('\\[+8.1%, +16.0%\\]');
    expect(escapeTableCell('< 0.001')).toBe('&lt; 0.001');
  });
});

describe('escaping, over many seeded random hostile strings', () => {
  const pieces = [
    '<',
    '>',
    '&',
    '&amp;',
    '<!--',
    '-->',
    '</details>',
    '<img src=x onerror=alert(1)>',
    '|',
    '| --- |',
    '\\',
    '\\|',
    '`',
    '```',
    '*',
    '_',
    '[',
    ']',
    '(',
    ')',
    '![',
    '](',
    'javascript:',
    '~',
    '$',
    '#',
    '#1',
    '#123',
    '@',
    '@everyone',
    '@org/team',
    'GH-7',
    'https://evil.example',
    'www.x.y',
    '\n',
    '\r\n',
    '\t',
    '\u2028',
    ' ',
    '  ',
    '-',
    '+',
    '1.',
    '2)',
    '=',
    '>',
    'a',
    'Zürich',
    '日本',
    '😀',
    '\u202E',
    '\u001b[0m',
    '\u0085',
    ':',
  ];
  const random = seededRandom(20240514);
  const inputs = Array.from({ length: 2000 }, () => {
    const n = 1 + Math.floor(random() * 12);
    return Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]).join('');
  });

  /** What escaping promises a reader sees: the input with controls replaced, on one line
   *  (escapeMarkdown) or its lines trimmed and blank lines at the ends dropped (cells). */
  const cleaned = (line: string) =>
    line
      .replace(/\t/g, ' ')
      .replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD');
  const lineBreak = /\r\n|[\n\r\u0085\u2028\u2029]/;
  const oneLine = (input: string) => cleaned(input.split(lineBreak).join(' ')).trim();
  const cellLines = (input: string) => {
    const lines = input.split(lineBreak).map((line) => cleaned(line).trim());
    while (lines[0] === '') lines.shift();
    while (lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  };

  it('escapeMarkdown leaves no markup, no HTML, no autolink and reads as the input', () => {
    for (const input of inputs) {
      const out = escapeMarkdown(input);
      expect(out).not.toMatch(/[\n\r]/);
      expect(unescapedSpecials(out), JSON.stringify(input)).toEqual([]);
      expect(autolinkTriggers(out), JSON.stringify(input)).toEqual([]);
      expect(renderedText(out), JSON.stringify(input)).toBe(oneLine(input));
    }
  });

  it('escapeTableCell stays in one cell and reads as the input, line breaks kept', () => {
    for (const input of inputs) {
      const out = escapeTableCell(input);
      expect(out).not.toMatch(/[\n\r]/);
      expect(tableCells(`| ${out} | next |`), JSON.stringify(input)).toHaveLength(2);
      expect(unescapedSpecials(out), JSON.stringify(input)).toEqual([]);
      expect(autolinkTriggers(out), JSON.stringify(input)).toEqual([]);
      expect(renderedText(out), JSON.stringify(input)).toBe(cellLines(input));
    }
  });
});

describe('truncate, plainText and mermaidText', () => {
  it('cuts by code points, never inside a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    const long = 'x'.repeat(10_000);
    expect(Array.from(truncate(long, 120))).toHaveLength(120);
  });

  it('plainText removes what a terminal would act on', () => {
    expect(plainText('feat\u001b]0;pwned\u0007\nnext')).toBe('feat\uFFFD]0;pwned\uFFFD next');
    expect(plainText('\u009b31m')).toBe('\uFFFD31m');
  });

  it('mermaidText keeps only letters, digits and harmless punctuation', () => {
    expect(mermaidText('api GET /orders p50')).toBe('api GET /orders p50');
    expect(mermaidText('x"] ; click A call alert() %%{init: {}}%% ```\n#quot;')).toBe(
      'x__ _ click A call alert() ___init: _____ _____quot_',
    );
    expect(mermaidText('Zürich 日本 <b>')).toBe('Zürich 日本 _b_');
    expect(Array.from(mermaidText('y'.repeat(500)))).toHaveLength(80);
  });
});

describe('the test helpers', () => {
  it('see markup, autolinks and cells in unescaped text (so the checks above can fail)', () => {
    expect(unescapedSpecials('a *b* [c] `d` \\*e')).toEqual(['*', '*', '[', ']', '`', '`']);
    expect(autolinkTriggers('hi @everyone, see #12 at https://x.y or <img>')).toEqual([
      'mention',
      'issue reference',
      'url',
      'html',
    ]);
    expect(tableCells('| a | b \\| c | d |')).toEqual(['a', 'b \\| c', 'd']);
    expect(renderedText('\\[x\\] &lt;b&gt; a<br>b')).toBe('[x] <b> a\nb');
  });
});
