/**
 * IntegratedGradients on several cores: a pool of workers per `tf.LayersModel`, each with its own
 * TensorFlow.js, backend and copy of the model, integrates a share of a call's steps while the
 * main thread integrates the rest (shares sized by each thread's measured speed); the shares' sums
 * are added. Each thread runs the same code on the same backend, so the result differs from a
 * main-thread-only run by the order of that last sum only (float rounding).
 *
 * A pool starts in the background after a call that took at least {@linkcode POOL_START_MS} on the
 * main thread alone, and serves the calls after it. Calls it cannot serve (a forward function, a
 * function target, several inputs or extra forward arguments) run on the main thread. Idle
 * workers do not keep the process alive. A worker that fails or crashes is never trusted again:
 * its share is computed on the main thread and the pool is closed.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { ForwardFunction, ModelLike } from "./types.ts";
import type { AffineEntry } from "./_utils/affine_entry.ts";
import { isLayersModel, isModelForward } from "./_utils/forward.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import { integrateGradients, type PathSpace, type StepShare } from "./_utils/path_integral.ts";
import type { CallProgress } from "./_utils/progress.ts";
import type { CallTarget } from "./_utils/target.ts";
import {
  type PoolInitRequest,
  type PoolIntegrateRequest,
  type PoolReply,
  readShared,
} from "./_utils/_gradient_pool_protocol.ts";

/** Options of {@linkcode setAttributionWorkers}. */
export interface AttributionWorkersOptions {
  /**
   * Gradient workers besides the main thread, which always computes one share of each chunk;
   * 0 computes everything on the main thread (no worker is started).
   * @default Math.min(2, navigator.hardwareConcurrency) - 1 (one worker on a machine with 2+ cores)
   */
  workers?: number;
  /**
   * Absolute URLs of modules every worker imports before rebuilding a model, e.g. one that
   * registers a custom layer class with `tf.serialization.registerClass` (a worker has its own
   * TensorFlow.js, so classes registered on the main thread are unknown there). A model the
   * workers cannot rebuild is explained on the main thread alone.
   * @default []
   */
  workerImports?: (string | URL)[];
}

/** Remaining gradient work (estimated from the call's first chunk) that starts a pool. */
export const POOL_START_MS = 500;

function defaultWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(0, Math.min(2, cores) - 1);
}

let settings: { workers: number; imports: string[] } = { workers: defaultWorkers(), imports: [] };
const pools = new WeakMap<tf.LayersModel, GradientPool>();
const openPools = new Set<GradientPool>();
/** Models whose pool failed (a worker could not rebuild the model, or crashed): not retried. */
let failed = new WeakSet<ModelLike>();

/**
 * How many worker threads gradient-based attribution uses besides the main thread (used by
 * `IntegratedGradients` on a `tf.LayersModel` with one input). Closes the pools already started;
 * later calls start new ones with these settings.
 *
 * @example
 * ```ts
 * import { setAttributionWorkers } from "../mod.ts";
 * setAttributionWorkers({ workers: 0 }); // explain on the main thread only
 * setAttributionWorkers({}); // back to the default
 * ```
 *
 * @throws {RangeError} if `workers` is not a non-negative integer.
 * @throws {TypeError} if a `workerImports` entry is not an absolute URL.
 */
export function setAttributionWorkers(options: AttributionWorkersOptions): void {
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(
      `Cannot set the attribution workers: workers must be a non-negative integer, received ${workers}. Pass 0 (main thread only) or more.`,
    );
  }
  const imports = (options.workerImports ?? []).map((u) => {
    try {
      return new URL(u).href;
    } catch {
      throw new TypeError(
        `Cannot set the attribution workers: workerImports must hold absolute module URLs, received ${
          JSON.stringify(String(u))
        }. Pass e.g. new URL("./my_layer.ts", import.meta.url).`,
      );
    }
  });
  closeAttributionWorkers();
  settings = { workers, imports };
  failed = new WeakSet();
}

/**
 * Terminate every attribution worker (idle ones do not keep the process alive, so this is only
 * needed to free their memory). Later calls start new ones when they need them.
 *
 * @example
 * ```ts
 * import { closeAttributionWorkers } from "../mod.ts";
 * closeAttributionWorkers();
 * ```
 */
export function closeAttributionWorkers(): void {
  for (const pool of [...openPools]) pool.close();
}

