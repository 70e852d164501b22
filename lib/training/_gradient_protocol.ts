/**
 * Private: the messages between {@linkcode ParallelGradients} and its gradient workers, and the
 * loss-and-gradient computation both sides run (the same code, so the same numerics).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";

/** Main → worker, once: build the model and select the backend. */
export interface InitRequest {
  type: "init";
  /** `model.toJSON(null, false)` serialized as a string. */
  topology: string;
  /** Backend of the main thread (`"wasm"` or `"cpu"`). */
  backend: string;
  /** Shapes of `model.weights`, in order; the worker checks its model matches. */
  weightShapes: number[][];
  /** Indices into `model.weights` of the trainable weights, in `model.trainableWeights` order. */
  trainable: number[];
  /** Module URLs the worker imports before building the model (custom layers, kernels). */
  imports: string[];
}

/** Main → worker, once per step: the current weights and the worker's slice of the batch. */
export interface StepRequest {
  type: "step";
  id: number;
  /** All of `model.weights`, concatenated in order. */
  weights: Float32Array;
  /** Images of the slice, `[n, ...inputShape]` concatenated. */
  images: Float32Array;
  imageShape: number[];
  /** One class index per image. */
  labels: Int32Array;
}

/** Worker → main. */
export type WorkerReply =
  | { type: "ready" }
  | {
    type: "result";
    id: number;
    /** Mean loss over the slice. */
    loss: number;
    /** Gradients of the trainable weights, concatenated in `model.trainableWeights` order. */
    grads: Float32Array;
  }
  | { type: "error"; id: number | null; message: string; stack?: string };

/** A worker's error reply for request `id` (null: the init), from anything thrown. */
export function errorReply(
  id: number | null,
  error: unknown,
): { type: "error"; id: number | null; message: string; stack?: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: "error", id, message: `${e.name}: ${e.message}`, stack: e.stack };
}

/**
 * The values of `tensors` (weights or gradients) concatenated in order into one new Float32Array,
 * as messages carry them; {@linkcode splitFloat32} undoes it.
 */
export function packTensors(tensors: readonly tf.Tensor[]): Float32Array {
  const arrays = tensors.map((t) => t.dataSync());
  let total = 0;
  for (const a of arrays) total += a.length;
  const out = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/** Views of `packed` (from {@linkcode packTensors}), one per shape of `shapes`, in order. */
export function splitFloat32(packed: Float32Array, shapes: readonly number[][]): Float32Array[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = sizeOf(shape);
    offset += size;
    return packed.subarray(offset - size, offset);
  });
}

/** Size (number of elements) of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Mean softmax cross-entropy of `model` on `(xs, ys)` and its gradients w.r.t. `variables`, in
 * the order given. The caller owns the returned tensors.
 */
export function lossAndGradients(
  model: tf.LayersModel,
  variables: tf.Variable[],
  xs: tf.Tensor,
  ys: tf.Tensor1D,
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(
    () => softmaxCrossEntropy(model.apply(xs, { training: true }) as tf.Tensor, ys),
    variables,
  );
  return { loss: value, grads: variables.map((v) => grads[v.name]) };
}
