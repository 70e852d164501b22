/**
 * Private: the module worker behind {@linkcode ParallelGradients}. It owns its own TensorFlow.js
 * instance and backend, rebuilds the model from its topology once, and per step sets the weights
 * it receives and returns the loss and gradients of its slice of the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, setBackend } from "../backend/backend.ts";
import {
  errorReply,
  type InitRequest,
  lossAndGradients,
  packTensors,
  splitFloat32,
  type StepRequest,
  type WorkerReply,
} from "./_gradient_protocol.ts";

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<InitRequest | StepRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let model: tf.LayersModel | undefined;
let weights: tf.LayerVariable[] = [];
let trainable: tf.Variable[] = [];

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function init(request: InitRequest): Promise<void> {
  for (const url of request.imports) await import(url);
  await setBackend(request.backend as BackendName);
  model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(request.topology) });
  weights = model.weights;
  const shapes = weights.map((w) => w.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(request.weightShapes)) {
    throw new TypeError(
      `the model rebuilt from its topology has weights of shapes ${
        JSON.stringify(shapes)
      }, expected ${JSON.stringify(request.weightShapes)}`,
    );
  }
  trainable = request.trainable.map((i) => weights[i].read() as tf.Variable);
}

function step(request: StepRequest): WorkerReply & { type: "result" } {
  const shapes = weights.map((w) => w.shape as number[]);
  tf.tidy(() => {
    for (const [i, values] of splitFloat32(request.weights, shapes).entries()) {
      (weights[i].read() as tf.Variable).assign(tf.tensor(values, shapes[i]));
    }
  });
  const xs = tf.tensor(request.images, request.imageShape);
  const ys = tf.tensor1d(request.labels, "int32");
  try {
    const { loss, grads } = lossAndGradients(model!, trainable, xs, ys);
    try {
      const packed = packTensors(grads);
      return { type: "result", id: request.id, loss: loss.dataSync()[0], grads: packed };
    } finally {
      tf.dispose([loss, ...grads]);
    }
  } finally {
    tf.dispose([xs, ys]);
  }
}

// Messages are handled strictly in order: `init` finishes before the first `step` runs.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    if (request.type === "init") {
      try {
        await init(request);
        reply({ type: "ready" });
      } catch (error) {
        reply(errorReply(null, error));
      }
    } else {
      try {
        const result = step(request);
        reply(result, [result.grads.buffer]);
      } catch (error) {
        reply(errorReply(request.id, error));
      }
    }
  });
};
