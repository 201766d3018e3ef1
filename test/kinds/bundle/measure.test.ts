import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleSizer } from '../../../src/kinds/bundle/compress.js';
import { measureBundle } from '../../../src/kinds/bundle/measure.js';
import { ProbeError } from '../../../src/kinds/types.js';
import type { BundleBenchmarkConfig, Tree } from '../../../src/model.js';
import { jsLikeText, mulberry32 } from './helpers.js';

const bench = (files: string[]): BundleBenchmarkConfig => ({
  name: 'web',
  type: 'bundle',
  files,
  compression: ['gzip', 'brotli'],
  groups: {},
  budgets: {},
});

describe('measureBundle', () => {
  let root: string;
  let tree: Tree;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'perfgate-measure-'));
    tree = { side: 'head', ref: 'HEAD', sha: 'abcdef1', dir: root };
    const random = mulberry32(21);
    for (let i = 0; i < 30; i++) write(`out/plain/p${i}.js`, jsLikeText(random, 100 + i * 997));
    write('out/plain/style.css', '.a{color:red}'.repeat(50));
    write('out/broken.js', 'x();\n//# sourceMappingURL=broken.js.map\n');
    write('out/broken.js.map', '{ not json');
    // An esbuild build whose metafile, not a source map, tells the composition.
    write('src/entry.js', "import { v } from 'dep';\nconsole.log(v);\n");
    write(
      'node_modules/dep/package.json',
      JSON.stringify({ name: 'dep', version: '0.9.0', main: 'i.js' }),
    );
    write(
      'node_modules/dep/i.js',
      `export const v = ${JSON.stringify(jsLikeText(random, 3000))};\n`,
    );
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['src/entry.js'],
      bundle: true,
      minify: true,
      outdir: 'out/meta',
      metafile: true,
      logLevel: 'silent',
    });
    write('out/meta/metafile.json', JSON.stringify(result.metafile));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('sizes every matched file exactly as zlib does', async () => {
    const snap = await measureBundle(bench(['out/plain/*.js', 'out/plain/*.css']), tree, {
      threads: 2,
    });
    expect(snap.files).toHaveLength(31);
    const { readFileSync } = await import('node:fs');
    for (const f of snap.files) {
      const bytes = readFileSync(join(root, f.path));
      expect(f.raw).toBe(bytes.length);
      expect(f.gzip).toBe(gzipSync(bytes, { level: 9 }).length);
      expect(f.brotli).toBe(
        brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      );
    }
    expect(snap.compressed).toBe(31);
    expect(snap.composition).toBeUndefined();
  });

  it('attributes bytes through a metafile it finds next to the output', async () => {
    const snap = await measureBundle(bench(['out/meta/*.js']), tree, { threads: 1 });
    expect(snap.composition?.files).toEqual({ 'out/meta/entry.js': 'metafile' });
    expect(snap.composition?.packages.dep).toMatchObject({
      instances: [{ root: 'node_modules/dep', version: '0.9.0' }],
    });
    expect(snap.composition!.packages.dep!.bytes).toBeGreaterThan(3000);
  });

  it('notes an unreadable source map and goes on', async () => {
    const snap = await measureBundle(bench(['out/broken.js']), tree, { threads: 1 });
    expect(snap.files.map((f) => f.path)).toEqual(['out/broken.js']);
    expect(snap.notes).toEqual([
      expect.stringMatching(
        /^out\/broken\.js: source map out\/broken\.js\.map is not valid: .*; its bytes are not attributed$/,
      ),
    ]);
  });

  it('fails with a ProbeError naming the globs and the folder when nothing matches', async () => {
    const error = await measureBundle(bench(['dist/**/*.js']), tree).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).side).toBe('head');
    expect((error as Error).message).toBe(
      `no file in ${root} matches files ["dist/**/*.js"]: did the build run and write its output there?`,
    );
  });

  it('leaves a shared sizer open for the other side, and reuses its sizes', async () => {
    const sizer = new BundleSizer({ threads: 1 });
    try {
      const first = await measureBundle(bench(['out/plain/*.css']), tree, { sizer });
      const second = await measureBundle(
        bench(['out/plain/*.css']),
        { ...tree, side: 'base' },
        { sizer },
      );
      expect([first.compressed, first.reused, second.compressed, second.reused]).toEqual([
        1, 0, 0, 1,
      ]);
      expect(second.files).toEqual(first.files);
    } finally {
      await sizer.close();
    }
  });
});
