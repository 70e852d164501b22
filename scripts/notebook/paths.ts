/**
 * Where the tutorial's notebooks and their executed copies live in the repository.
 *
 * @example
 * ```ts
 * import { DEFAULT_OUT_DIR, NOTEBOOKS_DIR } from "./paths.ts";
 * console.log(`${NOTEBOOKS_DIR}/*.ipynb run into ${DEFAULT_OUT_DIR}`);
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";

/** The repository root (this file lives in `scripts/notebook/`). */
export const REPO_ROOT: string = resolve(import.meta.dirname!, "..", "..");
/** Where the tutorial's notebooks live. */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");
/** Where executed notebooks and HTML exports go by default (git-ignored). */
export const DEFAULT_OUT_DIR: string = join(REPO_ROOT, "out", "notebooks");
