import { describe, expect, it } from 'vitest';
import { listZipEntries, readZipEntry, ZipError } from '../../src/github/zip.js';
import { makeZip } from './zip-writer.js';

const MB = 1024 * 1024;

function zipError(fn: () => unknown): ZipError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ZipError) return error;
    throw error;
  }
  throw new Error('expected a ZipError');
}

describe('readZipEntry', () => {
  it('reads stored and deflated entries by name', () => {
    const zip = makeZip([
      { name: 'other.txt', data: 'ignore me', method: 'store' },
      { name: 'perfgate-result.json', data: '{"a":1}'.repeat(100), method: 'deflate' },
    ]);
    expect(listZipEntries(zip)).toEqual(['other.txt', 'perfgate-result.json']);
    expect(readZipEntry(zip, 'perfgate-result.json', MB).toString()).toBe('{"a":1}'.repeat(100));
    expect(readZipEntry(zip, 'other.txt', MB).toString()).toBe('ignore me');
  });

  it('says which entries there are when the wanted one is missing', () => {
    const e = zipError(() =>
      readZipEntry(makeZip([{ name: 'x.json', data: '{}' }]), 'perfgate-result.json', MB),
    );
    expect(e.reason).toBe('missing-entry');
    expect(e.message).toMatch(/no perfgate-result\.json.*"x\.json"/);
  });

  it('refuses an entry whose declared size is over the limit without inflating it', () => {
    const zip = makeZip([{ name: 'r.json', data: 'x'.repeat(2000) }]);
    const e = zipError(() => readZipEntry(zip, 'r.json', 1000));
    expect(e.reason).toBe('oversized');
    expect(e.message).toMatch(/2000 bytes, over the limit of 1000/);
  });

  it('stops inflating a bomb that lies about its size at the limit', () => {
    // 30 MB of zeros deflate to ~30 kB; the directory claims 10 bytes.
    const zip = makeZip([{ name: 'r.json', data: Buffer.alloc(30 * MB), declaredSize: 10 }]);
    expect(zip.length).toBeLessThan(100_000);
    const e = zipError(() => readZipEntry(zip, 'r.json', MB));
    expect(e.reason).toBe('oversized');
    expect(e.message).toMatch(/inflates to more than 1048576 bytes/);
  });

  it('rejects a CRC mismatch, a size mismatch, truncation and non-zips as malformed', () => {
    const crc = makeZip([{ name: 'r.json', data: '{}', declaredCrc: 12345 }]);
    expect(zipError(() => readZipEntry(crc, 'r.json', MB)).message).toMatch(/CRC-32/);
    const size = makeZip([{ name: 'r.json', data: '{"a":1}', declaredSize: 3 }]);
    expect(zipError(() => readZipEntry(size, 'r.json', MB)).message).toMatch(/directory says 3/);
    const good = makeZip([{ name: 'r.json', data: 'x'.repeat(500), method: 'store' }]);
    const truncated = Buffer.concat([
      good.subarray(0, 100),
      good.subarray(good.length - 22 - 46 - 6),
    ]);
    expect(zipError(() => readZipEntry(truncated, 'r.json', MB)).reason).toBe('malformed');
    const notZip = zipError(() => readZipEntry(Buffer.from('{"schemaVersion":1}'), 'r.json', MB));
    expect(notZip.reason).toBe('malformed');
    expect(notZip.message).toMatch(/not a zip archive/);
    expect(zipError(() => readZipEntry(Buffer.alloc(0), 'r.json', MB)).reason).toBe('malformed');
  });
});
