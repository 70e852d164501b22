/**
 * `Conv3DBackpropFilterV2` for the wasm backend: the stock wasm kernel's filter gradient of a 3-D
 * convolution is wrong for strides above 1 (off by most of the gradient's range), where `cpu`
 * matches the gradient derived from the forward convolution.
 *
 * A direct loop over the wasm heap, `dW[kd, kh, kw, ci, co] = Σ x[b, v + k, ci] · dy[b, o, co]`
 * over every output voxel `o` whose window puts tap `k` inside the volume, summed in float64.
 * Strides and any padding; dilation 1 (as tfjs's gradient requires).
 *
 * @module
 */
import { Conv3DBackpropFilterV2 } from "@tensorflow/tfjs-core";
import { type Conv3DInfo, conv3DInfo, forEachConv3dTap } from "./_conv3d.ts";
import { convGradientLoopKernel, type GradientLoop } from "./_conv_gradient_loop.ts";

/**
 * dW of a 3-D NDHWC convolution. `x`: `[batch, inD, inH, inW, CI]`; `dy`:
 * `[batch, outD, outH, outW, CO]`; `dw`: `[fd, fh, fw, CI, CO]`, overwritten.
 */
export const conv3dBackpropFilterLoop: GradientLoop<Conv3DInfo> = (x, dy, dw, info) => {
  const { inChannels: CI, outChannels: CO } = info;
  const acc = new Float64Array(dw.length);
  forEachConv3dTap(info, (dyBase, xBase, wBase) => {
    for (let ci = 0, aBase = wBase; ci < CI; ci++, aBase += CO) {
      const xv = x[xBase + ci];
      for (let co = 0; co < CO; co++) acc[aBase + co] += xv * dy[dyBase + co];
    }
  });
  dw.set(acc);
};

/** `Conv3DBackpropFilterV2` on `wasm` (the stock kernel is wrong for strides > 1). */
export const conv3DBackpropFilterV2Kernel = convGradientLoopKernel(
  Conv3DBackpropFilterV2,
  "filter",
  conv3DInfo,
  conv3dBackpropFilterLoop,
);
