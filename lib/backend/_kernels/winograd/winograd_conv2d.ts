/**
 * Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions on the wasm backend's heap: a 3×3, stride-1
 * NHWC convolution with 2.25× (4× for F(4×4)) fewer multiplies than the direct one, run by a small
 * WebAssembly SIMD module (`winograd.c`) that reads and writes the backend's tensors in place.
 *
 * F(2×2, 3×3): per 4×4 input tile d (stride 2), V = Bᵀ d B; per filter U = G g Gᵀ (cached per
 * filter buffer); M[ξ] = V[ξ] · U[ξ] (16 GEMMs over the channels); output Y = Aᵀ M A (2×2 per
 * tile), plus bias and optional relu. F(4×4, 3×3): the same with 6×6 input tiles (stride 4), 36
 * GEMMs and 4×4 output tiles (interpolation points 0, ±1, ±2, ∞; float32 error ~4e-6 relative to
 * the output's maximum on the tutorial's shapes, vs ~5e-7 for F(2×2)).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { derivedBuffer } from "../_derived_cache.ts";
import {
  biasFits,
  type Conv3x3ShapeArgs,
  type ConvEpilogueArgs,
  float32Rank4,
  heapOffset,
  simdHeapModule,
  withScratch,
} from "../_heap_module.ts";
import { filledOutput } from "../_output.ts";
import { heapView } from "../_wasm.ts";
import { WINOGRAD_WASM_BASE64 } from "../_generated/winograd_wasm.ts";
import { WINOGRAD_RELAXED_WASM_BASE64 } from "../_generated/winograd_relaxed_wasm.ts";

/** The module's exports. */
interface WinogradExports {
  winograd_scratch_floats(ci: number, co: number): number;
  winograd_conv2d(
    x: number,
    u: number,
    bias: number,
    y: number,
    scratch: number,
    ...args: [...Conv3x3ShapeArgs, ...ConvEpilogueArgs]
  ): void;
  winograd4_scratch_floats(ci: number, co: number): number;
  winograd4_conv2d(
    ...args: Parameters<WinogradExports["winograd_conv2d"]>
  ): void;
}

/**
 * The same kernel built twice: with relaxed SIMD (its GEMMs use `f32x4.relaxed_madd`, a fused
 * multiply-add where the CPU has one) and with plain SIMD128 for runtimes without relaxed SIMD.
 */
const MODULE = simdHeapModule<WinogradExports>(WINOGRAD_RELAXED_WASM_BASE64, WINOGRAD_WASM_BASE64);

/** Winograd's filter transform matrix G for F(2×2, 3×3) (4×3). */
const G2 = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
/** G for F(4×4, 3×3) (6×3), interpolation points 0, ±1, ±2, ∞. */
const G4 = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/**
 * U = G g Gᵀ as `[α², ci, co]` (α = G's rows: 4 for F(2×2), 6 for F(4×4)) for the 3×3 filter
 * `[3, 3, ci, co]`; with `flipped`, for the filter `g'[ky, kx, a, b] = g[2 − ky, 2 − kx, b, a]`
 * (the input gradient's convolution), whose `ci` is the source's output channels.
 */
function transformFilter(
  backend: BackendWasm,
  filter: tf.TensorInfo,
  flipped: boolean,
  G: number[][],
): tf.TensorInfo {
  const [, , fci, fco] = filter.shape;
  const [ci, co] = flipped ? [fco, fci] : [fci, fco];
  const a = G.length;
  const out = backend.makeOutput([a * a, ci, co], "float32");
  const g = heapView(backend, filter) as Float32Array;
  const gAt = flipped
    ? (ky: number, kx: number, a: number, b: number) =>
      g[(((2 - ky) * 3 + (2 - kx)) * fci + b) * fco + a]
    : (ky: number, kx: number, a: number, b: number) => g[((ky * 3 + kx) * fci + a) * fco + b];
  const u = new Float32Array(a * a * ci * co);
  const t = new Float64Array(a * 3); // G g, a×3
  for (let c = 0; c < ci; c++) {
    for (let d = 0; d < co; d++) {
      for (let i = 0; i < a; i++) {
        for (let kx = 0; kx < 3; kx++) {
          let s = 0;
          for (let ky = 0; ky < 3; ky++) s += G[i][ky] * gAt(ky, kx, c, d);
          t[i * 3 + kx] = s;
        }
      }
      for (let i = 0; i < a; i++) {
        for (let j = 0; j < a; j++) {
          let s = 0;
          for (let kx = 0; kx < 3; kx++) s += t[i * 3 + kx] * G[j][kx];
          u[((i * a + j) * ci + c) * co + d] = s;
        }
      }
    }
  }
  (heapView(backend, out) as Float32Array).set(u);
  return out;
}

