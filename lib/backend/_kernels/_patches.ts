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

/** Height and width of the zero-padded input grid that every window of `g` fits in. */
function paddedSize(g: ConvGeometry): [number, number] {
  const h = Math.max(g.inHeight + g.padTop, (g.outHeight - 1) * g.strideHeight + g.filterHeight);
  const w = Math.max(g.inWidth + g.padLeft, (g.outWidth - 1) * g.strideWidth + g.filterWidth);
  return [h, w];
}

/**
 * Patches `[batch·outH·outW, fh·fw·inC]` of NHWC `x` (zeros where the window leaves the input).
 * The input is first copied into a zero-padded grid so the copy loop needs no bounds checks.
 */
export function im2col(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = g;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = g;
  const [ph, pw] = paddedSize(g);
  const rowLen = fh * fw * c;
  const src = heapView(backend, x);
  const padded = new Float32Array(batchSize * ph * pw * c);
  for (let b = 0; b < batchSize; b++) {
    for (let ih = 0; ih < inHeight; ih++) {
      const s = (b * inHeight + ih) * inWidth * c;
      padded.set(src.subarray(s, s + inWidth * c), ((b * ph + ih + g.padTop) * pw + g.padLeft) * c);
    }
  }
  const out = backend.makeOutput([batchSize * outHeight * outWidth, rowLen], "float32");
  const dst = heapView(backend, out);
  const tapRow = pw * c;
  let d = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let s = ((b * ph + oh * sh) * pw + ow * sw) * c;
        for (let kh = 0; kh < fh; kh++, s += tapRow) {
          const n = fw * c;
          for (let k = 0; k < n; k++) dst[d++] = padded[s + k];
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
  const [ph, pw] = paddedSize(g);
  const src = heapView(backend, cols);
  const padded = new Float32Array(batchSize * ph * pw * c);
  const tapRow = pw * c;
  let p = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let o = ((b * ph + oh * sh) * pw + ow * sw) * c;
        for (let kh = 0; kh < fh; kh++, o += tapRow) {
          const n = fw * c;
          for (let k = 0; k < n; k++) padded[o + k] += src[p++];
        }
      }
    }
  }
  const out = backend.makeOutput([batchSize, inHeight, inWidth, c], "float32");
  const dst = heapView(backend, out);
  for (let b = 0; b < batchSize; b++) {
    for (let ih = 0; ih < inHeight; ih++) {
      const s = ((b * ph + ih + g.padTop) * pw + g.padLeft) * c;
      dst.set(padded.subarray(s, s + inWidth * c), (b * inHeight + ih) * inWidth * c);
    }
  }
  return out;
}

/** Geometry from a conv info object. */
export function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left };
}
