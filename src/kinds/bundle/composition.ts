// What a bundle is made of: each output file's bytes attributed to the source modules they came
// from, through the file's source map (bytes of generated code per original source, segment by
// segment, as source-map-explorer counts them) or, for files without one, an esbuild metafile
// (`bytesInOutput` per input). Modules are grouped into npm packages by their node_modules path.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnyMap, decodedMappings, type TraceMap } from '@jridgewell/trace-mapping';

/** Where a file's composition came from. */
export type CompositionSource = 'sourcemap' | 'metafile';

/** One output file's bytes by source module (paths relative to the tree root). */
export interface FileComposition {
  via: CompositionSource;
  /** Source path → bytes of generated code. */
  modules: Map<string, number>;
  /** Bytes no source claims: runtime helpers, wrappers, newlines outside any mapping. */
  unmapped: number;
}

/** An npm package a module belongs to, read from its path. */
export interface PackageRef {
  name: string;
  /** Path of the package directory relative to the tree root (`node_modules/.pnpm/a@1.0.0/node_modules/a`). */
  root: string;
  /** From the path (pnpm, `.vite/deps` do not carry one) or the package's package.json. */
  version?: string;
}

export interface ModuleEntry {
  bytes: number;
  /** The package name when the module lives in node_modules. */
  package?: string;
  /** Output files that hold the module. */
  files: string[];
}

export interface PackageInstance {
  root: string;
  version?: string;
  bytes: number;
}

export interface PackageEntry {
  bytes: number;
  /** One per distinct package directory; two or more means the package is bundled twice. */
  instances: PackageInstance[];
}

/** A side's composition over every file that has a source map or metafile entry. */
export interface Composition {
  /** Files covered, and how. */
  files: Record<string, CompositionSource>;
  /** Module id → entry. The id of a package module is `<package>/<path inside it>` so that it
   *  stays the same when only the package's install path (a pnpm version folder) changes. */
  modules: Record<string, ModuleEntry>;
  packages: Record<string, PackageEntry>;
  /** Bytes of covered files that no module claims. */
  unmapped: number;
}

const PNPM_DIR = /(?:^|\/)\.pnpm\/([^/]+)\/$/;

/** The package a source path belongs to: the last `node_modules/<name>` (or `@scope/name`). */
export function packageOf(path: string): (PackageRef & { subpath: string }) | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const rest = path.slice(at + 'node_modules/'.length).split('/');
  const scoped = rest[0]?.startsWith('@');
  const nameParts = scoped ? rest.slice(0, 2) : rest.slice(0, 1);
  if (nameParts.length === 0 || nameParts.some((p) => p === '')) return undefined;
  const name = nameParts.join('/');
  if (name === '.pnpm' || name === '.vite' || name === '.bin') {
    // `.vite/deps/<name>.js` holds Vite's pre-bundled dependency `<name>` (scope `/` → `_`).
    const deps = /^\.vite\/deps\/([^/]+)\.js$/.exec(rest.join('/'));
    if (deps && !deps[1]!.startsWith('chunk-')) {
      const depName = deps[1]!.replace(/^@([^_]+)_/, '@$1/');
      return {
        name: depName,
        root: path.slice(0, at) + `node_modules/.vite/deps/${deps[1]}.js`,
        subpath: '',
      };
    }
    return undefined;
  }
  const root = path.slice(0, at) + `node_modules/${name}`;
  const ref: PackageRef & { subpath: string } = {
    name,
    root,
    subpath: rest.slice(nameParts.length).join('/'),
  };
  // pnpm: node_modules/.pnpm/<name with / as +>@<version>[_peers | (peers)]/node_modules/<name>
  const pnpm = PNPM_DIR.exec(path.slice(0, at));
  if (pnpm) {
    const encoded = `${name.replace('/', '+')}@`;
    if (pnpm[1]!.startsWith(encoded)) {
      const version = pnpm[1]!.slice(encoded.length).split(/[_(]/)[0];
      if (version) ref.version = version;
    }
  }
  return ref;
}

/**
 * A source path from a map, as a path relative to the tree root where it points inside the tree:
 * `webpack://app/./src/a.js` → `src/a.js`, `/abs/tree/node_modules/x/i.js` → `node_modules/x/i.js`.
 */
