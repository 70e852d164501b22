/**
 * Private: the structural similarity index (SSIM) of two grey images, as Wang et al. (2004) define
 * it and `skimage.metrics.structural_similarity` computes it by default: a uniform 7 × 7 window,
 * K1 = 0.01, K2 = 0.03, sample (co)variances, averaged over the windows that lie inside the image.
 *
 * @module
 */

/** SSIM of two `height × width` images (row-major), for values spanning `dataRange`. */
export function ssim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  height: number,
  width: number,
  dataRange = 1,
): number {
  let win = Math.min(7, height, width);
  if (win % 2 === 0) win--;
  const np = win * win;
  const covNorm = np > 1 ? np / (np - 1) : 1;
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  let total = 0, count = 0;
  for (let r = 0; r + win <= height; r++) {
    for (let c = 0; c + win <= width; c++) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let i = r; i < r + win; i++) {
        for (let j = c; j < c + win; j++) {
          const x = a[i * width + j], y = b[i * width + j];
          sa += x;
          sb += y;
          saa += x * x;
          sbb += y * y;
          sab += x * y;
        }
      }
      const ux = sa / np, uy = sb / np;
      const vx = covNorm * (saa / np - ux * ux);
      const vy = covNorm * (sbb / np - uy * uy);
      const vxy = covNorm * (sab / np - ux * uy);
      total += ((2 * ux * uy + c1) * (2 * vxy + c2)) /
        ((ux * ux + uy * uy + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}
