/**
 * Private: lazy access to `Deno.jupyter` (it exists only under `deno jupyter`; reading it
 * elsewhere throws), never touched at import time, and {@linkcode publishBundle}, which sends a
 * MIME bundle so that it survives a loaded machine.
 *
 * ## Why outputs are sent this way (Deno kernel 2.9 workaround)
 *
 * Measured here under CPU load with nbclient/nbconvert (which stop reading a cell's outputs at
 * its "idle" status):
 *
 * - The kernel does not order a cell's `execute_result` before the cell's "idle" status: the
 *   result of a cell value (even a tiny one) reached the client after "idle" in 1 cell of 6 at
 *   load average 5, so headless runners lost it.
 * - The kernel publishes with a non-blocking send (the pure-Rust `zeromq` crate's PUB socket:
 *   `try_send`, then one flush attempt with a no-op waker). A large output (a figure of
 *   100 KB–5 MB; the first figure of a notebook carries plotly.js, ~5 MB) is only partly
 *   written while the client is slow to read, the rest goes out with the next message, and a
 *   message sent while more than 128 KiB are still queued is silently dropped.
 *
 * So figures do not rely on the cell-value path: {@linkcode publishBundle} sends the bundle as
 * `display_data` while the cell still runs and then waits, in proportion to the bundle's size,
 * for the client to read it before the kernel sends anything else. `scripts/notebook/execute_notebook.py`
 * also keeps outputs that still arrive after their cell's "idle".
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

/** The kernel's send queue limit: a message smaller than this can never make the next one drop. */
const QUEUE_LIMIT_BYTES = 128 * 1024;

/**
 * How long to let the client read a display message of `bytes` bytes before the kernel sends
 * anything else: nothing for messages under the kernel's 128 KiB queue limit, else 100 ms plus
 * 100 ms per MB (5 MB, the bundle that carries plotly.js: 0.6 s). Measured: 20 of 20 such
 * bundles arrived at load average 8.5, where a fixed 250 ms lost 1 in 12.
 */
export function settleMs(bytes: number): number {
  return bytes < QUEUE_LIMIT_BYTES ? 0 : 100 + bytes / 10_000;
}

/** Size of a MIME bundle as sent (its JSON), in bytes, ignoring multi-byte characters. */
function bundleBytes(bundle: Record<string, unknown>): number {
  let bytes = 0;
  for (const value of Object.values(bundle)) {
    bytes += typeof value === "string" ? value.length : JSON.stringify(value).length;
  }
  return bytes;
}

/**
 * Send `bundle` as a `display_data` message of the running cell and wait until the kernel has
 * most likely flushed it (see the module notes). Resolves when it is safe for the cell to
 * produce its next output or to finish.
 */
export async function publishBundle(
  api: JupyterApi,
  bundle: Record<string, unknown>,
): Promise<void> {
  await api.display(bundle, { raw: true });
  const wait = settleMs(bundleBytes(bundle));
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
