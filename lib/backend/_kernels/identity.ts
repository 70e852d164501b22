/**
 * `Identity` for the wasm backend without a copy: the output shares the input's buffer (one more
 * reference on it), as the `cpu` backend and the wasm `Reshape` kernel do. TensorFlow.js never
 * writes into a tensor's buffer after creating it (a variable's `assign` swaps buffers), so the
 * copy the stock kernel makes is not needed. `tf.grad` clones every tensor it saves for the
 * backward pass through this kernel: ~19 copies per backward pass of the tutorial CNN.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Identity, type IdentityInputs } from "@tensorflow/tfjs-core";
import { runKernel, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

function identity(args: WasmKernelArgs<IdentityInputs, object>): tf.TensorInfo {
  const { inputs: { x }, backend } = args;
  if (x.dtype === "string") return runKernel(Identity, args, { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** `Identity` on `wasm` (shares the input's buffer). */
export const identityKernel = wasmKernel(Identity, identity);
