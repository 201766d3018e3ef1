// The size cache on a real directory: sizes kept between instances, every kind of bad file
// ignored with a note (and replaced at the next flush), the bound, and writers in separate
// processes flushing into the same directory at once.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENTRIES,
  decodeSizeCache,
  defaultSizeCacheRoot,
  encodeSizeCache,
  SIZE_CACHE_FOLDER,
  SizeCache,
  sizeTable,
} from '../../src/history/size-cache.js';

const here = dirname(fileURLToPath(import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'perfgate-size-cache-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let roots = 0;
const newRoot = () => join(temp, `root-${roots++}`);
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const files = (root: string) => readdirSync(join(root, SIZE_CACHE_FOLDER)).sort();

async function opened(root: string, options: ConstructorParameters<typeof SizeCache>[1] = {}) {
  const cache = new SizeCache(root, options);
  await cache.load();
  return cache;
}

/** A root whose one cache file holds `a` (brotli 111, gzip 222); returns the file's path. */
async function rootWithOneFile(): Promise<{ root: string; file: string }> {
  const root = newRoot();
  const cache = await opened(root);
  cache.set('brotli', hash('a'), 111);
  cache.set('gzip', hash('a'), 222);
  await cache.flush();
  return { root, file: join(root, SIZE_CACHE_FOLDER, files(root)[0]!) };
}

describe('SizeCache', () => {
  it('misses, then answers what an earlier instance kept, per compression', async () => {
    const root = newRoot();
    const first = await opened(root);
    expect(first.get('brotli', hash('a'))).toBeUndefined();
    first.set('brotli', hash('a'), 1234);
    expect(first.get('brotli', hash('a'))).toBe(1234);
    await first.flush();
    expect(first.takeNotes()).toEqual([]);

    const second = await opened(root);
    expect(second.get('brotli', hash('a'))).toBe(1234);
    expect(second.get('gzip', hash('a'))).toBeUndefined(); // another compression, another table
    expect(second.get('brotli', hash('b'))).toBeUndefined();
    expect(second.stats).toMatchObject({ hits: 1, misses: 2, added: 0, files: 1, ignored: 0 });
    expect(second.takeNotes()).toEqual([]);
  });

  it('keys sizes by the compressor version too', () => {
    expect(sizeTable('gzip')).toBe(`gzip-9 zlib-${process.versions.zlib}`);
    expect(sizeTable('brotli')).toBe(`brotli-11 brotli-${process.versions.brotli}`);
  });

  it('reads nothing before load, and writes nothing without a change', async () => {
    const root = newRoot();
    const cache = new SizeCache(root);
    cache.set('gzip', hash('x'), 5);
    await cache.flush(); // not loaded: nothing written
    expect(() => readdirSync(root)).toThrow(/ENOENT/);
    await cache.load();
    expect(cache.takeNotes()).toEqual([]); // a missing directory is an empty cache
    const { root: kept } = await rootWithOneFile();
    const before = files(kept);
    const unchanged = await opened(kept);
    await unchanged.flush();
    expect(files(kept)).toEqual(before);
  });

  it('two runs that read the same file both keep theirs; the next run merges them into one', async () => {
    const { root } = await rootWithOneFile();
    const a = await opened(root);
    const b = await opened(root);
    a.set('gzip', hash('from a'), 10);
    b.set('gzip', hash('from b'), 20);
    await a.flush(); // writes its file, removes the one both read
    await b.flush(); // writes its file; the one it read is gone already
    expect(files(root)).toHaveLength(2);
    const c = await opened(root);
    expect([c.get('gzip', hash('from a')), c.get('gzip', hash('from b'))]).toEqual([10, 20]);
    expect(c.get('brotli', hash('a'))).toBe(111);
    await c.flush();
    expect(files(root)).toHaveLength(1);
    expect(c.takeNotes()).toEqual([]);
  });

  it('refuses entries that cannot be sizes', async () => {
    const cache = await opened(newRoot());
    expect(() => cache.set('gzip', 'not-a-hash', 10)).toThrow(RangeError);
    expect(() => cache.set('gzip', hash('a'), 0)).toThrow(RangeError);
    expect(() => cache.set('gzip', hash('a'), 1.5)).toThrow(RangeError);
    expect(() => new SizeCache(newRoot(), { maxEntries: 0 })).toThrow(/maxEntries/);
    expect(DEFAULT_MAX_ENTRIES).toBe(250_000);
  });
});

describe('a bad cache file is ignored, said, and replaced', () => {
  const damage: Array<[string, (bytes: Buffer) => Buffer, RegExp]> = [
    [
      'a flipped bit',
      (b) => {
        const c = Buffer.from(b);
        c[c.length - 5]! ^= 0x10;
        return c;
      },
      /its checksum does not match its contents \(corrupted\)/,
    ],
    ['truncated', (b) => b.subarray(0, b.length - 7), /announces .* \(truncated\?\)/],
    ['empty', () => Buffer.alloc(0), /not a perfgate size cache file/],
    ['foreign', () => Buffer.from('{"some":"json"}'.repeat(5)), /not a perfgate size cache file/],
    [
      'of another format version',
      (b) => {
        const c = Buffer.from(b);
        c.writeUInt16LE(2, 4);
        return c;
      },
      /format version 2, and this perfgate reads version 1/,
    ],
  ];

  it.each(damage)('%s', async (_, change, reason) => {
    const { root, file } = await rootWithOneFile();
    writeFileSync(file, change(readFileSync(file)));
    const cache = await opened(root);
    expect(cache.get('brotli', hash('a'))).toBeUndefined(); // never partly trusted
    const notes = cache.takeNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`Bundle size cache file ${file} ignored: `);
    expect(notes[0]).toMatch(reason);
    expect(notes[0]).toMatch(/the sizes it held were computed again\.$/);
    expect(cache.stats.ignored).toBe(1);
    // The next flush replaces it, so the next run is not told again.
    await cache.flush();
    expect(files(root)).not.toContain(file.split('/').pop());
    const next = await opened(root);
    expect(next.takeNotes()).toEqual([]);
  });

  it('a malformed body with a valid checksum is refused', () => {
    const good = encodeSizeCache(
      new Map([['gzip-9 x', new Map([[hash('a'), { size: 1, used: 0 }]])]]),
    );
    const body = Buffer.from(good.subarray(44));
    body.writeUInt32LE(body.readUInt32LE(body.length - 8) * 0, body.length - 8); // size 0
    const header = Buffer.from(good.subarray(0, 44));
    createHash('sha256').update(body).digest().copy(header, 12);
    expect(() => decodeSizeCache(Buffer.concat([header, body]))).toThrow(/size of 0 bytes/);
  });

  it('a content with different sizes in two files is dropped and said', async () => {
    const root = newRoot();
    const dir = join(root, SIZE_CACHE_FOLDER);
    mkdirSync(dir, { recursive: true });
    const table = sizeTable('gzip');
    const write = (name: string, size: number) =>
      writeFileSync(
        join(dir, name),
        encodeSizeCache(
          new Map([
            [
              table,
              new Map([
                [hash('a'), { size, used: 1 }],
                [hash(name), { size: 7, used: 1 }],
              ]),
            ],
          ]),
        ),
      );
    write('1.sizes', 100);
    write('2.sizes', 101);
    const cache = await opened(root);
    expect(cache.get('gzip', hash('a'))).toBeUndefined();
    expect(cache.get('gzip', hash('1.sizes'))).toBe(7);
    expect(cache.takeNotes()).toEqual([
      `Bundle size cache in ${dir}: 1 contents had different sizes in different files; those sizes were ignored and computed again.`,
    ]);
  });

  it('files not named as cache files are left alone', async () => {
    const { root } = await rootWithOneFile();
    const other = join(root, SIZE_CACHE_FOLDER, 'README.txt');
    writeFileSync(other, 'someone else');
    const cache = await opened(root);
    cache.set('gzip', hash('new'), 3);
    await cache.flush();
    expect(readFileSync(other, 'utf8')).toBe('someone else');
    expect(cache.takeNotes()).toEqual([]);
  });

  it('a directory it cannot write is a note, not a failure', async () => {
    const root = newRoot();
    writeFileSync(root, 'a file where the cache root should be');
    const cache = await opened(root);
    cache.set('gzip', hash('a'), 3);
    await cache.flush();
    const notes = cache.takeNotes();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/not read: .*ENOTDIR/);
    expect(notes[1]).toMatch(
      /^Bundle size cache not saved in .*: .*; the next run computes these sizes again\.$/,
    );
  });

  it('a restore that fails is a note', async () => {
    const cache = new SizeCache(newRoot(), {
      prepare: async () => {
        throw new Error('the cache service is down');
      },
    });
    await cache.load();
    expect(cache.takeNotes()).toEqual([
      'Bundle size cache not restored: the cache service is down.',
    ]);
  });
});

