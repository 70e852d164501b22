/**
 * Write small Deno-kernel notebooks for the notebook toolkit's tests.
 *
 * @module
 */

/** A cell of {@linkcode writeNotebook}: TypeScript code (optionally tagged) or markdown. */
export type TinyCell =
  | { code: string; tags?: string[]; outputs?: unknown[] }
  | { markdown: string };

/** Write an nbformat 4 notebook with the Deno kernelspec and these cells to `path`. */
export async function writeNotebook(path: string, cells: TinyCell[]): Promise<void> {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: cells.map((cell, i) =>
      "markdown" in cell
        ? { id: `cell-${i}`, cell_type: "markdown", metadata: {}, source: cell.markdown }
        : {
          id: `cell-${i}`,
          cell_type: "code",
          metadata: cell.tags ? { tags: cell.tags } : {},
          source: cell.code,
          outputs: cell.outputs ?? [],
          execution_count: null,
        }
    ),
  };
  await Deno.writeTextFile(path, JSON.stringify(nb, null, 1));
}

/** Write an executable shell script (a stand-in for `jupyter`, `deno` …) to `path`. */
export async function writeScript(path: string, body: string): Promise<void> {
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
}
