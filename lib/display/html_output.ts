/**
 * `HtmlOutput`: an HTML fragment that displays itself in Jupyter (Deno kernel), for outputs that
 * are not Plotly figures, such as `visualizeText`'s table.
 *
 * @module
 */
import { jupyterApi, publishBundle } from "./_jupyter_api.ts";

/** The MIME bundle of an {@linkcode HtmlOutput}. */
export interface HtmlMimeBundle {
  "text/html": string;
  "text/plain": string;
}

/**
 * An HTML fragment. As the value of a Jupyter cell (Deno kernel) it renders as HTML; `html`
 * holds the markup for writing to a file or embedding elsewhere.
 *
 * @example
 * ```ts
 * import { HtmlOutput } from "../mod.ts";
 * const out = new HtmlOutput("<b>bold</b>", "a bold word");
 * out; // as the last expression of a notebook cell, this shows it
 * console.log(out.html); // <b>bold</b>
 * ```
 */
export class HtmlOutput {
  /** The markup. */
  readonly html: string;
  /** A one-line description (`text/plain`). */
  readonly description: string;

  constructor(html: string, description = "HTML output") {
    this.html = html;
    this.description = description;
  }

  /** The markup. */
  toString(): string {
    return this.html;
  }

  /** The MIME bundle Jupyter displays: `text/html` and `text/plain`. */
  mimeBundle(): HtmlMimeBundle {
    return { "text/html": this.html, "text/plain": this.description };
  }

  /**
   * Called by the Deno Jupyter kernel when the output is a cell's value: under the kernel it
   * sends the bundle as `display_data` (as figures do; see `lib/display/_jupyter_api.ts`) and
   * resolves to an empty `text/plain` result; elsewhere it resolves to the bundle.
   */
  async [Symbol.for("Jupyter.display")](): Promise<HtmlMimeBundle | { "text/plain": string }> {
    const bundle = this.mimeBundle();
    const api = jupyterApi();
    if (api === undefined) return bundle;
    await publishBundle(api, bundle as unknown as Record<string, unknown>);
    return { "text/plain": "" };
  }
}