describe('the bound', () => {
  it('keeps the most recently used entries, on disk too', async () => {
    const root = newRoot();
    let clock = 1_000_000_000_000;
    const now = () => clock;
    const cache = await opened(root, { maxEntries: 3, now });
    for (const text of ['a', 'b', 'c', 'd']) {
      cache.set('brotli', hash(text), 50);
      clock += 1000;
    }
    cache.get('brotli', hash('a')); // used last: it stays
    clock += 1000;
    cache.set('gzip', hash('e'), 60);
    await cache.flush();
    expect(cache.size).toBe(3);
    const read = await opened(root, { maxEntries: 3, now });
    const held = ['a', 'b', 'c', 'd'].map((t) => read.get('brotli', hash(t)));
    expect(held).toEqual([50, undefined, undefined, 50]);
    expect(read.get('gzip', hash('e'))).toBe(60);
    const file = join(root, SIZE_CACHE_FOLDER, files(root)[0]!);
    const tables = decodeSizeCache(readFileSync(file));
    expect([...tables.values()].reduce((n, t) => n + t.size, 0)).toBe(3);
  });
});

describe('concurrent writers', () => {
  it('lose nothing and leave no broken file: each writes whole files and renames them', {
    timeout: 120_000,
  }, async () => {
    const root = newRoot();
    const writers = 4;
    const entries = 3000;
    const rounds = 3;
    const script = join(here, 'size-cache-writer.ts');
    const outputs = await Promise.all(
      Array.from(
        { length: writers },
        (_, w) =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              ['--import', 'tsx', script, root, String(w), String(entries), String(rounds)],
              { stdio: ['ignore', 'pipe', 'pipe'] },
            );
            let out = '';
            let err = '';
            child.stdout.on('data', (d: Buffer) => {
              out += d;
            });
            child.stderr.on('data', (d: Buffer) => {
              err += d;
            });
            child.on('error', reject);
            child.on('close', (code) =>
              code === 0 ? resolve(out) : reject(new Error(`writer ${w} exited ${code}: ${err}`)),
            );
          }),
      ),
    );
    // No writer ever read a broken file or failed to write.
    for (const out of outputs) {
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(rounds);
      for (const line of lines) expect(JSON.parse(line)).toEqual([]);
    }
    expect(files(root).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    const cache = await opened(root);
    expect(cache.takeNotes()).toEqual([]);
    const writerHash = (w: number, r: number, i: number) => hash(`${w}/${r}/${i}`);
    let found = 0;
    for (let w = 0; w < writers; w++) {
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < entries; i++) {
          if (cache.get('brotli', writerHash(w, r, i)) === 1000 + i) found++;
        }
      }
    }
    expect(found).toBe(writers * rounds * entries);
    expect(cache.get('gzip', writerHash(-1, 0, 0))).toBe(4242);
  });
});

describe('defaultSizeCacheRoot', () => {
  it('is under XDG_CACHE_HOME, else ~/.cache; none without a home', () => {
    expect(defaultSizeCacheRoot({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe(
      '/x/cache/perfgate',
    );
    expect(defaultSizeCacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe(
      '/home/u/.cache/perfgate',
    );
    expect(defaultSizeCacheRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/perfgate');
    expect(defaultSizeCacheRoot({})).toBeUndefined();
  });
});
