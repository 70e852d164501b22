/**
 * Backend selection: the fast `wasm` backend (XNNPACK + SIMD) by default, `cpu` on request.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmKernels } from "./register_wasm_kernels.ts";

registerWasmKernels();

/** Names of the backends this library knows how to set up. */
export const BACKEND_NAMES = ["wasm", "cpu"] as const;

/** A backend name accepted by {@linkcode setBackend}. */
export type BackendName = typeof BACKEND_NAMES[number];

/**
 * Make `name` the active TensorFlow.js backend and wait until it is ready.
 *
 * Idempotent: calling it again with the active backend does nothing. `lib/mod.ts` calls
 * `setBackend("wasm")` when it is imported, so users start on the fast backend.
 *
 * @example
 * ```ts
 * import { setBackend, tf } from "../mod.ts";
 * await setBackend("cpu");
 * console.log(tf.getBackend()); // "cpu"
 * await setBackend("wasm");
 * ```
 *
 * @param name `"wasm"` (default backend of this library) or `"cpu"`.
 * @throws {RangeError} if `name` is not one of {@linkcode BACKEND_NAMES}.
 */
export async function setBackend(name: BackendName): Promise<void> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(
      `Cannot set the TensorFlow.js backend: name must be one of ${
        BACKEND_NAMES.map((n) => `"${n}"`).join(", ")
      }, received ${JSON.stringify(name)}. Pass "wasm" (fast, default) or "cpu".`,
    );
  }
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  if (!ok) {
    throw new Error(`Cannot set the TensorFlow.js backend: "${name}" failed to initialize.`);
  }
  await tf.ready();
}
