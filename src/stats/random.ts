// The one seeded random source of a run (block order, bootstrap, permutations).
// xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018),
// its 128-bit state filled by splitmix32 from the seed, as its authors recommend: nearby seeds
// give unrelated streams and the state is never all zero.
import { requireFinite } from './errors.js';

export interface Rng {
  /** Uniform on [0, 1), 53 random bits. */
  next(): number;
  /** Uniform integer on 0..n-1. */
  int(n: number): number;
  /** Standard normal (Marsaglia's polar method). */
  normal(): number;
}

/** splitmix32: one step of a 32-bit counter-based mixer (a 32-bit variant of Steele et al. 2014). */
function splitmix32(state: number): [next: number, output: number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** A seed derived from a seed and labels (a metric key, a look), so that each consumer gets its
 *  own stream and results do not depend on the order in which consumers run. FNV-1a over the
 *  labels, mixed with the seed by splitmix32. */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  requireFinite('seed', seed);
  let h = 0x811c9dc5;
  for (const label of labels) {
    const text = `${String(label)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    }
  }
  const [, a] = splitmix32((seed >>> 0) ^ h);
  const [, b] = splitmix32(a ^ Math.floor(seed / 4294967296));
  return b;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function createRng(seed: number): Rng {
  requireFinite('seed', seed);
  // Both halves of a seed beyond 32 bits count.
  // Both halves of a seed beyond 32 bits count.
  let sm = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b1);
  const fill = (): number => {
    const [nextState, out] = splitmix32(sm);
    sm = nextState;
    return out;
  };
  let s0 = fill();
  let s1 = fill();
  let s2 = fill();
  let s3 = fill();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const next = (): number => {
    const hi = nextU32() >>> 5; // 27 bits
    const lo = nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  let spare: number | undefined;
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) {
        throw new RangeError(`rng.int(n) needs a positive integer n, got ${String(n)}`);
      }
      // floor(u·n) with 32 random bits is biased by at most n/2³² (2⁻¹¹ at n = 2²¹), and the
      // product is exact in a double; larger n take 53 bits. The bootstrap draws millions of
      // these, so the cheap path matters.
      if (n <= 2097152) return Math.floor((nextU32() * n) / 4294967296);
      return Math.floor(next() * n);
    },
    normal(): number {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return z;
      }
      let u: number;
      let v: number;
      let q: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      spare = v * f;
      return u * f;
    },
  };
}
