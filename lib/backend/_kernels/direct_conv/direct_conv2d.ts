/**
 * Direct (not Winograd, not GEMM) stride-1 NHWC convolutions for the channel counts XNNPACK
 * handles poorly, run by a small WebAssembly SIMD module (`direct_conv.c`) on the wasm backend's
 * heap, in place:
 *
 * - {@linkcode fewInChannelsConv2d}: 1–4 input channels (a first layer on gray or RGB images),
 *   vectorized over the output channels;
 * - {@linkcode fewInChannelsConv2dBackpropInput}: the input gradient of such a convolution, a
 *   convolution with 1–4 *output* channels, vectorized over dy's channels with horizontal sums.
 *
 * Padding is clipped per output pixel (no padded copy), so either runs in one pass over its input.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { derivedBuffer } from "../_derived_cache.ts";
import { heapModule } from "../_heap_module.ts";
import { heapView } from "../_wasm.ts";
import { DIRECT_CONV_WASM_BASE64 } from "../_generated/direct_conv_wasm.ts";

/** Signature shared by the module's two convolutions (pointers are heap byte offsets). */
type ConvFn = (
  x: number,
  f: number,
  bias: number,
  y: number,
  n: number,
  h: number,
  w: number,
  ci: number,
  co: number,
  kh: number,
  kw: number,
  oh: number,
  ow: number,
  padTop: number,
  padLeft: number,
  hasBias: number,
  relu: number,
) => void;

/** The module's exports. */
interface DirectConvExports {
  few_in_conv2d: ConvFn;
  few_out_conv2d: ConvFn;
}

const MODULE = heapModule<DirectConvExports>(DIRECT_CONV_WASM_BASE64);

/** Most channels on the "few" side. */
const MAX_FEW_CHANNELS = 4;
/** Largest filter height or width. */
const MAX_KERNEL = 7;

const offset = (backend: BackendWasm, info: tf.TensorInfo) =>
  backend.dataIdMap.get(info.dataId)!.memoryOffset;

/** Output size of a stride-1 convolution, or 0 when the padding is out of 0..k−1. */
function outSize(size: number, k: number, before: number, after: number): number {
  for (const p of [before, after]) if (!Number.isInteger(p) || p < 0 || p > k - 1) return 0;
  return Math.max(0, size + before + after - k + 1);
}

/**
 * Stride-1, undilated NHWC convolution of `x` (1–4 channels) by `filter`, plus `bias` and an
 * optional relu, as a direct convolution vectorized over the output channels; `null` when not
 * eligible (dtype, more than 4 input channels, output channels not a multiple of 4, a filter
 * larger than 7×7, padding outside 0..k−1, or no WebAssembly SIMD), so the caller falls back.
 *
 * @param backend the wasm backend.
 * @param x input `[batch, height, width, inChannels]`.
 * @param filter `[kh, kw, inChannels, outChannels]`.
 * @param bias `[outChannels]` (any shape of that size), or `null`.
 * @param pads `[top, bottom, left, right]`.
 * @param relu apply `max(0, ·)` to the output.
 * @returns a new `[batch, outHeight, outWidth, outChannels]` buffer owned by the caller, or `null`.
 */
