/**
 * Build the tutorial's Jupyter notebooks (`notebooks/NN_*.ipynb`, Deno kernel, no outputs) from
 * their sources `notebooks/src/NN_*.ts`.
 *
 * A source is a TypeScript file in the "percent" format: `// %%` starts a code cell and
 * `// %% [markdown]` a markdown cell whose lines are written as `// ` comments;
 * `// %% tags=["figure"]` starts a code cell tagged `figure` (its value is a Plotly figure: the
 * notebook test checks that each such cell, and only those, shows one). Being plain
 * TypeScript, the sources can be type-checked and linted (`deno check notebooks/src/`). The
 * sources import `"../../lib/mod.ts"`; the notebooks, one folder up, import `"../lib/mod.ts"`.
 *
 * Usage:
 *   deno run -A scripts/_build_notebooks.ts          # (re)write the notebooks
 *   deno run -A scripts/_build_notebooks.ts --check  # exit 1 if a notebook is out of date
 *
 * @module
 */
import { basename, join } from "node:path";
import { NOTEBOOKS_DIR } from "./notebook/paths.ts";

/** Where the notebook sources live. */
export const NOTEBOOK_SOURCES_DIR: string = join(NOTEBOOKS_DIR, "src");

interface Cell {
  kind: "code" | "markdown";
  tags: string[];
  lines: string[];
}

const MARKER = /^\/\/ %%(?: \[(markdown)\]| tags=(\[.*\]))?\s*$/;

/** Split a percent-format source into cells (text before the first marker is dropped). */
export function parseSource(text: string, name = "source"): Cell[] {
  const cells: Cell[] = [];
  let current: Cell | undefined;
  for (const [i, line] of text.split("\n").entries()) {
    const m = MARKER.exec(line);
    if (m) {
      current = {
        kind: m[1] ? "markdown" : "code",
        tags: m[2] ? JSON.parse(m[2]) : [],
        lines: [],
      };
      cells.push(current);
      continue;
    }
    if (!current) continue;
    if (current.kind === "markdown") {
      if (line.trim() !== "" && !line.startsWith("//")) {
        throw new SyntaxError(
          `Cannot build notebook from ${name}: line ${
            i + 1
          } is inside a markdown cell but is not a // comment. Start a code cell with "// %%".`,
        );
      }
      current.lines.push(line.replace(/^\/\/ ?/, ""));
    } else {
      current.lines.push(line.replaceAll('"../../lib/mod.ts"', '"../lib/mod.ts"'));
    }
  }
  for (const cell of cells) {
    while (cell.lines.length > 0 && cell.lines[0].trim() === "") cell.lines.shift();
    while (cell.lines.length > 0 && cell.lines.at(-1)!.trim() === "") cell.lines.pop();
  }
  return cells.filter((c) => c.lines.length > 0);
}

/** The notebook JSON (nbformat 4.5, Deno kernel, no outputs) for a source's cells. */
export function notebookJson(cells: Cell[], stem: string): string {
  const prefix = stem.slice(0, 2);
  const nb = {
    cells: cells.map((c, i) => {
      const source = c.lines.map((l, j) => (j < c.lines.length - 1 ? l + "\n" : l));
      const id = `nb${prefix}-${String(i + 1).padStart(2, "0")}`;
      return c.kind === "code"
        ? {
          cell_type: "code",
          execution_count: null,
          id,
          metadata: c.tags.length > 0 ? { tags: c.tags } : {},
          outputs: [],
          source,
        }
        : { cell_type: "markdown", id, metadata: {}, source };
    }),
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: {
        codemirror_mode: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

/** Every source with the notebook it builds: `[sourcePath, notebookPath, json]`. */
export async function buildAll(): Promise<[string, string, string][]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOK_SOURCES_DIR)) {
    if (e.isFile && /^\d\d_.*\.ts$/.test(e.name)) names.push(e.name);
  }
  names.sort();
  const out: [string, string, string][] = [];
  for (const name of names) {
    const src = join(NOTEBOOK_SOURCES_DIR, name);
    const stem = basename(name, ".ts");
    const json = notebookJson(parseSource(await Deno.readTextFile(src), name), stem);
    out.push([src, join(NOTEBOOKS_DIR, `${stem}.ipynb`), json]);
  }
  return out;
}

/** Notebooks that differ from what their sources build (empty when all are up to date). */
export async function staleNotebooks(): Promise<string[]> {
  const stale: string[] = [];
  for (const [, path, json] of await buildAll()) {
    let current = "";
    try {
      current = await Deno.readTextFile(path);
    } catch {
      // missing counts as stale
    }
    if (current !== json) stale.push(path);
  }
  return stale;
}

if (import.meta.main) {
  if (Deno.args.includes("--check")) {
    const stale = await staleNotebooks();
    if (stale.length > 0) {
      console.error(
        `Out of date (rebuild with \`deno run -A scripts/_build_notebooks.ts\`):\n  ${
          stale.join("\n  ")
        }`,
      );
      Deno.exit(1);
    }
    console.log("Notebooks are up to date.");
  } else {
    for (const [, path, json] of await buildAll()) {
      await Deno.writeTextFile(path, json);
      console.log(`wrote ${path}`);
    }
  }
}
