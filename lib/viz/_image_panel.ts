/**
 * Private: reading attribution maps and images, and drawing one panel of an attribution
 * visualization (Plotly traces + RGBA raster) with Captum's semantics.
 *
 * @module
 */
import { type ArrayInput, toDense } from "./array_input.ts";
import {
  BLUES,
  type ColorScale,
  GREENS,
  plotlyColorscale,
  RED_WHITE_GREEN,
  REDS,
  sampleColor,
} from "./_colormaps.ts";
import type { RgbaImage } from "../display/figure_spec.ts";
import type { Cell } from "./_subplots.ts";
import type { PlotlyTrace } from "../display/figure_spec.ts";
import type { VisualizeSign } from "./normalize_attr.ts";

/** How an attribution map is drawn (Captum's `ImageVisualizationMethod`). */
export type ImageVisualizationMethod =
  | "heat_map"
  | "blended_heat_map"
  | "original_image"
  | "masked_image"
  | "alpha_scaling";

/** The accepted {@linkcode ImageVisualizationMethod} values. */
export const IMAGE_VISUALIZATION_METHODS: readonly ImageVisualizationMethod[] = [
  "heat_map",
  "blended_heat_map",
  "original_image",
  "masked_image",
  "alpha_scaling",
];

/** An image as 0..255 RGB bytes. */
export interface RgbImage {
  height: number;
  width: number;
  /** `height * width * 3` bytes. */
  rgb: Uint8ClampedArray;
}

/** Read an attribution map as `[H, W, C]`, accepting `[H, W]`, `[H, W, C]` or `[1, H, W, C]`. */
export function readHwc(
  x: ArrayInput,
  context: string,
  name: string,
): { data: Float64Array; shape: [number, number, number] } {
  const { data, shape } = toDense(x, context, name);
  let s = shape;
  if (s.length === 4 && s[0] === 1) s = s.slice(1);
  if (s.length === 2) s = [s[0], s[1], 1];
  if (s.length !== 3 || s.some((d) => d < 1)) {
    throw new TypeError(
      `${context}: ${name} must have shape [H, W, C], [1, H, W, C] or [H, W] (channels last), ` +
        `received [${shape}]. Pass one image; slice a batch with x.slice(i, 1).`,
    );
  }
  return { data, shape: s as [number, number, number] };
}

/**
 * Read an image as RGB bytes. Values with a maximum ≤ 1 are taken as 0..1 and scaled by 255
 * (then truncated, as Captum does); values are clipped to 0..255. One channel is grey.
 */
export function readImage(x: ArrayInput, context: string, name: string): RgbImage {
  const { data, shape: [height, width, channels] } = readHwc(x, context, name);
  if (channels !== 1 && channels !== 3) {
    throw new TypeError(
      `${context}: ${name} must have 1 or 3 channels, received ${channels}. ` +
        `Pass a grey or RGB image, channels last.`,
    );
  }
  let max = -Infinity;
  for (const v of data) if (v > max) max = v;
  const scale = max <= 1 ? 255 : 1;
  const rgb = new Uint8ClampedArray(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      const v = data[p * channels + (channels === 1 ? 0 : c)] * scale;
      rgb[p * 3 + c] = Math.min(255, Math.max(0, Math.trunc(v)));
    }
  }
  return { height, width, rgb };
}

/** Captum's default colour scale and range per sign. */
export function signColorScale(
  sign: VisualizeSign,
): { scale: ColorScale; zmin: number; zmax: number } {
  switch (sign) {
    case "all":
      return { scale: RED_WHITE_GREEN, zmin: -1, zmax: 1 };
    case "positive":
      return { scale: GREENS, zmin: 0, zmax: 1 };
    case "negative":
      return { scale: REDS, zmin: 0, zmax: 1 };
    case "absolute_value":
      return { scale: BLUES, zmin: 0, zmax: 1 };
  }
}

/** Readable names for titles. */
export const METHOD_LABELS: Record<ImageVisualizationMethod, string> = {
  heat_map: "Heat map",
  blended_heat_map: "Blended heat map",
  original_image: "Original image",
  masked_image: "Masked image",
  alpha_scaling: "Alpha scaling",
};

/** Readable names for titles. */
export const SIGN_LABELS: Record<VisualizeSign, string> = {
  all: "all",
  positive: "positive",
  negative: "negative",
  absolute_value: "absolute-value",
};

/** The default title of a panel, e.g. "Heat map (absolute-value attributions)". */
export function panelTitle(method: ImageVisualizationMethod, sign: VisualizeSign): string {
  return method === "original_image"
    ? METHOD_LABELS[method]
    : `${METHOD_LABELS[method]} (${SIGN_LABELS[sign]} attributions)`;
}

/** Everything one panel needs. */
export interface PanelInput {
  method: ImageVisualizationMethod;
  /** What the heat map shows, `height * width` values (normalized or in attribution units). */
  z: Float64Array;
  /** Weights in 0..1 for `"masked_image"` and `"alpha_scaling"`. */
  weights: Float64Array;
  height: number;
  width: number;
  scale: ColorScale;
  zmin: number;
  zmax: number;
  /** `"normalized"` (Captum's −1..1 / 0..1) or `"attribution"` (the map's own units). */
  units: "normalized" | "attribution";
  image: RgbImage | undefined;
  alphaOverlay: number;
  showColorbar: boolean;
  cell: Cell;
  /** Colour bar position right of the cell, in paper coordinates. */
  colorbarX: number;
}

