/**
 * Private: the colour scales of the figures, as Plotly colorscales and as samplers for PNG
 * rasters, so that both renderings use the same colours.
 *
 * @module
 */

/** An RGB colour with components in 0..255. */
export type Rgb = readonly [number, number, number];

/** A named colour scale: colour stops, at `positions` (ascending, 0 to 1) or evenly spaced. */
export interface ColorScale {
  name: string;
  stops: readonly Rgb[];
  /** One position per stop, from 0 to 1 ascending. @default evenly spaced */
  positions?: readonly number[];
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

/** The position of stop `i` of `scale`. */
function position(scale: ColorScale, i: number): number {
  return scale.positions?.[i] ?? i / (scale.stops.length - 1);
}

/** A Plotly `colorscale` array for `scale`: `[[position, "rgb(r,g,b)"], ...]`. */
export function plotlyColorscale(scale: ColorScale): [number, string][] {
  return scale.stops.map((c, i) => [position(scale, i), `rgb(${c[0]},${c[1]},${c[2]})`]);
}

/**
 * The colour of `t` in 0..1 on `scale`, linearly interpolated between stops like Plotly does
 * (values outside 0..1 are clamped; NaN maps to white).
 */
export function sampleColor(scale: ColorScale, t: number): Rgb {
  if (Number.isNaN(t)) return [255, 255, 255];
  const u = Math.min(1, Math.max(0, t));
  const n = scale.stops.length;
  let i = 0;
  while (i < n - 2 && position(scale, i + 1) < u) i++;
  const p0 = position(scale, i), p1 = position(scale, i + 1);
  const f = p1 > p0 ? Math.min(1, Math.max(0, (u - p0) / (p1 - p0))) : 1;
  const a = scale.stops[i], b = scale.stops[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** Evenly spaced stops from hex strings. */
function even(name: string, hexes: readonly string[]): ColorScale {
  return { name, stops: hexes.map(hex) };
}

/** Stops at given positions. */
function placed(name: string, stops: readonly (readonly [number, Rgb])[]): ColorScale {
  return { name, stops: stops.map((s) => s[1]), positions: stops.map((s) => s[0]) };
}

/**
 * The named colour scales, keyed by lower-case name. Names both matplotlib and plotly.js know
 * follow matplotlib's colour order (what Captum users expect): plotly.js's own "Blues" and
 * "RdBu" run the other way. ColorBrewer scales are the 9- or 11-class palettes matplotlib
 * interpolates; viridis, plasma, inferno, magma and cividis are 10 samples of matplotlib's
 * tables (as plotly.py's `px.colors.sequential`); coolwarm is 5 samples of Moreland's map;
 * jet, hot, bwr and seismic are matplotlib's segment data. The plotly.js-only scales (Bluered,
 * Picnic, Portland, Electric, Blackbody, Earth) are plotly.js's stops.
 */
const NAMED: readonly ColorScale[] = [
  BLUES,
  GREENS,
  REDS,
  RED_WHITE_GREEN,
  even("Greys", [
    "#ffffff",
    "#f0f0f0",
    "#d9d9d9",
    "#bdbdbd",
    "#969696",
    "#737373",
    "#525252",
    "#252525",
    "#000000",
  ]),
  even("Purples", [
    "#fcfbfd",
    "#efedf5",
    "#dadaeb",
    "#bcbddc",
    "#9e9ac8",
    "#807dba",
    "#6a51a3",
    "#54278f",
    "#3f007d",
  ]),
  even("Oranges", [
    "#fff5eb",
    "#fee6ce",
    "#fdd0a2",
    "#fdae6b",
    "#fd8d3c",
    "#f16913",
    "#d94801",
    "#a63603",
    "#7f2704",
  ]),
  even("YlOrRd", [
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
  ]),
  even("YlGnBu", [
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
  ]),
  even("RdBu", [
    "#67001f",
    "#b2182b",
    "#d6604d",
    "#f4a582",
    "#fddbc7",
    "#f7f7f7",
    "#d1e5f0",
    "#92c5de",
    "#4393c3",
    "#2166ac",
    "#053061",
  ]),
  even("RdYlBu", [
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#ffffbf",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
    "#313695",
  ]),
  even("RdYlGn", [
    "#a50026",
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee08b",
    "#ffffbf",
    "#d9ef8b",
    "#a6d96a",
    "#66bd63",
    "#1a9850",
    "#006837",
  ]),
  even("PiYG", [
    "#8e0152",
    "#c51b7d",
    "#de77ae",
    "#f1b6da",
    "#fde0ef",
    "#f7f7f7",
    "#e6f5d0",
    "#b8e186",
    "#7fbc41",
    "#4d9221",
    "#276419",
  ]),
  even("PRGn", [
    "#40004b",
    "#762a83",
    "#9970ab",
    "#c2a5cf",
    "#e7d4e8",
    "#f7f7f7",
    "#d9f0d3",
    "#a6dba0",
    "#5aae61",
    "#1b7837",
    "#00441b",
  ]),
  {
    name: "coolwarm",
    stops: [[59, 76, 192], [141, 176, 254], [221, 221, 221], [244, 152, 122], [
      180,
      4,
      38,
    ]],
  },
  { name: "bwr", stops: [[0, 0, 255], [255, 255, 255], [255, 0, 0]] },
  { name: "seismic", stops: [[0, 0, 77], [0, 0, 255], [255, 255, 255], [255, 0, 0], [128, 0, 0]] },
  even("viridis", [
    "#440154",
    "#482878",
    "#3e4989",
    "#31688e",
    "#26828e",
    "#1f9e89",
    "#35b779",
    "#6ece58",
    "#b5de2b",
    "#fde725",
  ]),
  even("plasma", [
    "#0d0887",
    "#46039f",
    "#7201a8",
    "#9c179e",
    "#bd3786",
    "#d8576b",
    "#ed7953",
    "#fb9f3a",
    "#fdca26",
    "#f0f921",
  ]),
  even("inferno", [
    "#000004",
    "#1b0c41",
    "#4a0c6b",
    "#781c6d",
    "#a52c60",
    "#cf4446",
    "#ed6925",
    "#fb9b06",
    "#f7d13d",
    "#fcffa4",
  ]),
  even("magma", [
    "#000004",
    "#180f3d",
    "#440f76",
    "#721f81",
    "#9e2f7f",
    "#cd4071",
    "#f1605d",
    "#fd9668",
    "#feca8d",
    "#fcfdbf",
  ]),
  even("cividis", [
    "#00224e",
    "#123570",
    "#3b496c",
    "#575d6d",
    "#707173",
    "#8a8678",
    "#a59c74",
    "#c3b369",
    "#e1cc55",
    "#fee838",
  ]),
  { name: "gray", stops: [[0, 0, 0], [255, 255, 255]] },
  { name: "binary", stops: [[255, 255, 255], [0, 0, 0]] },
  placed("hot", [[0, [11, 0, 0]], [0.3651, [255, 0, 0]], [0.746, [255, 255, 0]], [1, [
    255,
    255,
    255,
  ]]]),
  placed("jet", [
    [0, [0, 0, 128]],
    [0.11, [0, 0, 255]],
    [0.125, [0, 0, 255]],
    [0.34, [0, 219, 255]],
    [0.35, [0, 229, 247]],
    [0.375, [21, 255, 226]],
    [0.64, [239, 255, 8]],
    [0.65, [247, 246, 0]],
    [0.66, [255, 236, 0]],
    [0.89, [255, 19, 0]],
    [0.91, [232, 0, 0]],
    [1, [128, 0, 0]],
  ]),
  { name: "Bluered", stops: [[0, 0, 255], [255, 0, 0]] },
  placed("Picnic", [
    [0, [0, 0, 255]],
    [0.1, [51, 153, 255]],
    [0.2, [102, 204, 255]],
    [0.3, [153, 204, 255]],
    [0.4, [204, 204, 255]],
    [0.5, [255, 255, 255]],
    [0.6, [255, 204, 255]],
    [0.7, [255, 153, 255]],
    [0.8, [255, 102, 204]],
    [0.9, [255, 102, 102]],
    [1, [255, 0, 0]],
  ]),
  placed("Portland", [
    [0, [12, 51, 131]],
    [0.25, [10, 136, 186]],
    [0.5, [242, 211, 56]],
    [0.75, [242, 143, 56]],
    [1, [217, 30, 30]],
  ]),
  placed("Electric", [
    [0, [0, 0, 0]],
    [0.15, [30, 0, 100]],
    [0.4, [120, 0, 100]],
    [0.6, [160, 90, 0]],
    [0.8, [230, 200, 0]],
    [1, [255, 250, 220]],
  ]),
  placed("Blackbody", [
    [0, [0, 0, 0]],
    [0.2, [230, 0, 0]],
    [0.4, [230, 210, 0]],
    [0.7, [255, 255, 255]],
    [1, [160, 200, 255]],
  ]),
  placed("Earth", [
    [0, [0, 0, 130]],
    [0.1, [0, 180, 180]],
    [0.2, [40, 210, 40]],
    [0.4, [230, 230, 50]],
    [0.6, [120, 70, 20]],
    [1, [255, 255, 255]],
  ]),
];

/** Another spelling matplotlib accepts. */
const ALIASES: Readonly<Record<string, string>> = { grey: "gray" };

/** The accepted colour-scale names (each also with an `_r` suffix, reversed). */
export const COLOR_SCALE_NAMES: readonly string[] = NAMED.map((s) => s.name);

/** `scale` reversed (matplotlib's `_r` colormaps). */
function reversed(scale: ColorScale): ColorScale {
  return {
    name: `${scale.name}_r`,
    stops: [...scale.stops].reverse(),
    positions: scale.positions && [...scale.positions].reverse().map((p) => 1 - p),
  };
}

/** A colour scale by name, a list of colours (evenly spaced) or Plotly `[position, colour]` pairs. */
export type ColorScaleInput = string | readonly string[] | readonly (readonly [number, string])[];

const CSS_COLORS: Readonly<Record<string, Rgb>> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  red: [255, 0, 0],
  green: [0, 128, 0],
  lime: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
  cyan: [0, 255, 255],
  magenta: [255, 0, 255],
  navy: [0, 0, 128],
  darkred: [139, 0, 0],
  darkgreen: [0, 100, 0],
  darkblue: [0, 0, 139],
  lightgray: [211, 211, 211],
  pink: [255, 192, 203],
  brown: [165, 42, 42],
};

/** Parse "#rgb", "#rrggbb", "rgb(r, g, b)", "rgba(r, g, b, a)" (alpha ignored) or a CSS name. */
function parseColor(c: unknown): Rgb | undefined {
  if (typeof c !== "string") return undefined;
  const s = c.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(s)) return hex(s);
  if (/^#[0-9a-f]{3}$/.test(s)) return hex(`#${s[1]}${s[1]}${s[2]}${s[2]}${s[3]}${s[3]}`);
  const m = s.match(/^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(,\s*[\d.]+\s*)?\)$/);
  if (m) {
    const rgb = [m[1], m[2], m[3]].map(Number);
    if (rgb.every((v) => v >= 0 && v <= 255)) return rgb as unknown as Rgb;
    return undefined;
  }
  return CSS_COLORS[s];
}

/**
 * Resolve a colour-scale option: a name (case-insensitive, `_r` reverses), colours evenly
 * spaced, or Plotly's `[[0, colour], ..., [1, colour]]`.
 *
 * @throws {RangeError} for an unknown name (listing the valid ones) or a bad colour or position.
 * @throws {TypeError} for something that is not a name or an array of colours.
 */
export function resolveColorScale(input: ColorScaleInput, context: string): ColorScale {
  if (typeof input === "string") {
    const reverse = /_r$/i.test(input) && input.length > 2;
    const base = reverse ? input.slice(0, -2) : input;
    const key = ALIASES[base.toLowerCase()] ?? base.toLowerCase();
    const found = NAMED.find((s) => s.name.toLowerCase() === key);
    if (found === undefined) {
      throw new RangeError(
        `${context}: unknown colour scale ${JSON.stringify(input)}. Pass one of ` +
          `${COLOR_SCALE_NAMES.join(", ")} (append "_r" to reverse, e.g. "RdBu_r"), a list of ` +
          `colours or Plotly's [[0, colour], ..., [1, colour]].`,
      );
    }
    return reverse ? reversed(found) : found;
  }
  if (!Array.isArray(input) || input.length < 2) {
    throw new TypeError(
      `${context}: a colour scale must be a name or an array of at least 2 colours, received ` +
        `${JSON.stringify(input)}.`,
    );
  }
  const pairs = input.every((e) => Array.isArray(e));
  const stops: Rgb[] = [];
  const positions: number[] = [];
  for (const [i, e] of input.entries()) {
    const colour = pairs ? (e as readonly unknown[])[1] : e;
    const rgb = parseColor(colour);
    if (rgb === undefined) {
      throw new RangeError(
        `${context}: colour scale entry ${i} has colour ${JSON.stringify(colour)}; expected ` +
          `"#rrggbb", "#rgb", "rgb(r, g, b)" or a basic CSS name such as "red".`,
      );
    }
    stops.push(rgb);
    if (pairs) positions.push((e as readonly unknown[])[0] as number);
  }
  if (pairs) {
    const ok = positions[0] === 0 && positions.at(-1) === 1 &&
      positions.every((p, i) => typeof p === "number" && (i === 0 || p >= positions[i - 1]));
    if (!ok) {
      throw new RangeError(
        `${context}: colour scale positions must rise from 0 to 1, received ` +
          `[${positions.join(", ")}]. Pass e.g. [[0, "white"], [1, "blue"]].`,
      );
    }
  }
  return { name: "custom", stops, ...(pairs ? { positions } : {}) };
}
