/**
 * `FusedConv2D` and `Conv2D` for the wasm backend: stride-1, undilated NHWC convolutions with at
 * most a bias and a relu run on our own WebAssembly SIMD kernels: a direct convolution for 1–4
 * input channels (XNNPACK handles those poorly), Winograd F(4×4, 3×3) or F(2×2, 3×3) for 3×3
 * filters on more channels (4× or 2.25× fewer multiplies than XNNPACK's direct convolution); every
 * other call goes to the backend's own kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  Conv2D,
  type Conv2DAttrs,
  type Conv2DInputs,
  FusedConv2D,
  type FusedConv2DAttrs,
  type FusedConv2DInputs,
} from "@tensorflow/tfjs-core";
import { runKernel, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { fewInChannelsConv2d } from "./direct_conv/direct_conv2d.ts";
import { winogradConv2d } from "./winograd/winograd_conv2d.ts";

/** Attributes shared by `Conv2D` and `FusedConv2D`. */
type ConvAttrs = Conv2DAttrs & Partial<Pick<FusedConv2DAttrs, "activation">>;

/** Our own kernels' output for an eligible call (direct or Winograd), or `null`. */
function tryOwnKernels(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  attrs: ConvAttrs,
): tf.TensorInfo | null {
  const activation = attrs.activation ?? "linear";
  if (activation !== "linear" && activation !== "relu") return null;
  if (x.shape.length !== 4 || filter.shape.length !== 4) return null;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const { top, bottom, left, right } = info.padInfo;
  const { filterHeight, filterWidth } = info;
  if (info.outHeight !== info.inHeight + top + bottom - filterHeight + 1) return null;
  if (info.outWidth !== info.inWidth + left + right - filterWidth + 1) return null;
  if (info.inChannels <= 4) {
    const y = fewInChannelsConv2d(
      backend,
      x,
      filter,
      bias,
      [top, bottom, left, right],
      activation === "relu",
    );
    if (y !== null) return y;
  }
  if (filterHeight !== 3 || filterWidth !== 3) return null;
  return winogradConv2d(
    backend,
    x,
    filter,
    bias,
    [top, bottom, left, right],
    activation === "relu",
  );
}

function fusedConv2D(args: WasmKernelArgs<FusedConv2DInputs, FusedConv2DAttrs>): tf.TensorInfo {
  const { inputs: { x, filter, bias, preluActivationWeights }, attrs, backend } = args;
  if (preluActivationWeights == null) {
    const y = tryOwnKernels(backend, x, filter, bias ?? null, attrs);
    if (y !== null) return y;
  }
  return runKernel(FusedConv2D, args, args.inputs, attrs);
}

function conv2D(args: WasmKernelArgs<Conv2DInputs, Conv2DAttrs>): tf.TensorInfo {
  const { inputs: { x, filter }, attrs, backend } = args;
  return tryOwnKernels(backend, x, filter, null, { ...attrs, activation: "linear" }) ??
    runKernel(Conv2D, args, args.inputs, attrs);
}

/** `FusedConv2D` on `wasm` (direct or Winograd for eligible stride-1 calls). */
export const fusedConv2DKernel = wasmKernel(FusedConv2D, fusedConv2D);

/** `Conv2D` on `wasm` (direct or Winograd for eligible stride-1 calls). */
export const conv2DKernel = wasmKernel(Conv2D, conv2D);
