/**
 * `Cast` for the wasm backend: a cast to the tensor's own dtype shares the input's buffer instead
 * of copying it (see `identity.ts`); ReLU's gradient, `dy · cast(step(x), "float32")`, casts a
 * float32 tensor to float32 on every backward pass. Other casts go to the stock kernel.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { Cast, type CastAttrs, type CastInputs } from "@tensorflow/tfjs-core";
import { runKernel, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

function cast(args: WasmKernelArgs<CastInputs, CastAttrs>): tf.TensorInfo {
  const { inputs: { x }, attrs: { dtype }, backend } = args;
  if (dtype !== x.dtype || dtype === "string" || dtype === "complex64") {
    return runKernel(Cast, args, { x }, { dtype });
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** `Cast` on `wasm` (no copy for a cast to the same dtype). */
export const castKernel = wasmKernel(Cast, cast);
