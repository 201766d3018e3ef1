// Deterministic inputs for the bundle tests: a seeded random source and JS-like text.

/** mulberry32: a small seeded PRNG with a 32-bit state; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYWORDS = ['const', 'let', 'return', 'if', 'else', 'new', 'await', 'typeof', 'this', 'null'];

/** Minified-looking JavaScript of exactly `length` characters (ASCII). */
export function jsLikeText(random: () => number, length: number): string {
  const names = Array.from(
    { length: 300 },
    (_, i) => `${String.fromCharCode(97 + (i % 26))}${Math.floor(random() * 46656).toString(36)}`,
  );
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const r = random();
    let s: string;
    if (r < 0.3)
      s = `function ${pick(names)}(${pick(names)},${pick(names)}){return ${pick(names)}+${Math.floor(random() * 1000)}}`;
    else if (r < 0.55) s = `const ${pick(names)}=${JSON.stringify(pick(names) + pick(names))};`;
    else if (r < 0.8)
      s = `if(${pick(names)}.${pick(names)}>${Math.floor(random() * 100)}){${pick(names)}(${pick(names)})}`;
    else s = `${pick(KEYWORDS)} ${pick(names)};`;
    parts.push(s);
    size += s.length;
  }
  return parts.join('').slice(0, length);
}
