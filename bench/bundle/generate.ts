// A deterministic build-output tree for the bundle bench: seeded, JS- and CSS-like text of mixed
// sizes (log-normal, median about 1 kB, a few files of hundreds of kB, as code-split apps emit),
// named `<name>-<hash>.js` like Rollup/Vite output.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** mulberry32: a small seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const KEYWORDS = [
  'const',
  'let',
  'return',
  'new',
  'await',
  'typeof',
  'void',
  'this',
  'null',
  'throw',
];
const PROPS = [
  'length',
  'push',
  'map',
  'filter',
  'then',
  'value',
  'children',
  'props',
  'key',
  'type',
  'state',
];

/** Minified-looking JavaScript of `length` characters; each file has its own vocabulary. */
export function jsText(random: () => number, length: number): string {
  const names = Array.from({ length: 40 + Math.floor(random() * 200) }, () =>
    Math.floor(random() * 60_000).toString(36),
  );
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const r = random();
    let s: string;
    if (r < 0.25)
      s = `function ${pick(names)}(${pick(names)},${pick(names)}){return ${pick(names)}.${pick(PROPS)}+${Math.floor(random() * 1000)}}`;
    else if (r < 0.45)
      s = `const ${pick(names)}=${JSON.stringify(`${pick(names)} ${pick(names)}`)};`;
    else if (r < 0.65)
      s = `if(${pick(names)}.${pick(PROPS)}>${Math.floor(random() * 100)}){${pick(names)}.${pick(PROPS)}(${pick(names)})}`;
    else if (r < 0.8)
      s = `${pick(names)}=${pick(names)}.${pick(PROPS)}(${pick(names)}=>${pick(names)}.${pick(PROPS)});`;
    else s = `${pick(KEYWORDS)} ${pick(names)};`;
    parts.push(s);
    size += s.length;
  }
  return parts.join('').slice(0, length);
}

/** Minified-looking CSS of `length` characters. */
export function cssText(random: () => number, length: number): string {
  const props = [
    'margin',
    'padding',
    'color',
    'display',
    'border',
    'font-size',
    'line-height',
    'width',
  ];
  const hex = () =>
    Math.floor(random() * 0xffffff)
      .toString(16)
      .padStart(6, '0');
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const s = `.c-${Math.floor(random() * 5000).toString(36)}{${props[Math.floor(random() * props.length)]}:${random() < 0.5 ? `#${hex()}` : `${Math.floor(random() * 40)}px`}}`;
    parts.push(s);
    size += s.length;
  }
  return parts.join('').slice(0, length);
}

export interface GeneratedFile {
  path: string;
  text: string;
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 8);
}

function fileSize(random: () => number): number {
  // log-normal: median e^7 ≈ 1.1 kB, mean ≈ 2.3 kB; clipped to [80 B, 400 kB].
  return Math.min(400_000, Math.max(80, Math.round(Math.exp(7 + 1.2 * normal(random)))));
}

/** The files of a tree: `dist/assets/<folder>/<name>-<hash>.(js|css)`. */
export function generateFiles(count: number, seed: number): GeneratedFile[] {
  const random = mulberry32(seed);
  const files: GeneratedFile[] = [];
  for (let i = 0; i < count; i++) {
    const css = random() < 0.1;
    const text = css ? cssText(random, fileSize(random)) : jsText(random, fileSize(random));
    const folder = `m${i % 40}`;
    files.push({
      path: `dist/assets/${folder}/f${i}-${contentHash(text)}.${css ? 'css' : 'js'}`,
      text,
    });
  }
  return files;
}

/**
 * Head of a typical pull request, from base: `changed` of the files edited (new content, so a new
 * hash in the name), `added` new files, `removed` files gone; the rest identical.
 */
export function headFiles(
  base: GeneratedFile[],
  seed: number,
  shares = { changed: 0.02, added: 0.005, removed: 0.005 },
): GeneratedFile[] {
  const random = mulberry32(seed);
  const out: GeneratedFile[] = [];
  for (const f of base) {
    const r = random();
    if (r < shares.removed) continue;
    if (r < shares.removed + shares.changed) {
      const text = f.text + jsText(random, 50 + Math.floor(random() * 500));
      const path = f.path.replace(/-[A-Za-z0-9_-]{8}\.(js|css)$/, `-${contentHash(text)}.$1`);
      out.push({ path, text });
    } else {
      out.push(f);
    }
  }
  const extra = Math.round(base.length * shares.added);
  for (let i = 0; i < extra; i++) {
    const text = jsText(random, fileSize(random));
    out.push({ path: `dist/assets/new/n${i}-${contentHash(text)}.js`, text });
  }
  return out;
}

export async function writeTree(dir: string, files: GeneratedFile[]): Promise<number> {
  let bytes = 0;
  const folders = new Set(files.map((f) => join(dir, f.path, '..')));
  await Promise.all([...folders].map((d) => mkdir(d, { recursive: true })));
  for (let i = 0; i < files.length; i += 200) {
    await Promise.all(
      files.slice(i, i + 200).map((f) => {
        bytes += Buffer.byteLength(f.text);
        return writeFile(join(dir, f.path), f.text);
      }),
    );
  }
  return bytes;
}
