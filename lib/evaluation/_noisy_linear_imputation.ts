/**
 * Private: ROAD's noisy linear imputation (Rong et al., 2022). Every removed pixel takes the
 * weighted mean of its 8 neighbours (weight 1/6 for the 4 direct ones, 1/12 for the diagonal
 * ones, normalized over the neighbours inside the image), which makes a sparse linear system over
 * the removed pixels; it is solved here by successive over-relaxation (the solution is the same
 * as a direct solve, up to `tolerance`), then Gaussian noise of standard deviation `noise` is
 * added to the imputed values.
 *
 * @module
 */
import type { SeededRandom } from "../attr/_utils/seeded_random.ts";

const NEIGHBOURS: readonly [number, number, number][] = [
  [-1, 0, 1 / 6],
  [1, 0, 1 / 6],
  [0, -1, 1 / 6],
  [0, 1, 1 / 6],
  [-1, -1, 1 / 12],
  [-1, 1, 1 / 12],
  [1, -1, 1 / 12],
  [1, 1, 1 / 12],
];

/**
 * Impute the pixels of `removed` (`h × w` flags) in one `h × w × c` image (`image` is not
 * changed), channel by channel; returns the imputed image.
 */
export function noisyLinearImpute(
  image: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  removed: Uint8Array,
  noise: number,
  random: SeededRandom,
  tolerance = 1e-6,
  maxIterations = 2000,
): Float32Array {
  const out = Float32Array.from(image);
  const holes: number[] = [];
  for (let p = 0; p < h * w; p++) if (removed[p]) holes.push(p);
  if (holes.length === 0) return out;
  const omega = 1.8;
  for (let ch = 0; ch < c; ch++) {
    const v = new Float64Array(h * w);
    let knownSum = 0, known = 0;
    for (let p = 0; p < h * w; p++) {
      v[p] = image[p * c + ch];
      if (!removed[p]) {
        knownSum += v[p];
        known++;
      }
    }
    const start = known > 0 ? knownSum / known : 0;
    for (const p of holes) v[p] = start;
    for (let it = 0; it < maxIterations; it++) {
      let change = 0;
      for (const p of holes) {
        const y = Math.floor(p / w), x = p % w;
        let s = 0, wsum = 0;
        for (const [dy, dx, wt] of NEIGHBOURS) {
          const yy = y + dy, xx = x + dx;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          s += wt * v[yy * w + xx];
          wsum += wt;
        }
        const next = v[p] + omega * (s / wsum - v[p]);
        change = Math.max(change, Math.abs(next - v[p]));
        v[p] = next;
      }
      if (change < tolerance) break;
    }
    const draws = random.normals(holes.length, noise);
    for (const [i, p] of holes.entries()) out[p * c + ch] = v[p] + draws[i];
  }
  return out;
}
