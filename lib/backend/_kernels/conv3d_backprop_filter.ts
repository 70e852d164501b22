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
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { filledOutput } from "./_output.ts";
import { heapView, type KernelArgs } from "./_wasm.ts";

/**
 * dW of a 3-D NDHWC convolution. `x`: `[batch, inD, inH, inW, CI]`; `dy`:
 * `[batch, outD, outH, outW, CO]`; `dw`: `[fd, fh, fw, CI, CO]`, overwritten.
 */
export function conv3dBackpropFilterLoop(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dw: Float32Array,
  info: tf.backend_util.Conv3DInfo,
): void {
  const { batchSize, inDepth: D, inHeight: H, inWidth: W, inChannels: CI } = info;
  const { outDepth: OD, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const { filterDepth: fd, filterHeight: fh, filterWidth: fw } = info;
  const { front, top, left } = info.padInfo;
  const acc = new Float64Array(dw.length);
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
                const xBase = (((b * D + id) * H + ih) * W + iw) * CI;
                let aBase = ((kd * fh + kh) * fw + kw) * CI * CO;
                for (let ci = 0; ci < CI; ci++, aBase += CO) {
                  const xv = x[xBase + ci];
                  for (let co = 0; co < CO; co++) acc[aBase + co] += xv * dy[dyBase + co];
                }
              }
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}

function conv3DBackpropFilterV2(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv3DBackpropFilterV2Attrs;
  const info = tf.backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
  );
  return filledOutput(backend, info.filterShape, (dw) =>
    conv3dBackpropFilterLoop(
      heapView(backend, x),
      heapView(backend, dy),
      heapView(backend, dw) as Float32Array,
      info,
    ));
}

/** Kernel config: `Conv3DBackpropFilterV2` on `wasm` (the stock kernel is wrong for strides > 1). */
export const conv3DBackpropFilterV2Config: tf.KernelConfig = {
  kernelName: "Conv3DBackpropFilterV2",
  backendName: "wasm",
  kernelFunc: conv3DBackpropFilterV2 as unknown as tf.KernelFunc,
};
