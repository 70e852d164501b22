/**
 * Private: the colour scales of the figures, as Plotly colorscales and as samplers for PNG
 * rasters, so that both renderings use the same colours.
 *
 * @module
 */

/** An RGB colour with components in 0..255. */
export type Rgb = readonly [number, number, number];

/** A named colour scale: stops at evenly spaced positions in 0..1. */
export interface ColorScale {
  name: string;
  stops: readonly Rgb[];
}

function hex(h: string): Rgb {
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** matplotlib's "Blues" (ColorBrewer, 9 classes), light to dark. */
export const BLUES: ColorScale = {
  name: "Blues",
  stops: [
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
  ].map(hex),
};

/** matplotlib's "Greens" (ColorBrewer, 9 classes), light to dark. */
export const GREENS: ColorScale = {
  name: "Greens",
  stops: [
    "#f7fcf5",
    "#e5f5e0",
    "#c7e9c0",
    "#a1d99b",
    "#74c476",
    "#41ab5d",
    "#238b45",
    "#006d2c",
    "#00441b",
  ].map(hex),
};

/** matplotlib's "Reds" (ColorBrewer, 9 classes), light to dark. */
export const REDS: ColorScale = {
  name: "Reds",
  stops: [
    "#fff5f0",
    "#fee0d2",
    "#fcbba1",
    "#fc9272",
    "#fb6a4a",
    "#ef3b2c",
    "#cb181d",
    "#a50f15",
    "#67000d",
  ].map(hex),
};

/** Captum's "RdWhGn" for sign "all": red (−1), white (0), green (+1, matplotlib's "green"). */
export const RED_WHITE_GREEN: ColorScale = {
  name: "RdWhGn",
  stops: [[255, 0, 0], [255, 255, 255], [0, 128, 0]],
};

/** Black to white. */
export const GRAYS: ColorScale = { name: "Grays", stops: [[0, 0, 0], [255, 255, 255]] };

/** A Plotly `colorscale` array for `scale`: `[[position, "rgb(r,g,b)"], ...]`. */
export function plotlyColorscale(scale: ColorScale): [number, string][] {
  const n = scale.stops.length;
  return scale.stops.map((c, i) => [i / (n - 1), `rgb(${c[0]},${c[1]},${c[2]})`]);
}

/**
 * The colour of `t` in 0..1 on `scale`, linearly interpolated between stops like Plotly does
 * (values outside 0..1 are clamped; NaN maps to white).
 */
export function sampleColor(scale: ColorScale, t: number): Rgb {
  if (Number.isNaN(t)) return [255, 255, 255];
  const u = Math.min(1, Math.max(0, t)) * (scale.stops.length - 1);
  const i = Math.min(Math.floor(u), scale.stops.length - 2);
  const f = u - i;
  const a = scale.stops[i], b = scale.stops[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}
