/**
 * The morphological dilation `tf.dilation2d` and its gradients for the wasm backend:
 * `Dilation2D`, `Dilation2DBackpropInput` and `Dilation2DBackpropFilter`. The stock wasm kernels
 * are wrong with "same" padding, the forward included (off by a third of the output's range on a
 * `[1, 5, 6, 2]` input by a 3×2 filter; the gradients by most of their range against finite
 * differences, where `cpu` agrees with them), so all three are replaced.
 *
 * Direct loops over the wasm heap that follow the `cpu` backend (and TensorFlow's C++ kernel): per
 * output pixel and channel, the maximum of `x + filter` over the window's taps inside the image
 * (from `Number.MIN_SAFE_INTEGER`, strict `>`); the gradients route `dy` to the first maximizing
 * tap in row-major order — at its input pixel for the input gradient, at its filter tap for the
 * filter gradient.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  Dilation2D,
  type Dilation2DAttrs,
  Dilation2DBackpropFilter,
  type Dilation2DBackpropFilterInputs,
  Dilation2DBackpropInput,
  type Dilation2DBackpropInputInputs,
  type Dilation2DInputs,
} from "@tensorflow/tfjs-core";
import { loopOutput } from "./_output.ts";
import { wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/**
 * The maximum of `x + filter` over the taps of one window inside the image, for batch `b` and
 * channel `d`, the window starting at input row `hBeg` and column `wBeg` (from
 * `Number.MIN_SAFE_INTEGER`, strict `>`); the first tap reaching it goes to `tap` as its filter row
 * and column (`-1` where no tap beats the start).
 */
function windowMax(
  x: ArrayLike<number>,
  filter: ArrayLike<number>,
  info: tf.backend_util.Conv2DInfo,
  b: number,
  hBeg: number,
  wBeg: number,
  d: number,
  tap: Int32Array,
): number {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: fh, filterWidth: fw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  let best = Number.MIN_SAFE_INTEGER;
  tap[0] = tap[1] = -1;
  for (let h = 0; h < fh; h++) {
    const hIn = hBeg + h * dh;
    if (hIn < 0 || hIn >= H) continue;
    for (let w = 0; w < fw; w++) {
      const wIn = wBeg + w * dw;
      if (wIn < 0 || wIn >= W) continue;
      const v = x[((b * H + hIn) * W + wIn) * C + d] + filter[(h * fw + w) * C + d];
      if (v > best) {
        best = v;
        tap[0] = h;
        tap[1] = w;
      }
    }
  }
  return best;
}

/**
 * Route `dy` (`[batch, outH, outW, C]`) of the dilation of `x` (`[batch, inH, inW, C]`) by
 * `filter` (`[fh, fw, C]`) to the input (`toInput`, `out` shaped like `x`) or to the filter (`out`
 * shaped like `filter`); `out` is overwritten.
 */
export function dilation2dBackpropInto(
  x: ArrayLike<number>,
  filter: ArrayLike<number>,
  dy: ArrayLike<number>,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  toInput: boolean,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const acc = new Float64Array(out.length);
  const tap = new Int32Array(2);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const hBeg = oh * sh - info.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const wBeg = ow * sw - info.padInfo.left;
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let d = 0; d < C; d++) {
          windowMax(x, filter, info, b, hBeg, wBeg, d, tap);
          const [h, w] = tap;
          let o: number;
          if (toInput) {
            const hArg = h < 0 ? Math.max(0, hBeg) : hBeg + h * dh;
            const wArg = h < 0 ? Math.max(0, wBeg) : wBeg + w * dw;
            o = ((b * H + hArg) * W + wArg) * C + d;
          } else {
            o = h < 0 ? d : (h * fw + w) * C + d;
          }
          acc[o] += dy[dyBase + d];
        }
      }
    }
  }
  out.set(acc);
}

/** The dilation of `x` by `filter` into `out` (`[batch, outH, outW, C]`), overwritten. */
export function dilation2dInto(
  x: ArrayLike<number>,
  filter: ArrayLike<number>,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const tap = new Int32Array(2);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const hBeg = oh * sh - info.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const wBeg = ow * sw - info.padInfo.left;
        for (let d = 0; d < C; d++, o++) out[o] = windowMax(x, filter, info, b, hBeg, wBeg, d, tap);
      }
    }
  }
}

/** The geometry of `tf.dilation2d` of `x` by `filter` (NHWC). */
function dilationInfo(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: Dilation2DAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeDilation2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number],
    attrs.strides,
    attrs.pad,
    "NHWC",
    attrs.dilations,
  );
}

function dilation2d(
  { inputs: { x, filter }, attrs, backend }: WasmKernelArgs<
    Dilation2DInputs,
    Dilation2DAttrs
  >,
): tf.TensorInfo {
  const info = dilationInfo(x, filter, attrs);
  return loopOutput(
    backend,
    info.outShape,
    [x, filter],
    ([xs, filters], out) => dilation2dInto(xs, filters, out, info),
  );
}

/** A dilation gradient kernel: to the input (`toInput`) or to the filter. */
function dilation2dBackprop(toInput: boolean) {
  return (
    { inputs: { x, filter, dy }, attrs, backend }: WasmKernelArgs<
      Dilation2DBackpropInputInputs | Dilation2DBackpropFilterInputs,
      Dilation2DAttrs
    >,
  ): tf.TensorInfo => {
    const info = dilationInfo(x, filter, attrs);
    return loopOutput(
      backend,
      toInput ? x.shape : filter.shape,
      [x, filter, dy],
      ([xs, filters, dys], out) => dilation2dBackpropInto(xs, filters, dys, out, info, toInput),
    );
  };
}

/** `Dilation2D` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DKernel = wasmKernel(Dilation2D, dilation2d);

/** `Dilation2DBackpropInput` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DBackpropInputKernel = wasmKernel(
  Dilation2DBackpropInput,
  dilation2dBackprop(true),
);

/** `Dilation2DBackpropFilter` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DBackpropFilterKernel = wasmKernel(
  Dilation2DBackpropFilter,
  dilation2dBackprop(false),
);
