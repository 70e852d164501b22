/**
 * `Conv2DBackpropFilter` for the wasm backend, as one forward convolution on XNNPACK.
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − pt, ow·s + kw − pl, ci] · dy[b, oh, ow, co]
 * is a convolution whose batch is `ci`, whose input channels are the batch `b`, whose filter is
 * dy laid out as `[oh, ow, b, co]`, and whose dilation is the forward stride.
 *
 * Measured alternatives for the tutorial's conv2 (x `[64,28,28,32]`, dy `[64,28,28,16]`), which
 * did not beat this: splitting the batch into chunks (8 images per conv: ~2x slower; XNNPACK
 * rebuilds the operator per chunk); a patch matrix times dy (the 58 MB patch matrix costs more to
 * build than it saves, and the matmul packs the same 0.8M-value dy operand the conv packs); an
 * identity "extract patches" conv (288 output channels: 18x the useful multiply-adds). About a
 * quarter of this kernel is XNNPACK packing dy as a fresh filter; the rest is the GEMM itself.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { geometry, im2col } from "./_patches.ts";
import {
  conv2d,
  conv2DInfo,
  disposeAll,
  heapView,
  type KernelArgs,
  runKernel,
  transpose,
} from "./_wasm.ts";

/**
 * Largest `filterHeight·filterWidth·inChannels` (also at most `outChannels`) for which the
 * patch-matrix path is used: `dWᵀ = dyᵀ @ patches` packs only the small patch matrix.
 */
const MAX_PATCH_LEN = 32;

/** dW via `dyᵀ [co, n] @ patches [n, fh·fw·ci]` on XNNPACK. */
function viaPatches(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const patches = im2col(backend, x, geometry(info));
  const dy2 = runKernel("Reshape", backend, { x: dy }, { shape: [rows, outChannels] });
  const dyT = transpose(backend, dy2, [1, 0]);
  const dWT = runKernel("BatchMatMul", backend, { a: dyT, b: patches }, {
    transposeA: false,
    transposeB: false,
  });
  const dWT2 = runKernel("Reshape", backend, { x: dWT }, {
    shape: [outChannels, filterHeight * filterWidth * inChannels],
  });
  const dW2 = transpose(backend, dWT2, [1, 0]);
  const dW = runKernel("Reshape", backend, { x: dW2 }, {
    shape: [filterHeight, filterWidth, inChannels, outChannels],
  });
  disposeAll(backend, patches, dy2, dyT, dWT, dWT2, dW2);
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
  args: KernelArgs,
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") {
    throw new Error(
      `Cannot compute Conv2DBackpropFilter on wasm: dataFormat must be "NHWC", received ` +
        `"${attrs.dataFormat}". Use channels-last tensors.`,
    );
  }
  const info = conv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs,
    dataFormat,
  );
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = filterHeight - 1 + (outHeight - 1) * strideHeight - top - (inHeight - 1);
  const right = filterWidth - 1 + (outWidth - 1) * strideWidth - left - (inWidth - 1);

  const patchLen = filterHeight * filterWidth * info.inChannels;
  if (patchLen <= MAX_PATCH_LEN && patchLen <= info.outChannels) {
    return viaPatches(backend, x, dy, info);
  }
  const xT = channelsFirstBatchLast(backend, x); // [ci, H, W, b]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  const out = conv2d(backend, xT, dyT, [top, bottom, left, right], [strideHeight, strideWidth]);
  const dW = transpose(backend, out, [1, 2, 0, 3]); // [kh, kw, ci, co]
  disposeAll(backend, xT, dyT, out);
  return dW;
}

/** Kernel config: `Conv2DBackpropFilter` on `wasm`. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
