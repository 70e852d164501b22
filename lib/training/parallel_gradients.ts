/**
 * Data-parallel gradients: a pool of Web Workers, each with its own TensorFlow.js and backend,
 * computes the loss gradients of a slice of every batch while the main thread computes its own
 * slice, so that one training step uses several cores.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type InitRequest,
  lossAndGradients,
  packTensors,
  sizeOf,
  splitFloat32,
  type StepRequest,
  type WorkerReply,
} from "./_gradient_protocol.ts";

/** Options of {@linkcode ParallelGradients.create}. */
export interface ParallelGradientsOptions {
  /**
   * Gradient workers besides the main thread, which always computes one share of each batch;
   * 0 computes everything on the main thread (no worker is started).
   * @default Math.min(2, navigator.hardwareConcurrency) - 1 (one worker on a machine with 2+ cores)
   */
  workers?: number;
  /**
   * Absolute URLs of modules every worker imports before rebuilding the model, e.g. one that
   * registers a custom layer class with `tf.serialization.registerClass` (a worker has its own
   * TensorFlow.js, so classes and kernels registered on the main thread are unknown there).
   * @default []
   */
  workerImports?: (string | URL)[];
}

/** The result of {@linkcode ParallelGradients.computeGradients}. */
export interface LossAndGradients {
  /** Mean softmax cross-entropy over the whole batch. */
  loss: number;
  /**
   * Gradient of `loss` for each trainable weight, keyed by the variable's name (the form
   * `optimizer.applyGradients` takes), in `model.trainableWeights` order. The caller disposes them.
   */
  grads: tf.NamedTensorMap;
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

/** One gradient worker: a module worker and the request it is answering. */
class GradientWorker {
  readonly #worker: Worker;
  readonly #index: number;
  #pending: Pending | undefined;
  #failure: Error | undefined;

  constructor(index: number, onFatal: (error: Error) => void) {
    this.#index = index;
    this.#worker = new Worker(new URL("./_gradient_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(event.data);
    };
    const fail = (message: string) => {
      const error = new Error(
        `gradient worker ${this.#index} crashed (${message}); the pool was closed`,
      );
      this.#failure = error;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error);
      onFatal(error);
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      fail(event.message);
    };
    this.#worker.onmessageerror = () => fail("a message could not be deserialized");
  }

  /** Send `request` and resolve with the worker's reply (one request at a time). */
  request(request: InitRequest | StepRequest, transfer: Transferable[] = []): Promise<WorkerReply> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(request, transfer);
    });
  }

  terminate(reason: Error): void {
    this.#worker.terminate();
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(reason);
  }
}

function defaultWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(0, Math.min(2, cores) - 1);
}

/**
 * Computes the mean softmax cross-entropy gradients of a `tf.LayersModel` over a batch with
 * data parallelism: the batch is split into `workers + 1` contiguous shares of (nearly) equal
 * size; the main thread computes the first share while each worker computes one of the others on
 * its own copy of the model (rebuilt once from `model.toJSON()`, weights sent every step). The
 * shares' gradients are combined weighted by their sizes, in share order, so the result equals the
 * full-batch gradient up to float rounding and is deterministic.
 *
 * The loss is the trainer's: `softmaxCrossEntropy(model.apply(xs, { training: true }), ys)` with
 * logits out and int class labels. Workers use the main thread's backend (`wasm` or `cpu`).
 * Layers that draw random numbers in training mode (dropout) draw them independently per share.
 *
 * Call {@linkcode ParallelGradients.close} (or declare it with `using`) when done: open workers
 * keep the process alive. A worker's error rejects the call with the worker's message.
 *
 * @example
 * ```ts
 * import { createClassifier, ParallelGradients, tf } from "../mod.ts";
 * const model = createClassifier({ seed: 0 });
 * const optimizer = tf.train.adam(1e-3);
 * using pool = await ParallelGradients.create(model, { workers: 1 });
 * const xs = tf.randomUniform([64, 28, 28, 1], 0, 1, "float32", 1);
 * const ys = tf.randomUniform([64], 0, 10, "int32", 2) as tf.Tensor1D;
 * const loss = await pool.minimize(optimizer, xs, ys); // one Adam step on both cores
 * console.log(loss);
 * tf.dispose([xs, ys]);
 * optimizer.dispose();
 * ```
 */
export class ParallelGradients {
  /** The model whose gradients are computed (the main thread's copy, which the optimizer updates). */
  readonly model: tf.LayersModel;
  /** Number of gradient workers besides the main thread. */
  readonly workers: number;
  readonly #variables: tf.Variable[];
  readonly #pool: GradientWorker[];
  #closed = false;
  #crash: Error | undefined;
  #busy = false;
  #nextId = 0;

