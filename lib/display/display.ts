/**
 * `display(fig)`: show a figure from anywhere in a notebook cell, not only as its value.
 *
 * @module
 */
import { jupyterApi, publishBundle } from "./_jupyter_api.ts";
import { type DisplayableFigure, figureMimeBundle } from "./mime_bundle.ts";

/**
 * Display `fig` in the running Jupyter notebook (Deno kernel). Outside Jupyter it prints a
 * one-line description instead (write the figure with `writeFigureHtml` to see it).
 *
 * Resolves once the kernel has most likely flushed the output: for large figures (over
 * 128 KiB, e.g. the first one, which carries plotly.js) it waits 100 ms plus 100 ms per MB
 * after sending, because the Deno kernel drops a message sent while a large one is still
 * queued (see `lib/display/_jupyter_api.ts`). Await it.
 *
 * @example
 * ```ts
 * import { classProbabilitiesFigure, display } from "../mod.ts";
 * await display(classProbabilitiesFigure([0.1, 0.7, 0.2], ["cat", "dog", "bird"]));
 * ```
 */
export async function display(fig: DisplayableFigure): Promise<void> {
  const api = jupyterApi();
  if (api === undefined) {
    console.log(`${fig.description} (not in Jupyter: save it with writeFigureHtml(fig, path))`);
    return;
  }
  await publishBundle(api, figureMimeBundle(fig) as unknown as Record<string, unknown>);
}
