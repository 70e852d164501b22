/**
 * Private im2col / col2im helpers for convolution gradients with few input channels, where a
 * matmul on XNNPACK with a small packed operand beats a convolution that packs a large one.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapView } from "./_wasm.ts";

/** Geometry of a 2-D NHWC convolution (from `backend_util.computeConv2DInfo`). */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Patches `[batch·outH·outW, fh·fw·inC]` of NHWC `x` (zeros where the window leaves the input).
 */
export function im2col(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const rowLen = fh * fw * c;
  const out = backend.makeOutput([batchSize * outHeight * outWidth, rowLen], "float32");
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  dst.fill(0);
  let d = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, d += rowLen) {
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * sh + kh - g.padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw - g.padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            const s = ((b * inHeight + ih) * inWidth + iw) * c;
            const o = d + (kh * fw + kw) * c;
            for (let k = 0; k < c; k++) dst[o + k] = src[s + k];
          }
        }
      }
    }
  }
  return out;
}

/** Inverse of {@linkcode im2col}: scatter-add patch rows back into an NHWC `[batch, inH, inW, inC]`. */
export function col2im(backend: BackendWasm, cols: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const rowLen = fh * fw * c;
  const out = backend.makeOutput([batchSize, inHeight, inWidth, c], "float32");
  const src = heapView(backend, cols);
  const dst = heapView(backend, out);
  dst.fill(0);
  let s = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, s += rowLen) {
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * sh + kh - g.padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw - g.padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            const o = ((b * inHeight + ih) * inWidth + iw) * c;
            const p = s + (kh * fw + kw) * c;
            for (let k = 0; k < c; k++) dst[o + k] += src[p + k];
          }
        }
      }
    }
  }
  return out;
}

/** Geometry from a conv info object. */
export function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left };
}
