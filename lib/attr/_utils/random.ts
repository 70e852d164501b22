/**
 * Seeded random numbers drawn on the host, so that random explainers (GradientShap, NoiseTunnel)
 * give the same result for the same seed on every backend.
 *
 * @module
 */

/** A seeded source of uniform and normal random numbers (mulberry32 + Box–Muller). */
export interface Random {
  /** A uniform number in [0, 1). */
  uniform(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A standard normal number. */
  normal(): number;
  /** `size` normal numbers with standard deviation `stdev` (mean 0), as float32. */
  normals(size: number, stdev: number): Float32Array;
}

/**
 * A deterministic random source for `seed` (any finite number; fractional parts are mixed in).
 */
export function seededRandom(seed: number): Random {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  state = (state + Math.round((seed - Math.floor(seed)) * 0x7fffffff)) >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    uniform,
    int: (n: number) => Math.min(n - 1, Math.floor(uniform() * n)),
    normal,
    normals(size: number, stdev: number): Float32Array {
      const out = new Float32Array(size);
      if (stdev === 0) return out;
      for (let i = 0; i < size; i++) out[i] = normal() * stdev;
      return out;
    },
  };
}