/** A straight-line path integral of gradients, as IntegratedGradients computes it. */
export interface PathIntegral {
  method: string;
  model: ModelLike;
  /** The call's forward function (the model's own, or a call's wrapper of it). */
  forward: ForwardFunction;
  /** When set, the steps are taken in this layer's output space (see `affine_entry.ts`). */
  entry?: AffineEntry;
  /** The path's start and direction in input space, `[N, ...]`. */
  start: tf.Tensor;
  diff: tf.Tensor;
  /** All the steps. */
  steps: StepShare;
  /** Per example. */
  target: CallTarget | undefined;
  progress: CallProgress;
}

/**
 * `Σₖ wₖ ∂F/∂x` at `start + αₖ·diff` over all steps ({@linkcode integrateGradients}), shared with
 * the model's worker pool when it is ready and can serve the call. Returns `[N, ...]`; the caller
 * disposes it.
 */
export async function integratePath(path: PathIntegral): Promise<tf.Tensor> {
  const { method, model, forward, entry } = path;
  const space: PathSpace = {
    method,
    entry,
    gradients: (rows, target) => gradientsOfTarget(method, forward, rows, target),
  };
  const servable = settings.workers > 0 && isLayersModel(model) &&
    isModelForward(model, forward) && ["wasm", "cpu"].includes(tf.getBackend()) &&
    splittable(path.target, path.start.shape[0]);
  const pool = servable ? pools.get(model as tf.LayersModel) : undefined;
  // A starting pool's replies are messages: let them in (a call's own awaits are microtasks).
  if (pool?.starting) await new Promise((resolve) => setTimeout(resolve, 0));
  if (pool?.ready && path.steps.alphas.length >= 2) return await pool.integrate(path, space);
  const start = performance.now();
  const { start: from, diff, steps, target, progress } = path;
  const sum = await integrateGradients(space, from, diff, steps, target, progress);
  if (servable && !failed.has(model) && performance.now() - start >= POOL_START_MS) {
    // The workers first run one chunk like this call's, so that their first real share does not
    // pay for growing their heaps and building the kernels' caches (~1.5 s on the tutorial CNN).
    const k = steps.stepsPerChunk;
    const chunk = { alphas: steps.alphas.slice(0, k), weights: steps.weights.slice(0, k) };
    const warmUp = { ...path, target: target === undefined ? undefined : 0 };
    poolFor(
      model as tf.LayersModel,
      integrateRequest(-1, warmUp, { ...chunk, stepsPerChunk: k }, false),
    );
  }
  return sum;
}

/**
 * The request for a worker to integrate `share` of `path`'s steps (the weights lead the shared
 * buffer when `weights`).
 */
function integrateRequest(
  id: number,
  path: PathIntegral,
  share: StepShare,
  weights: boolean,
): PoolIntegrateRequest {
  return {
    type: "integrate",
    id,
    method: path.method,
    weights,
    entry: path.entry?.layer ?? null,
    shape: path.start.shape,
    alphas: [...share.alphas],
    stepWeights: [...share.weights],
    stepsPerChunk: share.stepsPerChunk,
    target: (path.target as number | number[] | undefined) ?? null,
  };
}

/** `model`'s pool, started now if it has none. */
function poolFor(model: tf.LayersModel, warmUp?: PoolIntegrateRequest): GradientPool {
  let pool = pools.get(model);
  if (pool === undefined) {
    pool = new GradientPool(model, settings.workers, settings.imports, warmUp);
    pools.set(model, pool);
  }
  return pool;
}

/**
 * Start `model`'s pool now, if the settings allow workers; resolves with whether it is ready
 * (false when its workers could not rebuild the model or there are none).
 */
export function startGradientPool(model: tf.LayersModel): Promise<boolean> {
  if (settings.workers === 0) return Promise.resolve(false);
  return poolFor(model).started;
}

/** How many step shares `model`'s current pool has had integrated by its workers (for tests). */
export function workerShares(model: tf.LayersModel): number {
  return pools.get(model)?.workerShares ?? 0;
}

/** Whether two arrays hold the same values, bit for bit (NaN included). */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Whether a worker can be handed `target` for `n` examples (no function target). */
function splittable(target: CallTarget | undefined, n: number): boolean {
  if (target === undefined || typeof target === "number") return true;
  return Array.isArray(target) && target.length === n;
}

/**
 * One worker thread and the request it is answering. Bulk data (weights, paths, results) travel
 * through a shared buffer the two threads reuse; messages carry only their layout (a transferred
 * or copied array costs a fresh allocation, milliseconds per megabyte, on each side).
 */
