// The bundle size cache: (content hash, compression, level, compressor version) → compressed size,
// kept on disk between runs so that contents sized by any earlier run — another pull request,
// another merge-base, the default branch's last push — are not compressed again. Sizes are
// deterministic for given bytes, settings and compressor, so a size read back is the size that
// compressing again would give; the compressor's version is part of the key because another zlib
// or brotli may emit other bytes.
//
// On disk: `<root>/sizes-v1/*.sizes`, each file written whole to a temporary name and renamed
// (atomic on POSIX), so a reader never sees half a file and concurrent writers never mix bytes.
// A run reads every file, and its flush writes one file with everything it holds (what it read,
// plus what it computed, minus the oldest past the bound) and removes the files it read: two runs
// that flush at once leave two files whose union loses nothing, merged by the next run.
//
// File format (little-endian): `PGSZ`, u16 format version, u16 0, u32 body length, the body's
// SHA-256, then the body: u16 table count; per table a u8 name length, the name (UTF-8, e.g.
// `brotli-11 brotli-1.1.0`), u32 entry count, and per entry the content's SHA-256 (32 bytes),
// u32 size, u32 last use (Unix seconds). A file that fails any check is ignored as a whole and
// said in a note, never partly trusted; the checksum guards against truncation and bit rot, not
// against someone who can write the directory (the actions cache is scoped to a branch).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { getErrorMessage } from '../errors.js';
import {
  BROTLI_QUALITY,
  type Compression,
  GZIP_LEVEL,
  type SizeStore,
} from '../kinds/bundle/compress.js';

export const SIZE_CACHE_VERSION = 1;
/** The folder under the cache root; a later format gets its own and never reads this one. */
export const SIZE_CACHE_FOLDER = `sizes-v${SIZE_CACHE_VERSION}`;
/** About 10 MB on disk: the sizes of 125,000 contents in gzip and brotli. */
export const DEFAULT_MAX_ENTRIES = 250_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAGIC = Buffer.from('PGSZ', 'latin1');
const HEADER_BYTES = 44;
const ENTRY_BYTES = 40;
const SUFFIX = '.sizes';
const TEMP_PREFIX = '.tmp-';
/** A temporary file this old was left by a writer that died; newer ones may still be renamed. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The user's cache directory for perfgate: $XDG_CACHE_HOME/perfgate, else ~/.cache/perfgate
 * (%LOCALAPPDATA%\perfgate on Windows); undefined when the environment names no home.
 */
export function defaultSizeCacheRoot(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'perfgate');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'perfgate');
  const home = env.HOME || env.USERPROFILE;
  return home && isAbsolute(home) ? join(home, '.cache', 'perfgate') : undefined;
}

/** The table a compression's sizes live in: its level and the compressor's version. */
export function sizeTable(compression: Compression): string {
  return compression === 'gzip'
    ? `gzip-${GZIP_LEVEL} zlib-${process.versions.zlib}`
    : `brotli-${BROTLI_QUALITY} brotli-${process.versions.brotli}`;
}

interface Entry {
  size: number;
  /** Last use, Unix seconds. */
  used: number;
}

type Tables = Map<string, Map<string, Entry>>;

/** A cache file that cannot be trusted; the message says why. */
export class SizeCacheFileError extends Error {
  override name = 'SizeCacheFileError';
}

export interface SizeCacheOptions {
  /** Entries kept at most; the least recently used go first. */
  maxEntries?: number;
  /** Clock seam (ms since the epoch). */
  now?: () => number;
  /** Run once before the first read, e.g. the action restoring the actions cache into `root`;
   *  what it returns is said in the notes. */
  prepare?: () => Promise<string[]>;
}

/**
 * The size cache under `root`. Nothing is read until `load()` (so a run without a bundle
 * benchmark never touches it); `get`/`set` then answer from memory, and `flush()` writes back.
 * Every failure to read or write becomes a note: a cache never fails a run.
 */
export class SizeCache implements SizeStore {
  readonly root: string;
  readonly dir: string;
  readonly maxEntries: number;
  /** Look-ups answered, look-ups not, sizes added by this process, files read, files ignored. */
  readonly stats = { hits: 0, misses: 0, added: 0, files: 0, ignored: 0 };
  private readonly now: () => number;
  private readonly prepare: (() => Promise<string[]>) | undefined;
  private readonly tables: Tables = new Map();
  private loading: Promise<void> | undefined;
  private loaded = false;
  /** Files read (or judged unusable) that the next flush replaces. */
  private replaced: string[] = [];
  private changed = false;
  private notes: string[] = [];

