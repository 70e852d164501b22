/**
 * Private: the messages between the main thread's attribution worker pools
 * (`attribution_workers.ts`) and their workers, which integrate a share of a path's steps on
 * their own copy of the model.
 *
 * @module
 */

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
}

/**
 * Main → worker: `Σₖ wₖ ∂F/∂z` at `start + αₖ·diff` for a share of a path integral's steps
 * (`integrateSteps`), in the model's input space or its affine entry layer's output space.
 */
export interface PoolIntegrateRequest {
  type: "integrate";
  id: number;
  /** The attribution method, for error messages. */
  method: string;
  /**
   * All of `model.weights`, concatenated in order, when they may have changed since the worker's
   * last request (once per `attribute()` call); absent otherwise.
   */
  weights?: Float32Array;
  /** The name of the affine entry layer whose output space the path is in, or null (inputs). */
  entry: string | null;
  /** The path's start and direction, `[N, ...]` each, concatenated. */
  start: Float32Array;
  diff: Float32Array;
  shape: number[];
  alphas: number[];
  stepWeights: number[];
  stepsPerChunk: number;
  /** One class index for all examples, one per example, or none (a one-value output). */
  target: number | number[] | null;
}

/** Worker → main. */
export type PoolReply =
  | { type: "ready" }
  | {
    type: "result";
    id: number;
    grads: Float32Array;
    /** Milliseconds the worker spent on the request (its speed sizes its next shares). */
    ms: number;
  }
  | { type: "error"; id: number | null; message: string };
