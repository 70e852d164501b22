/**
 * Private: RGBA rasters of image-like figures, the source of their `image/png` rendering.
 *
 * @module
 */

import type { RgbaImage } from "../display/figure_spec.ts";

/** An empty (transparent) raster of the given size. */
export function blankRaster(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/**
 * Lay `panels` (rows of panels; `undefined` leaves a cell empty) out on a white canvas, each
 * panel magnified by an integer factor so that its longer side is about `cellPx` pixels, with
 * `gap` white pixels between cells. Transparent panel pixels are composited over white.
 */
export function composeGrid(
  panels: readonly (readonly (RgbaImage | undefined)[])[],
  cellPx = 224,
  gap = 8,
): RgbaImage {
  const all = panels.flat().filter((p): p is RgbaImage => p !== undefined);
  const maxW = Math.max(1, ...all.map((p) => p.width));
  const maxH = Math.max(1, ...all.map((p) => p.height));
  const scale = Math.max(1, Math.floor(cellPx / Math.max(maxW, maxH)));
  const cols = Math.max(1, ...panels.map((r) => r.length));
  const rows = panels.length;
  const cellW = maxW * scale, cellH = maxH * scale;
  const width = cols * cellW + (cols + 1) * gap;
  const height = rows * cellH + (rows + 1) * gap;
  const out = new Uint8ClampedArray(width * height * 4).fill(255);
  panels.forEach((row, r) =>
    row.forEach((p, c) => {
      if (p === undefined) return;
      const x0 = gap + c * (cellW + gap), y0 = gap + r * (cellH + gap);
      for (let y = 0; y < p.height * scale; y++) {
        const sy = Math.floor(y / scale);
        for (let x = 0; x < p.width * scale; x++) {
          const s = (sy * p.width + Math.floor(x / scale)) * 4;
          const d = ((y0 + y) * width + x0 + x) * 4;
          const a = p.data[s + 3] / 255;
          out[d] = p.data[s] * a + 255 * (1 - a);
          out[d + 1] = p.data[s + 1] * a + 255 * (1 - a);
          out[d + 2] = p.data[s + 2] * a + 255 * (1 - a);
          out[d + 3] = 255;
        }
      }
    })
  );
  return { width, height, data: out };
}
