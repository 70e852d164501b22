/**
 * Private: lazy access to `Deno.jupyter` (it exists only under `deno jupyter`; reading it
 * elsewhere throws), never touched at import time.
 *
 * @module
 */

/** The part of `Deno.jupyter` this library uses. */
export interface JupyterApi {
  display(obj: unknown, options?: { raw?: boolean }): Promise<void> | void;
}

/** `Deno.jupyter` when running under the Deno Jupyter kernel, else `undefined`. */
export function jupyterApi(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return typeof api?.display === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}
