import { describe, expect, it } from 'vitest';
import { hashlessName, matchFiles } from '../../../src/kinds/bundle/hash.js';

describe('hashlessName', () => {
  it.each([
    // Rollup / Vite 8: `[name]-[hash]` with 8 base64url characters, which may hold - and _.
    ['dist/assets/index-BcD3x9_a.js', 'dist/assets/index-[hash].js'],
    ['dist/assets/index-D_DU5glp.js', 'dist/assets/index-[hash].js'],
    ['dist/assets/index-B-x9_aZ1.js', 'dist/assets/index-[hash].js'],
    ['dist/assets/vendor-react-Cx8_k2Ab.js', 'dist/assets/vendor-react-[hash].js'],
    ['dist/assets/index-W1erjkBN.css', 'dist/assets/index-[hash].css'],
    // esbuild: base32 upper case, sometimes without a digit.
    ['out/chunk-5QJ2DHXJ.js', 'out/chunk-[hash].js'],
    ['out/main-ABCDEFGH.js', 'out/main-[hash].js'],
    ['out/main-2DHUINK3.js.map', 'out/main-[hash].js.map'],
    // webpack: hex between dots or after a dash, any length from 6.
    ['app.3f2a1c.js', 'app.[hash].js'],
    ['static/js/main.a1b2c3d4.chunk.js', 'static/js/main.[hash].chunk.js'],
    ['static/js/2.3f2a1c9e.chunk.js', 'static/js/2.[hash].chunk.js'],
    ['js/app-0123456789abcdef0123.js', 'js/app-[hash].js'],
    ['css/app.9f86d081884c7d65.css', 'css/app.[hash].css'],
    // Not hashes: words, versions, plain names.
    ['dist/app.js', 'dist/app.js'],
    ['dist/polyfill.min.js', 'dist/polyfill.min.js'],
    ['dist/react-dom.production.min.js', 'dist/react-dom.production.min.js'],
    ['dist/vendor-polyfill.js', 'dist/vendor-polyfill.js'],
    ['dist/page-Settings.js', 'dist/page-Settings.js'],
    ['dist/jquery-3.7.1.min.js', 'dist/jquery-3.7.1.min.js'],
    ['dist/lib.es2015.js', 'dist/lib.es2015.js'],
    ['dist/facade.decade.js', 'dist/facade.decade.js'],
  ])('%s → %s', (path, expected) => {
    expect(hashlessName(path)).toBe(expected);
  });
});

describe('matchFiles', () => {
  const sizeOf: Record<string, number> = {};
  const bySize = (b: string, h: string) => {
    const x = sizeOf[b] ?? 0;
    const y = sizeOf[h] ?? 0;
    return Math.min(x, y) / Math.max(x, y);
  };

  it('pairs equal paths, then names that differ only by a Vite content hash', () => {
    const m = matchFiles(
      [
        'dist/assets/index-BcD3x9_a.js',
        'dist/assets/index-W1erjkBN.css',
        'dist/favicon.svg',
        'dist/old.js',
      ],
      [
        'dist/assets/index-D_DU5glp.js',
        'dist/assets/index-W1erjkBN.css',
        'dist/favicon.svg',
        'dist/new.js',
      ],
      () => 0,
    );
    expect(m.pairs).toEqual([
      { base: 'dist/assets/index-BcD3x9_a.js', head: 'dist/assets/index-D_DU5glp.js', how: 'hash' },
      {
        base: 'dist/assets/index-W1erjkBN.css',
        head: 'dist/assets/index-W1erjkBN.css',
        how: 'name',
      },
      { base: 'dist/favicon.svg', head: 'dist/favicon.svg', how: 'name' },
    ]);
    expect(m.added).toEqual(['dist/new.js']);
    expect(m.removed).toEqual(['dist/old.js']);
  });

  it('does not pair files in different folders or with different extensions', () => {
    const m = matchFiles(
      ['a/app.3f2a1c.js', 'app.3f2a1c.css'],
      ['b/app.91bd0e.js', 'app.91bd0e.js'],
      () => 1,
    );
    expect(m.pairs).toEqual([]);
    expect(m.added).toEqual(['app.91bd0e.js', 'b/app.91bd0e.js']);
    expect(m.removed).toEqual(['a/app.3f2a1c.js', 'app.3f2a1c.css']);
  });

  it('resolves several files sharing a stem by similarity, and reports the rest', () => {
    Object.assign(sizeOf, {
      'out/chunk-AAAA1111.js': 1000,
      'out/chunk-BBBB2222.js': 50_000,
      'out/chunk-CCCC3333.js': 51_000,
      'out/chunk-DDDD4444.js': 1100,
      'out/chunk-EEEE5555.js': 7000,
    });
    const m = matchFiles(
      ['out/chunk-AAAA1111.js', 'out/chunk-BBBB2222.js'],
      ['out/chunk-CCCC3333.js', 'out/chunk-DDDD4444.js', 'out/chunk-EEEE5555.js'],
      bySize,
    );
    expect(m.pairs).toEqual([
      { base: 'out/chunk-BBBB2222.js', head: 'out/chunk-CCCC3333.js', how: 'ambiguous' },
      { base: 'out/chunk-AAAA1111.js', head: 'out/chunk-DDDD4444.js', how: 'ambiguous' },
    ]);
    expect(m.added).toEqual(['out/chunk-EEEE5555.js']);
    expect(m.removed).toEqual([]);
  });

  it('is deterministic when scores tie', () => {
    const base = ['x/a-11111111.js', 'x/a-22222222.js'];
    const head = ['x/a-33333333.js', 'x/a-44444444.js'];
    const once = matchFiles(base, head, () => 0.5);
    expect(matchFiles([...base].reverse(), [...head].reverse(), () => 0.5)).toEqual(once);
    expect(once.pairs.map((p) => [p.base, p.head])).toEqual([
      ['x/a-11111111.js', 'x/a-33333333.js'],
      ['x/a-22222222.js', 'x/a-44444444.js'],
    ]);
  });
});
