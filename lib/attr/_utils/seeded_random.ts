/**
 * A small seeded pseudo-random generator (mulberry32) for every random draw of the explainers
 * (GradientShap's baselines and noise, NoiseTunnel, the perturbation methods) and metrics, so that
 * each is reproducible from a `seed` option.
 *
 * @module
 */
import { mulberry32 } from "../../data/_prng.ts";

/** A seeded generator of uniform numbers, integers, normals, permutations and subsets. */
export class SeededRandom {
  readonly #next: () => number;

  /** @param seed any finite number; the same seed gives the same sequence. */
  constructor(seed: number) {
    // Mix the seed (including fractional and negative values) into a 32-bit state.
    let s = Math.floor(seed * 2654435761) ^ 0x9e3779b9;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
    this.#next = mulberry32((s ^ (s >>> 16)) >>> 0);
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /**
   * `size` normal draws with standard deviation `stdev` (Box–Muller, both values of each pair);
   * all zeros, drawing nothing, when `stdev` is 0.
   */
  normals(size: number, stdev: number): Float32Array {
    const out = new Float32Array(size);
    if (stdev === 0) return out;
    for (let i = 0; i < size; i += 2) {
      let u = 0;
      while (u === 0) u = this.next();
      const r = stdev * Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * this.next();
      out[i] = r * Math.cos(angle);
      if (i + 1 < size) out[i + 1] = r * Math.sin(angle);
    }
    return out;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A uniform random permutation of `0 … n−1` (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** An index drawn from unnormalised non-negative `weights`. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return 0;
  }
}
