/**
 * Private: lazy access to `Deno.jupyter` (it exists only under `deno jupyter`; reading it
 * elsewhere throws), never touched at import time, and {@linkcode publishBundle}, which sends a
 * MIME bundle so that it survives a loaded machine.
 *
 * ## Why outputs are sent this way (Deno kernel 2.x workaround)
 *
 * The Deno kernel publishes on its IOPub socket with a non-blocking send (the pure-Rust
 * `zeromq` crate's PUB socket: `try_send`, then one flush attempt with a no-op waker). Two
 * consequences, measured here under CPU load with nbclient/nbconvert:
 *
 * - A message is silently dropped when the bytes still queued for the subscriber exceed the
 *   queue's high-water mark (128 KiB). A large output (a figure of 100 KB–5 MB; the first
 *   figure of a notebook carries plotly.js, ~5 MB) is only partly written to the socket while
 *   the client is slow to read; the next message the kernel sends right after it (the cell's
 *   `idle` status, or the next output) is then dropped.
 * - The unwritten rest of a message is only pushed out when the next message is sent, so a
 *   cell's `execute_result` can reach the client after the cell's `idle` status (which it
 *   follows in the byte stream), and headless runners that stop listening at `idle` drop it.
 *
 * A cell's value is published by the kernel right before it sends `idle`, leaving no time for
 * the socket to drain. So figures do not rely on it: {@linkcode publishBundle} sends the bundle
 * as `display_data` while the cell still runs and then waits, in proportion to the bundle's
 * size, for the client to read it, before the kernel sends anything else.
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