export function fewInChannelsConv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  pads: [number, number, number, number],
  relu: boolean,
): tf.TensorInfo | null {
  if (x.dtype !== "float32" || filter.dtype !== "float32") return null;
  if (x.shape.length !== 4 || filter.shape.length !== 4) return null;
  const [n, h, w, ci] = x.shape;
  const [kh, kw, fci, co] = filter.shape;
  if (fci !== ci || ci < 1 || ci > MAX_FEW_CHANNELS || co < 4 || co % 4 !== 0) return null;
  if (kh < 1 || kw < 1 || kh > MAX_KERNEL || kw > MAX_KERNEL) return null;
  const [top, bottom, left, right] = pads;
  const oh = outSize(h, kh, top, bottom);
  const ow = outSize(w, kw, left, right);
  if (n < 1 || oh < 1 || ow < 1) return null;
  if (bias !== null) {
    const size = bias.shape.reduce((a, b) => a * b, 1);
    if (bias.dtype !== "float32" || size !== co) return null;
  }
  const mod = MODULE.on(backend);
  if (mod === null) return null;
  const y = backend.makeOutput([n, oh, ow, co], "float32");
  mod.exports.few_in_conv2d(
    offset(backend, x),
    offset(backend, filter),
    bias === null ? 0 : offset(backend, bias),
    offset(backend, y),
    n,
    h,
    w,
    ci,
    co,
    kh,
    kw,
    oh,
    ow,
    top,
    left,
    bias === null ? 0 : 1,
    relu ? 1 : 0,
  );
  return y;
}

/**
 * `[kh, kw, ci, co]` → `[ci, kh, kw, co]` flipped spatially: `out[a, i, j, c] = f[kh−1−i, kw−1−j,
 * a, c]`, the filter of the input gradient's convolution with `ci` outputs and `co` inputs.
 */
function flipToFewOut(backend: BackendWasm, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([ci, kh, kw, co], "float32");
  const src = heapView(backend, filter);
  const dst = heapView(backend, out);
  for (let a = 0; a < ci; a++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const s = (((kh - 1 - i) * kw + (kw - 1 - j)) * ci + a) * co;
        dst.set(src.subarray(s, s + co), ((a * kh + i) * kw + j) * co);
      }
    }
  }
  return out;
}

/**
 * The input gradient of a stride-1, undilated NHWC convolution whose input has 1–4 channels:
 * `dy` (`[batch, dyHeight, dyWidth, outChannels]`, outChannels a multiple of 4) convolved with
 * the spatially flipped `filter` (`[kh, kw, inChannels, outChannels]`), vectorized over dy's
 * channels; `null` when not eligible (as {@linkcode fewInChannelsConv2d}, channel roles swapped),
 * so the caller falls back. The re-laid-out filter is cached for as long as `filter`'s buffer
 * lives.
 *
 * @param backend the wasm backend.
 * @param dy the output gradient.
 * @param filter the forward convolution's filter.
 * @param pads `[top, bottom, left, right]` of the gradient's convolution over `dy` (each
 *   `k − 1 −` the forward padding on the same side), each 0..k−1.
 * @returns a new `[batch, height, width, inChannels]` buffer owned by the caller, or `null`.
 */
export function fewInChannelsConv2dBackpropInput(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: [number, number, number, number],
): tf.TensorInfo | null {
  if (dy.dtype !== "float32" || filter.dtype !== "float32") return null;
  if (dy.shape.length !== 4 || filter.shape.length !== 4) return null;
  const [n, h, w, c] = dy.shape;
  const [kh, kw, ci, co] = filter.shape;
  if (co !== c || co < 4 || co % 4 !== 0 || ci < 1 || ci > MAX_FEW_CHANNELS) return null;
  if (kh < 1 || kw < 1 || kh > MAX_KERNEL || kw > MAX_KERNEL) return null;
  const [top, bottom, left, right] = pads;
  const oh = outSize(h, kh, top, bottom);
  const ow = outSize(w, kw, left, right);
  if (n < 1 || oh < 1 || ow < 1) return null;
  const mod = MODULE.on(backend);
  if (mod === null) return null;
  const f = derivedBuffer(
    backend,
    filter,
    `direct conv few-out flipped ${filter.shape.join("x")}`,
    () => flipToFewOut(backend, filter),
  );
  const dx = backend.makeOutput([n, oh, ow, ci], "float32");
  mod.exports.few_out_conv2d(
    offset(backend, dy),
    offset(backend, f),
    0,
    offset(backend, dx),
    n,
    h,
    w,
    co,
    ci,
    kh,
    kw,
    oh,
    ow,
    top,
    left,
    0,
    0,
  );
  return dx;
}