class PoolWorker {
  readonly #worker: Worker;
  #pending: { resolve(reply: PoolReply): void; reject(error: Error): void } | undefined;
  #failure: Error | undefined;
  #shared: Float32Array<ArrayBufferLike> = new Float32Array(new SharedArrayBuffer(0));

  constructor(onFailure: (error: Error) => void) {
    this.#worker = new Worker(new URL("./_utils/_gradient_pool_worker.ts", import.meta.url));
    this.#worker.unref();
    this.#worker.on("message", (reply: PoolReply) => {
      const pending = this.#pending;
      this.#pending = undefined;
      this.#worker.unref();
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error);
      onFailure(error);
    };
    this.#worker.on("error", (error: Error) => fail(error));
    this.#worker.on("exit", (code: number) => fail(new Error(`worker exited with code ${code}`)));
  }

  /** The shared buffer's values (valid until the next request). */
  get shared(): Float32Array<ArrayBufferLike> {
    return this.#shared;
  }

  /**
   * Send `request` with `data` written one after the other into the shared buffer (grown to hold
   * `capacity` values at least), and resolve with the reply; the worker keeps the process alive
   * meanwhile.
   */
  request(
    request: PoolInitRequest | PoolIntegrateRequest,
    data: readonly ArrayLike<number>[] = [],
    capacity = 0,
  ): Promise<PoolReply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const needed = Math.max(capacity, data.reduce((sum, d) => sum + d.length, 0));
    let buffer: SharedArrayBuffer | undefined;
    if (needed > this.#shared.length) {
      buffer = new SharedArrayBuffer(4 * needed);
      this.#shared = new Float32Array(buffer);
    }
    let offset = 0;
    for (const d of data) {
      this.#shared.set(d, offset);
      offset += d.length;
    }
    return new Promise<PoolReply>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.ref();
      this.#worker.postMessage(buffer ? { ...request, buffer } : request);
    });
  }

  terminate(): void {
    this.#failure ??= new Error("the pool was closed");
    this.#worker.removeAllListeners();
    void this.#worker.terminate();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#failure);
  }
}

/** The workers of one model, started in the background when created. */
class GradientPool {
  readonly #model: tf.LayersModel;
  readonly #workers: PoolWorker[];
  #ready = false;
  #closed = false;
  #nextId = 0;
  /** The backend the workers run (the main thread's when the pool started). */
  readonly #backend = tf.getBackend();
  /** The weights the workers were last sent, per weight. */
  #sent: Float32Array[] | undefined;
  /** Step shares the workers returned. */
  workerShares = 0;
  /** Rows per millisecond of each thread, the main thread's first (undefined until measured). */
  readonly #speeds: (number | undefined)[];
  /** Resolves when the workers are ready (true) or the pool failed to start or closed (false). */
  readonly started: Promise<boolean>;

  /**
   * @param warmUp a request each worker runs on zeros once it has rebuilt the model, before the
   *   pool is ready (its result is discarded).
   */
  constructor(
    model: tf.LayersModel,
    workers: number,
    imports: string[],
    warmUp?: PoolIntegrateRequest,
  ) {
    this.#model = model;
    openPools.add(this);
    this.#workers = Array.from({ length: workers }, () => new PoolWorker(() => this.#fail()));
    this.#speeds = Array.from({ length: workers + 1 }, () => undefined);
    const init: PoolInitRequest = {
      type: "init",
      topology: model.toJSON(null, true) as string,
      backend: this.#backend,
      weightShapes: model.weights.map((w) => w.shape as number[]),
      imports,
    };
    const size = warmUp?.shape.reduce((a, b) => a * b, 1) ?? 0;
    const start = (w: PoolWorker) =>
      w.request(init).then((reply) =>
        reply.type !== "ready" || warmUp === undefined
          ? reply
          : w.request(warmUp, [new Float32Array(2 * size)])
      );
    this.started = Promise.allSettled(this.#workers.map(start)).then((replies) => {
      const ok = replies.every((r) =>
        r.status === "fulfilled" && (r.value.type === "ready" || r.value.type === "result")
      );
      if (ok && !this.#closed) this.#ready = true;
      else this.#fail();
      return this.#ready;
    });
  }

  /** Whether every worker has rebuilt the model (and none has failed since). */
  get ready(): boolean {
    return this.#ready && !this.#closed && tf.getBackend() === this.#backend;
  }

