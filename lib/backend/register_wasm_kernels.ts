/**
 * Registers on the `wasm` backend the kernels that training and attribution need but the stock
 * backend lacks, runs slowly or computes wrongly (gradients that disagree with the `cpu` backend).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { originalKernels } from "./_kernels/_wasm.ts";
import { batchMatMulConfig } from "./_kernels/batch_mat_mul.ts";
import { castConfig } from "./_kernels/cast.ts";
import { conv2DBackpropFilterConfig } from "./_kernels/conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./_kernels/conv2d_backprop_input.ts";
import { conv3DBackpropFilterV2Config } from "./_kernels/conv3d_backprop_filter.ts";
import { conv3DBackpropInputV2Config } from "./_kernels/conv3d_backprop_input.ts";
import {
  depthwiseConv2dNativeBackpropFilterConfig,
} from "./_kernels/depthwise_conv2d_backprop_filter.ts";
import { depthwiseConv2dNativeBackpropInputConfig } from "./_kernels/depthwise_conv2d_backprop_input.ts";
import {
  dilation2DBackpropFilterConfig,
  dilation2DBackpropInputConfig,
  dilation2DConfig,
} from "./_kernels/dilation2d.ts";
import { conv2DConfig, fusedConv2DConfig } from "./_kernels/fused_conv2d.ts";
import { gatherV2Config } from "./_kernels/gather_v2.ts";
import { identityConfig } from "./_kernels/identity.ts";
import { maxPool3DGradConfig } from "./_kernels/max_pool_3d_grad.ts";
import { maxPoolGradConfig } from "./_kernels/max_pool_grad.ts";
import { sliceConfig } from "./_kernels/slice.ts";
import { meanConfig, sumConfig } from "./_kernels/sum_mean.ts";
import { tileConfig } from "./_kernels/tile.ts";
import { unsortedSegmentSumConfig } from "./_kernels/unsorted_segment_sum.ts";

/** The kernels this library registers on the `wasm` backend. */
export const WASM_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  unsortedSegmentSumConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  fusedConv2DConfig,
  conv2DConfig,
  tileConfig,
  gatherV2Config,
  sliceConfig,
  maxPoolGradConfig,
  maxPool3DGradConfig,
  conv3DBackpropInputV2Config,
  conv3DBackpropFilterV2Config,
  dilation2DConfig,
  dilation2DBackpropInputConfig,
  dilation2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
];

let registered = false;

/**
 * Register this library's kernels on the `wasm` backend (idempotent). Called when
 * `lib/mod.ts` is imported; replaced stock kernels stay reachable as fallbacks.
 *
 * @example
 * ```ts
 * import { tf } from "../mod.ts";
 * import { registerWasmKernels } from "./register_wasm_kernels.ts";
 * registerWasmKernels();
 * console.log(tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined); // true
 * ```
 */
export function registerWasmKernels(): void {
  if (registered) return;
  for (const config of WASM_KERNEL_CONFIGS) {
    const existing = tf.getKernel(config.kernelName, "wasm");
    if (existing !== undefined) {
      originalKernels.set(config.kernelName, existing);
      tf.unregisterKernel(config.kernelName, "wasm");
    }
    // Keep the original's setup so its fallback path is initialised with the backend.
    tf.registerKernel({ ...config, setupFunc: existing?.setupFunc ?? config.setupFunc });
  }
  registered = true;
}
