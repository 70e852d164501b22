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
import {
  biasFits,
  type ConvEpilogueArgs,
  type ConvShapeArgs,
  float32Rank4,
  heapModule,
  heapOffset,
} from "../_heap_module.ts";
import { heapView } from "../_wasm.ts";
import { DIRECT_CONV_WASM_BASE64 } from "../_generated/direct_conv_wasm.ts";

/** Signature shared by the module's two convolutions (pointers are heap byte offsets). */
type ConvFn = (
  x: number,
  f: number,
  bias: number,
  y: number,
  ...args: [...ConvShapeArgs, ...ConvEpilogueArgs]
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

/** Output size of a stride-1 convolution, or 0 when the padding is out of 0..k−1. */
function outSize(size: number, k: number, before: number, after: number): number {
  for (const p of [before, after]) if (!Number.isInteger(p) || p < 0 || p > k - 1) return 0;
  return Math.max(0, size + before + after - k + 1);
}

/** Sizes of a stride-1 convolution: input `[n, h, w, cin]`, filter `kh`×`kw`, output `[n, oh, ow, cout]`. */
interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  top: number;
  left: number;
}

/**
 * The geometry of a stride-1 convolution of `input` (`[n, h, w, cin]`) by a `kh`×`kw` filter with
 * `cout` outputs, or `null` when the filter is larger than {@linkcode MAX_KERNEL}, a padding is
 * out of 0..k−1, or the output is empty.
 */
function convGeometry(
  input: tf.TensorInfo,
  kh: number,
  kw: number,
  cout: number,
  [top, bottom, left, right]: readonly number[],
): ConvGeometry | null {
  const [n, h, w, cin] = input.shape;
  if (kh < 1 || kw < 1 || kh > MAX_KERNEL || kw > MAX_KERNEL) return null;
  const oh = outSize(h, kh, top, bottom);
  const ow = outSize(w, kw, left, right);
  if (n < 1 || oh < 1 || ow < 1) return null;
  return { n, h, w, cin, cout, kh, kw, oh, ow, top, left };
}

/**
 * Run the module's convolution `conv` of `x` by the heap filter `f` (plus `bias` and an optional
 * relu) into a new `[n, oh, ow, cout]` buffer.
 */
function runConv(
  backend: BackendWasm,
  conv: ConvFn,
  x: tf.TensorInfo,
  f: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  g: ConvGeometry,
  relu: boolean,
): tf.TensorInfo {
  const y = backend.makeOutput([g.n, g.oh, g.ow, g.cout], "float32");
  const { n, h, w, cin, cout, kh, kw, oh, ow, top, left } = g;
  conv(
    heapOffset(backend, x),
    heapOffset(backend, f),
    bias === null ? 0 : heapOffset(backend, bias),
    heapOffset(backend, y),
    n,
    h,
    w,
    cin,
    cout,
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
  if (!float32Rank4(x, filter)) return null;
  const [, , , ci] = x.shape;
  const [kh, kw, fci, co] = filter.shape;
  if (fci !== ci || ci < 1 || ci > MAX_FEW_CHANNELS || co < 4 || co % 4 !== 0) return null;
  const g = convGeometry(x, kh, kw, co, pads);
  if (g === null || !biasFits(bias, co)) return null;
  const mod = MODULE.on(backend);
  if (mod === null) return null;
  return runConv(backend, mod.exports.few_in_conv2d, x, filter, bias, g, relu);
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
  if (!float32Rank4(dy, filter)) return null;
  const [, , , c] = dy.shape;
  const [kh, kw, ci, co] = filter.shape;
  if (co !== c || co < 4 || co % 4 !== 0 || ci < 1 || ci > MAX_FEW_CHANNELS) return null;
  const g = convGeometry(dy, kh, kw, ci, pads);
  if (g === null) return null;
  const mod = MODULE.on(backend);
  if (mod === null) return null;
  const f = derivedBuffer(
    backend,
    filter,
    `direct conv few-out flipped ${filter.shape.join("x")}`,
    () => flipToFewOut(backend, filter),
  );
  return runConv(backend, mod.exports.few_out_conv2d, dy, f, null, g, false);
}