/** Options of {@linkcode winogradConv2d}. */
export interface WinogradOptions {
  /**
   * Convolve with the spatially flipped filter whose channel axes are swapped (the input gradient
   * of a convolution by `filter`): `filter` is then `[3, 3, outChannels, inChannels]`.
   * @default false
   */
  flipped?: boolean;
  /**
   * Smallest `inChannels · outChannels` worth the transforms' overhead; below it, return `null`.
   * @default 64
   */
  minChannelProduct?: number;
  /**
   * Fewest 2×2 output tiles (over the batch) worth the call's fixed cost; below it, return `null`
   * (a single 1×1 image is ~2.5× faster on XNNPACK).
   * @default 4
   */
  minTiles?: number;
  /**
   * Run the relaxed-SIMD build (fused multiply-adds) where the runtime can compile it; `false`
   * runs the plain SIMD128 build, which is otherwise only the fallback (for tests).
   * @default true
   */
  relaxedSimd?: boolean;
  /**
   * Output tile size: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3) (36 GEMMs per 4×4 outputs instead of
   * 16 per 2×2: 1.78× fewer multiplies on whole tiles, larger transforms); `"auto"` takes the one
   * with fewer GEMM multiplies for this output size (4 on the tutorial's 28×28, 2 on tiny images
   * where 4×4 tiles would be mostly padding).
   * @default "auto"
   */
  tile?: 2 | 4 | "auto";
}

/**
 * 3×3, stride-1 NHWC convolution of `x` by `filter` via Winograd F(2×2, 3×3) or F(4×4, 3×3) on
 * the wasm heap (see {@linkcode WinogradOptions.tile}),
 * plus `bias` and an optional relu; `null` when not eligible (dtype, shape, channels not multiples
 * of 4, too few channels or pixels to pay, padding outside 0..2, or no WebAssembly SIMD), so the caller
 * falls back to XNNPACK. The transformed filter is cached for as long as `filter`'s buffer lives.
 *
 * @param backend the wasm backend.
 * @param x input `[batch, height, width, inChannels]`.
 * @param filter `[3, 3, inChannels, outChannels]` (see {@linkcode WinogradOptions.flipped}).
 * @param bias `[outChannels]` (any shape of that size), or `null`.
 * @param pads `[top, bottom, left, right]`, each 0..2.
 * @param relu apply `max(0, ·)` to the output.
 * @returns a new `[batch, outHeight, outWidth, outChannels]` buffer owned by the caller, or `null`.
 */
export function winogradConv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  pads: [number, number, number, number],
  relu: boolean,
  {
    flipped = false,
    minChannelProduct = 64,
    minTiles = 4,
    relaxedSimd = true,
    tile: tileOption = "auto",
  }: WinogradOptions = {},
): tf.TensorInfo | null {
  if (!float32Rank4(x, filter)) return null;
  const [n, h, w, ci] = x.shape;
  const [fh, fw, fa, fb] = filter.shape;
  const co = flipped ? fa : fb;
  if (fh !== 3 || fw !== 3 || (flipped ? fb : fa) !== ci) return null;
  if (ci % 4 !== 0 || co % 4 !== 0 || ci * co < minChannelProduct) return null;
  if (pads.some((p) => !Number.isInteger(p) || p < 0 || p > 2)) return null;
  const [top, bottom, left, right] = pads;
  const oh = h + top + bottom - 2;
  const ow = w + left + right - 2;
  if (n < 1 || oh < 1 || ow < 1) return null;
  if (n * Math.ceil(oh / 2) * Math.ceil(ow / 2) < minTiles) return null;
  if (!biasFits(bias, co)) return null;
  const tile = tileOption === "auto"
    ? (36 * Math.ceil(oh / 4) * Math.ceil(ow / 4) < 16 * Math.ceil(oh / 2) * Math.ceil(ow / 2)
      ? 4
      : 2)
    : tileOption;
  const mod = MODULE.on(backend, relaxedSimd);
  if (mod === null) return null;
  const u = derivedBuffer(
    backend,
    filter,
    `winograd F(${tile}x${tile},3x3) U ${flipped ? "flipped " : ""}${filter.shape.join("x")}`,
    () => transformFilter(backend, filter, flipped, tile === 4 ? G4 : G2),
  );
  const scratchFloats = tile === 4
    ? mod.exports.winograd4_scratch_floats
    : mod.exports.winograd_scratch_floats;
  const conv = tile === 4 ? mod.exports.winograd4_conv2d : mod.exports.winograd_conv2d;
  const offset = (info: tf.TensorInfo) => heapOffset(backend, info);
  // null when there is no memory for the scratch: let XNNPACK try
  return withScratch(
    mod.wasm,
    scratchFloats(ci, co),
    (scratch) =>
      filledOutput(backend, [n, oh, ow, co], (y) =>
        conv(
          offset(x),
          offset(u),
          bias === null ? 0 : offset(bias),
          offset(y),
          scratch,
          n,
          h,
          w,
          ci,
          co,
          oh,
          ow,
          top,
          left,
          bias === null ? 0 : 1,
          relu ? 1 : 0,
        )),
  );
}
