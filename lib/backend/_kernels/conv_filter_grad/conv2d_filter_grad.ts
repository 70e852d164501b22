/**
 * Filter gradients of stride-1, undilated NHWC convolutions run by a small WebAssembly SIMD module
 * (`conv_filter_grad.c`) on the wasm backend's heap, in place:
 *
 * - {@linkcode fewInChannelsFilterGrad}: 1–4 input channels (a first layer on gray or RGB images),
 *   direct, vectorized over the output channels (XNNPACK's GEMM and an im2col in JS spent ~17 ms
 *   on the tutorial's conv1 for a batch of 64; this runs in well under 1 ms);
 * - {@linkcode winogradFilterGrad}: 3×3 filters with channel counts that are multiples of 4, as
 *   Winograd F(3×3, 2×2) (2.25× fewer multiplies than the direct GEMM XNNPACK runs; the
 *   tutorial's conv2 at batch 64 from ~25–30 ms to ~7–11 ms).
 *
 * Both compute each image's gradient on its own and add them pairwise over aligned blocks of 2^k
 * images, so a batch's gradient is exactly the sum of its two halves' when they are 2^k images
 * each: data-parallel training (`ParallelGradients`) gets the single-thread filter gradients.
 * Both return `null` when a call is not eligible, so the caller falls back.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  type Conv3x3ShapeArgs,
  type ConvShapeArgs,
  type EmscriptenModule,
  float32Rank4,
  heapOffset,
  simdHeapModule,
  withScratch,
} from "../_heap_module.ts";
import { filledOutput } from "../_output.ts";
import { CONV_FILTER_GRAD_WASM_BASE64 } from "../_generated/conv_filter_grad_wasm.ts";
import { CONV_FILTER_GRAD_RELAXED_WASM_BASE64 } from "../_generated/conv_filter_grad_relaxed_wasm.ts";

/** The module's exports (pointers are heap byte offsets). */
interface FilterGradExports {
  pairwise_scratch_floats(n: number, size: number): number;
  few_in_filter_grad(x: number, dy: number, dw: number, scratch: number, ...g: ConvShapeArgs): void;
  winograd_filter_grad_scratch_floats(n: number, ci: number, co: number): number;
  winograd_filter_grad(
    x: number,
    dy: number,
    dw: number,
    scratch: number,
    ...geometry: Conv3x3ShapeArgs
  ): void;
}

/** Built with relaxed SIMD (fused multiply-adds) and with plain SIMD128 as the fallback. */
const MODULE = simdHeapModule<FilterGradExports>(
  CONV_FILTER_GRAD_RELAXED_WASM_BASE64,
  CONV_FILTER_GRAD_WASM_BASE64,
);

/** Most input channels of {@linkcode fewInChannelsFilterGrad}. */
const MAX_FEW_CHANNELS = 4;

/** Options shared by the two filter gradients. */
export interface FilterGradOptions {
  /**
   * Run the relaxed-SIMD build where the runtime can compile it; `false` runs the plain SIMD128
   * build, which is otherwise only the fallback (for tests).
   * @default true
   */
  relaxedSimd?: boolean;
}

/** Shapes of an eligible call: x `[n, h, w, ci]`, dy `[n, oh, ow, co]`, stride 1, no dilation. */
function shapesOf(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: readonly number[],
  pads: readonly [number, number, number, number],
): number[] | null {
  if (!float32Rank4(x, dy) || filterShape.length !== 4) return null;
  const [n, h, w, ci] = x.shape;
  const [dn, oh, ow, co] = dy.shape;
  const [kh, kw, fci, fco] = filterShape;
  const [top, bottom, left, right] = pads;
  if (dn !== n || fci !== ci || fco !== co || n < 1 || oh < 1 || ow < 1) return null;
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) return null;
  if (oh !== h + top + bottom - kh + 1 || ow !== w + left + right - kw + 1) return null;
  return [n, h, w, ci, co, kh, kw, oh, ow, top, left];
}

