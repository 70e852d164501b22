/**
 * `WeightedStepSum`, a kernel this library adds to the `wasm` backend: the weighted sum over the
 * steps of a path integral, `out[i, …] = Σₖ weights[k] · g[k·N + i, …]`, for step-major rows `g`
 * (`[K·N, …]` for `K` weights; the output is `[N, …]`), in one pass. TensorFlow.js computes it as
 * `g.reshape([K, N, …]).mul(weights).sum(0)`, a `Multiply` pass that writes every product and a
 * `Sum` pass that reads them back.
 *
 * Each product is rounded to float32 and added to the running sum in increasing `k`, from +0:
 * the order of a sequential `Sum`, so the value differs from the two-kernel chain's only by the
 * rounding of the sum (this library's `Sum` on wasm pools means and scales them back). The pass
 * runs in a small WebAssembly SIMD module (`weighted_step_sum/weighted_step_sum.c`), or as the
 * same loop in TypeScript ({@linkcode weightedStepSumInto}) where WebAssembly SIMD is
 * unavailable. The kernel takes float32 `g` of rank ≥ 1 whose first axis is a multiple of the
 * float32 `weights`' length; it has no gradient (the sum is taken after the gradients it sums).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { heapModule, heapOffset } from "./_heap_module.ts";
import { filledOutput } from "./_output.ts";
import { heapView, wasmKernel, type WasmKernelArgs } from "./_wasm.ts";
import { WEIGHTED_STEP_SUM_WASM_BASE64 } from "./_generated/weighted_step_sum_wasm.ts";

/** The kernel name of the one-pass weighted step sum (not a tfjs-core kernel). */
export const WeightedStepSum = "WeightedStepSum";

/**
 * The inputs of {@linkcode WeightedStepSum}. With `start`, `diff` and `alphas` (all three), each
 * row of step `k` is first multiplied by ReLU's derivative at that step's point
 * `start + alphas[k]·diff` (computed as `StepPoints` computes it; 1 above 0, 0 at or below, NaN
 * for NaN, as `ReluGrad`): the gradient at the points' ReLU input from the gradient at its output.
 */
export interface WeightedStepSumInputs {
  /** Step-major rows, `[K·N, …]`, float32. */
  g: tf.TensorInfo;
  /** Each step's weight, `[K]`, float32. */
  weights: tf.TensorInfo;
  /** The points' start, `[N, …]`, float32 (masked sum only). */
  start?: tf.TensorInfo;
  /** The points' direction, `[N, …]`, float32 (masked sum only). */
  diff?: tf.TensorInfo;
  /** The points' positions, `[K]`, float32 (masked sum only). */
  alphas?: tf.TensorInfo;
}

/** The SIMD module's exports (pointers are heap byte offsets). */
interface WeightedStepSumExports {
  weighted_step_sum(g: number, weights: number, out: number, steps: number, m: number): void;
  masked_weighted_step_sum(
    g: number,
    weights: number,
    start: number,
    diff: number,
    alphas: number,
    out: number,
    steps: number,
    m: number,
  ): void;
}

const MODULE = heapModule<WeightedStepSumExports>(WEIGHTED_STEP_SUM_WASM_BASE64);

/**
 * `out[j] = Σₖ fround(weights[k] · g[k·m + j])` for `j < m` (`m`: the length of `out`), summed in
 * float32 in increasing `k` from +0. Plain typed arrays: the caller passes views of the wasm heap
 * (or any arrays, as the tests do).
 */
export function weightedStepSumInto(
  g: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: Float32Array,
  mask?: { start: ArrayLike<number>; diff: ArrayLike<number>; alphas: ArrayLike<number> },
): void {
  const m = out.length;
  out.fill(0);
  for (let k = 0; k < weights.length; k++) {
    const weight = Math.fround(weights[k]);
    const alpha = mask === undefined ? 0 : Math.fround(mask.alphas[k]);
    const row = k * m;
    for (let j = 0; j < m; j++) {
      let r = g[row + j];
      if (mask !== undefined) {
        const h = Math.fround(mask.start[j] + Math.fround(alpha * mask.diff[j]));
        r = Math.fround(r * (h > 0 ? 1 : Number.isNaN(h) ? h : 0));
      }
      // Stored to float32 after each step: the float32 sum's rounding.
      out[j] += Math.fround(weight * r);
    }
  }
}

/** Why `WeightedStepSum` cannot take these inputs, or `null` when it can. */
function unsupported({ g, weights, start, diff, alphas }: WeightedStepSumInputs): string | null {
  if (g.dtype !== "float32" || weights.dtype !== "float32") {
    return `g and weights must be float32, received ${g.dtype} and ${weights.dtype}`;
  }
  const masks = [start, diff, alphas].filter((t) => t !== undefined);
  if (masks.length !== 0) {
    const steps = weights.shape[0];
    const rowShape = [g.shape[0] / steps, ...g.shape.slice(1)];
    const fits = (t?: tf.TensorInfo) =>
      t !== undefined && t.dtype === "float32" && t.shape.length === rowShape.length &&
      t.shape.every((d, i) => d === rowShape[i]);
    if (
      masks.length !== 3 || !fits(start) || !fits(diff) || alphas!.dtype !== "float32" ||
      alphas!.shape.length !== 1 || alphas!.shape[0] !== steps
    ) {
      return `a masked sum takes float32 start and diff of the sum's shape [${rowShape}] and ` +
        `alphas of the weights' shape [${weights.shape}], all three`;
    }
  }
  const steps = weights.shape[0];
  if (
    weights.shape.length !== 1 || g.shape.length === 0 || steps === 0 || g.shape[0] % steps !== 0
  ) {
    return `weights must be [K] (K > 0) and g [K·N, …], received [${weights.shape}] and ` +
      `[${g.shape}]`;
  }
  return null;
}

function weightedStepSum(args: WasmKernelArgs<WeightedStepSumInputs, object>): tf.TensorInfo {
  const { inputs, backend } = args;
  const why = unsupported(inputs);
  if (why !== null) {
    throw new TypeError(`Cannot run the WeightedStepSum kernel: ${why}. Use the tfjs ops instead.`);
  }
  const { g, weights, start, diff, alphas } = inputs;
  const masked = start !== undefined;
  const steps = weights.shape[0];
  const [rows, ...rest] = g.shape;
  const outShape = [rows / steps, ...rest];
  const m = outShape.reduce((a, b) => a * b, 1);
  const mod = MODULE.on(backend);
  return filledOutput(backend, outShape, (out) => {
    // Views and offsets taken after the allocation (growing the heap detaches earlier views).
    if (mod === null) {
      const mask = masked
        ? {
          start: heapView(backend, start),
          diff: heapView(backend, diff!),
          alphas: heapView(backend, alphas!),
        }
        : undefined;
      weightedStepSumInto(
        heapView(backend, g),
        heapView(backend, weights),
        heapView(backend, out) as Float32Array,
        mask,
      );
      return;
    }
    if (m === 0) return;
    const [gAt, wAt, outAt] = [g, weights, out].map((t) => heapOffset(backend, t));
    if (masked) {
      const [sAt, dAt, aAt] = [start, diff!, alphas!].map((t) => heapOffset(backend, t));
      mod.exports.masked_weighted_step_sum(gAt, wAt, sAt, dAt, aAt, outAt, steps, m);
    } else {
      mod.exports.weighted_step_sum(gAt, wAt, outAt, steps, m);
    }
  });
}

/** `WeightedStepSum` on `wasm` (`Σₖ wₖ · rows of step k`, in one pass). */
export const weightedStepSumKernel = wasmKernel(WeightedStepSum, weightedStepSum);
