/**
 * Private: histograms of oriented gradients (Dalal & Triggs, 2005) of a grey image, as
 * `skimage.feature.hog` computes them: centred differences (zero on the border rows and columns),
 * unsigned orientations in `orientations` bins over 0–180°, each cell's histogram the mean
 * gradient magnitude per bin, blocks of `blockSize × blockSize` cells normalized by L2-Hys.
 *
 * @module
 */

/** Options of {@linkcode hog}. */
export interface HogOptions {
  /** Orientation bins. */
  orientations: number;
  /** Cell side in pixels. */
  cellSize: number;
  /** Block side in cells. */
  blockSize: number;
}

/** The HOG feature vector of a `height × width` image (row-major). */
export function hog(
  image: ArrayLike<number>,
  height: number,
  width: number,
  { orientations, cellSize, blockSize }: HogOptions,
): Float64Array {
  const gRow = new Float64Array(height * width);
  const gCol = new Float64Array(height * width);
  for (let r = 1; r < height - 1; r++) {
    for (let c = 0; c < width; c++) {
      gRow[r * width + c] = image[(r + 1) * width + c] - image[(r - 1) * width + c];
    }
  }
  for (let r = 0; r < height; r++) {
    for (let c = 1; c < width - 1; c++) {
      gCol[r * width + c] = image[r * width + c + 1] - image[r * width + c - 1];
    }
  }
  const cellsY = Math.floor(height / cellSize);
  const cellsX = Math.floor(width / cellSize);
  const hist = new Float64Array(cellsY * cellsX * orientations);
  const binWidth = 180 / orientations;
  for (let cy = 0; cy < cellsY; cy++) {
    for (let cx = 0; cx < cellsX; cx++) {
      const base = (cy * cellsX + cx) * orientations;
      for (let r = cy * cellSize; r < (cy + 1) * cellSize; r++) {
        for (let c = cx * cellSize; c < (cx + 1) * cellSize; c++) {
          const gr = gRow[r * width + c], gc = gCol[r * width + c];
          const magnitude = Math.hypot(gr, gc);
          let angle = (Math.atan2(gr, gc) * 180) / Math.PI;
          angle = ((angle % 180) + 180) % 180;
          const bin = Math.min(orientations - 1, Math.floor(angle / binWidth));
          hist[base + bin] += magnitude;
        }
      }
      for (let o = 0; o < orientations; o++) hist[base + o] /= cellSize * cellSize;
    }
  }
  const blocksY = cellsY - blockSize + 1;
  const blocksX = cellsX - blockSize + 1;
  if (blocksY < 1 || blocksX < 1) return hist;
  const blockLength = blockSize * blockSize * orientations;
  const out = new Float64Array(blocksY * blocksX * blockLength);
  const eps = 1e-5;
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const offset = (by * blocksX + bx) * blockLength;
      let k = 0;
      for (let y = by; y < by + blockSize; y++) {
        for (let x = bx; x < bx + blockSize; x++) {
          const base = (y * cellsX + x) * orientations;
          for (let o = 0; o < orientations; o++) out[offset + k++] = hist[base + o];
        }
      }
      const block = out.subarray(offset, offset + blockLength);
      l2Hys(block, eps);
    }
  }
  return out;
}

/** L2-Hys block normalization in place: L2-normalize, clip at 0.2, L2-normalize again. */
function l2Hys(block: Float64Array, eps: number): void {
  let norm = Math.sqrt(block.reduce((s, v) => s + v * v, 0) + eps * eps);
  for (let i = 0; i < block.length; i++) block[i] = Math.min(0.2, block[i] / norm);
  norm = Math.sqrt(block.reduce((s, v) => s + v * v, 0) + eps * eps);
  for (let i = 0; i < block.length; i++) block[i] /= norm;
}
