/**
 * Private: the messages between the main thread's attribution worker pools
 * (`attribution_workers.ts`) and their workers, which integrate a share of a path's steps on
 * their own copy of the model.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Main → worker, once: build the model and select the backend. */
export interface PoolInitRequest {
  type: "init";
  /** `model.toJSON(null, false)` serialized as a string. */
  topology: string;
  /** Backend of the main thread (`"wasm"` or `"cpu"`). */
  backend: string;
  /** Shapes of `model.weights`, in order; the worker checks its model matches. */
  weightShapes: number[][];
  /** Module URLs the worker imports before building the model (custom layers). */
  imports: string[];
  /** The shared buffer, when the main thread has (re)allocated it. */
  buffer?: SharedArrayBuffer;
}

/**
 * Main → worker: `Σₖ wₖ ∂F/∂x` at `start + αₖ·diff` for a share of a path integral's steps
 * (`integrateGradients`). The shared buffer holds every one of `model.weights` (in order) when
 * `weights`, then `start` and `diff` (`[N, ...]` each); the worker writes the result (`[N, ...]`)
 * at its start.
 */
export interface PoolIntegrateRequest {
  type: "integrate";
  id: number;
  /** The attribution method, for error messages. */
  method: string;
  /** Whether the weights changed since the last request (and lead the shared buffer). */
  weights: boolean;
  /** The affine entry layer whose output space the steps are taken in, or null (inputs). */
  entry: string | null;
  /** The inputs' shape, `[N, ...]`. */
  shape: number[];
  /** The shared buffer, when the main thread has (re)allocated it. */
  buffer?: SharedArrayBuffer;
  alphas: number[];
  stepWeights: number[];
  stepsPerChunk: number;
  /** One class index for all examples, one per example, or none (a one-value output). */
  target: number | number[] | null;
}

/**
 * A tensor of `shape` from the shared buffer's values at `offset`, copied (the buffer is reused;
 * the wasm backend copies on creation, the cpu backend would keep the view).
 */
export function readShared(
  shared: Float32Array<ArrayBufferLike>,
  offset: number,
  shape: readonly number[],
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const view = shared.subarray(offset, offset + size);
  return tf.tensor(tf.getBackend() === "wasm" ? view : view.slice(), shape as number[]);
}

/** Worker → main. */
export type PoolReply =
  | { type: "ready" }
  | {
    /** The sum is at the shared buffer's start. */
    type: "result";
    id: number;
    /** Milliseconds the worker spent on the request (its speed sizes its next shares). */
    ms: number;
  }
  | { type: "error"; id: number | null; message: string; stack?: string };