  private constructor(model: tf.LayersModel, workers: number) {
    this.model = model;
    this.workers = workers;
    this.#pool = Array.from(
      { length: workers },
      (_, i) =>
        new GradientWorker(i + 1, (error) => {
          this.#crash ??= error;
          this.#abort(error);
        }),
    );
    this.#variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /**
   * Start the workers, each rebuilding `model` from its topology, and resolve when all are ready.
   *
   * @throws {RangeError} if `workers` is not a non-negative integer.
   * @throws {TypeError} if `model` has no trainable weights.
   * @throws {Error} if a worker cannot rebuild the model (e.g. an unregistered custom layer;
   *   pass its module in `workerImports`); no worker is left running.
   */
  static async create(
    model: tf.LayersModel,
    options: ParallelGradientsOptions = {},
  ): Promise<ParallelGradients> {
    const workers = options.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 0) {
      throw new RangeError(
        `Cannot create the gradient worker pool: workers must be a non-negative integer, received ${workers}. Pass 0 (main thread only) or more.`,
      );
    }
    if (model.trainableWeights.length === 0) {
      throw new TypeError(
        `Cannot create the gradient worker pool: the model "${model.name}" has no trainable weights. Pass a model with trainable layers.`,
      );
    }
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const trainable = variables.map((v) =>
      model.weights.findIndex((w) => (w.read() as tf.Variable).id === v.id)
    );
    if (trainable.some((i) => i < 0)) {
      throw new TypeError(
        `Cannot create the gradient worker pool: the trainable weights of "${model.name}" are not all among model.weights. Pass a model built from tf.layers.`,
      );
    }
    const imports = (options.workerImports ?? []).map((u) => {
      try {
        return new URL(u).href;
      } catch {
        throw new TypeError(
          `Cannot create the gradient worker pool: workerImports must hold absolute module URLs, received ${
            JSON.stringify(String(u))
          }. Pass e.g. new URL("./my_layer.ts", import.meta.url).`,
        );
      }
    });
    const parallel = new ParallelGradients(model, workers);
    if (workers === 0) return parallel;
    const init: InitRequest = {
      type: "init",
      topology: model.toJSON(null, true) as string,
      backend: tf.getBackend(),
      weightShapes: model.weights.map((w) => w.shape as number[]),
      trainable,
      imports,
    };
    const replies = await Promise.allSettled(parallel.#pool.map((w) => w.request(init)));
    for (const [i, r] of replies.entries()) {
      const message = r.status === "rejected"
        ? (r.reason as Error).message
        : r.value.type === "error"
        ? r.value.message
        : undefined;
      if (message !== undefined) {
        parallel.close();
        throw new Error(
          `Cannot create the gradient worker pool: worker ${
            i + 1
          } could not rebuild the model "${model.name}": ${message}. If the model has custom layers, pass the modules that register them in workerImports.`,
        );
      }
    }
    return parallel;
  }

  /** Whether {@linkcode ParallelGradients.close} was called (or a worker crashed). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sizes of the shares a batch of `batchSize` examples is split into, main thread first:
   * `workers + 1` contiguous shares differing by at most one example, the larger ones given to the
   * workers (the main thread also combines and applies the gradients). Empty shares are skipped.
   *
   * @example
   * ```ts
   * import { createClassifier, ParallelGradients } from "../mod.ts";
   * using pool = await ParallelGradients.create(createClassifier(), { workers: 1 });
   * console.log(pool.shareSizes(65)); // [32, 33]
   * ```
   */
  shareSizes(batchSize: number): number[] {
    const shares = this.workers + 1;
    const base = Math.floor(batchSize / shares);
    const extra = batchSize - base * shares;
    return Array.from({ length: shares }, (_, s) => base + (s >= shares - extra ? 1 : 0));
  }

  /**
   * Mean softmax cross-entropy of the model on the batch `(xs, ys)` and its gradients w.r.t. the
   * model's trainable weights, computed in parallel from the model's current weights.
   *
   * @param xs Inputs `[B, ...inputShape]` (float32).
   * @param ys Class indices `[B]`.
   * @throws {TypeError} if `xs` and `ys` do not have one label per example.
   * @throws {Error} if the pool is closed, or with a worker's message if its share failed.
   */
  async computeGradients(xs: tf.Tensor, ys: tf.Tensor1D): Promise<LossAndGradients> {
    if (this.#closed) {
      // After a crash, say the same as a call that was running when the worker crashed.
      throw new Error(
        this.#crash === undefined
          ? "Cannot compute gradients: the gradient worker pool is closed. Create a new one with ParallelGradients.create()."
          : `Cannot compute gradients: ${this.#crash.message}. Create a new pool with ParallelGradients.create().`,
      );
    }
    if (xs.rank < 2 || ys.rank !== 1 || xs.shape[0] !== ys.shape[0] || xs.shape[0] < 1) {
      throw new TypeError(
        `Cannot compute gradients: expected inputs [B, ...] and labels [B] with B >= 1, received inputs [${xs.shape}] and labels [${ys.shape}]. Pass one label per example.`,
      );
    }
    if (this.#busy) {
      throw new Error(
        "Cannot compute gradients: the previous call on this pool has not finished. Await each call before the next.",
      );
    }
    this.#busy = true;
    try {
      return await this.#compute(xs, ys);
    } finally {
      this.#busy = false;
    }
  }

