/**
 * `Conv2DBackpropFilter` for the wasm backend: stride-1 convolutions with 1–4 input channels run a
 * direct SIMD kernel, stride-1 3×3 ones with channel counts that are multiples of 4 a Winograd
 * F(3×3, 2×2) kernel (`conv_filter_grad/`); the others run as one forward convolution on XNNPACK.
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − pt, ow·s + kw − pl, ci] · dy[b, oh, ow, co]
 * is a convolution whose batch is `ci`, whose input channels are the batch `b`, whose filter is
 * dy laid out as `[oh, ow, b, co]`, and whose dilation is the forward stride.
 *
 * Measured alternatives to the XNNPACK convolution for the tutorial's conv2 (x `[64,28,28,32]`,
 * dy `[64,28,28,16]`) before the Winograd kernel, which did not beat it: splitting the batch into chunks (8 images per conv: ~2x slower; XNNPACK
 * rebuilds the operator per chunk); a patch matrix times dy (the 58 MB patch matrix costs more to
 * build than it saves, and the matmul packs the same 0.8M-value dy operand the conv packs); an
 * identity "extract patches" conv (288 output channels: 18x the useful multiply-adds). About a
 * quarter of this kernel is XNNPACK packing dy as a fresh filter; the rest is the GEMM itself.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
} from "@tensorflow/tfjs-core";
import { conv2DInfo, forwardPads, windowGeometry } from "./_conv_geometry.ts";
import { im2col, MAX_PATCH_LEN } from "./_patches.ts";
import {
  asRows,
  conv2d,
  disposeAll,
  heapView,
  reshape,
  transpose,
  type WasmContext,
  wasmKernel,
  type WasmKernelArgs,
} from "./_wasm.ts";
import { matMul } from "./batch_mat_mul.ts";
import {
  fewInChannelsFilterGrad,
  winogradFilterGrad,
} from "./conv_filter_grad/conv2d_filter_grad.ts";

/** dW via `dyᵀ [co, n] @ patches [n, fh·fw·ci]` on XNNPACK. */
function viaPatches(
  on: WasmContext,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const patches = im2col(on.backend, x, windowGeometry(info));
  const dy2 = asRows(on, dy);
  const dyT = transpose(on, dy2, [1, 0]);
  const dWT = matMul(on, dyT, patches);
  const dW2 = transpose(on, dWT, [1, 0]);
  const dW = reshape(on, dW2, [filterHeight, filterWidth, inChannels, outChannels]);
  disposeAll(on.backend, patches, dy2, dyT, dWT, dW2);
  return dW;
}

/**
 * NHWC `[b, h, w, c]` → `[c, h, w, b]` in one pass over the wasm heap: for each pixel, a
 * `[b, c]` block is written transposed with contiguous stores (~1.5x faster on wasm than two
 * `Transpose` kernels).
 */
function channelsFirstBatchLast(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const [b, h, w, c] = x.shape;
  const pixels = h * w;
  const out = backend.makeOutput([c, h, w, b], "float32");
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const batchStride = pixels * c;
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < c; k++) {
      const d = (k * pixels + p) * b;
      for (let n = 0, s = p * c + k; n < b; n++, s += batchStride) dst[d + n] = src[s];
    }
  }
  return out;
}

function conv2DBackpropFilter(
  on: WasmKernelArgs<Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs>,
): tf.TensorInfo {
  const { inputs: { x, dy }, attrs } = on;
  const info = conv2DInfo(x.shape, attrs.filterShape, attrs);
  if (info.dataFormat !== "channelsLast") {
    throw new Error(
      `Cannot compute Conv2DBackpropFilter on wasm: dataFormat must be "NHWC", received ` +
        `"${attrs.dataFormat}". Use channels-last tensors.`,
    );
  }
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    const [top, bottom, left, right] = forwardPads(info);
    const pads = [top, bottom, left, right] as const;
    const dW = info.inChannels <= 4
      ? fewInChannelsFilterGrad(on.backend, x, dy, attrs.filterShape, pads)
      : winogradFilterGrad(on.backend, x, dy, attrs.filterShape, pads);
    if (dW !== null) return dW;
  }
  const patchLen = info.filterHeight * info.filterWidth * info.inChannels;
  if (patchLen <= MAX_PATCH_LEN && patchLen <= info.outChannels) {
    return viaPatches(on, x, dy, info);
  }
  const xT = channelsFirstBatchLast(on.backend, x); // [ci, H, W, b]
  const dyT = transpose(on, dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  const out = conv2d(on, xT, dyT, forwardPads(info), [info.strideHeight, info.strideWidth]);
  const dW = transpose(on, out, [1, 2, 0, 3]); // [kh, kw, ci, co]
  disposeAll(on.backend, xT, dyT, out);
  return dW;
}

/** `Conv2DBackpropFilter` on `wasm`. */
export const conv2DBackpropFilterKernel = wasmKernel(
  Conv2DBackpropFilter,
  conv2DBackpropFilter,
);
