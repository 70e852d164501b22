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
import { errorReply, sizeOf } from "../../training/_gradient_protocol.ts";
import type { ForwardFunction } from "../types.ts";
import { type AffineEntry, affineEntry } from "./affine_entry.ts";
import { toForwardFunction } from "./forward.ts";
import { gradientsOfTarget } from "./gradients.ts";
import { integrateGradients, type PathSpace } from "./path_integral.ts";
import {
  type PoolInitRequest,
  type PoolIntegrateRequest,
  type PoolReply,
  readShared,
} from "./_gradient_pool_protocol.ts";

const port = parentPort!;
let model: tf.LayersModel | undefined;
let forward: ForwardFunction | undefined;

function reply(message: PoolReply): void {
  port.postMessage(message);
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

/** The main thread's shared buffer (see `PoolWorker` in attribution_workers.ts). */
let shared: Float32Array<ArrayBufferLike> = new Float32Array(0);

/** Set the weights from the shared buffer; returns the offset after them. */
function readWeights(): number {
  const weights = model!.weights;
  let offset = 0;
  tf.tidy(() => {
    for (const w of weights) {
      (w.read() as tf.Variable).assign(readShared(shared, offset, w.shape as number[]));
      offset += sizeOf(w.shape as number[]);
    }
  });
  return offset;
}

/** Integrate the request's share of steps and write the sum at the shared buffer's start. */
async function integrate(request: PoolIntegrateRequest): Promise<void> {
  const { method } = request;
  let offset = request.weights ? readWeights() : 0;
  const size = sizeOf(request.shape);
  const start = readShared(shared, offset, request.shape);
  const diff = readShared(shared, offset + size, request.shape);
  try {
    let entry: AffineEntry | undefined;
    if (request.entry !== null) {
      entry = affineEntry(model!);
      if (entry === undefined || entry.layer !== request.entry) {
        throw new Error(`the rebuilt model has no affine entry layer "${request.entry}"`);
      }
    }
    const space: PathSpace = {
      method,
      entry,
      gradients: (rows, target) => gradientsOfTarget(method, forward!, rows, target),
    };
    const share = {
      alphas: request.alphas,
      weights: request.stepWeights,
      stepsPerChunk: request.stepsPerChunk,
    };
    const target = request.target ?? undefined;
    const sum = await integrateGradients(space, start, diff, share, target);
    offset = 0;
    shared.set(sum.dataSync(), offset);
    sum.dispose();
  } finally {
    tf.dispose([start, diff]);
  }
}

// Messages are handled strictly in order: `init` finishes before the first request runs.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: PoolInitRequest | PoolIntegrateRequest) => {
  queue = queue.then(async () => {
    if (request.buffer) shared = new Float32Array(request.buffer);
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
      const began = performance.now();
      await integrate(request);
      reply({ type: "result", id: request.id, ms: performance.now() - began });
    } catch (error) {
      reply(errorReply(request.id, error));
    }
  });
});
