/**
 * `imageGridFigure`: a grid of sample images with their labels.
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import type { RgbImage } from "./_image_panel.ts";
import type { RgbaImage } from "../display/figure_spec.ts";
import { composeGrid } from "./_raster.ts";
import { cellTitle, grid, imageAxes } from "./_subplots.ts";
import type { PlotlyTrace } from "../display/figure_spec.ts";
import { Figure } from "./figure.ts";
import { fitTitle } from "./_title_fit.ts";

/** Options of {@linkcode imageGridFigure}. */
export interface ImageGridFigureOptions {
  /**
   * One label per image: a string, or a class index looked up in `classNames`.
   * @default no labels
   */
  labels?: readonly (string | number)[];
  /** Names of the classes, for numeric labels. */
  classNames?: readonly string[];
  /** Images per row. @default min(count, 8) */
  columns?: number;
  /** Side of each image in pixels. @default 96 */
  cellSize?: number;
  /** Figure title. @default "Sample images (<count>)" */
  title?: string;
}

/**
 * A grid of images (e.g. a batch of Fashion-MNIST samples) with their labels above them. The
 * figure also carries a PNG rendering.
 *
 * @example
 * ```ts
 * import { imageGridFigure } from "../mod.ts";
 * const images = { data: new Float32Array(4 * 28 * 28).fill(0.5), shape: [4, 28, 28, 1] };
 * imageGridFigure(images, { labels: [0, 1, 2, 3], classNames: ["T-shirt", "Trouser", "Pullover", "Dress"] });
 * ```
 *
 * @param images `[N, H, W]`, `[N, H, W, 1]` or `[N, H, W, 3]`, values 0..1 or 0..255 (a
 *   `tf.Tensor`, read and not disposed, `{ data, shape }` or nested arrays).
 * @throws {TypeError} for a bad shape or a label count that differs from the image count.
 * @throws {RangeError} for a numeric label without a class name.
 */
export function imageGridFigure(images: ArrayInput, options: ImageGridFigureOptions = {}): Figure {
  const context = "Cannot draw the image grid";
  const { data, shape } = toDense(images, context, "images");
  let s = shape;
  if (s.length === 3) s = [...s, 1];
  if (s.length !== 4 || (s[3] !== 1 && s[3] !== 3) || s[0] < 1) {
    throw new TypeError(
      `${context}: images must have shape [N, H, W], [N, H, W, 1] or [N, H, W, 3], received ` +
        `[${shape}].`,
    );
  }
  const [n, h, w, ch] = s;
  const { labels, classNames, cellSize = 96 } = options;
  if (labels !== undefined && labels.length !== n) {
    throw new TypeError(
      `${context}: labels must hold one label per image (${n}), received ${labels.length}.`,
    );
  }
  const labelText = (i: number): string => {
    const l = labels?.[i];
    if (l === undefined || typeof l === "string") return l ?? "";
    if (classNames === undefined) return String(l);
    if (!(Number.isInteger(l) && l >= 0 && l < classNames.length)) {
      throw new RangeError(
        `${context}: label ${l} of image ${i} is not a class index in 0..${classNames.length - 1}.`,
      );
    }
    return classNames[l];
  };
  const columns = Math.max(1, Math.min(options.columns ?? Math.min(n, 8), n));
  const rows = Math.ceil(n / columns);
  let max = -Infinity;
  for (const v of data) if (v > max) max = v;
  // 0..1 images, allowing float rounding just above 1 (e.g. 1.0000001 after arithmetic).
  const scale = max <= 1.01 ? 255 : 1;
  const cellW = Math.round(cellSize * w / Math.max(h, w));
  const cellH = Math.round(cellSize * h / Math.max(h, w));
  // Labels wrap (or shrink) to their cell and the title to the figure, instead of overflowing.
  const labelFits = labels === undefined ? undefined : Array.from(
    { length: n },
    (_, i) => fitTitle(labelText(i), cellW + 6, { fontSize: 11, minFontSize: 8, maxLines: 2 }),
  );
  const labelPx = labelFits ? Math.max(20, ...labelFits.map((f) => f.heightPx + 6)) : 0;
  const spec = {
    rows,
    cols: columns,
    cellWidth: cellW,
    cellHeight: cellH,
    topPx: labelPx,
    gapPx: 8,
  };
  const title = options.title ?? `Sample images (${n})`;
  const margin = { l: 10, r: 10, t: 50, b: 10 };
  const fitted = fitTitle(title, grid({ ...spec, margin }).width - 20, {
    fontSize: 15,
    maxLines: 3,
  });
  const g = grid({ ...spec, margin: { ...margin, t: Math.max(50, fitted.heightPx + 30) } });
  const traces: PlotlyTrace[] = [];
  const annotations: Record<string, unknown>[] = [];
  let axes: Record<string, unknown> = {};
  const rasters: (RgbaImage | undefined)[][] = Array.from({ length: rows }, () => []);
  for (let i = 0; i < n; i++) {
    const cell = g.cells[i];
    const img: RgbImage = { height: h, width: w, rgb: new Uint8ClampedArray(h * w * 3) };
    const rgba = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      for (let c = 0; c < 3; c++) {
        const v = data[(i * h * w + p) * ch + (ch === 1 ? 0 : c)] * scale;
        img.rgb[p * 3 + c] = Math.trunc(Math.min(255, Math.max(0, v)));
        rgba[p * 4 + c] = img.rgb[p * 3 + c];
      }
      rgba[p * 4 + 3] = 255;
    }
    traces.push({
      type: "image",
      xaxis: cell.xaxis,
      yaxis: cell.yaxis,
      z: Array.from({ length: h }, (_, y) =>
        Array.from({ length: w }, (_, x) => {
          const p = (y * w + x) * 3;
          return [img.rgb[p], img.rgb[p + 1], img.rgb[p + 2]];
        })),
      name: labelText(i),
      hovertemplate: `${labelText(i) || `image ${i}`}<br>x=%{x}, y=%{y}<extra></extra>`,
    });
    axes = { ...axes, ...imageAxes(cell, h, w) };
    if (labelFits) {
      const fit = labelFits[i];
      annotations.push({ ...cellTitle(cell, fit.text), font: { size: fit.fontSize } });
    }
    rasters[cell.row][cell.col] = { width: w, height: h, data: rgba };
  }
  return new Figure({
    data: traces,
    layout: {
      title: { text: fitted.text, font: { size: fitted.fontSize } },
      width: g.width,
      height: g.height,
      margin: g.margin,
      annotations,
      showlegend: false,
      ...axes,
    },
    raster: composeGrid(rasters, Math.max(h, w) * 3, 4),
    description: `Plotly figure: ${title}, ${n} images of ${h}×${w}`,
  });
}
