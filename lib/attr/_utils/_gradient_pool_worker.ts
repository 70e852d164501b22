/**
 * Private: one attribution worker (see `attribution_workers.ts`). It owns its own TensorFlow.js
 * instance and backend, rebuilds the model from its topology once, and per request sets the
 * weights (when sent) and integrates its share of a path's steps, through the same forward
 * function, gradient and summation code as the main thread (so the same numerics).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type BackendName, setBackend } from "../../backend/backend.ts";
import { splitFloat32 } from "../../training/_gradient_protocol.ts";
import type { ForwardFunction } from "../types.ts";
import { affineEntry } from "./affine_entry.ts";
import { toForwardFunction } from "./forward.ts";
import { gradientsOfTarget } from "./gradients.ts";
import { integrateSteps, type RowGradients } from "./path_integral.ts";
import type {
  PoolInitRequest,
  PoolIntegrateRequest,
  PoolReply,
} from "./_gradient_pool_protocol.ts";

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
  forward = toForwardFunction("IntegratedGradients", model);
}

async function integrate(request: PoolIntegrateRequest): Promise<Float32Array> {
  if (request.weights !== undefined) {
    const weights = model!.weights;
    const shapes = weights.map((w) => w.shape as number[]);
    tf.tidy(() => {
      for (const [i, values] of splitFloat32(request.weights!, shapes).entries()) {
        (weights[i].read() as tf.Variable).assign(tf.tensor(values, shapes[i]));
      }
    });
  }
  const { method } = request;
  let gradients: RowGradients = (rows, target) => gradientsOfTarget(method, forward!, rows, target);
  if (request.entry !== null) {
    const entry = affineEntry(model!);
    if (entry === undefined || entry.layer !== request.entry) {
      throw new Error(`the rebuilt model has no affine entry layer "${request.entry}"`);
    }
    gradients = (rows, target) => entry.gradients(method, rows, target);
  }
  const start = tf.tensor(request.start, request.shape);
  const diff = tf.tensor(request.diff, request.shape);
  try {
    const share = {
      alphas: request.alphas,
      weights: request.stepWeights,
      stepsPerChunk: request.stepsPerChunk,
    };
    const sum = await integrateSteps(gradients, start, diff, share, request.target ?? undefined);
    try {
      // A copy the message can own (a backend may hand out its own storage).
      return (sum.dataSync() as Float32Array).slice();
    } finally {
      sum.dispose();
    }
  } finally {
    tf.dispose([start, diff]);
  }
}

// Messages are handled strictly in order: `init` finishes before the first request runs.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: PoolInitRequest | PoolIntegrateRequest) => {
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
      const grads = await integrate(request);
      const ms = performance.now() - t0;
      reply({ type: "result", id: request.id, grads, ms }, [grads.buffer as ArrayBuffer]);
    } catch (error) {
      reply(errorReply(request.id, error));
    }
  });
});
