/**
 * Private: the gradient kernels of a convolution (3-D, depthwise) that a direct loop over the wasm
 * heap computes, of its filter or of its input. They differ only by which gradient they are: that
 * rule picks the inputs the geometry is read from, the loop's operands and the output's shape.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { loopOutput } from "./_output.ts";
import { type WasmContext, type WasmKernel, wasmKernel } from "./_wasm.ts";

/**
 * Which gradient a kernel computes: `"filter"` (inputs `x`, `dy`; attribute `filterShape`; output
 * of the filter's shape) or `"input"` (inputs `dy`, `filter`; attribute `inputShape`; output of the
 * input's shape).
 */
export type ConvGradient = "filter" | "input";

/**
 * The inputs of both gradient kernels (tfjs-core's `*BackpropFilter*`/`*BackpropInput*Inputs`):
 * a kernel has two of them, the two its {@linkcode ConvGradient} names, and reads only those.
 */
interface GradientInputs {
  x: tf.TensorInfo;
  dy: tf.TensorInfo;
  filter: tf.TensorInfo;
}

/** The shape attributes of both gradient kernels: each has the one its gradient reads. */
interface GradientShapes {
  filterShape: number[];
  inputShape: number[];
}

/** The geometry a gradient kernel needs: at least the input's and the filter's shapes. */
export interface ConvGeometry {
  inShape: number[];
  filterShape: number[];
}

/**
 * The loop of a gradient: the operands' values (`x`, `dy` for the filter gradient; `dy`, `filter`
 * for the input gradient) into `out`, overwritten.
 */
export type GradientLoop<G> = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  out: Float32Array,
  info: G,
) => void;

/**
 * A faster way to the same gradient, tried first: the output, or null where it does not apply
 * (then the loop runs).
 */
export type GradientFastPath<G> = (
  on: WasmContext,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  info: G,
) => tf.TensorInfo | null;

/**
 * The kernel `kernelName` computing the `of` gradient of a convolution whose geometry `geometry`
 * reads from the input's shape, the filter's shape and the attributes, by `loop` (after
 * `fastPath`, when given and it applies).
 */
export function convGradientLoopKernel<A extends object, G extends ConvGeometry>(
  kernelName: string,
  of: ConvGradient,
  geometry: (xShape: number[], filterShape: number[], attrs: A) => G,
  loop: GradientLoop<G>,
  fastPath?: GradientFastPath<G>,
): WasmKernel {
  return wasmKernel<GradientInputs, A & GradientShapes>(kernelName, (on) => {
    const { inputs: { x, dy, filter }, attrs } = on;
    const filterGradient = of === "filter";
    const info = filterGradient
      ? geometry(x.shape, attrs.filterShape, attrs)
      : geometry(attrs.inputShape, filter.shape, attrs);
    const [a, b] = filterGradient ? [x, dy] : [dy, filter];
    return fastPath?.(on, a, b, info) ?? loopOutput(
      on.backend,
      filterGradient ? info.filterShape : info.inShape,
      [a, b],
      ([as, bs], out) => loop(as, bs, out, info),
    );
  });
}
