import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateComposition,
  attributeBytes,
  CompositionError,
  compositionFromSourceMap,
  compositionsFromMetafile,
  type FileComposition,
  normalizeSource,
  packageOf,
  sourceMappingUrl,
} from '../../../src/kinds/bundle/composition.js';
import { jsLikeText, mulberry32 } from './helpers.js';

describe('packageOf', () => {
  it.each([
    [
      'node_modules/react/index.js',
      { name: 'react', root: 'node_modules/react', subpath: 'index.js' },
    ],
    [
      'node_modules/@babel/runtime/helpers/x.js',
      { name: '@babel/runtime', root: 'node_modules/@babel/runtime', subpath: 'helpers/x.js' },
    ],
    [
      'node_modules/a/node_modules/b/lib/b.js',
      { name: 'b', root: 'node_modules/a/node_modules/b', subpath: 'lib/b.js' },
    ],
    [
      'node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js',
      {
        name: 'lodash',
        root: 'node_modules/.pnpm/lodash@4.17.21/node_modules/lodash',
        subpath: 'lodash.js',
        version: '4.17.21',
      },
    ],
    [
      'node_modules/.pnpm/@vue+shared@3.4.0_typescript@5.3.0/node_modules/@vue/shared/dist/s.js',
      {
        name: '@vue/shared',
        root: 'node_modules/.pnpm/@vue+shared@3.4.0_typescript@5.3.0/node_modules/@vue/shared',
        subpath: 'dist/s.js',
        version: '3.4.0',
      },
    ],
    [
      'node_modules/.pnpm/react-dom@18.2.0(react@18.2.0)/node_modules/react-dom/index.js',
      {
        name: 'react-dom',
        root: 'node_modules/.pnpm/react-dom@18.2.0(react@18.2.0)/node_modules/react-dom',
        subpath: 'index.js',
        version: '18.2.0',
      },
    ],
    [
      'node_modules/.vite/deps/@vueuse_core.js',
      { name: '@vueuse/core', root: 'node_modules/.vite/deps/@vueuse_core.js', subpath: '' },
    ],
  ])('%s', (path, expected) => {
    expect(packageOf(path)).toEqual(expected);
  });

  it('leaves app modules and bundler internals alone', () => {
    expect(packageOf('src/main.js')).toBeUndefined();
    expect(packageOf('node_modules/.vite/deps/chunk-ABCDEFGH.js')).toBeUndefined();
    expect(packageOf('node_modules/')).toBeUndefined();
  });
});

describe('normalizeSource', () => {
  it('makes map sources paths relative to the tree root', () => {
    expect(normalizeSource('/tree/node_modules/x/i.js', '/tree')).toBe('node_modules/x/i.js');
    expect(normalizeSource('file:///tree/src/a.ts', '/tree')).toBe('src/a.ts');
    expect(normalizeSource('webpack://my-app/./src/a.js', '/tree')).toBe('src/a.js');
    expect(normalizeSource('webpack:///./node_modules/b/i.js?abc', '/tree')).toBe(
      'node_modules/b/i.js',
    );
    expect(normalizeSource('/elsewhere/x.js', '/tree')).toBe('/elsewhere/x.js');
    expect(normalizeSource('\0vite/preload-helper.js', '/tree')).toBe('\0vite/preload-helper.js');
  });
});

describe('attributeBytes', () => {
  it('gives each segment the bytes up to the next one, and line ends to the last', () => {
    const code = Buffer.from('AAABB\nCC\n\nDDD');
    // line 0: col 0 → source 0, col 3 → source 1; line 1: col 0 unmapped (1-field segment);
    // line 2: no segments; line 3: col 1 → source 0 (col 0 unmapped).
    const mappings = [
      [
        [0, 0, 0, 0],
        [3, 1, 0, 0],
      ],
      [[0]],
      [],
      [[1, 0, 5, 0]],
    ];
    const { bySource, unmapped } = attributeBytes(code, mappings, 2);
    expect(bySource).toEqual([3 + 2, 2 + 1]); // AAA + DD, BB + its newline
    expect(unmapped).toBe(3 + 1 + 1); // CC\n, the empty line's \n, D at col 0
    expect(bySource[0]! + bySource[1]! + unmapped).toBe(code.length);
  });

  it('counts UTF-8 bytes where source-map columns count UTF-16 units', () => {
    const code = Buffer.from('€€x😀y');
    // '€' is 1 unit and 3 bytes; '😀' is 2 units and 4 bytes.
    const mappings = [
      [
        [0, 0, 0, 0],
        [2, 1, 0, 0],
        [3, 0, 0, 0],
        [5, 1, 0, 0],
      ],
    ];
    const { bySource, unmapped } = attributeBytes(code, mappings, 2);
    expect(bySource).toEqual([6 + 4, 1 + 1]);
    expect(unmapped).toBe(0);
  });

  it('ignores segments that name a source the map does not have', () => {
    const { bySource, unmapped } = attributeBytes(Buffer.from('abcd'), [[[0, 7, 0, 0]]], 1);
    expect(bySource).toEqual([0]);
    expect(unmapped).toBe(4);
  });
});

describe('sourceMappingUrl', () => {
  it('reads the last comment of JS and CSS files', () => {
    expect(sourceMappingUrl(Buffer.from('x();\n//# sourceMappingURL=a.js.map\n'))).toBe('a.js.map');
    expect(sourceMappingUrl(Buffer.from('a{}\n/*# sourceMappingURL=a.css.map */'))).toBe(
      'a.css.map',
    );
    expect(sourceMappingUrl(Buffer.from('x();'))).toBeUndefined();
    expect(sourceMappingUrl(Buffer.from('//# sourceMappingURL=a.map\nmore();'))).toBeUndefined();
  });
});

