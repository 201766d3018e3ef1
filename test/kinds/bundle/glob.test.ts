import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileGlobs,
  findFiles,
  GlobError,
  globToRegExp,
  staticPrefix,
} from '../../../src/kinds/bundle/glob.js';

const matches = (glob: string, path: string) => globToRegExp(glob).test(path);

describe('globToRegExp', () => {
  it('matches * within one segment only', () => {
    expect(matches('dist/*.js', 'dist/app.js')).toBe(true);
    expect(matches('dist/*.js', 'dist/a/app.js')).toBe(false);
    expect(matches('dist/*.js', 'dist/app.css')).toBe(false);
    expect(matches('dist/*.js', 'dist/app.js.map')).toBe(false);
    expect(matches('*', 'a/b')).toBe(false);
  });

  it('matches ** as zero or more segments', () => {
    expect(matches('dist/**/*.js', 'dist/app.js')).toBe(true);
    expect(matches('dist/**/*.js', 'dist/a/b/c/app.js')).toBe(true);
    expect(matches('dist/**/*.js', 'other/app.js')).toBe(false);
    expect(matches('dist/**', 'dist/a/b.txt')).toBe(true);
    expect(matches('**/*.css', 'x.css')).toBe(true);
    expect(matches('**/*.css', 'a/b/x.css')).toBe(true);
    expect(matches('dist/**/vendor/*.js', 'dist/vendor/a.js')).toBe(true);
    expect(matches('dist/**/vendor/*.js', 'dist/x/vendor/a.js')).toBe(true);
    expect(matches('dist/**/vendor/*.js', 'dist/x/vendors/a.js')).toBe(false);
  });

  it('matches ?, classes, negated classes and braces', () => {
    expect(matches('a?.js', 'ab.js')).toBe(true);
    expect(matches('a?.js', 'a/.js')).toBe(false);
    expect(matches('a?.js', 'abc.js')).toBe(false);
    expect(matches('[ab].js', 'b.js')).toBe(true);
    expect(matches('[ab].js', 'c.js')).toBe(false);
    expect(matches('x[0-9].js', 'x7.js')).toBe(true);
    expect(matches('[!ab].js', 'c.js')).toBe(true);
    expect(matches('[^ab].js', 'a.js')).toBe(false);
    expect(matches('dist/*.{js,css}', 'dist/a.css')).toBe(true);
    expect(matches('dist/*.{js,css}', 'dist/a.html')).toBe(false);
    expect(matches('dist/{a,b{c,d}}.js', 'dist/bd.js')).toBe(true);
    expect(matches('dist/{a,b{c,d}}.js', 'dist/b.js')).toBe(false);
  });

  it('treats regular-expression characters and escapes literally', () => {
    expect(matches('dist/a+b(1).js', 'dist/a+b(1).js')).toBe(true);
    expect(matches('dist/a.js', 'dist/aXjs')).toBe(false);
    expect(matches('dist/\\*.js', 'dist/*.js')).toBe(true);
    expect(matches('dist/\\*.js', 'dist/a.js')).toBe(false);
    expect(matches('dist/$x^.js', 'dist/$x^.js')).toBe(true);
  });

  it('does not let wildcards match dot segments unless the pattern spells the dot', () => {
    expect(matches('dist/*.js', 'dist/.hidden.js')).toBe(false);
    expect(matches('dist/**/*.js', 'dist/.cache/a.js')).toBe(false);
    expect(matches('dist/.*.js', 'dist/.hidden.js')).toBe(true);
    expect(matches('dist/.vite/*.json', 'dist/.vite/manifest.json')).toBe(true);
  });

  it('rejects patterns it cannot honour, naming the pattern', () => {
    expect(() => globToRegExp('')).toThrow(GlobError);
    expect(() => globToRegExp('/abs/*.js')).toThrow(/"\/abs\/\*\.js".*relative/);
    expect(() => globToRegExp('../x/*.js')).toThrow(/leave the tree/);
    expect(() => globToRegExp('dist/[ab.js')).toThrow(/unclosed '\['/);
    expect(() => globToRegExp('dist/{a,b.js')).toThrow(/unclosed '\{'/);
    expect(() => globToRegExp('dist/a\\')).toThrow(/lone backslash/);
    expect(() => globToRegExp('{a/b,c}.js')).toThrow(/inside braces/);
  });

  it('finds the static prefix a walk starts from', () => {
    expect(staticPrefix('dist/assets/*.js')).toBe('dist/assets');
    expect(staticPrefix('dist/**/*.js')).toBe('dist');
    expect(staticPrefix('*.js')).toBe('');
    expect(staticPrefix('!dist/x/*.map')).toBe('dist/x');
    expect(staticPrefix('dist/{a,b}/x.js')).toBe('dist');
  });

  it('applies ! patterns as exclusions', () => {
    const set = compileGlobs(['dist/**/*.js', '!dist/**/*.test.js']);
    expect(set.matches('dist/a.js')).toBe(true);
    expect(set.matches('dist/x/a.test.js')).toBe(false);
  });
});

describe('findFiles', () => {
  let root: string;
  const files = [
    'dist/index.html',
    'dist/assets/index-BcD3x9_a.js',
    'dist/assets/index-BcD3x9_a.js.map',
    'dist/assets/style-W1erjkBN.css',
    'dist/assets/deep/chunk-5QJ2DHXJ.js',
    'dist/.cache/x.js',
    'dist/node_modules/ignored.js',
    'src/main.js',
    'node_modules/pkg/index.js',
  ];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'perfgate-glob-'));
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), f);
    }
    symlinkSync(join(root, 'src/main.js'), join(root, 'dist/assets/linked.js'));
    symlinkSync(join(root, 'src'), join(root, 'dist/assets/linked-dir.js'));
    symlinkSync(join(root, 'missing.js'), join(root, 'dist/assets/dangling.js'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists matching files relative to the root, sorted', async () => {
    expect(await findFiles(root, ['dist/**/*.js', 'dist/**/*.css'])).toEqual([
      'dist/assets/deep/chunk-5QJ2DHXJ.js',
      'dist/assets/index-BcD3x9_a.js',
      'dist/assets/linked.js',
      'dist/assets/style-W1erjkBN.css',
    ]);
  });

  it('follows links to files but not to directories, and skips dangling links', async () => {
    const found = await findFiles(root, ['dist/assets/*.js']);
    expect(found).toContain('dist/assets/linked.js');
    expect(found).not.toContain('dist/assets/linked-dir.js');
    expect(found).not.toContain('dist/assets/dangling.js');
  });

  it('skips node_modules unless a pattern names it, and honours exclusions', async () => {
    expect(await findFiles(root, ['**/*.js', '!dist/**'])).toEqual(['src/main.js']);
    expect(await findFiles(root, ['node_modules/**/*.js'])).toEqual(['node_modules/pkg/index.js']);
  });

  it('returns nothing for a prefix that does not exist', async () => {
    expect(await findFiles(root, ['build/**/*.js'])).toEqual([]);
  });
});
