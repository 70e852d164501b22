/**
 * The filter gradient of a stride-1, undilated NHWC convolution with 1–4 input channels (a first
 * layer on gray or RGB images), run by a small WebAssembly SIMD module (`conv_filter_grad.c`) on
 * the wasm backend's heap, in place: direct, vectorized over the output channels. The patch matrix
 * built in JS and XNNPACK's GEMM it replaces took ~17 ms for the tutorial's conv1 at batch 64;
 * this takes ~1 ms.
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
  few_in_filter_grad(
    x: number,
    dy: number,
    dw: number,
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
}

/** Built with relaxed SIMD (fused multiply-adds) and with plain SIMD128 as the fallback. */
const RELAXED = heapModule<FilterGradExports>(CONV_FILTER_GRAD_RELAXED_WASM_BASE64);
const PLAIN = heapModule<FilterGradExports>(CONV_FILTER_GRAD_WASM_BASE64);

/** Most input channels of {@linkcode fewInChannelsFilterGrad}. */
const MAX_FEW_CHANNELS = 4;

/** Options of {@linkcode fewInChannelsFilterGrad}. */
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
 * when not eligible or without WebAssembly SIMD.
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
  const dw = backend.makeOutput([kh, kw, ci, co], "float32");
  mod.exports.few_in_filter_grad(
    heapOffset(backend, x),
    heapOffset(backend, dy),
    heapOffset(backend, dw),
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
  return dw;
}
