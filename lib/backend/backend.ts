/**
 * Backend selection: the fast `wasm` backend (XNNPACK + SIMD) by default, `cpu` on request.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmKernels, type StockKernels } from "./register_wasm_kernels.ts";
import { registerWasmGradients } from "./register_wasm_gradients.ts";

registerWasmKernels();
registerWasmGradients();

export type { StockKernels } from "./register_wasm_kernels.ts";

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

/**
 * The `wasm` backend's own kernels that this library's kernels replaced, by kernel name (what
 * registration returned; registration happens when this module is imported).
 *
 * @example
 * ```ts
 * import { stockWasmKernels } from "./backend.ts";
 * console.log(stockWasmKernels().has("FusedConv2D")); // true
 * ```
 */
export function stockWasmKernels(): StockKernels {
  return registerWasmKernels();
}

/**
 * Run the `wasm` kernel `name` at the kernel level (no engine, no tape) on buffers already on the
 * wasm backend, to compare this library's kernel with the stock one it replaced in the same run.
 *
 * @example
 * ```ts
 * import { tf } from "../mod.ts";
 * import { runWasmKernel } from "./backend.ts";
 * const x = tf.ones([2, 3]);
 * const y = runWasmKernel("stock", "Sum", { x }, { axis: [0], keepDims: false });
 * console.log(y.shape); // [3]
 * tf.backend().disposeData(y.dataId);
 * ```
 *
 * @param kernel `"ours"`: the kernel registered now; `"stock"`: the backend's own kernel that this
 *   library replaced, or the registered one where it replaced none.
 * @param name kernel name, a tfjs-core constant such as `FusedConv2D`.
 * @param inputs the kernel's named inputs, on the wasm backend.
 * @param attrs the kernel's attributes (its tfjs-core `*Attrs`).
 * @returns the output's buffer, owned by the caller (free it with `disposeData`).
 * @throws {Error} if no kernel `name` is registered on `wasm` or the wasm backend is not set up.
 */
export function runWasmKernel<A extends object>(
  kernel: "ours" | "stock",
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: A,
): tf.TensorInfo {
  const config = (kernel === "stock" ? stockWasmKernels().get(name) : undefined) ??
    tf.getKernel(name, "wasm");
  const backend = tf.findBackend("wasm") as BackendWasm | null;
  if (config === undefined || backend === null) {
    throw new Error(
      `Cannot run the ${kernel} wasm kernel "${name}": ${
        config === undefined ? "no such kernel is registered" : "the wasm backend is not set up"
      }. Call setBackend("wasm") first.`,
    );
  }
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}
