// One writer of the concurrency test (size-cache.test.ts), in a process of its own:
//   node --import tsx size-cache-writer.ts <root> <writer> <entries> <rounds>
// Each round opens the cache, adds `entries` sizes of its own (and one size every writer adds,
// the same), and flushes; it prints the notes it got, one JSON line per round.
import { createHash } from 'node:crypto';
import { SizeCache } from '../../src/history/size-cache.js';

const [root, writerText, entriesText, roundsText] = process.argv.slice(2);
const writer = Number(writerText);
const entries = Number(entriesText);
const rounds = Number(roundsText);

/** The test computes the same hashes to check that every writer's entries are there. */
function writerHash(writer: number, round: number, i: number): string {
  return createHash('sha256').update(`${writer}/${round}/${i}`).digest('hex');
}

if (root === undefined)
  throw new Error('usage: size-cache-writer.ts <root> <writer> <entries> <rounds>');
for (let round = 0; round < rounds; round++) {
  const cache = new SizeCache(root);
  await cache.load();
  for (let i = 0; i < entries; i++) cache.set('brotli', writerHash(writer, round, i), 1000 + i);
  cache.set('gzip', writerHash(-1, 0, 0), 4242);
  await cache.flush();
  process.stdout.write(`${JSON.stringify(cache.takeNotes())}\n`);
}