  async #compute(xs: tf.Tensor, ys: tf.Tensor1D): Promise<LossAndGradients> {
    const batchSize = xs.shape[0];
    const sizes = this.shareSizes(batchSize);
    const starts = sizes.map((_, s) => sizes.slice(0, s).reduce((a, b) => a + b, 0));
    const requests = this.#sendShares(xs, ys, sizes, starts);

    let main: { loss: tf.Scalar; grads: tf.Tensor[] } | undefined;
    let mainLoss = 0;
    let replies: PromiseSettledResult<WorkerReply>[];
    try {
      if (sizes[0] > 0) {
        main = sizes[0] === batchSize ? lossAndGradients(this.model, this.#variables, xs, ys) : tf
          .tidy(() => {
            const x = tf.slice(xs, 0, sizes[0]);
            const y = tf.slice(ys, 0, sizes[0]);
            const { loss, grads } = lossAndGradients(this.model, this.#variables, x, y);
            return { loss, grads };
          });
        mainLoss = main.loss.dataSync()[0];
      }
    } finally {
      // Wait for every worker even if the main share failed, so the next step starts clean.
      replies = await Promise.allSettled(requests.map((r) => r.reply));
    }
    try {
      const results: { share: number; loss: number; grads: Float32Array }[] = [];
      for (const [k, r] of replies.entries()) {
        const share = requests[k].share;
        if (r.status === "rejected") {
          const reason = r.reason as Error;
          throw new Error(
            `Cannot compute gradients: ${reason.message}. Create a new pool with ParallelGradients.create().`,
            { cause: reason },
          );
        }
        if (r.value.type !== "result") {
          const message = r.value.type === "error"
            ? r.value.message
            : `unexpected "${r.value.type}"`;
          throw new Error(
            `Cannot compute gradients: worker ${share} failed on its share of ${
              sizes[share]
            } examples: ${message}`,
          );
        }
        results.push({ share, loss: r.value.loss, grads: r.value.grads });
      }
      let loss = main === undefined ? 0 : (sizes[0] / batchSize) * mainLoss;
      for (const r of results) loss += (sizes[r.share] / batchSize) * r.loss;
      const grads: tf.NamedTensorMap = {};
      const shapes = this.#variables.map((v) => v.shape);
      const parts = results.map((r) => splitFloat32(r.grads, shapes));
      for (const [i, v] of this.#variables.entries()) {
        grads[v.name] = tf.tidy(() => {
          let sum: tf.Tensor | undefined = main === undefined
            ? undefined
            : results.length === 0
            ? tf.clone(main.grads[i])
            : tf.mul(main.grads[i], sizes[0] / batchSize);
          for (const [j, r] of results.entries()) {
            const g = tf.mul(tf.tensor(parts[j][i], v.shape), sizes[r.share] / batchSize);
            sum = sum === undefined ? g : tf.add(sum, g);
          }
          return sum!;
        });
      }
      return { loss, grads };
    } finally {
      if (main !== undefined) tf.dispose([main.loss, ...main.grads]);
    }
  }

  /**
   * One optimizer step: {@linkcode ParallelGradients.computeGradients} on `(xs, ys)`, then
   * `optimizer.applyGradients`. Resolves with the batch's mean loss. Equivalent to
   * `optimizer.minimize(() => softmaxCrossEntropy(model.apply(xs, { training: true }), ys))`.
   *
   * @throws {Error} as {@linkcode ParallelGradients.computeGradients}; the weights are then unchanged.
   */
  async minimize(optimizer: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor1D): Promise<number> {
    const { loss, grads } = await this.computeGradients(xs, ys);
    try {
      optimizer.applyGradients(grads);
    } finally {
      tf.dispose(grads);
    }
    return loss;
  }

  /** Terminate the workers (idempotent). Later calls to the pool throw. */
  close(): void {
    this.#abort(
      new Error("the gradient worker pool was closed while a step was running"),
    );
  }

  /** Same as {@linkcode ParallelGradients.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #abort(reason: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#pool) w.terminate(reason);
  }

  /** Post each worker its share (non-empty ones only); the main thread keeps share 0. */
  #sendShares(
    xs: tf.Tensor,
    ys: tf.Tensor1D,
    sizes: number[],
    starts: number[],
  ): { share: number; reply: Promise<WorkerReply> }[] {
    const active = this.#pool.map((w, k) => ({ w, share: k + 1 })).filter((a) =>
      sizes[a.share] > 0
    );
    if (active.length === 0) return [];
    const weights = packTensors(this.model.weights.map((w) => w.read()));
    const images = xs.dataSync() as Float32Array;
    const labels = ys.dataSync();
    const perExample = sizeOf(xs.shape.slice(1));
    return active.map(({ w, share }, j) => {
      const start = starts[share];
      const end = start + sizes[share];
      const request: StepRequest = {
        type: "step",
        id: this.#nextId++,
        weights: j === active.length - 1 ? weights : weights.slice(),
        images: images.slice(start * perExample, end * perExample),
        imageShape: [sizes[share], ...xs.shape.slice(1)],
        labels: Int32Array.from(labels.subarray(start, end)),
      };
      const reply = w.request(request, [
        request.weights.buffer,
        request.images.buffer,
        request.labels.buffer,
      ]);
      return { share, reply };
    });
  }
}
