/**
 * A small seeded pseudo-random generator (mulberry32) and a seeded Fisher–Yates shuffle.
 * Private: not re-exported by `lib/mod.ts`.
 *
 * @module
 */

/**
 * mulberry32: a fast 32-bit PRNG. Returns a function that yields floats in [0, 1).
 * The same seed always gives the same sequence.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The indices `0..n-1` in an order drawn by a Fisher–Yates shuffle seeded with `seed`. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
  return indices;
}
