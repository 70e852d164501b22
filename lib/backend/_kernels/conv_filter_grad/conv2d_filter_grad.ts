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
import { heapModule, heapOffset } from "../_heap_module.ts";
import { CONV_FILTER_GRAD_WASM_BASE64 } from "../_generated/conv_filter_grad_wasm.ts";
import { CONV_FILTER_GRAD_RELAXED_WASM_BASE64 } from "../_generated/conv_filter_grad_relaxed_wasm.ts";

/** The module's exports (pointers are heap byte offsets). */
interface FilterGradExports {
  pairwise_scratch_floats(n: number, size: number): number;
  few_in_filter_grad(
    x: number,
    dy: number,
    dw: number,
    scratch: number,
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
  ): void;
  winograd_filter_grad_scratch_floats(n: number, ci: number, co: number): number;
  winograd_filter_grad(
    x: number,
    dy: number,
    dw: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    oh: number,
    ow: number,
    padTop: number,
    padLeft: number,
  ): void;
}

/** Built with relaxed SIMD (fused multiply-adds) and with plain SIMD128 as the fallback. */
const RELAXED = heapModule<FilterGradExports>(CONV_FILTER_GRAD_RELAXED_WASM_BASE64);
const PLAIN = heapModule<FilterGradExports>(CONV_FILTER_GRAD_WASM_BASE64);

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
  if (x.dtype !== "float32" || dy.dtype !== "float32") return null;
  if (x.shape.length !== 4 || dy.shape.length !== 4 || filterShape.length !== 4) return null;
  const [n, h, w, ci] = x.shape;
  const [dn, oh, ow, co] = dy.shape;
  const [kh, kw, fci, fco] = filterShape;
  const [top, bottom, left, right] = pads;
  if (dn !== n || fci !== ci || fco !== co || n < 1 || oh < 1 || ow < 1) return null;
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) return null;
  if (oh !== h + top + bottom - kh + 1 || ow !== w + left + right - kw + 1) return null;
  return [n, h, w, ci, co, kh, kw, oh, ow, top, left];
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
  const mod = (relaxedSimd ? RELAXED.on(backend) : null) ?? PLAIN.on(backend);
  if (mod === null) return null;
  const scratch = mod.wasm._malloc(
    mod.exports.pairwise_scratch_floats(n, kh * kw * ci * co) * 4 + 16,
  );
  if (scratch === 0) return null;
  const dw = backend.makeOutput([kh, kw, ci, co], "float32");
  try {
    mod.exports.few_in_filter_grad(
      heapOffset(backend, x),
      heapOffset(backend, dy),
      heapOffset(backend, dw),
      (scratch + 15) & ~15,
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
    );
  } catch (error) {
    backend.disposeData(dw.dataId);
    throw error;
  } finally {
    mod.wasm._free(scratch);
  }
  return dw;
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
  const mod = (relaxedSimd ? RELAXED.on(backend) : null) ?? PLAIN.on(backend);
  if (mod === null) return null;
  const scratch = mod.wasm._malloc(
    mod.exports.winograd_filter_grad_scratch_floats(n, ci, co) * 4 + 16,
  );
  if (scratch === 0) return null;
  const dw = backend.makeOutput([3, 3, ci, co], "float32");
  try {
    mod.exports.winograd_filter_grad(
      heapOffset(backend, x),
      heapOffset(backend, dy),
      heapOffset(backend, dw),
      (scratch + 15) & ~15,
      n,
      h,
      w,
      ci,
      co,
      oh,
      ow,
      top,
      left,
    );
  } catch (error) {
    backend.disposeData(dw.dataId);
    throw error;
  } finally {
    mod.wasm._free(scratch);
  }
  return dw;
}