export function normalizeSource(resolved: string, root: string): string {
  let path = resolved;
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      // leave as is
    }
  } else {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/?/i.exec(path);
    if (scheme) path = path.slice(scheme[0].length);
  }
  if (isAbsolute(path)) {
    const rel = relative(root, path);
    if (!rel.startsWith('..') && !isAbsolute(rel)) path = rel;
  }
  path = path.split(sep).join('/');
  path = path.replace(/[?#].*$/, '');
  const normal = posix.normalize(path);
  return normal.startsWith('./') ? normal.slice(2) : normal;
}

/** Bytes of `code` per source index of a decoded mapping; sums to code.length with unmapped. */
export function attributeBytes(
  code: Uint8Array,
  mappings: ReadonlyArray<ReadonlyArray<readonly number[]>>,
  sourceCount: number,
): { bySource: number[]; unmapped: number } {
  const bySource = new Array<number>(sourceCount).fill(0);
  let unmapped = 0;
  const buffer = Buffer.from(code.buffer, code.byteOffset, code.byteLength);
  const ascii = isAscii(code);
  let lineStart = 0;
  for (let line = 0; lineStart <= buffer.length; line++) {
    let lineEnd = buffer.indexOf(10, lineStart);
    const hasNewline = lineEnd >= 0;
    if (!hasNewline) lineEnd = buffer.length;
    const segments = mappings[line] ?? [];
    // Column → byte offset within the line. Source-map columns count UTF-16 code units.
    const text = ascii ? undefined : buffer.toString('utf8', lineStart, lineEnd);
    const lineBytes = lineEnd - lineStart;
    let prevCol = 0;
    let prevByte = 0;
    const byteAt = (col: number): number => {
      if (text === undefined) return Math.min(col, lineBytes);
      if (col <= prevCol) return prevByte;
      const b = prevByte + Buffer.byteLength(text.slice(prevCol, col));
      prevCol = col;
      prevByte = Math.min(b, lineBytes);
      return prevByte;
    };
    let owner = -1; // who owns the bytes from `from` on; -1 is unmapped
    let from = 0;
    for (const segment of segments) {
      const at = byteAt(segment[0]!);
      if (at > from) {
        if (owner >= 0) bySource[owner]! += at - from;
        else unmapped += at - from;
        from = at;
      }
      owner = segment.length >= 4 && segment[1]! < sourceCount ? segment[1]! : -1;
    }
    // The rest of the line, and its newline, go to the last segment's source.
    const tail = lineBytes - from + (hasNewline ? 1 : 0);
    if (owner >= 0) bySource[owner]! += tail;
    else unmapped += tail;
    if (!hasNewline) break;
    lineStart = lineEnd + 1;
  }
  return { bySource, unmapped };
}

function isAscii(code: Uint8Array): boolean {
  for (let i = 0; i < code.length; i++) if (code[i]! > 0x7f) return false;
  return true;
}

const MAP_COMMENT = /[#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/)?\s*$/;

/** The sourceMappingURL of a generated file, when its last comment names one. */
export function sourceMappingUrl(code: Uint8Array): string | undefined {
  const buffer = Buffer.from(code.buffer, code.byteOffset, code.byteLength);
  const at = buffer.lastIndexOf('sourceMappingURL=');
  if (at < 2) return undefined;
  const match = MAP_COMMENT.exec(buffer.toString('utf8', Math.max(0, at - 4)));
  return match?.[1];
}

/** Error reading a source map or metafile; measurement goes on without that file's composition. */
export class CompositionError extends Error {
  override name = 'CompositionError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/**
 * The composition of one output file from its source map: the inline `data:` map or the file its
 * sourceMappingURL names (inside the tree), else `<file>.map` when that was found. Undefined when
 * the file has no map.
 */
export async function compositionFromSourceMap(
  root: string,
  file: string,
  code: Uint8Array,
  hasSiblingMap: boolean,
): Promise<FileComposition | undefined> {
  const url = sourceMappingUrl(code);
  let json: string | undefined;
  let mapPath = `${file}.map`;
  if (url?.startsWith('data:')) {
    json = decodeDataUrl(url, file);
    mapPath = file;
  } else if (url !== undefined) {
    const target = posix.normalize(
      posix.join(posix.dirname(file), decodeURIComponent(url.replace(/[?#].*$/, ''))),
    );
    if (target.startsWith('../') || posix.isAbsolute(target)) {
      throw new CompositionError(
        `sourceMappingURL ${JSON.stringify(url)} points outside the tree`,
        file,
      );
    }
    mapPath = target;
  } else if (!hasSiblingMap) {
    return undefined;
  }
  if (json === undefined) {
    try {
      json = await readFile(join(root, mapPath), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && url === undefined) return undefined;
      throw new CompositionError(
        `cannot read source map ${mapPath}: ${(error as Error).message}`,
        file,
      );
    }
  }
  let map: TraceMap;
  try {
    map = new AnyMap(JSON.parse(json), join(root, mapPath));
  } catch (error) {
    throw new CompositionError(
      `source map ${mapPath} is not valid: ${(error as Error).message}`,
      file,
    );
  }
  const { bySource, unmapped } = attributeBytes(code, decodedMappings(map), map.sources.length);
  const modules = new Map<string, number>();
  bySource.forEach((bytes, i) => {
    if (bytes === 0) return;
    const id = normalizeSource(map.resolvedSources[i] ?? map.sources[i] ?? `(source ${i})`, root);
    modules.set(id, (modules.get(id) ?? 0) + bytes);
  });
  return { via: 'sourcemap', modules, unmapped };
}

function decodeDataUrl(url: string, file: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new CompositionError('inline source map has no data', file);
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  return meta.endsWith(';base64')
    ? Buffer.from(data, 'base64').toString('utf8')
    : decodeURIComponent(data);
}

/** The part of an esbuild metafile this reads. */
interface EsbuildMetafile {
  outputs: Record<string, { bytes?: number; inputs?: Record<string, { bytesInOutput?: number }> }>;
}

/**
 * Compositions from an esbuild metafile (`--metafile=meta.json`), keyed by output path relative to
 * the tree root. esbuild writes paths relative to its working directory: the tree root, or else
 * the metafile's folder; both are tried.
 */
export async function compositionsFromMetafile(
  root: string,
  metafile: string,
  files: ReadonlyMap<string, number>,
): Promise<Map<string, FileComposition>> {
  let parsed: EsbuildMetafile;
  try {
    parsed = JSON.parse(await readFile(join(root, metafile), 'utf8')) as EsbuildMetafile;
  } catch (error) {
    throw new CompositionError(`cannot read metafile: ${(error as Error).message}`, metafile);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.outputs !== 'object') {
    throw new CompositionError('not an esbuild metafile (no "outputs")', metafile);
  }
  const out = new Map<string, FileComposition>();
  for (const [output, entry] of Object.entries(parsed.outputs)) {
    const candidates = [
      posix.normalize(output),
      posix.normalize(posix.join(posix.dirname(metafile), output)),
    ];
    const file = candidates.find((c) => files.has(c));
    if (file === undefined || out.has(file)) continue;
    const modules = new Map<string, number>();
    let claimed = 0;
    for (const [input, { bytesInOutput = 0 }] of Object.entries(entry.inputs ?? {})) {
      if (bytesInOutput <= 0) continue;
      // esbuild names inputs relative to its working dir, with namespaces like `ns:path`.
      const id = normalizeSource(input.replace(/^[a-z-]+:(?!\/\/)/i, ''), root);
      modules.set(id, (modules.get(id) ?? 0) + bytesInOutput);
      claimed += bytesInOutput;
    }
    out.set(file, { via: 'metafile', modules, unmapped: Math.max(0, files.get(file)! - claimed) });
  }
  return out;
}

/**
 * Sums per-file compositions into a side's composition. `versionOf` reads a package's version
 * (from its package.json) when the path does not carry it.
 */
export async function aggregateComposition(
  perFile: ReadonlyMap<string, FileComposition>,
  versionOf: (root: string) => Promise<string | undefined>,
): Promise<Composition> {
  const files: Record<string, CompositionSource> = {};
  const modules: Record<string, ModuleEntry> = {};
  const packages: Record<string, PackageEntry> = {};
  const instances = new Map<string, PackageInstance & { name: string }>();
  let unmapped = 0;
  for (const [file, composition] of [...perFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    files[file] = composition.via;
    unmapped += composition.unmapped;
    for (const [source, bytes] of composition.modules) {
      const pkg = packageOf(source);
      const id = pkg ? posix.join(pkg.name, pkg.subpath) : source;
      modules[id] ??= { bytes: 0, files: [] };
      const entry = modules[id];
      entry.bytes += bytes;
      if (!entry.files.includes(file)) entry.files.push(file);
      if (!pkg) continue;
      entry.package = pkg.name;
      let instance = instances.get(pkg.root);
      if (!instance) {
        instance = { name: pkg.name, root: pkg.root, bytes: 0 };
        if (pkg.version !== undefined) instance.version = pkg.version;
        instances.set(pkg.root, instance);
      }
      instance.bytes += bytes;
    }
  }
  await Promise.all(
    [...instances.values()]
      .filter((i) => i.version === undefined)
      .map(async (i) => {
        const version = await versionOf(i.root);
        if (version !== undefined) i.version = version;
      }),
  );
  for (const { name, ...instance } of [...instances.values()].sort((a, b) =>
    a.root < b.root ? -1 : 1,
  )) {
    packages[name] ??= { bytes: 0, instances: [] };
    const entry = packages[name];
    entry.bytes += instance.bytes;
    entry.instances.push(instance);
  }
  return { files, modules, packages, unmapped };
}

/** Reads `<root>/<packageRoot>/package.json`'s version; undefined when absent or unreadable. */
export function packageVersionReader(
  treeRoot: string,
): (root: string) => Promise<string | undefined> {
  const cache = new Map<string, Promise<string | undefined>>();
  return (root) => {
    let version = cache.get(root);
    if (!version) {
      version = readFile(join(treeRoot, root, 'package.json'), 'utf8').then(
        (text) => {
          const v = (JSON.parse(text) as { version?: unknown }).version;
          return typeof v === 'string' && v.length <= 100 ? v : undefined;
        },
        () => undefined,
      );
      cache.set(root, version);
    }
    return version;
  };
}