  /** Whether the workers are still rebuilding the model (neither ready nor closed). */
  get starting(): boolean {
    return !this.#ready && !this.#closed;
  }

  /** Close the pool for good: its model is explained on the main thread alone from now on. */
  #fail(): void {
    if (!this.#closed) failed.add(this.#model);
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ready = false;
    openPools.delete(this);
    if (pools.get(this.#model) === this) pools.delete(this.#model);
    for (const w of this.#workers) w.terminate();
  }

  /**
   * Sizes of the shares `n` rows are split into, the main thread's first: proportional to the
   * speed (rows per millisecond) each thread last measured, equal until then; every thread gets
   * a row while there are rows enough.
   */
  shareSizes(n: number): number[] {
    const speeds = this.#speeds.some((v) => v === undefined)
      ? this.#speeds.map(() => 1)
      : this.#speeds as number[];
    const total = speeds.reduce((a, b) => a + b, 0);
    const sizes = speeds.map((v) => Math.max(1, Math.floor((n * v) / total)));
    while (sizes.reduce((a, b) => a + b, 0) > n) sizes[sizes.indexOf(Math.max(...sizes))]--;
    let s = 0;
    while (sizes.reduce((a, b) => a + b, 0) < n) sizes[s++ % sizes.length]++;
    return sizes;
  }

  /** Fold one measurement of thread `thread` (0: the main thread) into its speed. */
  #measured(thread: number, rows: number, ms: number): void {
    const speed = rows / Math.max(ms, 1e-3);
    const last = this.#speeds[thread];
    this.#speeds[thread] = last === undefined ? speed : (last + speed) / 2;
  }

  /**
   * {@linkcode integratePath} with the steps shared: the main thread integrates the first ones,
   * each worker the next share; the shares' sums are added in that order.
   */
  async integrate(path: PathIntegral, space: PathSpace): Promise<tf.Tensor> {
    const { alphas, weights: stepWeights, stepsPerChunk } = path.steps;
    const n = path.start.shape[0];
    const sizes = this.shareSizes(alphas.length);
    const starts = sizes.map((_, s) => sizes.slice(0, s).reduce((a, b) => a + b, 0));
    const share = (s: number): StepShare => ({
      alphas: alphas.slice(starts[s], starts[s] + sizes[s]),
      weights: stepWeights.slice(starts[s], starts[s] + sizes[s]),
      stepsPerChunk,
    });
    const weights = this.#model.weights.map((w) => w.read().dataSync() as Float32Array);
    // Unchanged weights are not sent again: setting them would also drop the workers' cached
    // derived filters (transposes, transforms, packed weights).
    const changed = this.#sent === undefined ||
      weights.some((w, i) => !sameValues(w, this.#sent![i]));
    this.#sent = weights;
    const start = path.start.dataSync();
    const diff = path.diff.dataSync();
    const replies = this.#workers.map((w, k) => {
      const request = integrateRequest(this.#nextId++, path, share(k + 1), changed);
      const reply = w.request(request, [...(changed ? weights : []), start, diff]);
      return reply.catch((error: Error) => error);
    });
    const local = (s: number, progress?: CallProgress) =>
      integrateGradients(space, path.start, path.diff, share(s), path.target, progress);
    // The main thread's share advances the call's progress as if it were all the steps.
    const scale = alphas.length / sizes[0];
    const progress: CallProgress = {
      advance: (done) => path.progress.advance(Math.round(done * scale)),
      finish: () => Promise.resolve(),
    };
    const parts: tf.Tensor[] = [];
    try {
      try {
        const began = performance.now();
        parts.push(await local(0, progress));
        this.#measured(0, sizes[0] * n, performance.now() - began);
      } finally {
        // Wait for every worker even if the main share failed, so the next request starts clean.
        await Promise.allSettled(replies);
      }
      for (const [k, pending] of replies.entries()) {
        const reply = await pending;
        if (reply instanceof Error || reply.type !== "result") {
          // Never trust a failed worker again; its share is computed here, where a real error in
          // the inputs or target is raised with its own message.
          this.#fail();
          parts.push(await local(k + 1));
        } else {
          this.#measured(k + 1, sizes[k + 1] * n, reply.ms);
          this.workerShares++;
          parts.push(readShared(this.#workers[k].shared, 0, path.start.shape));
        }
      }
      await path.progress.finish();
      return tf.tidy(() => parts.reduce((sum, part) => sum.add(part)));
    } finally {
      tf.dispose(parts);
    }
  }
}
