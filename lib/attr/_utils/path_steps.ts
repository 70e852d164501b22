/**
 * The two elementwise passes around a path integral's gradients: expanding `[N, …]` inputs into
 * the step-major points `start + αₖ·diff` (`[K·N, …]`), and contracting step-major gradients back
 * to `Σₖ wₖ · rows of step k` (`[N, …]`). On `wasm` each runs as one pass of a kernel of this
 * library (`StepPoints`, `WeightedStepSum`); on other backends, and for inputs those kernels do
 * not take (other dtypes, shapes that differ), as the TensorFlow.js op chains they replace. The
 * points are the chains' bit for bit; the sum differs only by float32 rounding.
 *
 * Neither op has a gradient on `wasm`: the points are the input of the gradients they feed and
 * the sum is taken after them (differentiating through either throws TensorFlow.js's "gradient
 * function not found").
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { StepPoints } from "../../backend/_kernels/step_points.ts";
import { WeightedStepSum } from "../../backend/_kernels/weighted_step_sum.ts";

/** Whether the active backend has this library's kernel `name`. */
const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * `start + αₖ·diff` for each `αₖ` of `alphas`, stacked step-major: `[K·N, …]` for `start` and
 * `diff` of shape `[N, …]` (row `k·N + i` is example `i` at step `k`). Each product `αₖ·diff` is
 * rounded to float32 before `start` is added, as `start.expandDims(0).add(α.mul(diff.expandDims(0)))`
 * computes it. Returns a new tensor the caller owns.
 */
export function stepPoints(
  start: tf.Tensor,
  diff: tf.Tensor,
  alphas: readonly number[],
  relu = false,
): tf.Tensor {
  return tf.tidy(() => {
    const [n, ...rest] = start.shape;
    const k = alphas.length;
    if (hasKernel(StepPoints) && fitsKernel(start, diff)) {
      const a = tf.tensor1d(alphas as number[], "float32");
      const attrs = { relu } as unknown as tf.NamedAttrMap;
      return tf.engine().runKernel(StepPoints, { start, diff, alphas: a }, attrs) as tf.Tensor;
    }
    const a = tf.tensor(alphas as number[], [k, 1, ...rest.map(() => 1)]);
    const points = start.expandDims(0).add(a.mul(diff.expandDims(0))).reshape([k * n, ...rest]);
    return relu ? tf.relu(points) : points;
  });
}

/** Whether `start` and `diff` are float32 of one shape `[N, …]` (the kernels' inputs). */
function fitsKernel(start: tf.Tensor, diff: tf.Tensor): boolean {
  return start.dtype === "float32" && diff.dtype === "float32" && start.shape.length > 0 &&
    tf.util.arraysEqual(start.shape, diff.shape);
}

/** The points a masked {@linkcode weightedStepSum} takes ReLU's derivative at. */
export interface StepMask {
  start: tf.Tensor;
  diff: tf.Tensor;
  alphas: readonly number[];
}

/**
 * `Σₖ weights[k] · x[k·n + i, …]` for a `[K·n, …]` step-major `x` (`K` = `weights.length`):
 * `[n, …]`. On `wasm` the products are summed in increasing `k`; elsewhere as
 * `x.reshape([K, n, …]).mul(weights).sum(0)` sums them. With `mask`, each row of step `k` is
 * first multiplied by ReLU's derivative at the point `mask.start + αₖ·mask.diff` (as
 * {@linkcode stepPoints} computes it): `x·step(point)`, ReLU's gradient (its input's gradient
 * from its output's), in the same pass. Returns a new tensor the caller owns.
 */
export function weightedStepSum(
  x: tf.Tensor,
  weights: readonly number[],
  n: number,
  mask?: StepMask,
): tf.Tensor {
  return tf.tidy(() => {
    const k = weights.length;
    const rest = x.shape.slice(1);
    const masks = mask === undefined ||
      (fitsKernel(mask.start, mask.diff) && mask.alphas.length === k &&
        tf.util.arraysEqual(mask.start.shape, [n, ...rest]));
    if (
      hasKernel(WeightedStepSum) && x.dtype === "float32" && k > 0 && x.shape.length > 0 &&
      x.shape[0] === k * n && masks
    ) {
      const w = tf.tensor1d(weights as number[], "float32");
      const inputs: tf.NamedTensorMap = { g: x, weights: w };
      if (mask !== undefined) {
        inputs.start = mask.start;
        inputs.diff = mask.diff;
        inputs.alphas = tf.tensor1d(mask.alphas as number[], "float32");
      }
      return tf.engine().runKernel(WeightedStepSum, inputs) as tf.Tensor;
    }
    const masked = mask === undefined
      ? x
      : x.mul(tf.step(stepPoints(mask.start, mask.diff, mask.alphas)));
    const w = tf.tensor(weights as number[], [k, 1, ...rest.map(() => 1)]);
    return masked.reshape([k, n, ...rest]).mul(w).sum(0);
  });
}
