/**
 * Private layout helpers for convolution gradients: im2col / col2im for few input channels, where
 * a matmul on XNNPACK with a small packed operand beats a convolution that packs a large one, and
 * the zero-inserted, padded `dy` that a strided convolution's input gradient convolves.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Pads, WindowGeometry } from "./_conv_geometry.ts";
import { heapView } from "./_wasm.ts";

/**
 * Largest `filterHeight·filterWidth·inChannels` for which a convolution gradient takes the patch
 * path: a matmul with the small patch matrix (filter gradient) or filter (input gradient) as its
 * packed operand. A convolution with few input or output channels uses XNNPACK poorly.
 */
export const MAX_PATCH_LEN = 32;

/** Height and width of the zero-padded input grid that every window of `g` fits in. */
function paddedSize(g: WindowGeometry): [number, number] {
  const h = Math.max(g.inHeight + g.padTop, (g.outHeight - 1) * g.strideHeight + g.filterHeight);
  const w = Math.max(g.inWidth + g.padLeft, (g.outWidth - 1) * g.strideWidth + g.filterWidth);
  return [h, w];
}

/**
 * Patches `[batch·outH·outW, fh·fw·inC]` of NHWC `x` (zeros where the window leaves the input).
 * The input is first copied into a zero-padded grid so the copy loop needs no bounds checks.
 */
export function im2col(backend: BackendWasm, x: tf.TensorInfo, g: WindowGeometry): tf.TensorInfo {
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
export function col2im(
  backend: BackendWasm,
  cols: tf.TensorInfo,
  g: WindowGeometry,
): tf.TensorInfo {
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

/**
 * NHWC `dy` with `sh − 1` / `sw − 1` zero rows/columns between its pixels, `top` / `left` zero
 * rows/columns before and `bottom` / `right` after; a negative amount crops instead.
 */
export function dilateAndPad(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  sh: number,
  sw: number,
  [top, bottom, left, right]: Pads,
): tf.TensorInfo {
  const [b, h, w, c] = dy.shape;
  const ph = top + (h - 1) * sh + 1 + bottom;
  const pw = left + (w - 1) * sw + 1 + right;
  const out = backend.makeOutput([b, ph, pw, c], "float32");
  const src = heapView(backend, dy);
  const dst = heapView(backend, out);
  dst.fill(0);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < h; i++) {
      const r = top + i * sh;
      if (r < 0 || r >= ph) continue;
      for (let j = 0; j < w; j++) {
        const col = left + j * sw;
        if (col < 0 || col >= pw) continue;
        const s = ((n * h + i) * w + j) * c;
        const d = ((n * ph + r) * pw + col) * c;
        if (c >= 16) {
          dst.set(src.subarray(s, s + c), d);
        } else {
          for (let k = 0; k < c; k++) dst[d + k] = src[s + k];
        }
      }
    }
  }
  return out;
}
