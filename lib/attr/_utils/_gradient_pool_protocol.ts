/**
 * Private: the messages between the attribution workers (`attribution_workers.ts`) (main thread) and its workers, which
 * compute input gradients of a share of a chunk's rows on their own copy of the model.
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

/** Main → worker: ∂F(x)[target]/∂x for the rows `rows`. */
export interface PoolGradientRequest {
  type: "gradients";
  id: number;
  /** The attribution method, for error messages. */
  method: string;
  /**
   * All of `model.weights`, concatenated in order, when they may have changed since the worker's
   * last request (once per `attribute()` call); absent otherwise.
   */
  weights?: Float32Array;
  /** The rows, `[n, ...inputShape]` concatenated. */
  rows: Float32Array;
  shape: number[];
  /** One class index for all rows, one per row, or none (a one-value output). */
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
