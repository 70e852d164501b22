/**
 * `MaxPoolGrad` for the wasm backend: each output's gradient goes to the FIRST maximum of its
 * pooling window in row-major window order (strict `>` while scanning rows top to bottom, columns
 * left to right), exactly as the `cpu` backend's `maxPoolPositions` and PyTorch choose. The stock
 * wasm kernel routes tied windows (a flat background of zeros, say) elsewhere or drops their
 * gradient, so saliency-type attributions of networks with max pooling differed from `cpu`.
 *
 * One pass over the windows on the wasm heap: per output pixel, the window's rows and columns are
 * scanned with all channels of a pixel together (contiguous in NHWC), keeping each channel's
 * running maximum and its position; then `dy` is added at those positions. Padding never wins a
 * maximum (padded cells are not visited), NaN never wins (as on `cpu`), and a window whose values
 * are all −∞ or NaN passes no gradient (the `cpu` backend's position −1). Overlapping windows
 * add up. The pass runs in a small WebAssembly SIMD module (`max_pool_grad/max_pool_grad.c`, four
 * channels to a vector, branch-free selects) on float32 inputs, or as the same loop in
 * TypeScript ({@linkcode maxPoolGradInto}) where WebAssembly SIMD is unavailable or the input is
 * not float32.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MaxPoolGrad, type MaxPoolGradAttrs, type MaxPoolGradInputs } from "@tensorflow/tfjs-core";
import { type WindowGeometry, windowGeometry } from "./_conv_geometry.ts";
import { heapModule, heapOffset } from "./_heap_module.ts";
import { filledOutput } from "./_output.ts";
import { heapView, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { MAX_POOL_GRAD_WASM_BASE64 } from "./_generated/max_pool_grad_wasm.ts";

/** The SIMD module's export (pointers are heap byte offsets; dx must be zeroed first). */
interface MaxPoolGradExports {
  max_pool_grad(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    fh: number,
    fw: number,
    padTop: number,
    padLeft: number,
  ): void;
}

const MODULE = heapModule<MaxPoolGradExports>(MAX_POOL_GRAD_WASM_BASE64);

/**
 * Route `dy` (NHWC `[batch, outH, outW, C]`) to the first maximum of each window of `x`
 * (`[batch, inH, inW, C]`) into `dx` (same shape as `x`, overwritten). Plain typed arrays: the
 * caller passes views of the wasm heap (or any arrays, as the tests and benches do).
 */
export function maxPoolGradInto(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dx: Float32Array,
  g: WindowGeometry,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = g;
  dx.fill(0);
  const best = new Float64Array(C);
  const pos = new Int32Array(C);
  const rowStride = W * C;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * H * rowStride;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * sh - g.padTop;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + fh);
      for (let ow = 0; ow < OW; ow++, o += C) {
        const c0 = ow * sw - g.padLeft;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(W, c0 + fw);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          const rowBase = xb + r * rowStride;
          for (let c = cMin; c < cMax; c++) {
            const base = rowBase + c * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d];
              if (v > best[d]) {
                best[d] = v;
                pos[d] = base + d;
              }
            }
          }
        }
        for (let d = 0; d < C; d++) {
          const p = pos[d];
          if (p >= 0) dx[p] += dy[o + d];
        }
      }
    }
  }
}

/** The window geometry of a `MaxPoolGrad` call (NHWC, dilation 1). */
export function poolGeometry(
  inputShape: number[],
  attrs: Pick<MaxPoolGradAttrs, "filterSize" | "strides" | "pad" | "dimRoundingMode">,
): WindowGeometry {
  return windowGeometry(tf.backend_util.computePool2DInfo(
    inputShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  ));
}

function maxPoolGrad(
  { inputs: { dy, input }, attrs, backend }: WasmKernelArgs<
    MaxPoolGradInputs,
    MaxPoolGradAttrs
  >,
): tf.TensorInfo {
  const g = poolGeometry(input.shape, attrs);
  const fast = input.dtype === "float32" && dy.dtype === "float32";
  const mod = fast ? MODULE.on(backend) : null;
  return filledOutput(backend, input.shape, (dx) => {
    // Views taken after the allocation (growing the heap detaches earlier views).
    if (mod === null) {
      maxPoolGradInto(
        heapView(backend, input),
        heapView(backend, dy),
        heapView(backend, dx) as Float32Array,
        g,
      );
      return;
    }
    heapView(backend, dx).fill(0);
    const offset = (info: tf.TensorInfo) => heapOffset(backend, info);
    mod.exports.max_pool_grad(
      offset(input),
      offset(dy),
      offset(dx),
      g.batchSize,
      g.inHeight,
      g.inWidth,
      g.inChannels,
      g.outHeight,
      g.outWidth,
      g.strideHeight,
      g.strideWidth,
      g.filterHeight,
      g.filterWidth,
      g.padTop,
      g.padLeft,
    );
  });
}

/** `MaxPoolGrad` on `wasm` (first maximum of each window, as on `cpu`). */
export const maxPoolGradKernel = wasmKernel(MaxPoolGrad, maxPoolGrad);
