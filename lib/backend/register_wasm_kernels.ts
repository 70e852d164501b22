/**
 * Registers on the `wasm` backend the kernels that training and attribution need but the stock
 * backend lacks, runs slowly or computes wrongly (gradients that disagree with the `cpu` backend).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {
  isOwnKernelConfig,
  STOCK_KERNELS,
  type StockKernels,
  type WasmKernel,
} from "./_kernels/_wasm.ts";
import { batchMatMulKernel } from "./_kernels/batch_mat_mul.ts";
import { castKernel } from "./_kernels/cast.ts";
import { conv2DBackpropFilterKernel } from "./_kernels/conv2d_backprop_filter.ts";
import { conv2DBackpropInputKernel } from "./_kernels/conv2d_backprop_input.ts";
import { conv3DBackpropFilterV2Kernel } from "./_kernels/conv3d_backprop_filter.ts";
import { conv3DBackpropInputV2Kernel } from "./_kernels/conv3d_backprop_input.ts";
import {
  depthwiseConv2dNativeBackpropFilterKernel,
} from "./_kernels/depthwise_conv2d_backprop_filter.ts";
import { depthwiseConv2dNativeBackpropInputKernel } from "./_kernels/depthwise_conv2d_backprop_input.ts";
import {
  dilation2DBackpropFilterKernel,
  dilation2DBackpropInputKernel,
  dilation2DKernel,
} from "./_kernels/dilation2d.ts";
import { conv2DKernel, fusedConv2DKernel } from "./_kernels/fused_conv2d.ts";
import { gatherV2Kernel } from "./_kernels/gather_v2.ts";
import { identityKernel } from "./_kernels/identity.ts";
import { maxPool3DGradKernel } from "./_kernels/max_pool_3d_grad.ts";
import { maxPoolGradKernel } from "./_kernels/max_pool_grad.ts";
import { reluGradKernel } from "./_kernels/relu_grad.ts";
import { reluGradRowsKernel } from "./_kernels/relu_grad_rows.ts";
import { sliceKernel } from "./_kernels/slice.ts";
import { stepPointsKernel } from "./_kernels/step_points.ts";
import { meanKernel, sumKernel } from "./_kernels/sum_mean.ts";
import { tileKernel } from "./_kernels/tile.ts";
import { unsortedSegmentSumKernel } from "./_kernels/unsorted_segment_sum.ts";
import { weightedStepSumKernel } from "./_kernels/weighted_step_sum.ts";

export type { StockKernels } from "./_kernels/_wasm.ts";

/** The kernels this library registers on the `wasm` backend. */
export const WASM_KERNELS: readonly WasmKernel[] = [
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  unsortedSegmentSumKernel,
  batchMatMulKernel,
  sumKernel,
  meanKernel,
  identityKernel,
  castKernel,
  fusedConv2DKernel,
  conv2DKernel,
  tileKernel,
  gatherV2Kernel,
  sliceKernel,
  maxPoolGradKernel,
  maxPool3DGradKernel,
  conv3DBackpropInputV2Kernel,
  conv3DBackpropFilterV2Kernel,
  dilation2DKernel,
  dilation2DBackpropInputKernel,
  dilation2DBackpropFilterKernel,
  depthwiseConv2dNativeBackpropInputKernel,
  depthwiseConv2dNativeBackpropFilterKernel,
  reluGradKernel,
  reluGradRowsKernel,
  stepPointsKernel,
  weightedStepSumKernel,
];

/**
 * Register this library's kernels on the `wasm` backend, in place of the stock kernels of those
 * names, and return the stock kernels they replaced, by kernel name (the kernels that the backend
 * lacks have no entry). The replaced kernels' fallbacks run those stock kernels.
 *
 * Idempotent: once registered, the same stock kernels are returned again (they are read from the
 * registered kernels, which carry them).
 *
 * @example
 * ```ts
 * import { tf } from "../mod.ts";
 * import { registerWasmKernels } from "./register_wasm_kernels.ts";
 * const stock = registerWasmKernels();
 * console.log(tf.getKernel("Conv2DBackpropFilter", "wasm") !== stock.get("Conv2DBackpropFilter")); // true
 * ```
 */
export function registerWasmKernels(): StockKernels {
  const registered = tf.getKernel(WASM_KERNELS[0].kernelName, "wasm");
  if (isOwnKernelConfig(registered)) return registered[STOCK_KERNELS];
  const stock = new Map<string, tf.KernelConfig>();
  for (const { kernelName } of WASM_KERNELS) {
    const existing = tf.getKernel(kernelName, "wasm");
    if (existing !== undefined) stock.set(kernelName, existing);
  }
  for (const kernel of WASM_KERNELS) {
    const existing = stock.get(kernel.kernelName);
    if (existing !== undefined) tf.unregisterKernel(kernel.kernelName, "wasm");
    // Keep the stock kernel's setup so its fallback path is initialised with the backend.
    const config = kernel.config(stock);
    tf.registerKernel({ ...config, setupFunc: existing?.setupFunc ?? config.setupFunc });
  }
  return stock;
}
