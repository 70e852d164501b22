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
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { filledOutput } from "./_output.ts";
import { heapView, type KernelArgs } from "./_wasm.ts";

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
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const acc = new Float64Array(out.length);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const hBeg = oh * sh - info.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const wBeg = ow * sw - info.padInfo.left;
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let d = 0; d < C; d++) {
          let best = Number.MIN_SAFE_INTEGER;
          let hArg = toInput ? Math.max(0, hBeg) : 0;
          let wArg = toInput ? Math.max(0, wBeg) : 0;
          for (let h = 0; h < fh; h++) {
            const hIn = hBeg + h * dh;
            if (hIn < 0 || hIn >= H) continue;
            for (let w = 0; w < fw; w++) {
              const wIn = wBeg + w * dw;
              if (wIn < 0 || wIn >= W) continue;
              const v = x[((b * H + hIn) * W + wIn) * C + d] + filter[(h * fw + w) * C + d];
              if (v > best) {
                best = v;
                hArg = toInput ? hIn : h;
                wArg = toInput ? wIn : w;
              }
            }
          }
          const o = toInput ? ((b * H + hArg) * W + wArg) * C + d : (hArg * fw + wArg) * C + d;
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
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const hBeg = oh * sh - info.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const wBeg = ow * sw - info.padInfo.left;
        for (let d = 0; d < C; d++, o++) {
          let best = Number.MIN_SAFE_INTEGER;
          for (let h = 0; h < fh; h++) {
            const hIn = hBeg + h * dh;
            if (hIn < 0 || hIn >= H) continue;
            for (let w = 0; w < fw; w++) {
              const wIn = wBeg + w * dw;
              if (wIn < 0 || wIn >= W) continue;
              const v = x[((b * H + hIn) * W + wIn) * C + d] + filter[(h * fw + w) * C + d];
              if (v > best) best = v;
            }
          }
          out[o] = best;
        }
      }
    }
  }
}

function dilationInfo(
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.Dilation2DAttrs,
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

function dilation2d(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, filter } = args.inputs as Record<"x" | "filter", tf.TensorInfo>;
  const info = dilationInfo(x, filter, args.attrs as unknown as tf.Dilation2DAttrs);
  return filledOutput(backend, info.outShape, (out) =>
    dilation2dInto(
      heapView(backend, x),
      heapView(backend, filter),
      heapView(backend, out) as Float32Array,
      info,
    ));
}

function dilation2dBackprop(args: KernelArgs, toInput: boolean): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, filter, dy } = args.inputs as Record<"x" | "filter" | "dy", tf.TensorInfo>;
  const info = dilationInfo(x, filter, args.attrs as unknown as tf.Dilation2DAttrs);
  return filledOutput(backend, toInput ? x.shape : filter.shape, (out) =>
    dilation2dBackpropInto(
      heapView(backend, x),
      heapView(backend, filter),
      heapView(backend, dy),
      heapView(backend, out) as Float32Array,
      info,
      toInput,
    ));
}

/** Kernel config: `Dilation2D` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DConfig: tf.KernelConfig = {
  kernelName: "Dilation2D",
  backendName: "wasm",
  kernelFunc: dilation2d as unknown as tf.KernelFunc,
};

/** Kernel config: `Dilation2DBackpropInput` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Dilation2DBackpropInput",
  backendName: "wasm",
  kernelFunc: ((args: KernelArgs) => dilation2dBackprop(args, true)) as unknown as tf.KernelFunc,
};

/** Kernel config: `Dilation2DBackpropFilter` on `wasm` (the stock kernel is wrong for "same"). */
export const dilation2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Dilation2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: ((args: KernelArgs) => dilation2dBackprop(args, false)) as unknown as tf.KernelFunc,
};
