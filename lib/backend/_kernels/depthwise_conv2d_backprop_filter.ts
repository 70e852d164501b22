/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (the stock backend has none): a
 * direct loop over the wasm heap, `dW[kh, kw, c, m] = Σ x[b, ih, iw, c] · dy[b, oh, ow, c·M + m]`
 * over every output pixel whose window puts tap `(kh, kw)` on input pixel `(ih, iw)`, summed in
 * float64. Only training needs it (attribution takes input gradients), so it is a plain loop that
 * walks `dy` and `x` in memory order, all channels of a pixel together. Dilations are honoured
 * (the `cpu` backend's kernel ignores them; tfjs's gradient allows only 1).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
} from "@tensorflow/tfjs-core";
import { loopOutput } from "./_output.ts";
import { wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { type DepthwiseInfo, depthwiseInfo } from "./depthwise_conv2d_backprop_input.ts";

/**
 * dW of a depthwise convolution. `x`: NHWC `[batch, inH, inW, C]`; `dy`:
 * `[batch, outH, outW, C·M]`; `dw`: `[fh, fw, C, M]`, overwritten.
 */
export function depthwiseBackpropFilterLoop(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dw: Float32Array,
  info: DepthwiseInfo,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dwid } = info;
  const M = info.outChannels / C;
  const CM = C * M;
  const acc = new Float64Array(fh * fw * CM);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < fh; kh++) {
        const ih = oh * sh + kh * dh - info.padInfo.top;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((b * OH + oh) * OW + ow) * CM;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw * dwid - info.padInfo.left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((b * H + ih) * W + iw) * C;
            const aBase = (kh * fw + kw) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[aBase + c] += x[xBase + c] * dy[dyBase + c];
            } else {
              for (let c = 0; c < C; c++) {
                const xv = x[xBase + c];
                const o = c * M;
                for (let m = 0; m < M; m++) acc[aBase + o + m] += xv * dy[dyBase + o + m];
              }
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}

function depthwiseConv2dNativeBackpropFilter(
  { inputs: { x, dy }, attrs, backend }: WasmKernelArgs<
    DepthwiseConv2dNativeBackpropFilterInputs,
    DepthwiseConv2dNativeBackpropFilterAttrs
  >,
): tf.TensorInfo {
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  return loopOutput(
    backend,
    info.filterShape,
    [x, dy],
    ([xs, dys], dw) => depthwiseBackpropFilterLoop(xs, dys, dw, info),
  );
}

/** `DepthwiseConv2dNativeBackpropFilter` on `wasm` (missing from the backend). */
export const depthwiseConv2dNativeBackpropFilterKernel = wasmKernel(
  DepthwiseConv2dNativeBackpropFilter,
  depthwiseConv2dNativeBackpropFilter,
);
