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
import {
  DepthwiseConv2dNative,
  type DepthwiseConv2dNativeAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
} from "@tensorflow/tfjs-core";
import { inputGradientPads } from "./_conv_geometry.ts";
import { convGradientLoopKernel, type GradientLoop } from "./_conv_gradient_loop.ts";
import { derivedBuffer } from "./_derived_cache.ts";
import { dilateAndPad } from "./_patches.ts";
import { disposeAll, heapView, runKernel, type WasmContext } from "./_wasm.ts";

/** Geometry of a depthwise convolution (from `backend_util.computeConv2DInfo`, depthwise). */
export type DepthwiseInfo = tf.backend_util.Conv2DInfo;

/** The geometry of a depthwise convolution of an input of `xShape` by a filter of `filterShape`. */
export function depthwiseInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<
    DepthwiseConv2dNativeBackpropInputAttrs,
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
 * Call `tap` for every output pixel and filter tap whose input pixel lies inside the image, in
 * memory order of the output, with the offsets of the channel runs it pairs: `dyBase` of the output
 * pixel's `C·M` values, `xBase` of the input pixel's `C` values and `wBase` of the tap's `[C, M]`
 * filter block. Dilations are honoured.
 */
export function forEachDepthwiseTap(
  info: DepthwiseInfo,
  tap: (dyBase: number, xBase: number, wBase: number) => void,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const CM = info.outChannels;
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
            tap(dyBase, ((b * H + ih) * W + iw) * C, (kh * fw + kw) * CM);
          }
        }
      }
    }
  }
}

/**
 * dx of a depthwise convolution by a direct loop: each `dy` pixel scattered through the filter
 * taps (float64 sums, stored as float32). `dy`, `filter`: NHWC `[batch, outH, outW, C·M]` and
 * `[fh, fw, C, M]`; `dx`: `[batch, inH, inW, C]`, overwritten.
 */
export const depthwiseBackpropInputLoop: GradientLoop<DepthwiseInfo> = (dy, filter, dx, info) => {
  const C = info.inChannels;
  const M = info.outChannels / C;
  const acc = new Float64Array(dx.length);
  forEachDepthwiseTap(info, (dyBase, dxBase, fBase) => {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += dy[dyBase + c * M + m] * filter[fBase + c * M + m];
      acc[dxBase + c] += s;
    }
  });
  dx.set(acc);
};

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
  on: WasmContext,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: DepthwiseInfo,
): tf.TensorInfo | null {
  const { backend } = on;
  const { inHeight, inWidth, inChannels, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const strided = strideHeight > 1 || strideWidth > 1;
  if (strided && (dilationHeight > 1 || dilationWidth > 1)) return null;
  if (dy.shape.some((d) => d === 0) || inHeight === 0 || inWidth === 0) return null;
  const pads = inputGradientPads(info);
  const [top, bottom, left, right] = pads;
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
    const attrs: DepthwiseConv2dNativeAttrs = {
      strides: [1, 1],
      pad: prepare ? "valid" : [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: "NHWC",
      dilations: [dilationHeight, dilationWidth],
      dimRoundingMode: undefined,
    };
    const grouped = runKernel(DepthwiseConv2dNative, on, { x: input, filter: rotated }, attrs);
    if (m === 1) return grouped;
    intermediates.push(grouped);
    return sumChannelGroups(backend, grouped, m, [info.batchSize, inHeight, inWidth, inChannels]);
  } finally {
    disposeAll(backend, ...intermediates);
  }
}

/** `DepthwiseConv2dNativeBackpropInput` on `wasm` (missing from the backend). */
export const depthwiseConv2dNativeBackpropInputKernel = convGradientLoopKernel(
  DepthwiseConv2dNativeBackpropInput,
  "input",
  depthwiseInfo,
  depthwiseBackpropInputLoop,
  depthwiseBackpropInputXnn,
);
