/**
 * Gradients of the selected output with respect to the inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction } from "../types.ts";
import { declaredOutputShape } from "./forward.ts";
import { type AffineExit, affineExitOf } from "./affine_exit.ts";
import { ownReluGradient } from "../../backend/register_wasm_gradients.ts";
import { ReluGradRows } from "../../backend/_kernels/relu_grad_rows.ts";
import {
  type CallTarget,
  classMask,
  resolveTarget,
  runForward,
  selectTarget,
  targetMask,
} from "./target.ts";

/**
 * ∂F(x)[target]/∂x for every example of the batch `inputs` (examples are independent, so the
 * gradient of the sum over the batch is each example's own gradient). Returns a new tensor of
 * `inputs`' shape; the caller disposes it.
 */
export function gradientsOfTarget(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: CallTarget | undefined,
): tf.Tensor {
  const exit = affineExitOf(forward);
  const fromExit = exit && exitGradient(exit, inputs, target);
  if (fromExit !== undefined) return fromExit;
  return targetGradient(
    method,
    (x) => runForward(forward, x, target),
    inputs,
    target,
    declaredOutputShape(forward, inputs.shape[0]),
  );
}

/**
 * Rows from which a batch backpropagates from the model's affine exit layer when that needs the
 * kernel's transpose (see `affine_exit.ts`): below it, transposing costs more than it saves.
 */
const EXIT_MIN_ROWS = 8;

/**
 * ∂F(x)[target]/∂x from the affine exit: backpropagation from each row's column of the exit
 * kernel, at the exit layer's input, or at the input of the ReLU before it (skipped) while ReLU's
 * gradient is this library's own (`ReluGradRows` reads the kernel's columns in place where the
 * backend has it). `undefined` (take the ordinary path, which also words any error) for a target
 * other than class indices that fit, a kernel with a non-finite entry, or a small batch that
 * would need the kernel transposed.
 */
function exitGradient(
  exit: AffineExit,
  x: tf.Tensor,
  callTarget: CallTarget | undefined,
): tf.Tensor | undefined {
  const target = resolveTarget(callTarget);
  if (typeof target !== "number" && !Array.isArray(target)) return undefined;
  const n = x.shape[0];
  const indices: readonly number[] = typeof target === "number" ? Array(n).fill(target) : target;
  const fits = (t: number) => Number.isInteger(t) && t >= 0 && t < exit.units;
  if (indices.length !== n || !indices.every(fits)) return undefined;
  const rows = () => tf.tensor1d(indices as number[], "int32");
  const reluBody = exit.reluBody;
  const fold = reluBody !== undefined && ownReluGradient();
  if (fold && tf.getKernel(ReluGradRows, tf.getBackend()) !== undefined && x.dtype === "float32") {
    const kernel = exit.kernel();
    if (kernel === undefined) return undefined;
    const attrs = { transposed: true } as unknown as tf.NamedAttrMap;
    return tf.tidy(() =>
      fromReluInput(
        reluBody,
        x,
        (z) =>
          tf.engine().runKernel(
            ReluGradRows,
            { table: kernel, indices: rows(), x: z },
            attrs,
          ) as tf.Tensor,
      )
    );
  }
  if (n < EXIT_MIN_ROWS) return undefined;
  const columns = exit.columns();
  if (columns === undefined) return undefined;
  try {
    return tf.tidy(() => {
      const seed = tf.gather(columns, rows());
      if (!fold) return tf.grad((v: tf.Tensor) => exit.body(v))(x, seed);
      // ReLU's registered gradient of the gathered columns: what the tape would run there.
      return fromReluInput(
        reluBody!,
        x,
        (z) => tf.getGradient("Relu")!.gradFunc(seed.reshape(z.shape), [z], {}).x() as tf.Tensor,
      );
    });
  } finally {
    columns.dispose();
  }
}

/**
 * ∂/∂x of an objective at `z = reluBody(x)` (a ReLU's input; the ReLU is not run) whose gradient
 * at `z` is `dz(z)`; the objective's value is never read.
 */
