// What the sources say of a profiled function: its line range, and whether a real git diff
// touches it; base lines moved to where they are on head.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedRanges,
  functionEnd,
  headLine,
  parseHunks,
  readSources,
} from '../../src/profile/source.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const BASE = [
  'function a() {',
  '  return 1;',
  '}',
  '',
  'function b() {',
  '  return 2;',
  '}',
  '',
].join('\n');
// Two lines inserted above b, a's body changed.
const HEAD = [
  'function a() {',
  '  return 10;',
  '}',
  '',
  '// b, now documented',
  '// twice',
  'function b() {',
  '  return 2;',
  '}',
  '',
].join('\n');

describe('functionEnd', () => {
  it('follows braces past strings, templates and comments', () => {
    const text = [
      'const f = (x) => {',
      "  const s = '}';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal in the source under test
      '  const t = `${x} }`;',
      '  // }',
      '  /* } */',
      '  if (x) { return s; }',
      '  return t;',
      '};',
      'const g = (y) => y + 1;',
      '',
    ].join('\n');
    expect(functionEnd(text, 1)).toBe(8);
    expect(functionEnd(text, 9)).toBe(9);
    expect(functionEnd(text, 99)).toBeUndefined();
  });
});

describe('hunks', () => {
  const diff = [
    'diff --git a/x.js b/x.js',
    '--- a/x.js',
    '+++ b/x.js',
    '@@ -2 +2 @@ function a() {',
    '-  return 1;',
    '+  return 10;',
    '@@ -4,0 +5,2 @@',
    '+// b, now documented',
    '+// twice',
    '@@ -9,2 +11,0 @@',
    'diff --git a/gone.js b/gone.js',
    '--- a/gone.js',
    '+++ /dev/null',
    '@@ -1,3 +0,0 @@',
  ].join('\n');
  const hunks = parseHunks(diff);

  it('reads each file’s hunks by its head path; a deleted file has none', () => {
    expect([...hunks.keys()]).toEqual(['x.js']);
    expect(changedRanges(hunks.get('x.js')!)).toEqual([
      [2, 2],
      [5, 6],
      [11, 11],
    ]);
  });

  it('moves an unchanged base line past insertions and deletions; a changed one has no place', () => {
    const x = hunks.get('x.js')!;
    expect(headLine(x, 1)).toBe(1);
    expect(headLine(x, 2)).toBeUndefined();
    expect(headLine(x, 4)).toBe(4);
    expect(headLine(x, 5)).toBe(7);
    expect(headLine(x, 9)).toBeUndefined();
    expect(headLine(x, 12)).toBe(12);
  });
});

describe('readSources on a real repository', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;
  beforeAll(() => {
    repo = createRepo('perfgate-profile-source-');
    base = repo.commit('base', { 'src/x.js': BASE });
    head = repo.commit('head', { 'src/x.js': HEAD });
  });
  afterAll(() => repo?.dispose());

  it('says which functions the pull request changed, with their ranges and lines', async () => {
    const source = await readSources(repo.dir, repo.dir, base, head);
    expect(source.range('src/x.js', 1)).toEqual([1, 3]);
    expect(source.changed('src/x.js', 1, 3)).toBe(true);
    expect(source.range('src/x.js', 7)).toEqual([7, 9]);
    expect(source.changed('src/x.js', 7, 9)).toBe(false);
    expect(source.headLine('src/x.js', 5)).toBe(7);
    expect(source.lineText('src/x.js', 8)).toBe('  return 2;');
    expect(source.changed('src/other.js', 1, 100)).toBe(false);
    // Nothing outside the tree is read.
    expect(source.lineText('../../etc/passwd', 1)).toBeUndefined();
  });
});
