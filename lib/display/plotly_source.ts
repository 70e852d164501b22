/**
 * Locates plotly.js (npm `plotly.js-dist-min`) on disk and reads it as text. It is never
 * imported: the bundle expects a browser.
 *
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "plotly.js-dist-min";
const FILE = "plotly.min.js";

let cached: string | undefined;

function candidates(): string[] {
  const out: string[] = [];
  try {
    const url = import.meta.resolve(PACKAGE);
    if (url.startsWith("file:")) out.push(fileURLToPath(url));
  } catch { /* not in the import map: try the others */ }
  try {
    out.push(createRequire(import.meta.url).resolve(`${PACKAGE}/${FILE}`));
  } catch { /* no node_modules next to the sources */ }
  if (import.meta.dirname) {
    out.push(join(import.meta.dirname, "..", "..", "node_modules", PACKAGE, FILE));
  }
  return out;
}

/**
 * The path of `plotly.min.js` on disk.
 *
 * @example
 * ```ts
 * import { plotlyPath } from "../mod.ts";
 * console.log(plotlyPath()); // .../node_modules/plotly.js-dist-min/plotly.min.js
 * ```
 *
 * @throws {Error} if the npm package is not installed, with the command that installs it.
 */
export function plotlyPath(): string {
  const tried = candidates();
  for (const path of tried) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* try the next one */ }
  }
  throw new Error(
    `Cannot display a Plotly figure: plotly.js (npm "${PACKAGE}") is not installed; looked in ` +
      `${tried.join(", ")}. Run \`deno install\` in the project root (deno.json imports ` +
      `"${PACKAGE}" and sets nodeModulesDir "auto").`,
  );
}

/**
 * The text of plotly.js, read once per process, made safe to inline in a `<script>` element.
 *
 * @throws {Error} if the npm package is not installed (see {@linkcode plotlyPath}).
 */
export function plotlySource(): string {
  if (cached === undefined) {
    cached = Deno.readTextFileSync(plotlyPath()).replace(/<\/script/gi, "<\\/script");
  }
  return cached;
}

/**
 * The plotly.js version of the installed bundle (from its banner), e.g. `"4.1.2"`.
 *
 * @example
 * ```ts
 * import { plotlyVersion } from "../mod.ts";
 * console.log(plotlyVersion()); // "4.1.2"
 * ```
 */
export function plotlyVersion(): string {
  return /plotly\.js v([\w.-]+)/.exec(plotlySource().slice(0, 200))?.[1] ?? "unknown";
}
