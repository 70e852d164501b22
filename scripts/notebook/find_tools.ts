/**
 * Find the programs the notebook toolkit runs: a Python that can drive Jupyter (`nbclient`), the
 * `jupyter` command, and a headless Chromium. Debian's own `/usr/bin/python3` and
 * `/usr/bin/jupyter` come first, since another `python3` (pyenv, a virtual environment) may come
 * first on `PATH` without the Jupyter packages.
 *
 * @example
 * ```ts
 * import { findJupyter, locateChromium } from "./find_tools.ts";
 * const tools = await findJupyter(); // throws with the apt-get line when Jupyter is missing
 * console.log(tools.python, tools.jupyter, await locateChromium());
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { QUIET_PYTHON_ENV, runCommand } from "./run_command.ts";

/** The Debian packages that provide what {@linkcode findJupyter} looks for. */
export const JUPYTER_APT_PACKAGES =
  "jupyter-nbconvert python3-nbclient jupyter-client python3-notebook";

/** How to install Jupyter on Debian/Ubuntu. */
export const JUPYTER_INSTALL_HINT =
  `Install Jupyter with: sudo apt-get install ${JUPYTER_APT_PACKAGES}`;

/** How to install a headless Chromium on Debian/Ubuntu. */
export const CHROMIUM_INSTALL_HINT = "Install Chromium with: sudo apt-get install chromium";

/** The Python interpreter and `jupyter` command the toolkit uses. */
export interface JupyterTools {
  /** A Python 3 that can import `nbclient`, `nbformat`, `jupyter_client` and `nbconvert`. */
  python: string;
  /** The `jupyter` command (for `kernelspec` and `nbconvert`). */
  jupyter: string;
}

/** Options of {@linkcode findJupyter} and {@linkcode locateJupyter}. */
export interface FindJupyterOptions {
  /**
   * Python interpreters to try, in order.
   * @default ["/usr/bin/python3", "python3"]
   */
  pythons?: readonly string[];
  /**
   * `jupyter` commands to try, in order.
   * @default ["/usr/bin/jupyter", "jupyter"]
   */
  jupyters?: readonly string[];
}

const PYTHON_MODULES = ["nbclient", "nbformat", "jupyter_client", "nbconvert"];

async function firstThatRuns(
  candidates: readonly string[],
  args: readonly string[],
): Promise<string | undefined> {
  for (const candidate of candidates) {
    const result = await runCommand(candidate, args, { env: { ...QUIET_PYTHON_ENV } });
    if (result.code === 0) return candidate;
  }
  return undefined;
}

async function probe(options: FindJupyterOptions) {
  const python = await firstThatRuns(options.pythons ?? ["/usr/bin/python3", "python3"], [
    "-c",
    `import ${PYTHON_MODULES.join(", ")}`,
  ]);
  const jupyter = await firstThatRuns(options.jupyters ?? ["/usr/bin/jupyter", "jupyter"], [
    "nbconvert",
    "--version",
  ]);
  return { python, jupyter };
}

/** Like {@linkcode findJupyter}, but `undefined` when Jupyter is missing (to skip a test). */
export async function locateJupyter(
  options: FindJupyterOptions = {},
): Promise<JupyterTools | undefined> {
  const { python, jupyter } = await probe(options);
  return python === undefined || jupyter === undefined ? undefined : { python, jupyter };
}

/**
 * Find a Python with `nbclient` and a `jupyter` command that has `nbconvert`.
 *
 * @throws {Error} when either is missing, saying which and how to install it
 *   ({@linkcode JUPYTER_INSTALL_HINT}).
 */
export async function findJupyter(options: FindJupyterOptions = {}): Promise<JupyterTools> {
  const { python, jupyter } = await probe(options);
  if (python === undefined || jupyter === undefined) {
    const what = python === undefined
      ? `no python3 can import ${PYTHON_MODULES.join(", ")}`
      : "no `jupyter nbconvert` command";
    throw new Error(
      `Cannot run notebooks: Jupyter was not found (${what}). ${JUPYTER_INSTALL_HINT}`,
    );
  }
  return { python, jupyter };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const stat = await Deno.stat(path);
    return stat.isFile && ((stat.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The headless Chromium executable: `/usr/bin/chromium` or `/usr/bin/chromium-browser`, else
 * `chromium`, `chromium-browser` or `google-chrome` on `PATH`, else `undefined`.
 */
export async function locateChromium(): Promise<string | undefined> {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (await isExecutable(path)) return path;
  }
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const path = await onPath(name);
    if (path !== undefined) return path;
  }
  return undefined;
}
