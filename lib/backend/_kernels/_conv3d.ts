/**
 * Private walk over the taps of a 3-D NDHWC convolution, shared by its input and filter gradients.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Conv3DBackpropInputV2Attrs } from "@tensorflow/tfjs-core";

/** Geometry of a 3-D convolution (from `backend_util.computeConv3DInfo`). */
export type Conv3DInfo = tf.backend_util.Conv3DInfo;

/** Geometry of a 3-D convolution (dilation 1, as tfjs's gradient requires) from its attributes. */
export function conv3DInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<Conv3DBackpropInputV2Attrs, "strides" | "pad">,
): Conv3DInfo {
  return tf.backend_util.computeConv3DInfo(
    xShape as [number, number, number, number, number],
    filterShape as [number, number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
  );
}

/**
 * Call `tap` for every output voxel and filter tap whose input voxel lies inside the volume, in
 * memory order of the output, with the offsets of the channel runs it pairs: `dyBase` of the
 * output voxel's `CO` values, `xBase` of the input voxel's `CI` values and `wBase` of the tap's
 * `[CI, CO]` filter block.
 */
export function forEachConv3dTap(
  info: Conv3DInfo,
  tap: (dyBase: number, xBase: number, wBase: number) => void,
): void {
  const { batchSize, inDepth: D, inHeight: H, inWidth: W, inChannels: CI } = info;
  const { outDepth: OD, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const { filterDepth: fd, filterHeight: fh, filterWidth: fw } = info;
  const { front, top, left } = info.padInfo;
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
                tap(
                  dyBase,
                  (((b * D + id) * H + ih) * W + iw) * CI,
                  ((kd * fh + kh) * fw + kw) * CI * CO,
                );
              }
            }
          }
        }
      }
    }
  }
}
