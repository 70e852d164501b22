/**
 * `Conv2DBackpropInput` for the wasm backend, as one forward convolution on XNNPACK: dy (with
 * `stride − 1` zeros inserted between its pixels) convolved with the spatially flipped filter
 * whose channel axes are swapped (derived once per filter buffer, so XNNPACK's packed weights stay
 * cached too). 3×3 stride-1 cases run that convolution as Winograd (F(4×4, 3×3) or F(2×2, 3×3),
 * see `winograd/`); stride-1 cases whose input has 1–4 channels run a direct SIMD convolution
 * vectorized over dy's channels. Falls back to the backend's own kernel for shapes this
 * formulation does not cover (negative effective padding, NCHW).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { derivedBuffer } from "./_derived_cache.ts";
import { col2im, geometry } from "./_patches.ts";
import {
  conv2d,
  conv2DInfo,
  disposeAll,
  heapView,
  type KernelArgs,
  originalKernels,
  runKernel,
  transpose,
} from "./_wasm.ts";
import { fewInChannelsConv2dBackpropInput } from "./direct_conv/direct_conv2d.ts";
import { winogradConv2d } from "./winograd/winograd_conv2d.ts";

/**
 * Largest `filterHeight·filterWidth·inChannels` for which the patch path is used:
 * `col2im(dy @ Wᵀ)`, a matmul whose packed operand is the small filter. A convolution with few
 * output channels uses XNNPACK poorly.
 */
const MAX_PATCH_LEN = 32;

/** dx via `col2im(dy [n, co] @ W [fh·fw·ci, co]ᵀ)` on XNNPACK. */
function viaPatches(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const patchLen = filterHeight * filterWidth * inChannels;
  const w2 = runKernel("Reshape", backend, { x: filter }, { shape: [patchLen, outChannels] });
  const wT = transpose(backend, w2, [1, 0]);
  const dy2 = runKernel("Reshape", backend, { x: dy }, { shape: [rows, outChannels] });
  const cols = runKernel("BatchMatMul", backend, { a: dy2, b: wT }, {
    transposeA: false,
    transposeB: false,
  });
  const dx = col2im(backend, cols, geometry(info));
  disposeAll(backend, w2, wT, dy2, cols);
  return dx;
}

/** Insert `sh − 1` / `sw − 1` zero rows/columns between the pixels of NHWC `dy`. */
function dilate(backend: BackendWasm, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [b, h, w, c] = dy.shape;
  const dh = (h - 1) * sh + 1;
  const dw = (w - 1) * sw + 1;
  const out = backend.makeOutput([b, dh, dw, c], "float32");
  const src = heapView(backend, dy);
  const dst = heapView(backend, out);
  dst.fill(0);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const s = ((n * h + i) * w + j) * c;
        const d = ((n * dh + i * sh) * dw + j * sw) * c;
        dst.set(src.subarray(s, s + c), d);
      }
    }
  }
  return out;
}

/** `[kh, kw, ci, co]` → `[K−1−kh, K−1−kw, co, ci]`. */
function flipTranspose(backend: BackendWasm, filter: tf.TensorInfo): tf.TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const out = backend.makeOutput([fh, fw, co, ci], "float32");
  const src = heapView(backend, filter);
  const dst = heapView(backend, out);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const s0 = (i * fw + j) * ci * co;
      const d0 = ((fh - 1 - i) * fw + (fw - 1 - j)) * co * ci;
      for (let a = 0; a < ci; a++) {
        for (let o = 0; o < co; o++) dst[d0 + o * ci + a] = src[s0 + a * co + o];
      }
    }
  }
  return out;
}

function conv2DBackpropInput(
  args: KernelArgs,
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = conv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs,
    dataFormat,
  );
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const dh = (outHeight - 1) * strideHeight + 1;
  const dw = (outWidth - 1) * strideWidth + 1;
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  const bottom = inHeight + info.padInfo.top - dh;
  const right = inWidth + info.padInfo.left - dw;
  if (dataFormat !== "channelsLast" || top < 0 || left < 0 || bottom < 0 || right < 0) {
    const original = originalKernels.get("Conv2DBackpropInput");
    if (original === undefined) {
      throw new Error("Cannot compute Conv2DBackpropInput on wasm: no fallback kernel.");
    }
    return original.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const strided = strideHeight > 1 || strideWidth > 1;
  if (!strided && info.inChannels <= 4) {
    const dx = fewInChannelsConv2dBackpropInput(backend, dy, filter, [top, bottom, left, right]);
    if (dx !== null) return dx;
  }
  if (filterHeight * filterWidth * info.inChannels <= MAX_PATCH_LEN) {
    return viaPatches(backend, dy, filter, info);
  }
  if (!strided && filterHeight === 3 && filterWidth === 3) {
    const dx = winogradConv2d(backend, dy, filter, null, [top, bottom, left, right], false, {
      flipped: true,
    });
    if (dx !== null) return dx;
  }
  const dyD = strided ? dilate(backend, dy, strideHeight, strideWidth) : dy;
  const w = derivedBuffer(
    backend,
    filter,
    `flipTranspose ${filter.shape.join("x")}`,
    () => flipTranspose(backend, filter),
  );
  const dx = conv2d(backend, dyD, w, [top, bottom, left, right]);
  if (strided) disposeAll(backend, dyD);
  return dx;
}

/** Kernel config: `Conv2DBackpropInput` on `wasm` (replaces the backend's slow direct loop). */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
