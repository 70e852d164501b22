/**
 * `Conv3DBackpropInputV2` for the wasm backend: the stock wasm kernel's input gradient of a 3-D
 * convolution is wrong (off by more than half the gradient's range on a `[2, 4, 4, 4, 2]` input
 * by a 2×2×2×2×3 filter, where `cpu` matches the gradient derived from the forward convolution).
 *
 * A direct loop over the wasm heap: each `dy` voxel is scattered through the filter taps whose
 * input voxel lies inside the volume, `dx[v, ci] += Σ_co dy[co] · W[kd, kh, kw, ci, co]`, summed
 * in float64. Strides and any padding; dilation 1 (as tfjs's gradient requires). 3-D
 * convolutions are rare in the networks attribution runs on, so a correct loop suffices.
 *
 * @module
 */
import { Conv3DBackpropInputV2 } from "@tensorflow/tfjs-core";
import { type Conv3DInfo, conv3DInfo, forEachConv3dTap } from "./_conv3d.ts";
import { convGradientLoopKernel, type GradientLoop } from "./_conv_gradient_loop.ts";

/**
 * dx of a 3-D NDHWC convolution. `dy`: `[batch, outD, outH, outW, CO]`; `filter`:
 * `[fd, fh, fw, CI, CO]`; `dx`: `[batch, inD, inH, inW, CI]`, overwritten.
 */
export const conv3dBackpropInputLoop: GradientLoop<Conv3DInfo> = (dy, filter, dx, info) => {
  const { inChannels: CI, outChannels: CO } = info;
  const acc = new Float64Array(dx.length);
  forEachConv3dTap(info, (dyBase, dxBase, wBase) => {
    for (let ci = 0, w = wBase; ci < CI; ci++, w += CO) {
      let s = 0;
      for (let co = 0; co < CO; co++) s += dy[dyBase + co] * filter[w + co];
      acc[dxBase + ci] += s;
    }
  });
  dx.set(acc);
};

/** `Conv3DBackpropInputV2` on `wasm` (the stock kernel's result is wrong). */
export const conv3DBackpropInputV2Kernel = convGradientLoopKernel(
  Conv3DBackpropInputV2,
  "input",
  conv3DInfo,
  conv3dBackpropInputLoop,
);
