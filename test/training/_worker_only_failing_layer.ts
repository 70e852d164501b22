/**
 * Test helpers: custom layers that are the identity on the main thread and throw or crash inside
 * a worker, to check that a worker's error reaches the caller of `ParallelGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
    "undefined" &&
  globalThis instanceof
    (globalThis as unknown as { WorkerGlobalScope: new () => unknown }).WorkerGlobalScope;

/** Identity on the main thread; throws "worker-only failure" in a worker. */
export class WorkerOnlyFailingLayer extends tf.layers.Layer {
  static className = "WorkerOnlyFailingLayer";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (inWorker) throw new Error("worker-only failure");
    return tf.clone(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}
tf.serialization.registerClass(WorkerOnlyFailingLayer);

/** Identity everywhere; in a worker it also schedules an uncaught error (the worker crashes). */
export class WorkerOnlyCrashingLayer extends tf.layers.Layer {
  static className = "WorkerOnlyCrashingLayer";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (inWorker) {
      setTimeout(() => {
        throw new Error("worker-only crash");
      }, 0);
    }
    return tf.clone(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}
tf.serialization.registerClass(WorkerOnlyCrashingLayer);
