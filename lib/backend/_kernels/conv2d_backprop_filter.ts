/**
 * `Conv2DBackpropFilter` for the wasm backend, as one forward convolution on XNNPACK.
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − pt, ow·s + kw − pl, ci] · dy[b, oh, ow, co]
 * is a convolution whose batch is `ci`, whose input channels are the batch `b`, whose filter is
 * dy laid out as `[oh, ow, b, co]`, and whose dilation is the forward stride.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { conv2d, disposeAll, transpose } from "./_wasm.ts";

function conv2DBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") {
    throw new Error(
      `Cannot compute Conv2DBackpropFilter on wasm: dataFormat must be "NHWC", received ` +
        `"${attrs.dataFormat}". Use channels-last tensors.`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = filterHeight - 1 + (outHeight - 1) * strideHeight - top - (inHeight - 1);
  const right = filterWidth - 1 + (outWidth - 1) * strideWidth - left - (inWidth - 1);

  const xT = transpose(backend, x, [3, 1, 2, 0]); // [ci, H, W, b]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  const out = conv2d(backend, xT, dyT, [top, bottom, left, right], [strideHeight, strideWidth]);
  const dW = transpose(backend, out, [1, 2, 0, 3]); // [kh, kw, ci, co]
  disposeAll(backend, xT, dyT, out);
  return dW;
}

/** Kernel config: `Conv2DBackpropFilter` on `wasm`. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
