import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import filePlugin from '@size-limit/file';
import sizeLimit from 'size-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BundleSizer,
  CompressionError,
  CompressionPool,
} from '../../../src/kinds/bundle/compress.js';
import { jsLikeText, mulberry32 } from './helpers.js';

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}

describe('CompressionPool', () => {
  const random = mulberry32(7);
  const samples = [
    Buffer.alloc(0),
    Buffer.from('a'),
    Buffer.from('€ unicode — ✓ '.repeat(50)),
    Buffer.from(jsLikeText(random, 3_000)),
    Buffer.from(jsLikeText(random, 70_000)), // larger than one 64 kB stream chunk
    Buffer.from(Array.from({ length: 5000 }, () => Math.floor(random() * 256))), // incompressible
  ];
  const pool = new CompressionPool({ threads: 2 });
  afterAll(() => pool.close());

  it('reports the sizes zlib gives at gzip level 9 and brotli quality 11', async () => {
    const sizes = await Promise.all(samples.map((s) => pool.sizes(shared(s), ['gzip', 'brotli'])));
    sizes.forEach((size, i) => {
      const s = samples[i]!;
      expect(size.gzip).toBe(gzipSync(s, { level: 9 }).length);
      expect(size.brotli).toBe(
        brotliCompressSync(s, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      );
    });
  });

  it('computes only the compressions asked for', async () => {
    const data = shared(Buffer.from(jsLikeText(mulberry32(1), 2000)));
    expect(Object.keys(await pool.sizes(data, ['gzip']))).toEqual(['gzip']);
    expect(Object.keys(await pool.sizes(data, ['brotli']))).toEqual(['brotli']);
    expect(await pool.sizes(data, [])).toEqual({});
  });

  it('also accepts bytes that are not in shared memory', async () => {
    const bytes = Buffer.from(jsLikeText(mulberry32(2), 4000));
    expect((await pool.sizes(bytes, ['gzip'])).gzip).toBe(gzipSync(bytes, { level: 9 }).length);
  });

  it('serves waiting tasks largest first', async () => {
    const one = new CompressionPool({ threads: 1 });
    try {
      const done: string[] = [];
      const text = (n: number) => shared(Buffer.from(jsLikeText(mulberry32(n), n)));
      const jobs = [
        ['first', text(500)], // dispatched at once: the worker is idle
        ['small', text(800)],
        ['large', text(30_000)],
        ['medium', text(5000)],
      ] as const;
      await Promise.all(
        jobs.map(([name, data]) => one.sizes(data, ['gzip']).then(() => done.push(name))),
      );
      expect(done).toEqual(['first', 'large', 'medium', 'small']);
    } finally {
      await one.close();
    }
  });

  it('rejects work once closed, and validates its size', async () => {
    const p = new CompressionPool({ threads: 1 });
    await p.close();
    await p.close();
    await expect(p.sizes(shared(Buffer.from('x')), ['gzip'])).rejects.toThrow(CompressionError);
    expect(() => new CompressionPool({ threads: 0 })).toThrow(
      /threads: expected a positive integer, got 0/,
    );
  });
});

describe('BundleSizer', () => {
  it('compresses identical contents once', async () => {
    const sizer = new BundleSizer({ threads: 1 });
    try {
      const text = jsLikeText(mulberry32(3), 5000);
      const a = sizer.sizes(shared(Buffer.from(text)), ['gzip', 'brotli']);
      const b = sizer.sizes(shared(Buffer.from(text)), ['brotli', 'gzip']);
      const c = sizer.sizes(shared(Buffer.from(`${text} `)), ['gzip', 'brotli']);
      expect([a.reused, b.reused, c.reused]).toEqual([false, true, false]);
      expect(await b.sizes).toEqual(await a.sizes);
      expect(sizer.stats).toEqual({ compressed: 2, reused: 1 });
    } finally {
      await sizer.close();
    }
  });
});

describe('BundleSizer with sizes saved from an earlier run', () => {
  it('does not compress again what it was given, and saves what it computed', async () => {
    const text = shared(Buffer.from(jsLikeText(mulberry32(4), 3000)));
    const first = new BundleSizer({ threads: 1 });
    let saved: Awaited<ReturnType<BundleSizer['saved']>>;
    try {
      await first.sizes(text, ['gzip', 'brotli']).sizes;
      saved = await first.saved();
    } finally {
      await first.close();
    }
    expect(saved).toHaveLength(1);
    const second = new BundleSizer({ threads: 1, known: saved });
    try {
      const again = second.sizes(text, ['gzip', 'brotli']);
      expect(again.reused).toBe(true);
      expect(await again.sizes).toEqual(saved[0]![1]);
      expect(second.stats.compressed).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe('agreement with size-limit', () => {
  let dir: string;
  const files: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'perfgate-sizes-'));
    const random = mulberry32(11);
    for (let i = 0; i < 12; i++) {
      const path = join(dir, `f${i}.js`);
      writeFileSync(path, jsLikeText(random, 200 + Math.floor(random() * 90_000)));
      files.push(path);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same gzip and brotli totals as @size-limit/file', async () => {
    // size-limit's own types say plugins are functions; they are the plugin objects' lists.
    const [gzip, brotli] = (await sizeLimit([filePlugin] as never, {
      checks: [
        { files, gzip: true },
        { files, brotli: true },
      ],
    })) as Array<{ size: number }>;
    const sizer = new BundleSizer();
    try {
      const { readFileSync } = await import('node:fs');
      const all = await Promise.all(
        files.map((f) => sizer.sizes(shared(readFileSync(f)), ['gzip', 'brotli']).sizes),
      );
      expect(all.reduce((s, x) => s + x.gzip!, 0)).toBe(gzip!.size);
      expect(all.reduce((s, x) => s + x.brotli!, 0)).toBe(brotli!.size);
    } finally {
      await sizer.close();
    }
  });
});
