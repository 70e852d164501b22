/**
 * Export a (normally executed) notebook to HTML with `jupyter nbconvert --to html`.
 *
 * @example
 * ```ts
 * import { findJupyter } from "./find_tools.ts";
 * import { exportHtml } from "./export_html.ts";
 * const html = await exportHtml(await findJupyter(), "out/notebooks/01_load_data.ipynb");
 * console.log(html); // out/notebooks/01_load_data.html
 * ```
 *
 * @module
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import type { JupyterTools } from "./find_tools.ts";
import { QUIET_PYTHON_ENV, runCommand } from "./run_command.ts";

/** Options of {@linkcode exportHtml}. */
export interface ExportHtmlOptions {
  /**
   * Where the HTML file goes.
   * @default the notebook's folder
   */
  outputDir?: string;
  /**
   * nbconvert template, `"lab"` or `"classic"`.
   * @default nbconvert's default ("lab")
   */
  template?: string;
}

/**
 * Export `notebook` to `<outputDir>/<name>.html`.
 *
 * @returns the path of the HTML file.
 * @throws {Error} when nbconvert fails, with its exit status and the end of its stderr.
 */
export async function exportHtml(
  tools: Pick<JupyterTools, "jupyter">,
  notebook: string,
  options: ExportHtmlOptions = {},
): Promise<string> {
  const outputDir = resolve(options.outputDir ?? dirname(notebook));
  await Deno.mkdir(outputDir, { recursive: true });
  const args = ["nbconvert", "--to", "html", "--output-dir", outputDir];
  if (options.template) args.push(`--template=${options.template}`);
  args.push(resolve(notebook));
  const result = await runCommand(tools.jupyter, args, { env: { ...QUIET_PYTHON_ENV } });
  if (result.code !== 0) {
    throw new Error(
      `Cannot export ${notebook} to HTML: jupyter nbconvert exited with ${result.code}: ${
        result.stderr.trim().split("\n").slice(-10).join("\n")
      }`,
    );
  }
  return join(outputDir, basename(notebook, extname(notebook)) + ".html");
}
