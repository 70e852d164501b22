/**
 * Input gradients on several cores: a pool of workers per `tf.LayersModel`, each with its own
 * TensorFlow.js, backend and copy of the model, computes the gradients of a share of each chunk's
 * rows while the main thread computes its own share. Examples are independent, so every row's
 * gradient is the one the main thread alone would compute (the same code on the same backend).
 *
 * A pool starts in the background when a call still has at least {@linkcode POOL_START_MS} of
 * gradient work ahead of it (measured on its first chunk); until it is ready, and for calls it
 * cannot serve (a forward function, a function target, several inputs or extra forward arguments),
 * everything runs on the main thread. Idle workers do not keep the process alive. A worker that
 * fails or crashes is never trusted again: its share is recomputed on the main thread and the pool
 * is closed.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { packTensors, sizeOf } from "../training/_gradient_protocol.ts";
import type { ForwardFunction, ModelLike } from "./types.ts";
import { isLayersModel, isModelForward } from "./_utils/forward.ts";
import { gradientsOfTarget } from "./_utils/gradients.ts";
import type { CallTarget } from "./_utils/target.ts";
import type {
  PoolGradientRequest,
  PoolInitRequest,
  PoolReply,
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

/** Rows below which a chunk is not split (the messages would cost more than they save). */
const MIN_SPLIT_ROWS = 2;

function defaultWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(0, Math.min(2, cores) - 1);
}

let settings: { workers: number; imports: string[] } = { workers: defaultWorkers(), imports: [] };
const pools = new WeakMap<tf.LayersModel, GradientPool>();
const openPools = new Set<GradientPool>();

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

/** Gradients of the call's target with respect to a chunk of rows; the caller owns the result. */
export type ChunkGradients = (
  rows: tf.Tensor,
  target: CallTarget | undefined,
) => Promise<tf.Tensor>;

/**
 * The input-gradient function of one `attribute()` call that will compute gradients of about
 * `totalRows` rows through `forward`: ∂F(x)[target]/∂x for each chunk it is given, its rows shared
 * with the model's worker pool when the pool can serve the call (see the module's description),
 * else {@linkcode gradientsOfTarget} on the main thread.
 */
export function chunkGradients(
  method: string,
  model: ModelLike,
  forward: ForwardFunction,
  totalRows: number,
): ChunkGradients {
  const local: ChunkGradients = (rows, target) =>
    Promise.resolve(gradientsOfTarget(method, forward, rows, target));
  if (settings.workers === 0 || !isLayersModel(model) || !isModelForward(model, forward)) {
    return local;
  }
  if (!["wasm", "cpu"].includes(tf.getBackend())) return local;
  let pool = pools.get(model);
  let done = 0;
  const sent = new Set<number>();
  return async (rows, target) => {
    const n = rows.shape[0];
    if (pool?.ready && n >= MIN_SPLIT_ROWS && splittable(target, n)) {
      return await pool.gradients(method, forward, rows, target, sent);
    }
    const start = performance.now();
    const grads = gradientsOfTarget(method, forward, rows, target);
    done += n;
    const perRow = (performance.now() - start) / n;
    if (pool === undefined && perRow * (totalRows - done) >= POOL_START_MS) pool = poolFor(model);
    return grads;
  };
}

