/**
 * Private: a Gaussian blur of NHWC images on the host (separable kernel of radius ⌈3σ⌉, borders
 * clamped), the "blurred image" replacement of deletion and insertion (Petsiuk et al., 2018).
 *
 * @module
 */

/** Blur every `h × w × c` image of `values` (`n` images) with standard deviation `sigma`. */
export function gaussianBlur(
  values: ArrayLike<number>,
  n: number,
  h: number,
  w: number,
  c: number,
  sigma: number,
): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += kernel[i + radius];
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const out = new Float32Array(n * h * w * c);
  const tmp = new Float64Array(h * w * c);
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let e = 0; e < n; e++) {
    const base = e * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let k = -radius; k <= radius; k++) {
            s += kernel[k + radius] * values[base + (y * w + clamp(x + k, w - 1)) * c + ch];
          }
          tmp[(y * w + x) * c + ch] = s;
        }
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let k = -radius; k <= radius; k++) {
            s += kernel[k + radius] * tmp[(clamp(y + k, h - 1) * w + x) * c + ch];
          }
          out[base + (y * w + x) * c + ch] = s;
        }
      }
    }
  }
  return out;
}
