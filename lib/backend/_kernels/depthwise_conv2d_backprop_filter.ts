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
import { DepthwiseConv2dNativeBackpropFilter } from "@tensorflow/tfjs-core";
import { convGradientLoopKernel, type GradientLoop } from "./_conv_gradient_loop.ts";
import {
  type DepthwiseInfo,
  depthwiseInfo,
  forEachDepthwiseTap,
} from "./depthwise_conv2d_backprop_input.ts";

/**
 * dW of a depthwise convolution. `x`: NHWC `[batch, inH, inW, C]`; `dy`:
 * `[batch, outH, outW, C·M]`; `dw`: `[fh, fw, C, M]`, overwritten.
 */
export const depthwiseBackpropFilterLoop: GradientLoop<DepthwiseInfo> = (x, dy, dw, info) => {
  const C = info.inChannels;
  const M = info.outChannels / C;
  const acc = new Float64Array(dw.length);
  forEachDepthwiseTap(info, (dyBase, xBase, aBase) => {
    if (M === 1) {
      for (let c = 0; c < C; c++) acc[aBase + c] += x[xBase + c] * dy[dyBase + c];
    } else {
      for (let c = 0; c < C; c++) {
        const xv = x[xBase + c];
        const o = c * M;
        for (let m = 0; m < M; m++) acc[aBase + o + m] += xv * dy[dyBase + o + m];
      }
    }
  });
  dw.set(acc);
};

/** `DepthwiseConv2dNativeBackpropFilter` on `wasm` (missing from the backend). */
export const depthwiseConv2dNativeBackpropFilterKernel = convGradientLoopKernel(
  DepthwiseConv2dNativeBackpropFilter,
  "filter",
  depthwiseInfo,
  depthwiseBackpropFilterLoop,
);
