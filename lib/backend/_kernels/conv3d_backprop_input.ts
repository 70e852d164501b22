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
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { filledOutput } from "./_output.ts";
import { heapView, type KernelArgs } from "./_wasm.ts";

/**
 * dx of a 3-D NDHWC convolution. `dy`: `[batch, outD, outH, outW, CO]`; `filter`:
 * `[fd, fh, fw, CI, CO]`; `dx`: `[batch, inD, inH, inW, CI]`, overwritten.
 */
export function conv3dBackpropInputLoop(
  dy: ArrayLike<number>,
  filter: ArrayLike<number>,
  dx: Float32Array,
  info: tf.backend_util.Conv3DInfo,
): void {
  const { batchSize, inDepth: D, inHeight: H, inWidth: W, inChannels: CI } = info;
  const { outDepth: OD, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const { filterDepth: fd, filterHeight: fh, filterWidth: fw } = info;
  const { front, top, left } = info.padInfo;
  const acc = new Float64Array(dx.length);
  let dyBase = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, dyBase += CO) {
          for (let kd = 0; kd < fd; kd++) {
            const id = od * sd + kd - front;
            if (id < 0 || id >= D) continue;
            for (let kh = 0; kh < fh; kh++) {
              const ih = oh * sh + kh - top;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < fw; kw++) {
                const iw = ow * sw + kw - left;
                if (iw < 0 || iw >= W) continue;
                const dxBase = (((b * D + id) * H + ih) * W + iw) * CI;
                let wBase = ((kd * fh + kh) * fw + kw) * CI * CO;
                for (let ci = 0; ci < CI; ci++, wBase += CO) {
                  let s = 0;
                  for (let co = 0; co < CO; co++) s += dy[dyBase + co] * filter[wBase + co];
                  acc[dxBase + ci] += s;
                }
              }
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

function conv3DBackpropInputV2(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
  const info = tf.backend_util.computeConv3DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
  );
  return filledOutput(backend, info.inShape, (dx) =>
    conv3dBackpropInputLoop(
      heapView(backend, dy),
      heapView(backend, filter),
      heapView(backend, dx) as Float32Array,
      info,
    ));
}

/** Kernel config: `Conv3DBackpropInputV2` on `wasm` (the stock kernel's result is wrong). */
export const conv3DBackpropInputV2Config: tf.KernelConfig = {
  kernelName: "Conv3DBackpropInputV2",
  backendName: "wasm",
  kernelFunc: conv3DBackpropInputV2 as unknown as tf.KernelFunc,
};