/** Heap byte offsets of a filter gradient's x, dy and dw, and of its aligned scratch. */
type GradPointers = [x: number, dy: number, dw: number, scratch: number];

/**
 * A new float32 buffer of `shape` written by `grad` from the heap offsets of `x`, `dy`, the buffer
 * and a scratch of `scratchFloats` values (freed after); `null` when the scratch cannot be
 * allocated. The buffer is freed again if `grad` throws.
 */
function runGrad(
  backend: BackendWasm,
  wasm: EmscriptenModule,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  shape: number[],
  scratchFloats: number,
  grad: (...pointers: GradPointers) => void,
): tf.TensorInfo | null {
  const at = (info: tf.TensorInfo) => heapOffset(backend, info);
  return withScratch(
    wasm,
    scratchFloats,
    (scratch) => filledOutput(backend, shape, (dw) => grad(at(x), at(dy), at(dw), scratch)),
  );
}

/**
 * The filter gradient `[kh, kw, ci, co]` of a stride-1, undilated NHWC convolution of `x`
 * (1–4 channels) whose output gradient is `dy` (`co` a multiple of 4), computed directly; `null`
 * when not eligible or without WebAssembly SIMD, or when the scratch cannot be allocated.
 *
 * @param pads `[top, bottom, left, right]` of the forward convolution.
 * @returns a new buffer owned by the caller, or `null`.
 */
export function fewInChannelsFilterGrad(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: readonly number[],
  pads: readonly [number, number, number, number],
  { relaxedSimd = true }: FilterGradOptions = {},
): tf.TensorInfo | null {
  const s = shapesOf(x, dy, filterShape, pads);
  if (s === null) return null;
  const [n, h, w, ci, co, kh, kw, oh, ow, top, left] = s;
  if (ci > MAX_FEW_CHANNELS || co % 4 !== 0) return null;
  const mod = MODULE.on(backend, relaxedSimd);
  if (mod === null) return null;
  const scratchFloats = mod.exports.pairwise_scratch_floats(n, kh * kw * ci * co);
  return runGrad(
    backend,
    mod.wasm,
    x,
    dy,
    [kh, kw, ci, co],
    scratchFloats,
    (...pointers) =>
      mod.exports.few_in_filter_grad(...pointers, n, h, w, ci, co, kh, kw, oh, ow, top, left),
  );
}

/**
 * The filter gradient `[3, 3, ci, co]` of a stride-1, undilated NHWC 3×3 convolution of `x`
 * whose output gradient is `dy` (`ci`, `co` multiples of 4), as Winograd F(3×3, 2×2); `null`
 * when not eligible (other filter sizes, channel counts, fewer than 16 output pixels per image
 * where XNNPACK's direct GEMM is as fast) or without WebAssembly SIMD, or when the scratch
 * cannot be allocated.
 *
 * @param pads `[top, bottom, left, right]` of the forward convolution.
 * @returns a new buffer owned by the caller, or `null`.
 */
export function winogradFilterGrad(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: readonly number[],
  pads: readonly [number, number, number, number],
  { relaxedSimd = true }: FilterGradOptions = {},
): tf.TensorInfo | null {
  const s = shapesOf(x, dy, filterShape, pads);
  if (s === null) return null;
  const [n, h, w, ci, co, kh, kw, oh, ow, top, left] = s;
  if (kh !== 3 || kw !== 3 || ci % 4 !== 0 || co % 4 !== 0 || oh * ow < 16) return null;
  const mod = MODULE.on(backend, relaxedSimd);
  if (mod === null) return null;
  const scratchFloats = mod.exports.winograd_filter_grad_scratch_floats(n, ci, co);
  return runGrad(
    backend,
    mod.wasm,
    x,
    dy,
    [3, 3, ci, co],
    scratchFloats,
    (...pointers) =>
      mod.exports.winograd_filter_grad(...pointers, n, h, w, ci, co, oh, ow, top, left),
  );
}
