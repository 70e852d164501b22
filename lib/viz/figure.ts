/**
 * The figure object every builder in `lib/viz/` returns: a Plotly figure spec (`data`, `layout`,
 * `config`) that displays itself in Jupyter.
 *
 * @module
 */
import type {
  FigureSpec,
  PlotlyConfig,
  PlotlyLayout,
  PlotlyTrace,
  RgbaImage,
} from "../display/figure_spec.ts";
import { figureMimeBundle, type MimeBundle } from "../display/mime_bundle.ts";
import { jupyterApi, publishBundle } from "../display/_jupyter_api.ts";
import type { SubplotGrid } from "./_subplots.ts";

/** The symbol the Deno Jupyter kernel calls to get an object's MIME bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Constructor fields of {@linkcode Figure}. */
export interface FigureInit {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  /** @default { responsive: true, displaylogo: false } */
  config?: PlotlyConfig;
  /** A static RGBA rendering, sent as `image/png` next to the interactive figure. */
  raster?: RgbaImage;
  /** A one-line description for `text/plain`. @default the layout's title */
  description?: string;
  /** The grid of image cells, for figures that panels can be drawn into. @default none */
  subplots?: SubplotGrid;
}

/**
 * A Plotly figure. As the value of a Jupyter cell (Deno kernel), or passed to `display()`, it
 * renders as an interactive plot (`application/vnd.plotly.v1+json` for JupyterLab and VS Code,
 * offline `text/html` for the classic Notebook and nbconvert exports), plus `image/png` for
 * image-like figures and `text/plain`.
 *
 * @example
 * ```ts
 * import { Figure } from "../mod.ts";
 * const fig = new Figure({
 *   data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }],
 *   layout: { title: { text: "A line" } },
 * });
 * fig; // as the last expression of a notebook cell, this shows the plot
 * ```
 */
export class Figure implements FigureSpec {
  /** The traces. */
  readonly data: PlotlyTrace[];
  /** The layout. */
  readonly layout: PlotlyLayout;
  /** The Plotly config. */
  readonly config: PlotlyConfig;
  /** Static RGBA rendering for `image/png`, or `undefined` for figures that are not images. */
  readonly raster: RgbaImage | undefined;
  /** One-line description (`text/plain`). */
  readonly description: string;
  /**
   * The grid of image cells of `makeSubplots` and attribution figures, which
   * `visualizeImageAttr(…, { into })` draws into; `undefined` for other figures.
   */
  readonly subplots: SubplotGrid | undefined;

  constructor(init: FigureInit) {
    this.data = init.data;
    this.layout = init.layout;
    this.config = init.config ?? { responsive: true, displaylogo: false };
    this.raster = init.raster;
    this.subplots = init.subplots;
    const title = (init.layout.title as { text?: string } | undefined)?.text;
    this.description = init.description ?? `Plotly figure: ${title ?? "untitled"}`;
  }

  /** The plain spec, for `JSON.stringify` and `Plotly.newPlot`. */
  toJSON(): FigureSpec {
    return { data: this.data, layout: this.layout, config: this.config };
  }

  /**
   * Called by the Deno Jupyter kernel when the figure is a cell's value.
   *
   * Under the Deno kernel it sends the figure's MIME bundle itself, as `display_data` (what
   * `await display(fig)` does), waits until the kernel has flushed it, and resolves to an empty
   * `text/plain` result (the kernel publishes an `execute_result` for every bundle, even `{}`,
   * and an empty text one is the least visible). The kernel (Deno 2.x) can drop or delay a
   * large `execute_result` published right before the cell's "idle" status; see
   * `lib/display/_jupyter_api.ts`. Elsewhere it resolves to the full bundle.
   */
  async [JUPYTER_DISPLAY](): Promise<MimeBundle | { "text/plain": string }> {
    const bundle = figureMimeBundle(this);
    const api = jupyterApi();
    if (api === undefined) return bundle;
    await publishBundle(api, bundle as unknown as Record<string, unknown>);
    return { "text/plain": "" };
  }
}
