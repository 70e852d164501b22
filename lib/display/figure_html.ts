/**
 * Standalone HTML files of figures, for use outside Jupyter.
 *
 * @module
 */
import type { FigureSpec } from "./figure_spec.ts";
import { figureDivHtml, newFigureId, plotlyLoaderHtml } from "./_html.ts";

/** Options of {@linkcode figureHtml} and {@linkcode writeFigureHtml}. */
export interface FigureHtmlOptions {
  /** The page title. @default the first figure's title, else "Figures" */
  title?: string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A self-contained HTML page (plotly.js inlined once, no network needed) showing `figs` one
 * below the other.
 *
 * @example
 * ```ts
 * import { figureHtml, trainingCurvesFigure } from "../mod.ts";
 * const html = figureHtml(trainingCurvesFigure({ trainLoss: [1, 0.5] }));
 * console.log(html.startsWith("<!DOCTYPE html>")); // true
 * ```
 */
export function figureHtml(
  figs: { toJSON(): FigureSpec } | readonly { toJSON(): FigureSpec }[],
  options: FigureHtmlOptions = {},
): string {
  const list = Array.isArray(figs) ? figs : [figs as { toJSON(): FigureSpec }];
  const specs = list.map((f) => f.toJSON());
  const firstTitle = (specs[0]?.layout.title as { text?: string } | undefined)?.text;
  const title = options.title ?? firstTitle ?? "Figures";
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
${plotlyLoaderHtml()}
</head>
<body>
${specs.map((s) => figureDivHtml(s, newFigureId())).join("\n")}
</body>
</html>
`;
}

/**
 * Write `figs` to a standalone HTML file at `path` (see {@linkcode figureHtml}).
 *
 * @example
 * ```ts
 * import { trainingCurvesFigure, writeFigureHtml } from "../mod.ts";
 * await writeFigureHtml(trainingCurvesFigure({ trainLoss: [1, 0.5] }), "out/curves.html");
 * ```
 */
export async function writeFigureHtml(
  figs: { toJSON(): FigureSpec } | readonly { toJSON(): FigureSpec }[],
  path: string,
  options: FigureHtmlOptions = {},
): Promise<void> {
  await Deno.writeTextFile(path, figureHtml(figs, options));
}
