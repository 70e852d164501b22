/**
 * `MaxPool3DGrad` for the wasm backend. The stock wasm kernel loses gradient: on windows that tie
 * it passes almost nothing on (a zero input gets 1 of 36 units of gradient through 2×2×2/2
 * pooling), and with "same" padding it differs from `cpu` even on random inputs.
 *
 * This one routes each output's gradient as the `cpu` backend's `maxPool3dPositions` does: to the
 * LAST maximum of its window in depth-, row-, column-major order (a `>=` scan; note that this
 * differs from 2-D max pooling's first maximum, and from PyTorch, which takes the first), NaN
 * never winning, padding never visited. Where the window's height and width differ, `cpu` (TF.js
 * 4.22) encodes the position with the window's height as the row stride and so routes to the
 * wrong cell; this kernel routes to the last maximum there too.
 *
 * A single pass over the windows on the wasm heap, all channels of a voxel together (contiguous
 * in NDHWC), keeping each channel's running maximum and position.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  MaxPool3DGrad,
  type MaxPool3DGradAttrs,
  type MaxPool3DGradInputs,
} from "@tensorflow/tfjs-core";
import { loopOutput } from "./_output.ts";
import { wasmKernel, type WasmKernelArgs } from "./_wasm.ts";

/**
 * Route `dy` (`[batch, outD, outH, outW, C]`) to the last maximum of each window of `x`
 * (`[batch, inD, inH, inW, C]`) into `dx` (same shape as `x`, overwritten).
 */
export function maxPool3dGradInto(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  dx: Float32Array,
  info: tf.backend_util.Conv3DInfo,
): void {
  const { batchSize, inDepth: D, inHeight: H, inWidth: W, inChannels: C } = info;
  const { outDepth: OD, outHeight: OH, outWidth: OW } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterDepth: fd, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { front, top, left } = info.padInfo;
  dx.fill(0);
  const best = new Float64Array(C);
  const pos = new Int32Array(C);
  const rowStride = W * C;
  const planeStride = H * rowStride;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * D * planeStride;
    for (let od = 0; od < OD; od++) {
      const d0 = od * sd - front;
      const dMin = Math.max(0, d0);
      const dMax = Math.min(D, d0 + fd);
      for (let oh = 0; oh < OH; oh++) {
        const r0 = oh * sh - top;
        const rMin = Math.max(0, r0);
        const rMax = Math.min(H, r0 + fh);
        for (let ow = 0; ow < OW; ow++, o += C) {
          const c0 = ow * sw - left;
          const cMin = Math.max(0, c0);
          const cMax = Math.min(W, c0 + fw);
          best.fill(-Infinity);
          pos.fill(-1);
          for (let d = dMin; d < dMax; d++) {
            for (let r = rMin; r < rMax; r++) {
              const rowBase = xb + d * planeStride + r * rowStride;
              for (let c = cMin; c < cMax; c++) {
                const base = rowBase + c * C;
                for (let ch = 0; ch < C; ch++) {
                  const v = x[base + ch];
                  if (v >= best[ch]) {
                    best[ch] = v;
                    pos[ch] = base + ch;
                  }
                }
              }
            }
          }
          for (let ch = 0; ch < C; ch++) {
            const p = pos[ch];
            if (p >= 0) dx[p] += dy[o + ch];
          }
        }
      }
    }
  }
}

function maxPool3DGrad(
  { inputs: { dy, input }, attrs, backend }: WasmKernelArgs<
    MaxPool3DGradInputs,
    MaxPool3DGradAttrs
  >,
): tf.TensorInfo {
  const info = tf.backend_util.computePool3DInfo(
    input.shape as [number, number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return loopOutput(
    backend,
    input.shape,
    [input, dy],
    ([xs, dys], dx) => maxPool3dGradInto(xs, dys, dx, info),
  );
}

/** `MaxPool3DGrad` on `wasm` (the last maximum of each window, as on `cpu`). */
export const maxPool3DGradKernel = wasmKernel(MaxPool3DGrad, maxPool3DGrad);
