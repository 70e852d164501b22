/**
 * Private geometry of 2-D windows (convolutions and poolings, NHWC) shared by the gradient
 * kernels: the window walk of im2col / col2im and max pooling, and the paddings of the forward
 * convolution and of its input gradient's convolution.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Conv2DBackpropInputAttrs } from "@tensorflow/tfjs-core";

/** Sizes, strides and leading paddings of a 2-D NHWC window walk (dilation 1). */
export interface WindowGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  /** Window height and width (the effective ones: dilation is folded in). */
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** The window walk of a convolution or pooling info from `backend_util`. */
export function windowGeometry(info: tf.backend_util.Conv2DInfo): WindowGeometry {
  return {
    ...info,
    filterHeight: info.effectiveFilterHeight,
    filterWidth: info.effectiveFilterWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Geometry of a stride-only 2-D convolution (no dilation) of an input of `xShape` by a filter of
 * `filterShape`, as the `Conv2DBackpropInput` and `Conv2DBackpropFilter` attributes describe it.
 */
export function conv2DInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<Conv2DBackpropInputAttrs, "strides" | "pad" | "dimRoundingMode" | "dataFormat">,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/** `[top, bottom, left, right]` padding of a 2-D convolution. */
export type Pads = [number, number, number, number];

/**
 * The forward convolution's padding on each side, bottom and right being what the last window
 * reaches past the input (negative where it stops short of the input's end).
 */
export function forwardPads(info: tf.backend_util.Conv2DInfo): Pads {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, padInfo } = info;
  return [
    padInfo.top,
    (outHeight - 1) * strideHeight + fh - inHeight - padInfo.top,
    padInfo.left,
    (outWidth - 1) * strideWidth + fw - inWidth - padInfo.left,
  ];
}

/**
 * The padding of the input gradient's convolution over (zero-inserted) `dy`: `k − 1 −` the forward
 * padding on each side, for the effective filter size `k`.
 */
export function inputGradientPads(info: tf.backend_util.Conv2DInfo): Pads {
  const [top, bottom, left, right] = forwardPads(info);
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  return [fh - 1 - top, fh - 1 - bottom, fw - 1 - left, fw - 1 - right];
}
