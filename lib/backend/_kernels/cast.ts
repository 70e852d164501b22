/**
 * `Cast` for the wasm backend: a cast to the tensor's own dtype shares the input's buffer instead
 * of copying it (see `identity.ts`); ReLU's gradient, `dy · cast(step(x), "float32")`, casts a
 * float32 tensor to float32 on every backward pass. Other casts go to the stock kernel.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type KernelArgs, runKernel } from "./_wasm.ts";

function cast(
  args: KernelArgs,
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (dtype !== x.dtype || dtype === "string" || dtype === "complex64") {
    return runKernel("Cast", backend, { x }, { dtype });
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** Kernel config: `Cast` on `wasm` (no copy for a cast to the same dtype). */
export const castConfig: tf.KernelConfig = {
  kernelName: "Cast",
  backendName: "wasm",
  kernelFunc: cast as unknown as tf.KernelFunc,
};