/** The traces and the raster of one panel. */
export interface Panel {
  traces: PlotlyTrace[];
  raster: RgbaImage;
}

function nested<T>(h: number, w: number, f: (p: number) => T): T[][] {
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => f(y * w + x)));
}

/** Validate the method/sign/image combination as Captum does (with clearer errors). */
export function checkPanel(
  method: ImageVisualizationMethod,
  sign: VisualizeSign,
  hasImage: boolean,
  context: string,
): void {
  if (!IMAGE_VISUALIZATION_METHODS.includes(method)) {
    throw new RangeError(
      `${context}: method must be one of ${
        IMAGE_VISUALIZATION_METHODS.map((m) => `"${m}"`).join(", ")
      }, received ${JSON.stringify(method)}.`,
    );
  }
  if ((method === "masked_image" || method === "alpha_scaling") && sign === "all") {
    throw new RangeError(
      `${context}: method "${method}" cannot show positive and negative attributions at once ` +
        `(sign "all"). Pass sign "positive", "negative" or "absolute_value".`,
    );
  }
  if (method !== "heat_map" && !hasImage) {
    throw new TypeError(
      `${context}: method "${method}" needs the original image, received none. Pass the image ` +
        `as the second argument (only "heat_map" works without it).`,
    );
  }
}

/** Draw one panel. */
export function drawPanel(input: PanelInput): Panel {
  const { method, z, weights, image, alphaOverlay, showColorbar, cell, colorbarX } = input;
  const { height: h, width: w, scale, zmin, zmax, units } = input;
  const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
  const raster = new Uint8ClampedArray(h * w * 4);
  const image_: RgbaImage = { width: w, height: h, data: raster };
  const heatColor = (p: number) => sampleColor(scale, (z[p] - zmin) / (zmax - zmin));
  const heatTrace = (opacity: number): PlotlyTrace => ({
    type: "heatmap",
    ...axes,
    z: nested(h, w, (p) => z[p]),
    zmin,
    zmax,
    colorscale: plotlyColorscale(scale),
    opacity,
    showscale: showColorbar,
    colorbar: {
      x: colorbarX,
      xanchor: "left",
      y: (cell.yDomain[0] + cell.yDomain[1]) / 2,
      yanchor: "middle",
      len: cell.yDomain[1] - cell.yDomain[0],
      thickness: 12,
      outlinewidth: 0,
      ...(units === "attribution" && { tickformat: ".2~g" }),
    },
    hovertemplate: units === "attribution"
      ? "x=%{x}, y=%{y}<br>attribution=%{z:.4~g}<extra></extra>"
      : "x=%{x}, y=%{y}<br>normalized attribution=%{z:.3f}<extra></extra>",
  });
  const grey = () => {
    // matplotlib's imshow(mean over channels, cmap="gray") stretches min..max to black..white.
    const g = new Float64Array(h * w);
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < h * w; p++) {
      const rgb = image!.rgb;
      g[p] = (rgb[p * 3] + rgb[p * 3 + 1] + rgb[p * 3 + 2]) / 3;
      lo = Math.min(lo, g[p]);
      hi = Math.max(hi, g[p]);
    }
    return g.map((v) => (hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : Math.round(v)));
  };
  switch (method) {
    case "heat_map": {
      for (let p = 0; p < h * w; p++) raster.set([...heatColor(p), 255], p * 4);
      return { traces: [heatTrace(1)], raster: image_ };
    }
    case "blended_heat_map": {
      const g = grey();
      for (let p = 0; p < h * w; p++) {
        const c = heatColor(p);
        raster.set([
          ...c.map((v) => v * alphaOverlay + g[p] * (1 - alphaOverlay)),
          255,
        ], p * 4);
      }
      return {
        traces: [
          { type: "image", ...axes, z: nested(h, w, (p) => [g[p], g[p], g[p]]), hoverinfo: "skip" },
          heatTrace(alphaOverlay),
        ],
        raster: image_,
      };
    }
    case "original_image": {
      const rgb = image!.rgb;
      for (let p = 0; p < h * w; p++) {
        raster.set([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], 255], p * 4);
      }
      return {
        traces: [{
          type: "image",
          ...axes,
          z: nested(h, w, (p) => [rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]]),
        }],
        raster: image_,
      };
    }
    case "masked_image": {
      const rgb = image!.rgb;
      const px = (p: number, c: number) =>
        Math.min(255, Math.max(0, Math.trunc(rgb[p * 3 + c] * weights[p])));
      for (let p = 0; p < h * w; p++) raster.set([px(p, 0), px(p, 1), px(p, 2), 255], p * 4);
      return {
        traces: [{
          type: "image",
          ...axes,
          z: nested(h, w, (p) => [px(p, 0), px(p, 1), px(p, 2)]),
        }],
        raster: image_,
      };
    }
    case "alpha_scaling": {
      const rgb = image!.rgb;
      const alpha = (p: number) => Math.min(255, Math.max(0, Math.trunc(weights[p] * 255)));
      for (let p = 0; p < h * w; p++) {
        raster.set([rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], alpha(p)], p * 4);
      }
      return {
        traces: [{
          type: "image",
          ...axes,
          colormodel: "rgba",
          z: nested(h, w, (p) => [rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2], alpha(p) / 255]),
        }],
        raster: image_,
      };
    }
  }
}
