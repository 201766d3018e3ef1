// The per-request work of the bench's services (services.mjs), shared with the harness, which
// calibrates it once per bench run (work.ts): a .mjs so that the server, a plain Node process,
// and the TypeScript harness run the very same functions (types in service-work.d.mts).
//
// Work is counted in units whose cost is linear: iterations of a loop (`loop`), or items of a
// JSON document (`json`, and the CPU parts of `io` and `tail`). "+X% more work" multiplies a
// route's units by 1 + X.
import { createHash } from 'node:crypto';

/** A linear congruential generator, which the JIT cannot fold away because the result is sent
 *  back: the loop service's work. */
export function loopWork(iters) {
  let x = 1;
  for (let i = 0; i < iters; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

/**
 * An allocation-heavy request: builds a document of `items` records (about 110 bytes of JSON
 * each, so 300 items is ~33 kB), serialises it, parses it back and hashes the text. Fresh objects
 * and strings every call, so the garbage collector works as it does in a real JSON API.
 */
export function jsonWork(items) {
  const rows = new Array(items);
  for (let i = 0; i < items; i++) {
    rows[i] = {
      id: i,
      name: `${WORDS[i % 8]}-${i}`,
      price: (i * 7919) % 10007,
      tags: [WORDS[(i * 3) % 8], WORDS[(i * 5) % 8]],
      stock: { warehouse: i % 13, shelf: `S${i % 97}`, available: i % 3 !== 0 },
    };
  }
  const text = JSON.stringify({ count: items, rows });
  const parsed = JSON.parse(text);
  return `${parsed.count}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** Bytes of JSON that jsonWork(items) serialises, for the record. */
export function jsonBytes(items) {
  const rows = [];
  for (let i = 0; i < items; i++) {
    rows.push({
      id: i,
      name: `${WORDS[i % 8]}-${i}`,
      price: (i * 7919) % 10007,
      tags: [WORDS[(i * 3) % 8], WORDS[(i * 5) % 8]],
      stock: { warehouse: i % 13, shelf: `S${i % 97}`, available: i % 3 !== 0 },
    });
  }
  return Buffer.byteLength(JSON.stringify({ count: items, rows }));
}

/** Mulberry32: a small seeded generator for the per-request draws (the io wait, the tail's
 *  cache misses), so that a service's randomness is reproducible from its seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