/** `model`'s pool, started now if it has none. */
function poolFor(model: tf.LayersModel): GradientPool {
  let pool = pools.get(model);
  if (pool === undefined) {
    pool = new GradientPool(model, settings.workers, settings.imports);
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

/** Whether `target` can be handed to shares of `rows` rows (no function target). */
function splittable(target: CallTarget | undefined, rows: number): boolean {
  if (target === undefined || typeof target === "number") return true;
  return Array.isArray(target) && target.length === rows;
}

/** One worker thread and the request it is answering. */
class PoolWorker {
  readonly #worker: Worker;
  #pending: { resolve(reply: PoolReply): void; reject(error: Error): void } | undefined;
  #failure: Error | undefined;

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

  /** Send `request` and resolve with the reply; the worker keeps the process alive meanwhile. */
  request(request: PoolInitRequest | PoolGradientRequest, transfer: ArrayBuffer[] = []) {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<PoolReply>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.ref();
      this.#worker.postMessage(request, transfer);
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
  /** Rows per millisecond of each thread, the main thread's first (undefined until measured). */
  readonly #speeds: (number | undefined)[];
  /** Resolves when the workers are ready (true) or the pool failed to start or closed (false). */
  readonly started: Promise<boolean>;

  constructor(model: tf.LayersModel, workers: number, imports: string[]) {
    this.#model = model;
    openPools.add(this);
    this.#workers = Array.from({ length: workers }, () => new PoolWorker(() => this.close()));
    this.#speeds = Array.from({ length: workers + 1 }, () => undefined);
    const init: PoolInitRequest = {
      type: "init",
      topology: model.toJSON(null, true) as string,
      backend: tf.getBackend(),
      weightShapes: model.weights.map((w) => w.shape as number[]),
      imports,
    };
    this.started = Promise.allSettled(this.#workers.map((w) => w.request(init))).then(
      (replies) => {
        const ok = replies.every((r) => r.status === "fulfilled" && r.value.type === "ready");
        if (ok && !this.#closed) this.#ready = true;
        else this.close();
        return this.#ready;
      },
    );
  }

  /** Whether every worker has rebuilt the model (and none has failed since). */
  get ready(): boolean {
    return this.#ready && !this.#closed;
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
   * The gradients of `rows`: the main thread's share first (the first rows), each worker's after
   * it; `sent` holds the workers that already have this call's weights.
   */
  async gradients(
    method: string,
    forward: ForwardFunction,
    rows: tf.Tensor,
    target: CallTarget | undefined,
    sent: Set<number>,
  ): Promise<tf.Tensor> {
    const n = rows.shape[0];
    const sizes = this.shareSizes(n);
    const starts = sizes.map((_, s) => sizes.slice(0, s).reduce((a, b) => a + b, 0));
    const rowShape = rows.shape.slice(1);
    const shareTarget = (s: number) =>
      Array.isArray(target) ? target.slice(starts[s], starts[s] + sizes[s]) : target;
    const perRow = sizeOf(rowShape);
    const values = rows.dataSync() as Float32Array;
    const weights = sent.size < this.#workers.length
      ? packTensors(this.#model.weights.map((w) => w.read()))
      : undefined;
    const replies = this.#workers.map((w, k) => {
      const s = k + 1;
      const request: PoolGradientRequest = {
        type: "gradients",
        id: this.#nextId++,
        method,
        weights: sent.has(k) ? undefined : weights!.slice(),
        rows: values.slice(starts[s] * perRow, (starts[s] + sizes[s]) * perRow),
        shape: [sizes[s], ...rowShape],
        target: (shareTarget(s) as number | number[] | undefined) ?? null,
      };
      sent.add(k);
      const transfer = [request.rows.buffer as ArrayBuffer];
      if (request.weights) transfer.push(request.weights.buffer as ArrayBuffer);
      return w.request(request, transfer).catch((error: Error) => error);
    });
    const local = (s: number) =>
      tf.tidy(() =>
        gradientsOfTarget(method, forward, tf.slice(rows, starts[s], sizes[s]), shareTarget(s))
      );
    const parts: tf.Tensor[] = [];
    try {
      try {
        const start = performance.now();
        parts.push(local(0));
        this.#measured(0, sizes[0], performance.now() - start);
      } finally {
        // Wait for every worker even if the main share failed, so the next request starts clean.
        await Promise.allSettled(replies);
      }
      for (const [k, pending] of replies.entries()) {
        const reply = await pending;
        const s = k + 1;
        if (reply instanceof Error || reply.type !== "result") {
          // Never trust a failed worker again; its share is computed here, where a real error in
          // the inputs or target is raised with its own message.
          this.close();
          parts.push(local(s));
        } else {
          this.#measured(s, sizes[s], reply.ms);
          parts.push(tf.tensor(reply.grads, [sizes[s], ...rowShape]));
        }
      }
      return tf.concat(parts);
    } finally {
      tf.dispose(parts);
    }
  }
}
