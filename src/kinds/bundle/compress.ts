// Compressed sizes on a pool of worker threads, one per core.
//
// Settings are size-limit's (@size-limit/file 11): gzip at level 9 and brotli at quality 11, every
// other zlib parameter at Node's default, so the bytes reported here equal size-limit's for the
// same files (test/kinds/bundle/compress.test.ts checks this against the plugin itself). Quality 11 is
// also what CDNs use for static assets compressed ahead of time.
//
// Files are read once, into SharedArrayBuffers, so a worker compresses the very bytes the main
// thread keeps for source-map attribution: no copy, no second read. Identical contents (unchanged
// files, the same chunk on both sides) are compressed once per sizer, keyed by SHA-256, and a size
// kept by an earlier run (history/size-cache.ts) is not computed again.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type Compression = 'gzip' | 'brotli';
export const GZIP_LEVEL = 9;
export const BROTLI_QUALITY = 11;

export interface CompressedSizes {
  gzip?: number;
  brotli?: number;
}

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx, vitest and
// the ncc bundle in dist/ (a separate worker file would need its own build entry).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const brotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: ${BROTLI_QUALITY} } };
parentPort.on('message', (task) => {
  try {
    const data = task.data;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const out = { id: task.id };
    if (task.gzip) out.gzip = zlib.gzipSync(bytes, { level: ${GZIP_LEVEL} }).length;
    if (task.brotli) out.brotli = zlib.brotliCompressSync(bytes, brotliOptions).length;
    parentPort.postMessage(out);
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: String((error && error.stack) || error) });
  }
});
`;

/** A compression that failed inside a worker, or a pool that was closed or broke. */
export class CompressionError extends Error {
  override name = 'CompressionError';
}

interface Task {
  id: number;
  data: Uint8Array;
  gzip: boolean;
  brotli: boolean;
  resolve(sizes: CompressedSizes): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

/**
 * A fixed pool of compression workers. An idle worker is unref'd, so a pool whose owner forgets
 * close() does not keep the process alive. Waiting tasks are served largest first (longest processing
 * time first), so one big vendor chunk does not start last and leave the other cores idle.
 */
export class CompressionPool {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = []; // a max-heap on data.byteLength
  private nextId = 0;
  private closed = false;
  private broken: Error | undefined;

  constructor(options: { threads?: number } = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads: expected a positive integer, got ${threads}`);
    }
    this.threads = threads;
  }

  sizes(data: Uint8Array, kinds: readonly Compression[]): Promise<CompressedSizes> {
    if (this.closed) return Promise.reject(new CompressionError('the compression pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const gzip = kinds.includes('gzip');
    const brotli = kinds.includes('brotli');
    if (!gzip && !brotli) return Promise.resolve({});
    return new Promise((resolve, reject) => {
      heapPush(this.queue, { id: this.nextId++, data, gzip, brotli, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker; waiting tasks are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new CompressionError('the compression pool was closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === undefined);
      if (!slot && this.slots.length < this.threads) slot = this.spawn();
      if (!slot) return;
      const task = heapPop(this.queue)!;
      slot.task = task;
      slot.worker.ref(); // a task in flight keeps the process alive until it answers
      slot.worker.postMessage({
        id: task.id,
        data: task.data,
        gzip: task.gzip,
        brotli: task.brotli,
      });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker };
    worker.on(
      'message',
      (message: { id: number; gzip?: number; brotli?: number; error?: string }) => {
        const task = slot.task;
        slot.task = undefined;
        if (!task || task.id !== message.id) return;
        if (message.error !== undefined) task.reject(new CompressionError(message.error));
        else {
          const sizes: CompressedSizes = {};
          if (message.gzip !== undefined) sizes.gzip = message.gzip;
          if (message.brotli !== undefined) sizes.brotli = message.brotli;
          task.resolve(sizes);
        }
        this.pump();
      },
    );
    const die = (error: Error) => {
      if (this.closed) return;
      this.broken = new CompressionError(`a compression worker stopped: ${error.message}`);
      this.failAll(this.broken);
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`exit code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private failAll(error: Error): void {
    for (const slot of this.slots) {
      slot.task?.reject(error);
      slot.task = undefined;
      slot.worker.unref();
    }
    while (this.queue.length > 0) heapPop(this.queue)!.reject(error);
  }
}

function heapPush(heap: Task[], task: Task): void {
  heap.push(task);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.data.byteLength >= heap[i]!.data.byteLength) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop(heap: Task[]): Task | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let largest = i;
    if (l < heap.length && heap[l]!.data.byteLength > heap[largest]!.data.byteLength) largest = l;
    if (r < heap.length && heap[r]!.data.byteLength > heap[largest]!.data.byteLength) largest = r;
    if (largest === i) return top;
    [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
    i = largest;
  }
}

/**
 * Sizes kept between runs (history/size-cache.ts): `hash` is the content's SHA-256 in hex, and an
 * answer must be the size this file's settings give (GZIP_LEVEL, BROTLI_QUALITY) with this
 * process's compressor.
 */
export interface SizeStore {
  get(compression: Compression, hash: string): number | undefined;
  set(compression: Compression, hash: string, size: number): void;
}

const COMPRESSIONS: readonly Compression[] = ['brotli', 'gzip'];

/**
 * Compressed sizes with a content-addressed cache in front of a pool: one size per (content,
 * compression), from this sizer's memory, else the `store` of earlier runs, else compressed. One
 * sizer serves both sides of a run, so a file unchanged between base and head is compressed once.
 */
export class BundleSizer {
  readonly pool: CompressionPool;
  private readonly store: SizeStore | undefined;
  /** `<compression>:<sha256>` → its size. */
  private readonly memo = new Map<string, Promise<number>>();
  /** `<compressions sorted>:<sha256>` of every request, for `saved()`. */
  private readonly requested = new Map<string, { hash: string; kinds: Compression[] }>();
  /** Contents compressed (at least one of their sizes), and contents whose sizes were all known. */
  readonly stats = { compressed: 0, reused: 0 };

  /**
   * `known`: sizes saved from an earlier run (`saved()`), e.g. with a baseline, so contents seen
   * then are not compressed again. Keys are content hashes, so stale entries are harmless.
   * `store`: the size cache of earlier runs, read for every content and given every new size.
   */
  constructor(
    options: {
      threads?: number;
      known?: Iterable<[string, CompressedSizes]>;
      store?: SizeStore;
    } = {},
  ) {
    this.pool = new CompressionPool(options);
    this.store = options.store;
    for (const [key, sizes] of options.known ?? []) {
      const hash = key.slice(key.indexOf(':') + 1);
      for (const c of COMPRESSIONS) {
        const size = sizes[c];
        if (size !== undefined) this.memo.set(`${c}:${hash}`, Promise.resolve(size));
      }
    }
  }

  /** The sizes asked for so far, keyed by `<compressions>:<sha256>`, for a later run's `known`. */
  async saved(): Promise<Array<[string, CompressedSizes]>> {
    const entries = await Promise.all(
      [...this.requested].map(async ([key, { hash, kinds }]) => {
        const sizes: CompressedSizes = {};
        for (const c of kinds) {
          const size = await this.memo.get(`${c}:${hash}`)?.catch(() => undefined);
          if (size === undefined) return undefined;
          sizes[c] = size;
        }
        return [key, sizes] as [string, CompressedSizes];
      }),
    );
    return entries.filter((e): e is [string, CompressedSizes] => e !== undefined);
  }

  /** The sizes of `data`, and whether they all came from a cache (an identical content seen). */
  sizes(
    data: Uint8Array,
    kinds: readonly Compression[],
  ): { sizes: Promise<CompressedSizes>; reused: boolean } {
    const hash = createHash('sha256').update(data).digest('hex');
    const wanted = COMPRESSIONS.filter((c) => kinds.includes(c));
    this.requested.set(`${wanted.join('+')}:${hash}`, { hash, kinds: wanted });
    const missing: Compression[] = [];
    for (const c of wanted) {
      if (this.memo.has(`${c}:${hash}`)) continue;
      const stored = this.store?.get(c, hash);
      if (stored !== undefined) this.memo.set(`${c}:${hash}`, Promise.resolve(stored));
      else missing.push(c);
    }
    if (missing.length > 0) {
      this.stats.compressed++;
      const computed = this.pool.sizes(data, missing);
      for (const c of missing) {
        const key = `${c}:${hash}`;
        const size = computed.then((s) => s[c]!);
        this.memo.set(key, size);
        size.then(
          (n) => this.store?.set(c, hash, n),
          () => this.memo.delete(key),
        );
      }
    } else this.stats.reused++;
    const sizes = Promise.all(wanted.map((c) => this.memo.get(`${c}:${hash}`)!)).then((values) => {
      const out: CompressedSizes = {};
      wanted.forEach((c, i) => {
        out[c] = values[i]!;
      });
      return out;
    });
    sizes.catch(() => undefined); // a caller that drops it (a closed pool) is no unhandled rejection
    return { sizes, reused: missing.length === 0 };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
