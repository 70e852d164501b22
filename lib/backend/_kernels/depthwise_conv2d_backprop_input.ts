/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (the stock backend has none, so every
 * gradient through a MobileNet's depthwise layers threw there). The input gradient of a depthwise
 * convolution is itself a depthwise convolution, run on XNNPACK by the backend's own
 * `DepthwiseConv2dNative`:
 *
 * - `dy` (`[batch, outH, outW, C·M]` for channel multiplier `M`) with `stride − 1` zeros inserted
 *   between its pixels and padded by `effectiveFilter − 1 − pad` before (the rest after, cropped
 *   where negative) — for stride 1 with non-negative pads, `dy` itself with explicit padding —
 * - convolved (stride 1, the forward's dilation) with the filter rotated by 180°, viewed as
 *   `[fh, fw, C·M, 1]`: one output channel per `dy` channel (derived once per filter buffer, so
 *   XNNPACK's packed weights stay cached too),
 * - and, for `M > 1`, each group of `M` consecutive channels summed into the input channel they
 *   came from.
 *
 * A direct loop over the wasm heap ({@linkcode depthwiseBackpropInputLoop}) serves what that
 * formulation does not cover (strides and dilations both above 1, which tfjs's gradient never
 * asks for, and empty tensors). Dilations are honoured (the `cpu` backend's kernel ignores them).
 * Every intermediate buffer is freed, also when a kernel throws.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { derivedBuffer } from "./_derived_cache.ts";
import { filledOutput } from "./_output.ts";
import { disposeAll, heapView, type KernelArgs, runKernel } from "./_wasm.ts";

/** Geometry of a depthwise convolution (from `backend_util.computeConv2DInfo`, depthwise). */
export type DepthwiseInfo = tf.backend_util.Conv2DInfo;

/** The geometry of a depthwise convolution of an input of `xShape` by a filter of `filterShape`. */
export function depthwiseInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<
    tf.DepthwiseConv2dNativeBackpropInputAttrs,
    "strides" | "dilations" | "pad" | "dimRoundingMode"
  >,
): DepthwiseInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? [1, 1],
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * dx of a depthwise convolution by a direct loop: each `dy` pixel scattered through the filter
 * taps (float64 sums, stored as float32). `dy`, `filter`: NHWC `[batch, outH, outW, C·M]` and
 * `[fh, fw, C, M]`; `dx`: `[batch, inH, inW, C]`, overwritten.
 */
export function depthwiseBackpropInputLoop(
  dy: ArrayLike<number>,
  filter: ArrayLike<number>,
  dx: Float32Array,
  info: DepthwiseInfo,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const M = info.outChannels / C;
  const CM = C * M;
  const acc = new Float64Array(batchSize * H * W * C);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyBase = ((b * OH + oh) * OW + ow) * CM;
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * sh + kh * dh - info.padInfo.top;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * sw + kw * dw - info.padInfo.left;
            if (iw < 0 || iw >= W) continue;
            const dxBase = ((b * H + ih) * W + iw) * C;
            const fBase = (kh * fw + kw) * CM;
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let m = 0; m < M; m++) s += dy[dyBase + c * M + m] * filter[fBase + c * M + m];
              acc[dxBase + c] += s;
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

/** `[fh, fw, C, M]` → `[fh, fw, C·M, 1]` rotated by 180° in the spatial axes. */
function rotate180(backend: BackendWasm, filter: tf.TensorInfo): tf.TensorInfo {
  const [fh, fw, c, m] = filter.shape;
  const cm = c * m;
  const out = backend.makeOutput([fh, fw, cm, 1], "float32");
  const src = heapView(backend, filter);
  const dst = heapView(backend, out);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const s = (i * fw + j) * cm;
      dst.set(src.subarray(s, s + cm), ((fh - 1 - i) * fw + (fw - 1 - j)) * cm);
    }
  }
  return out;
}

/**
 * NHWC `dy` with `sh − 1` / `sw − 1` zero rows/columns between its pixels, `top` / `left` zero
 * rows/columns before and `bottom` / `right` after; a negative amount crops instead.
 */
function dilateAndPad(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  sh: number,
  sw: number,
  [top, bottom, left, right]: [number, number, number, number],
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

/** `[..., C·M]` → `[..., C]`: each group of `m` consecutive channels summed. */
function sumChannelGroups(
  backend: BackendWasm,
  x: tf.TensorInfo,
  m: number,
  shape: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(shape, "float32");
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const n = dst.length;
  if (m === 2) {
    for (let i = 0, s = 0; i < n; i++, s += 2) dst[i] = src[s] + src[s + 1];
  } else {
    for (let i = 0, s = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k < m; k++) acc += src[s++];
      dst[i] = acc;
    }
  }
  return out;
}

/**
 * dx of a depthwise convolution as a depthwise convolution on XNNPACK (see the module note), or
 * `null` where that formulation does not apply.
 */
export function depthwiseBackpropInputXnn(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: DepthwiseInfo,
): tf.TensorInfo | null {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const strided = strideHeight > 1 || strideWidth > 1;
  if (strided && (dilationHeight > 1 || dilationWidth > 1)) return null;
  if (dy.shape.some((d) => d === 0) || inHeight === 0 || inWidth === 0) return null;
  const dh = (outHeight - 1) * strideHeight + 1;
  const dw = (outWidth - 1) * strideWidth + 1;
  const top = effectiveFilterHeight - 1 - info.padInfo.top;
  const left = effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = inHeight + info.padInfo.top - dh;
  const right = inWidth + info.padInfo.left - dw;
  const pads: [number, number, number, number] = [top, bottom, left, right];
  const [fh, fw, c, m] = filter.shape;
  const rotated = derivedBuffer(
    backend,
    filter,
    `rotate180 ${fh}x${fw}x${c}x${m}`,
    () => rotate180(backend, filter),
  );
  const prepare = strided || pads.some((p) => p < 0);
  const intermediates: tf.TensorInfo[] = [];
  try {
    const input = prepare ? dilateAndPad(backend, dy, strideHeight, strideWidth, pads) : dy;
    if (prepare) intermediates.push(input);
    const pad = prepare ? "valid" : [[0, 0], [top, bottom], [left, right], [0, 0]];
    const grouped = runKernel("DepthwiseConv2dNative", backend, { x: input, filter: rotated }, {
      strides: [1, 1],
      pad,
      dilations: [dilationHeight, dilationWidth],
      dimRoundingMode: undefined,
    });
    if (m === 1) return grouped;
    intermediates.push(grouped);
    return sumChannelGroups(backend, grouped, m, [info.batchSize, inHeight, inWidth, inChannels]);
  } finally {
    disposeAll(backend, ...intermediates);
  }
}

function depthwiseConv2dNativeBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  const dx = depthwiseBackpropInputXnn(backend, dy, filter, info);
  if (dx !== null) return dx;
  return filledOutput(backend, info.inShape, (out) =>
    depthwiseBackpropInputLoop(
      heapView(backend, dy),
      heapView(backend, filter),
      heapView(backend, out) as Float32Array,
      info,
    ));
}

/** Kernel config: `DepthwiseConv2dNativeBackpropInput` on `wasm` (missing from the backend). */
export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: "wasm",
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
