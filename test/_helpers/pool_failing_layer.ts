/**
 * A layer class for the attribution-worker tests, imported by the workers only (through
 * `workerImports`): under the class name the test registers on the main thread, a layer whose
 * call throws, so that a worker fails while it integrates its share.
 *
 * @module
 */
import { tf } from "../../lib/mod.ts";

class FailingInWorker extends tf.layers.Layer {
  static className = "PoolTestScale";
  override call(): tf.Tensor {
    throw new Error("this layer fails in attribution workers");
  }
}
tf.serialization.registerClass(FailingInWorker);