function fromReluInput(
  reluBody: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  dz: (z: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const objective = tf.customGrad(
    (z: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
      (save as tf.GradSaveFunc)([z as tf.Tensor]);
      return {
        value: tf.scalar(0),
        gradFunc: (_dy: tf.Tensor, [input]: tf.Tensor[]) => dz(input),
      };
    },
  );
  return tf.grad((v: tf.Tensor) => objective(reluBody(v)) as tf.Scalar)(x);
}

/**
 * ∂(Σ of the target's outputs)/∂x, where `f(x)` is the model's output: the gradient of
 * {@linkcode targetSum}. With class-index targets and the output's shape known before running
 * (`outputShape`, 2-D), backpropagation starts from the one-hot mask itself, which is the
 * gradient of the selection, so the selection is not taped at all (its forward and backward
 * kernels cost ~85 µs of a ~0.5 ms one-image gradient); when the output turns out another shape,
 * or without `outputShape`, it goes through {@linkcode targetObjective}. Either way the result is
 * the same, and a target that does not fit the output throws once the pass has completed (see
 * {@linkcode DeferredError}). Returns a new tensor of `x`'s shape; the caller disposes it.
 */
export function targetGradient(
  method: string,
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  target: CallTarget | undefined,
  outputShape?: readonly number[],
): tf.Tensor {
  const seeded = seededGradient(method, f, x, target, outputShape);
  if (seeded !== undefined) return seeded;
  const deferred = new DeferredError();
  const grads = tf.tidy(() =>
    tf.grad((v: tf.Tensor) => targetObjective(method, f(v), target, deferred.fail))(x)
  );
  deferred.rethrow(grads);
  return grads;
}

/**
 * `tf.grad(f)(x, mask)` for the one-hot mask of class-index targets on a 2-D output of
 * `outputShape`: ∂(Σ f(x) ⊙ mask)/∂x. `undefined` for other targets or shapes, for a target the
 * shape does not have, and when `f(x)` does not have `outputShape` (the pass then completes on a
 * stand-in and is discarded).
 */
function seededGradient(
  method: string,
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  callTarget: CallTarget | undefined,
  outputShape: readonly number[] | undefined,
): tf.Tensor | undefined {
  if (outputShape?.length !== 2) return undefined;
  const target = resolveTarget(callTarget);
  if (typeof target !== "number" && !Array.isArray(target)) return undefined;
  let fits = true;
  const grads = tf.tidy(() => {
    let mask: tf.Tensor2D;
    try {
      // Made in this scope: disposed with it, unless backpropagation hands it back as the result.
      mask = classMask(method, outputShape as [number, number], target as number[]);
    } catch {
      fits = false; // the objective's pass throws the error for the output the model returns
      return undefined;
    }
    return tf.grad((v: tf.Tensor) => {
      const output = f(v);
      if (output.rank === 2 && tf.util.arraysEqual(output.shape, mask.shape)) {
        // A model whose output is its input (e.g. a tap at the output layer) still gets a taped op.
        return output === v ? output.clone() : output;
      }
      // Not the declared shape: complete the pass on a stand-in of the mask's shape, discarded.
      fits = false;
      return tf.zerosLike(mask).add(output.sum());
    })(x, mask);
  });
  if (fits) return grads;
  grads?.dispose();
  return undefined;
}

/**
 * An error thrown inside `tf.grad`'s forward pass leaks the tensors the tape saved for the
 * backward pass (TensorFlow.js disposes them only after backpropagation). So an error raised there
 * (a target that does not fit the output, a DeepLift rule that does not apply) is recorded with
 * {@linkcode DeferredError.fail}, the pass completes, and {@linkcode DeferredError.rethrow} throws
 * the first one afterwards.
 */
export class DeferredError {
  #error: unknown;

  /** Record `error`; the first one recorded is kept. */
  readonly fail = (error: unknown): void => {
    this.#error ??= error;
  };

  /** Throw the recorded error, if any, after disposing `tensors`. */
  rethrow(...tensors: tf.Tensor[]): void {
    if (this.#error === undefined) return;
    tf.dispose(tensors);
    throw this.#error;
  }
}

/**
 * {@linkcode targetSum} as the objective of `tf.grad`: when the target does not fit `output`, the
 * error goes to `fail` and the objective is zero, so that the pass completes (see
 * {@linkcode DeferredError}).
 */
function targetObjective(
  method: string,
  output: tf.Tensor,
  target: CallTarget | undefined,
  fail: (error: unknown) => void,
): tf.Scalar {
  try {
    return targetSum(method, output, target);
  } catch (error) {
    fail(error);
    return output.sum().mul(0);
  }
}

/**
 * The sum over the batch of the selected output values, as the objective of a gradient: a class
 * index (or one per example) selects through a one-hot mask in one differentiable op, a function
 * target through the ops it runs. Throws on a bad target (callers inside `tf.grad` catch it).
 */
function targetSum(
  method: string,
  output: tf.Tensor,
  callTarget: CallTarget | undefined,
): tf.Scalar {
  const target = resolveTarget(callTarget);
  if (typeof target === "number" || Array.isArray(target)) {
    return sumOfMasked(output, targetMask(method, output, target));
  }
  return selectTarget(method, output, target).sum();
}

/**
 * `Σ output ⊙ mask` as one differentiable op whose gradient is `dy · mask`: the same value and
 * gradient as `output.mul(mask).sum()`, without taping the multiply and the reduction (their
 * backward pass is six small kernels, ~0.15 ms of a ~1.4 ms single-image gradient).
 */
function sumOfMasked(output: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const op = tf.customGrad((x: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    (save as tf.GradSaveFunc)([mask]);
    const value = (x as tf.Tensor).mul(mask).sum() as tf.Scalar;
    return { value, gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => dy.mul(saved[0]) };
  });
  return op(output) as tf.Scalar;
}

/**
 * The selected output value for each example, `[N]`, computed without recording gradients.
 */
export function targetValues(
  method: string,
  forward: ForwardFunction,
  inputs: tf.Tensor,
  target: CallTarget | undefined,
): tf.Tensor1D {
  return tf.tidy(() => selectTarget(method, runForward(forward, inputs, target), target));
}