  constructor(root: string, options: SizeCacheOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxEntries: expected a positive integer, got ${max}`);
    }
    this.root = root;
    this.dir = join(root, SIZE_CACHE_FOLDER);
    this.maxEntries = max;
    this.now = options.now ?? Date.now;
    this.prepare = options.prepare;
  }

  /** Reads every cache file once; later calls wait for the same read. */
  load(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loaded = true;
    });
    return this.loading;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Entries held, over every table. */
  get size(): number {
    let n = 0;
    for (const table of this.tables.values()) n += table.size;
    return n;
  }

  get(compression: Compression, hash: string): number | undefined {
    const entry = this.tables.get(sizeTable(compression))?.get(hash);
    if (entry === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    entry.used = this.seconds();
    this.changed = true;
    return entry.size;
  }

  set(compression: Compression, hash: string, size: number): void {
    if (!/^[0-9a-f]{64}$/.test(hash) || !Number.isInteger(size) || size < 1 || size > 0xffffffff) {
      throw new RangeError(`size cache: no entry for hash ${hash} and size ${size}`);
    }
    const name = sizeTable(compression);
    let table = this.tables.get(name);
    if (!table) {
      table = new Map();
      this.tables.set(name, table);
    }
    if (!table.has(hash)) this.stats.added++;
    table.set(hash, { size, used: this.seconds() });
    this.changed = true;
  }

  /** What was said since the last call: files ignored, a restore or a write that failed. */
  takeNotes(): string[] {
    const notes = this.notes;
    this.notes = [];
    return notes;
  }

  /**
   * Writes everything held to one new file (the oldest entries past the bound dropped) and
   * removes the files it replaces. Nothing happens before `load()` or without a change.
   */
  async flush(): Promise<void> {
    if (!this.loaded || !this.changed) return;
    try {
      this.evict();
      await mkdir(this.dir, { recursive: true });
      const id = `${this.now()}-${process.pid}-${randomBytes(6).toString('hex')}`;
      const temp = join(this.dir, `${TEMP_PREFIX}${id}`);
      const file = join(this.dir, `${id}${SUFFIX}`);
      await writeFile(temp, encodeSizeCache(this.tables), { flag: 'wx' });
      try {
        await rename(temp, file);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      const old = this.replaced;
      this.replaced = [file];
      this.changed = false;
      // Another writer may have removed them already, after merging them into its own file.
      await Promise.all(old.map((f) => unlink(f).catch(() => undefined)));
    } catch (error) {
      this.notes.push(
        `Bundle size cache not saved in ${this.dir}: ${getErrorMessage(error)}; the next run computes these sizes again.`,
      );
    }
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private async read(): Promise<void> {
    if (this.prepare) {
      try {
        this.notes.push(...(await this.prepare()));
      } catch (error) {
        this.notes.push(`Bundle size cache not restored: ${getErrorMessage(error)}.`);
      }
    }
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.notes.push(
          `Bundle size cache in ${this.dir} not read: ${getErrorMessage(error)}; every size was computed.`,
        );
      }
      return;
    }
    const conflicts = new Set<string>();
    for (const name of names.sort()) {
      const path = join(this.dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        const info = await stat(path).catch(() => undefined);
        if (info && this.now() - info.mtimeMs > STALE_TEMP_MS) this.replaced.push(path);
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue; // not ours: left alone
      try {
        const info = await stat(path);
        if (info.size > MAX_FILE_BYTES) {
          throw new SizeCacheFileError(`it is ${info.size} bytes, over ${MAX_FILE_BYTES}`);
        }
        merge(this.tables, decodeSizeCache(await readFile(path)), conflicts);
        this.stats.files++;
      } catch (error) {
        // Removed meanwhile by a writer that merged it: its entries are in that writer's file.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        this.stats.ignored++;
        this.notes.push(
          `Bundle size cache file ${path} ignored: ${getErrorMessage(error)}; the sizes it held were computed again.`,
        );
        if (!(error instanceof SizeCacheFileError)) continue; // unreadable: not ours to remove
        this.changed = true; // the next flush replaces it
      }
      this.replaced.push(path);
    }
    if (conflicts.size > 0) {
      for (const key of conflicts) {
        const [table, hash] = key.split('\n') as [string, string];
        this.tables.get(table)?.delete(hash);
      }
      this.changed = true;
      this.notes.push(
        `Bundle size cache in ${this.dir}: ${conflicts.size} contents had different sizes in different files; those sizes were ignored and computed again.`,
      );
    }
  }

  /** Drops the least recently used entries past the bound. */
  private evict(): void {
    const over = this.size - this.maxEntries;
    if (over <= 0) return;
    const all: Array<{ table: Map<string, Entry>; hash: string; used: number }> = [];
    for (const table of this.tables.values()) {
      for (const [hash, entry] of table) all.push({ table, hash, used: entry.used });
    }
    all.sort((a, b) => a.used - b.used);
    for (const { table, hash } of all.slice(0, over)) table.delete(hash);
    for (const [name, table] of this.tables) if (table.size === 0) this.tables.delete(name);
  }
}

/** Entries of `from` into `into`; a content with two different sizes is a conflict. */
function merge(into: Tables, from: Tables, conflicts: Set<string>): void {
  for (const [name, entries] of from) {
    let table = into.get(name);
    if (!table) {
      table = new Map();
      into.set(name, table);
    }
    for (const [hash, entry] of entries) {
      const had = table.get(hash);
      if (had === undefined) table.set(hash, entry);
      else if (had.size !== entry.size) conflicts.add(`${name}\n${hash}`);
      else had.used = Math.max(had.used, entry.used);
    }
  }
}

export function encodeSizeCache(tables: Tables): Buffer {
  const named = [...tables].filter(([, entries]) => entries.size > 0);
  let length = 2;
  for (const [name, entries] of named) {
    length += 1 + Buffer.byteLength(name) + 4 + entries.size * ENTRY_BYTES;
  }
  const body = Buffer.alloc(length);
  let at = body.writeUInt16LE(named.length, 0);
  for (const [name, entries] of named) {
    const bytes = Buffer.from(name);
    if (bytes.length > 255) throw new RangeError(`size cache table name too long: ${name}`);
    at = body.writeUInt8(bytes.length, at);
    at += bytes.copy(body, at);
    at = body.writeUInt32LE(entries.size, at);
    for (const [hash, entry] of entries) {
      at += body.write(hash, at, 'hex');
      at = body.writeUInt32LE(entry.size, at);
      at = body.writeUInt32LE(entry.used, at);
    }
  }
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt16LE(SIZE_CACHE_VERSION, 4);
  header.writeUInt32LE(body.length, 8);
  createHash('sha256').update(body).digest().copy(header, 12);
  return Buffer.concat([header, body]);
}

/** The tables of a cache file; throws SizeCacheFileError saying what is wrong with it. */
export function decodeSizeCache(file: Buffer): Tables {
  if (file.length < HEADER_BYTES || !file.subarray(0, 4).equals(MAGIC)) {
    throw new SizeCacheFileError('it is not a perfgate size cache file');
  }
  const version = file.readUInt16LE(4);
  if (version !== SIZE_CACHE_VERSION) {
    throw new SizeCacheFileError(
      `it is of format version ${version}, and this perfgate reads version ${SIZE_CACHE_VERSION}`,
    );
  }
  const body = file.subarray(HEADER_BYTES);
  if (file.readUInt32LE(8) !== body.length) {
    throw new SizeCacheFileError(
      `it holds ${body.length} bytes after its header, which announces ${file.readUInt32LE(8)} (truncated?)`,
    );
  }
  if (!createHash('sha256').update(body).digest().equals(file.subarray(12, HEADER_BYTES))) {
    throw new SizeCacheFileError('its checksum does not match its contents (corrupted)');
  }
  const malformed = (what: string) => new SizeCacheFileError(`it is malformed: ${what}`);
  const tables: Tables = new Map();
  if (body.length < 2) throw malformed('no table count');
  const count = body.readUInt16LE(0);
  let at = 2;
  for (let t = 0; t < count; t++) {
    if (at + 1 > body.length) throw malformed(`table ${t + 1} of ${count} is missing`);
    const nameLength = body.readUInt8(at);
    if (at + 1 + nameLength + 4 > body.length) throw malformed(`table ${t + 1} is cut short`);
    const name = body.toString('utf8', at + 1, at + 1 + nameLength);
    at += 1 + nameLength;
    const entries = body.readUInt32LE(at);
    at += 4;
    if (name === '' || tables.has(name)) throw malformed(`table name ${JSON.stringify(name)}`);
    if (at + entries * ENTRY_BYTES > body.length) throw malformed(`table ${name} is cut short`);
    const table = new Map<string, Entry>();
    for (let e = 0; e < entries; e++, at += ENTRY_BYTES) {
      const size = body.readUInt32LE(at + 32);
      if (size === 0) throw malformed(`a size of 0 bytes in table ${name}`);
      table.set(body.toString('hex', at, at + 32), { size, used: body.readUInt32LE(at + 36) });
    }
    tables.set(name, table);
  }
  if (at !== body.length) throw malformed(`${body.length - at} bytes after the last table`);
  return tables;
}
