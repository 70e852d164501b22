/**
 * MIME bundles of figures for Jupyter (the Deno kernel's `Symbol.for("Jupyter.display")`).
 *
 * @module
 */
import type { FigureSpec, RgbaImage } from "./figure_spec.ts";
import { figureDivHtml, newFigureId, plotlyLoaderHtml } from "./_html.ts";
import { encodePng, toBase64 } from "./png.ts";

/** What a figure sends to Jupyter. */
export interface MimeBundle {
  /** The figure spec, rendered natively by JupyterLab (with its Plotly renderer) and VS Code. */
  "application/vnd.plotly.v1+json": FigureSpec;
  /** Offline HTML for the classic Notebook and `jupyter nbconvert --to html` exports. */
  "text/html": string;
  /** Static rendering of image-like figures, for GitHub and untrusted views. */
  "image/png"?: string;
  /** A one-line description. */
  "text/plain": string;
}

/** What {@linkcode figureMimeBundle} needs from a figure. */
export interface DisplayableFigure {
  toJSON(): FigureSpec;
  readonly raster?: RgbaImage;
  readonly description: string;
}

/** Options of {@linkcode figureMimeBundle}. */
export interface FigureMimeBundleOptions {
  /**
   * Whether the HTML carries plotly.js itself. `"auto"` sends it with the first bundle of the
   * process (one kernel session = one notebook page) and never again.
   * @default "auto"
   */
  includePlotly?: "auto" | boolean;
}

let plotlySent = false;

/**
 * Forget that plotly.js was sent, so the next figure's HTML carries it again. Call it when the
 * first figure's output was cleared while the kernel kept running.
 *
 * @example
 * ```ts
 * import { resetPlotlyInjection } from "../mod.ts";
 * resetPlotlyInjection();
 * ```
 */
export function resetPlotlyInjection(): void {
  plotlySent = false;
}

/**
 * The MIME bundle of `fig`: the Plotly JSON, offline HTML (with plotly.js inlined in the first
 * bundle of the session only), `image/png` when the figure has a raster, and `text/plain`.
 *
 * @example
 * ```ts
 * import { figureMimeBundle, trainingCurvesFigure } from "../mod.ts";
 * const fig = trainingCurvesFigure({ trainLoss: [1, 0.5], valLoss: [1.1, 0.6], valAccuracy: [0.6, 0.8] });
 * const bundle = figureMimeBundle(fig);
 * console.log(Object.keys(bundle));
 * ```
 */
export function figureMimeBundle(
  fig: DisplayableFigure,
  options: FigureMimeBundleOptions = {},
): MimeBundle {
  const { includePlotly = "auto" } = options;
  const spec = fig.toJSON();
  const withPlotly = includePlotly === "auto" ? !plotlySent : includePlotly;
  const html = (withPlotly ? plotlyLoaderHtml() + "\n" : "") + figureDivHtml(spec, newFigureId());
  if (withPlotly) plotlySent = true;
  const bundle: MimeBundle = {
    "application/vnd.plotly.v1+json": spec,
    "text/html": html,
    "text/plain": fig.description,
  };
  if (fig.raster) bundle["image/png"] = toBase64(encodePng(fig.raster));
  return bundle;
}
