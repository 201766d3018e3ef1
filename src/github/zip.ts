// Reads one file out of a zip archive held in memory, with a hard cap on how much it inflates.
// Artifacts from fork PRs are untrusted: a general unzip to disk would let a small archive
// expand without bound, so this reads the central directory, checks the declared size, and
// inflates with zlib's maxOutputLength so that even a lying header cannot exceed the cap.
// Format: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7 (local header), 4.3.12 (central directory
// header), 4.3.16 (end of central directory record).
import { crc32, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
  constructor(
    message: string,
    readonly reason: 'malformed' | 'missing-entry' | 'oversized' | 'unsupported',
  ) {
    super(message);
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export function listZipEntries(zip: Buffer): string[] {
  return centralDirectory(zip).map((e) => e.name);
}

/** The bytes of `entryName`; throws ZipError when absent, corrupt or larger than maxBytes. */
export function readZipEntry(zip: Buffer, entryName: string, maxBytes: number): Buffer {
  const entries = centralDirectory(zip);
  const entry = entries.find((e) => e.name === entryName);
  if (!entry) {
    const names = entries
      .slice(0, 10)
      .map((e) => JSON.stringify(e.name))
      .join(', ');
    throw new ZipError(
      `the archive has no ${entryName} (it holds ${names || 'nothing'})`,
      'missing-entry',
    );
  }
  if (entry.flags & 0x1) throw new ZipError(`${entryName} is encrypted`, 'unsupported');
  if (entry.size > maxBytes) {
    throw new ZipError(
      `${entryName} is ${entry.size} bytes, over the limit of ${maxBytes}`,
      'oversized',
    );
  }
  if (zip.readUInt32LE(check(zip, entry.localOffset, 30)) !== LOCAL) {
    throw new ZipError(
      `${entryName}: no local file header at offset ${entry.localOffset}`,
      'malformed',
    );
  }
  const nameLength = zip.readUInt16LE(entry.localOffset + 26);
  const extraLength = zip.readUInt16LE(entry.localOffset + 28);
  const start = entry.localOffset + 30 + nameLength + extraLength;
  const data = zip.subarray(check(zip, start, entry.compressedSize), start + entry.compressedSize);

  let content: Buffer;
  if (entry.method === 0) {
    content = data;
  } else if (entry.method === 8) {
    try {
      content = inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ZipError(`${entryName} inflates to more than ${maxBytes} bytes`, 'oversized');
      }
      throw new ZipError(`${entryName} does not inflate: ${(error as Error).message}`, 'malformed');
    }
  } else {
    throw new ZipError(
      `${entryName} uses compression method ${entry.method}; expected 0 or 8`,
      'unsupported',
    );
  }
  if (content.length !== entry.size) {
    throw new ZipError(
      `${entryName} is ${content.length} bytes; the directory says ${entry.size}`,
      'malformed',
    );
  }
  if (crc32(content) >>> 0 !== entry.crc)
    throw new ZipError(`${entryName} fails its CRC-32 check`, 'malformed');
  return content;
}

function centralDirectory(zip: Buffer): Entry[] {
  const end = findEndRecord(zip);
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || size === ZIP64_MARK || offset === ZIP64_MARK) {
    throw new ZipError(
      'zip64 archives are not supported (a result artifact is far smaller)',
      'unsupported',
    );
  }
  check(zip, offset, size);
  const entries: Entry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    check(zip, at, 46);
    if (zip.readUInt32LE(at) !== CENTRAL)
      throw new ZipError(`central directory entry ${i} is corrupt`, 'malformed');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const entry: Entry = {
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', check(zip, at + 46, nameLength), at + 46 + nameLength),
    };
    if (
      entry.compressedSize === ZIP64_MARK ||
      entry.size === ZIP64_MARK ||
      entry.localOffset === ZIP64_MARK
    ) {
      throw new ZipError(`${entry.name} uses zip64 sizes, which are not supported`, 'unsupported');
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The end-of-central-directory record: the last 22 bytes, or earlier if a comment follows. */
function findEndRecord(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === EOCD) return at;
  }
  throw new ZipError(
    `not a zip archive (${zip.length} bytes, no end of central directory record)`,
    'malformed',
  );
}

/** Throws unless `length` bytes from `offset` lie inside the buffer; returns offset. */
function check(zip: Buffer, offset: number, length: number): number {
  if (offset < 0 || length < 0 || offset + length > zip.length) {
    throw new ZipError(
      `the archive is truncated (needs bytes ${offset}..${offset + length} of ${zip.length})`,
      'malformed',
    );
  }
  return offset;
}
