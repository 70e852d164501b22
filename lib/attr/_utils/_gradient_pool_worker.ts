/**
 * Private: the worker behind the attribution workers (`attribution_workers.ts`). It owns its own TensorFlow.js instance and
 * backend, rebuilds the model from its topology once, and per request (when sent) sets the weights
 * and returns the input gradients of its rows, through the same forward function and gradient code
 * as the main thread (so the same numerics, row for row).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type BackendName, setBackend } from "../../backend/backend.ts";
import { splitFloat32 } from "../../training/_gradient_protocol.ts";
import type { ForwardFunction } from "../types.ts";
import { toForwardFunction } from "./forward.ts";
import { gradientsOfTarget } from "./gradients.ts";
import type { PoolGradientRequest, PoolInitRequest, PoolReply } from "./_gradient_pool_protocol.ts";

const port = parentPort!;
let model: tf.LayersModel | undefined;
let forward: ForwardFunction | undefined;

function reply(message: PoolReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function errorReply(id: number | null, error: unknown): PoolReply {
  const e = error instanceof Error ? error : new Error(String(error));
  return { type: "error", id, message: `${e.name}: ${e.message}` };
}

async function init(request: PoolInitRequest): Promise<void> {
  for (const url of request.imports) await import(url);
  await setBackend(request.backend as BackendName);
  model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(request.topology) });
  const shapes = model.weights.map((w) => w.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(request.weightShapes)) {
    throw new TypeError(
      `the model rebuilt from its topology has weights of shapes ${
        JSON.stringify(shapes)
      }, expected ${JSON.stringify(request.weightShapes)}`,
    );
  }
  forward = toForwardFunction("GradientPool", model);
}

function gradients(request: PoolGradientRequest): Float32Array {
  if (request.weights !== undefined) {
    const weights = model!.weights;
    const shapes = weights.map((w) => w.shape as number[]);
    tf.tidy(() => {
      for (const [i, values] of splitFloat32(request.weights!, shapes).entries()) {
        (weights[i].read() as tf.Variable).assign(tf.tensor(values, shapes[i]));
      }
    });
  }
  const rows = tf.tensor(request.rows, request.shape);
  try {
    const grads = gradientsOfTarget(request.method, forward!, rows, request.target ?? undefined);
    try {
      // A copy the message can own (a backend may hand out its own storage).
      return (grads.dataSync() as Float32Array).slice();
    } finally {
      grads.dispose();
    }
  } finally {
    rows.dispose();
  }
}

// Messages are handled strictly in order: `init` finishes before the first request runs.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: PoolInitRequest | PoolGradientRequest) => {
  queue = queue.then(async () => {
    if (request.type === "init") {
      try {
        await init(request);
        reply({ type: "ready" });
      } catch (error) {
        reply(errorReply(null, error));
      }
      return;
    }
    try {
      const t0 = performance.now();
      const grads = gradients(request);
      const ms = performance.now() - t0;
      reply({ type: "result", id: request.id, grads, ms }, [grads.buffer as ArrayBuffer]);
    } catch (error) {
      reply(errorReply(request.id, error));
    }
  });
});