describe('compositions of a real esbuild build', () => {
  let root: string;
  const heavyBytes = 12_000;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'perfgate-composition-'));
    const files: Record<string, string> = {
      'src/main.js':
        "import { big } from 'big-pkg';\nimport { helper } from './helper.js';\nconsole.log(big(helper(1)));\n",
      'src/helper.js': 'export function helper(x) {\n  return x * 2 + "é";\n}\n',
      'node_modules/big-pkg/package.json': JSON.stringify({
        name: 'big-pkg',
        version: '2.3.4',
        main: 'index.js',
      }),
      'node_modules/big-pkg/index.js': `const DATA = ${JSON.stringify(jsLikeText(mulberry32(5), heavyBytes))};\nexport function big(x) {\n  return DATA.length + x;\n}\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const common = {
      absWorkingDir: root,
      entryPoints: ['src/main.js'],
      bundle: true,
      minify: true,
      format: 'esm' as const,
      logLevel: 'silent' as const,
      metafile: true,
    };
    const external = await build({ ...common, outfile: 'dist/external.js', sourcemap: true });
    await build({ ...common, outfile: 'dist/inline.js', sourcemap: 'inline' });
    await build({ ...common, outfile: 'dist/linked.js', sourcemap: 'external' }); // no comment
    writeFileSync(join(root, 'dist/meta.json'), JSON.stringify(external.metafile));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const read = (path: string) => readFileSync(join(root, path));

  it('attributes every byte of an external, an inline and a comment-less map', async () => {
    for (const file of ['dist/external.js', 'dist/inline.js', 'dist/linked.js']) {
      const code = read(file);
      const c = (await compositionFromSourceMap(root, file, code, true))!;
      expect(c.via).toBe('sourcemap');
      expect([...c.modules.keys()].sort()).toEqual([
        'node_modules/big-pkg/index.js',
        'src/helper.js',
        'src/main.js',
      ]);
      const sum = [...c.modules.values()].reduce((a, b) => a + b, 0) + c.unmapped;
      expect(sum).toBe(code.length);
      expect(c.modules.get('node_modules/big-pkg/index.js')!).toBeGreaterThan(heavyBytes);
    }
  });

  it('agrees with esbuild’s own metafile within a few bytes per module', async () => {
    const code = read('dist/external.js');
    const fromMap = (await compositionFromSourceMap(root, 'dist/external.js', code, true))!;
    const fromMeta = (
      await compositionsFromMetafile(
        root,
        'dist/meta.json',
        new Map([['dist/external.js', code.length]]),
      )
    ).get('dist/external.js')!;
    expect(fromMeta.via).toBe('metafile');
    for (const [id, bytes] of fromMeta.modules) {
      expect(Math.abs(fromMap.modules.get(id)! - bytes)).toBeLessThanOrEqual(20);
    }
  });

  it('returns nothing for a file without a map, and errors for a map outside the tree', async () => {
    expect(
      await compositionFromSourceMap(root, 'src/helper.js', read('src/helper.js'), true),
    ).toBeUndefined();
    const code = Buffer.from('x();\n//# sourceMappingURL=../../etc/passwd.map\n');
    await expect(compositionFromSourceMap(root, 'dist/evil.js', code, true)).rejects.toThrow(
      CompositionError,
    );
    const broken = Buffer.from('x();\n//# sourceMappingURL=missing.js.map\n');
    await expect(compositionFromSourceMap(root, 'dist/broken.js', broken, true)).rejects.toThrow(
      /cannot read source map dist\/missing\.js\.map/,
    );
  });

  it('rejects a metafile that is not one', async () => {
    writeFileSync(join(root, 'dist/bogus.json'), '{"inputs":{}}');
    await expect(compositionsFromMetafile(root, 'dist/bogus.json', new Map())).rejects.toThrow(
      /no "outputs"/,
    );
  });
});

describe('aggregateComposition', () => {
  it('groups modules into packages, keeps instances apart and reads missing versions', async () => {
    const perFile = new Map<string, FileComposition>([
      [
        'dist/a.js',
        {
          via: 'sourcemap',
          modules: new Map([
            ['src/a.js', 100],
            ['node_modules/lodash/map.js', 400],
            ['node_modules/x/node_modules/lodash/map.js', 300],
          ]),
          unmapped: 10,
        },
      ],
      [
        'dist/b.js',
        { via: 'metafile', modules: new Map([['node_modules/lodash/map.js', 50]]), unmapped: 5 },
      ],
    ]);
    const asked: string[] = [];
    const c = await aggregateComposition(perFile, async (root) => {
      asked.push(root);
      return root === 'node_modules/lodash' ? '4.17.21' : undefined;
    });
    expect(c.files).toEqual({ 'dist/a.js': 'sourcemap', 'dist/b.js': 'metafile' });
    expect(c.unmapped).toBe(15);
    expect(c.modules['lodash/map.js']).toEqual({
      bytes: 750,
      package: 'lodash',
      files: ['dist/a.js', 'dist/b.js'],
    });
    expect(c.modules['src/a.js']).toEqual({ bytes: 100, files: ['dist/a.js'] });
    expect(c.packages.lodash).toEqual({
      bytes: 750,
      instances: [
        { root: 'node_modules/lodash', bytes: 450, version: '4.17.21' },
        { root: 'node_modules/x/node_modules/lodash', bytes: 300 },
      ],
    });
    expect(asked.sort()).toEqual(['node_modules/lodash', 'node_modules/x/node_modules/lodash']);
  });
});
