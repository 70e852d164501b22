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
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
} from "@tensorflow/tfjs-core";
import { conv2DInfo, inputGradientPads, windowGeometry } from "./_conv_geometry.ts";
import { derivedBuffer } from "./_derived_cache.ts";
import { col2im, dilateAndPad, MAX_PATCH_LEN } from "./_patches.ts";
import {
  asRows,
  conv2d,
  disposeAll,
  heapView,
  reshape,
  runKernel,
  transpose,
  type WasmContext,
  wasmKernel,
  type WasmKernelArgs,
} from "./_wasm.ts";
import { matMul } from "./batch_mat_mul.ts";
import { fewInChannelsConv2dBackpropInput } from "./direct_conv/direct_conv2d.ts";
import { winogradConv2d } from "./winograd/winograd_conv2d.ts";

/** dx via `col2im(dy [n, co] @ W [fh·fw·ci, co]ᵀ)` on XNNPACK. */
function viaPatches(
  on: WasmContext,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const w2 = reshape(on, filter, [filterHeight * filterWidth * inChannels, outChannels]);
  const wT = transpose(on, w2, [1, 0]);
  const dy2 = asRows(on, dy);
  const cols = matMul(on, dy2, wT);
  const dx = col2im(on.backend, cols, windowGeometry(info));
  disposeAll(on.backend, w2, wT, dy2, cols);
  return dx;
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
  on: WasmKernelArgs<Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs>,
): tf.TensorInfo {
  const { inputs: { dy, filter }, attrs, backend } = on;
  const info = conv2DInfo(attrs.inputShape, filter.shape, attrs);
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const pads = inputGradientPads(info);
  if (info.dataFormat !== "channelsLast" || pads.some((p) => p < 0)) {
    return runKernel(Conv2DBackpropInput, on, on.inputs, attrs);
  }
  const strided = strideHeight > 1 || strideWidth > 1;
  if (!strided && info.inChannels <= 4) {
    const dx = fewInChannelsConv2dBackpropInput(backend, dy, filter, pads);
    if (dx !== null) return dx;
  }
  if (filterHeight * filterWidth * info.inChannels <= MAX_PATCH_LEN) {
    return viaPatches(on, dy, filter, info);
  }
  if (!strided && filterHeight === 3 && filterWidth === 3) {
    const dx = winogradConv2d(backend, dy, filter, null, pads, false, { flipped: true });
    if (dx !== null) return dx;
  }
  const dyD = strided ? dilateAndPad(backend, dy, strideHeight, strideWidth, [0, 0, 0, 0]) : dy;
  const w = derivedBuffer(
    backend,
    filter,
    `flipTranspose ${filter.shape.join("x")}`,
    () => flipTranspose(backend, filter),
  );
  const dx = conv2d(on, dyD, w, pads);
  if (strided) disposeAll(backend, dyD);
  return dx;
}

/** `Conv2DBackpropInput` on `wasm` (replaces the backend's slow direct loop). */
export const conv2DBackpropInputKernel = wasmKernel(
  Conv2DBackpropInput,
  conv2DBackpropInput,
);
