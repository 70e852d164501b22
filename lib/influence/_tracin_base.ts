/**
 * What TracInCP and TracInCPFast share (Captum's `TracInCPBase`): the training data, the
 * checkpoints and their loader, the losses, and the loops of `influence()` (the full influence
 * matrix or the k proponents / opponents of each test example) and `selfInfluence()`. A method
 * supplies only its per-example quantities and how two sets of them give scores.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { resolveCheckpoints, withCheckpoints } from "./_checkpoints.ts";
import { loadTracInCheckpoint } from "./load_tracin_checkpoint.ts";
import type { LoadedCheckpoints } from "./_checkpoints.ts";
import { type BatchedDataset, batchedDataset } from "./_dataset.ts";
import { assertPositiveInteger, influenceTypeError } from "./_errors.ts";
import { lossReduction, summedLoss } from "./_loss.ts";
import { influenceProgress } from "./_progress.ts";
import { StreamingTopK } from "./_top_k.ts";
import type {
  CheckpointsLoadFunc,
  InfluenceDataset,
  InfluenceLossFn,
  KMostInfluentialResults,
  LossReduction,
} from "./types.ts";

/** Options shared by the TracIn methods' constructors. */
export interface TracInCPBaseOptions<C> {
  /**
   * Loads a checkpoint into the model and returns its learning rate (Captum's
   * `checkpoints_load_func`). The default reads a checkpoint directory written by
   * `saveCheckpoint()` or `trainClassifier({ checkpointDir })` and its stored `learningRate`
   * (1 when none); see {@linkcode loadTracInCheckpoint}.
   * @default loadTracInCheckpoint
   */
  checkpointsLoadFunc?: CheckpointsLoadFunc<C>;
  /**
   * Examples per batch when iterating the training data and the test inputs (Captum's
   * `batch_size`): larger is faster, up to memory.
   * @default 64
   */
  batchSize?: number;
  /**
   * The loss for the test examples, when it differs from `lossFn` (Captum's `test_loss_fn`), e.g.
   * the logit of one class to explain a prediction rather than a loss. Same contract as `lossFn`.
   * @default lossFn
   */
  testLossFn?: InfluenceLossFn;
}

/** Options of `influence()`. */
export interface TracInInfluenceOptions {
  /**
   * Return the `k` most influential training examples of each test example (proponents or
   * opponents) instead of the full influence matrix.
   * @default undefined (the full matrix)
   */
  k?: number;
  /**
   * With `k`: the highest scores (proponents, true) or the lowest (opponents, false).
   * @default true
   */
  proponents?: boolean;
  /**
   * Show a progress bar over the training batches.
   * @default false
   */
  showProgress?: boolean;
}

/** Options of `selfInfluence()`. */
export interface SelfInfluenceOptions {
  /**
   * Show a progress bar over the batches.
   * @default false
   */
  showProgress?: boolean;
}

/** A batch as the loops hand it to a method. */
export interface LabeledBatch {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/**
 * The shared base of {@linkcode TracInCP} and {@linkcode TracInCPFast}. Subclasses define the
 * per-example quantities of a batch at the current checkpoint and how test and training
 * quantities combine into scores; the base iterates batches (outer) and checkpoints (inner),
 * loading each checkpoint once per call and restoring the model's own weights afterwards.
 */
export abstract class TracInCPBase<C = string> {
  /** The model whose checkpoints are read. */
  readonly model: tf.LayersModel;
  /** The training data whose influence is computed. */
  readonly trainDataset: InfluenceDataset;
  /** The checkpoints: a directory of checkpoint directories, or a list. */
  readonly checkpoints: string | readonly C[];
  /** Loads a checkpoint into the model and returns its learning rate. */
  readonly checkpointsLoadFunc: CheckpointsLoadFunc<C>;
  /** The training examples' loss. */
  readonly lossFn: InfluenceLossFn | undefined;
  /** The test examples' loss. */
  readonly testLossFn: InfluenceLossFn | undefined;
  /** Examples per batch. */
  readonly batchSize: number;
  /** How `lossFn` reduces a batch. */
  readonly reductionType: LossReduction;
  /** How `testLossFn` reduces a batch. */
  readonly testReductionType: LossReduction;
  /** The option that gave the test loss, for messages: "testLossFn", or "lossFn" by default. */
  protected readonly testLossName: "lossFn" | "testLossFn";

  readonly #method: string;
  readonly #train: BatchedDataset;

  /**
   * @param method the concrete class's name, for messages.
   * @param sampleWiseGradsPerBatch whether the losses must reduce a batch (true) or return
   *   per-example losses (false).
   */
  protected constructor(
    method: string,
    model: tf.LayersModel,
    trainDataset: InfluenceDataset,
    checkpoints: string | readonly C[],
    lossFn: InfluenceLossFn | undefined,
    sampleWiseGradsPerBatch: boolean,
    options: TracInCPBaseOptions<C>,
  ) {
    this.#method = method;
    if (!(model instanceof tf.LayersModel)) {
      throw influenceTypeError(
        method,
        "model",
        "a tf.LayersModel (its weights are set from each checkpoint)",
        model,
        "Pass the tf.LayersModel itself, e.g. createClassifier().",
      );
    }
    const batchSize = options.batchSize ?? 64;
    assertPositiveInteger(method, "batchSize", batchSize);
    if (typeof checkpoints !== "string" && !Array.isArray(checkpoints)) {
      throw influenceTypeError(
        method,
        "checkpoints",
        "a directory (string) or an array of checkpoints",
        checkpoints,
        "Pass the checkpointDir given to trainClassifier(), or a list of checkpoint directories.",
      );
    }
    if (
      options.checkpointsLoadFunc !== undefined && typeof options.checkpointsLoadFunc !== "function"
    ) {
      throw influenceTypeError(
        method,
        "checkpointsLoadFunc",
        "a function (model, checkpoint) => learning rate",
        options.checkpointsLoadFunc,
        "Pass a function, or omit it to read saveCheckpoint() directories.",
      );
    }
    this.model = model;
    this.trainDataset = trainDataset;
    this.checkpoints = checkpoints;
    this.checkpointsLoadFunc = options.checkpointsLoadFunc ??
      (loadTracInCheckpoint as unknown as CheckpointsLoadFunc<C>);
    this.batchSize = batchSize;
    this.lossFn = lossFn;
    this.testLossFn = options.testLossFn ?? lossFn;
    this.testLossName = options.testLossFn === undefined ? "lossFn" : "testLossFn";
    this.reductionType = lossReduction(method, "lossFn", lossFn, sampleWiseGradsPerBatch);
    this.testReductionType = options.testLossFn === undefined
      ? this.reductionType
      : lossReduction(method, "testLossFn", options.testLossFn, sampleWiseGradsPerBatch);
    this.#train = batchedDataset(method, "trainDataset", trainDataset, batchSize, true);
  }

  /**
   * Per-example quantities of `batch` at the loaded checkpoint (each `[B, ...]`), with the test
   * loss when `test`. Called inside `tf.tidy`.
   */
  protected abstract batchQuantities(batch: LabeledBatch, test: boolean): tf.Tensor[];

  /** Scores `[T, B]` of training quantities `train` on test quantities `test`, at one checkpoint. */
  protected abstract pairScores(test: tf.Tensor[], train: tf.Tensor[]): tf.Tensor2D;

  /** Self-influence `[B]` of one batch's (training-loss) quantities at one checkpoint. */
  protected abstract selfScores(quantities: tf.Tensor[]): tf.Tensor1D;

  /**
   * The k most influential training examples of each test example in `inputs`: proponents
   * (highest scores) or opponents (lowest), best first.
   */
  influence(
    inputs: InfluenceDataset,
    options: TracInInfluenceOptions & { k: number },
  ): Promise<KMostInfluentialResults>;
  /**
   * The influence `[T, N]` of each of the `N` training examples on each of the `T` test
   * examples in `inputs` (`{ xs, ys }` or another {@linkcode InfluenceDataset}):
   * Σ_checkpoints learningRate · ∇loss(train)·∇loss(test).
   */
  influence(
    inputs: InfluenceDataset,
    options?: TracInInfluenceOptions & { k?: undefined },
  ): Promise<tf.Tensor2D>;
  async influence(
    inputs: InfluenceDataset,
    options: TracInInfluenceOptions = {},
  ): Promise<tf.Tensor2D | KMostInfluentialResults> {
    const method = this.#method;
    const { k, proponents = true, showProgress = false } = options;
    if (k !== undefined) assertPositiveInteger(method, "k", k);
    if (typeof proponents !== "boolean") {
      throw influenceTypeError(
        method,
        "proponents",
        "a boolean",
        proponents,
        "Pass true for proponents or false for opponents.",
      );
    }
    const test = batchedDataset(method, "inputs", inputs, this.batchSize, true);
    const train = this.#train;
    this.#checkLoss(test, true);
    this.#checkLoss(train, false);
    return await this.#withCheckpoints(async (ckpts) => {
      const testQuantities = await this.#testQuantities(test, ckpts);
      try {
        const rows = test.count;
        const topK = k === undefined ? undefined : new StreamingTopK(rows, k, proponents);
        const matrix = k === undefined ? new Float32Array(rows * train.count) : undefined;
        const progress = influenceProgress(showProgress, method, "influence", train.numBatches);
        let done = 0;
        await train.forEach(async (batch, offset) => {
          const scores = this.#acrossCheckpoints(
            ckpts,
            batch,
            (c, q) => this.pairScores(testQuantities[c], q),
          );
          const values = await scores.data() as Float32Array;
          const width = scores.shape[1];
          scores.dispose();
          if (topK !== undefined) topK.add(values, width, offset);
          else {
            for (let i = 0; i < rows; i++) {
              matrix!.set(values.subarray(i * width, (i + 1) * width), i * train.count + offset);
            }
          }
          await progress.advance(++done);
        });
        await progress.finish();
        if (topK === undefined) return tf.tensor2d(matrix!, [rows, train.count]);
        const { indices, scores } = topK.result();
        return { indices, influenceScores: scores };
      } finally {
        testQuantities.forEach((q) => tf.dispose(q));
      }
    });
  }

  /**
   * Self-influence `[N]` of each example of `inputs` (the training data when omitted):
   * Σ_checkpoints learningRate · ‖∇loss‖², the influence of an example on itself. High values
   * flag unusual or mislabeled examples.
   */
  async selfInfluence(
    inputs?: InfluenceDataset,
    options: SelfInfluenceOptions = {},
  ): Promise<tf.Tensor1D> {
    const data = inputs === undefined
      ? this.#train
      : batchedDataset(this.#method, "inputs", inputs, this.batchSize, true);
    this.#checkLoss(data, false);
    return await this.#withCheckpoints(async (ckpts) => {
      const out = new Float32Array(data.count);
      const progress = influenceProgress(
        options.showProgress,
        this.#method,
        "self influence",
        data.numBatches,
      );
      let done = 0;
      await data.forEach(async (batch, offset) => {
        const scores = this.#acrossCheckpoints(ckpts, batch, (_, q) => this.selfScores(q));
        out.set(await scores.data() as Float32Array, offset);
        scores.dispose();
        await progress.advance(++done);
      });
      await progress.finish();
      return tf.tensor1d(out);
    });
  }

  /**
   * Evaluate the loss once on `data`'s first example, outside any gradient tape, so that a loss
   * of the wrong shape fails before the loops (an error thrown under `tf.grad` would leave the
   * tensors the tape saved behind).
   */
  #checkLoss(data: BatchedDataset, test: boolean): void {
    const { xs, ys } = data.first();
    try {
      tf.tidy(() => {
        summedLoss(
          this.#method,
          test ? this.testLossName : "lossFn",
          test ? this.testLossFn : this.lossFn,
          test ? this.testReductionType : this.reductionType,
          this.model.apply(xs, { training: false }) as tf.Tensor,
          ys!,
        );
      });
    } finally {
      tf.dispose(ys === undefined ? [xs] : [xs, ys]);
    }
  }

  async #withCheckpoints<R>(fn: (ckpts: LoadedCheckpoints) => Promise<R>): Promise<R> {
    const list = await resolveCheckpoints(this.#method, this.checkpoints);
    return await withCheckpoints(
      this.#method,
      this.model,
      list as readonly C[],
      this.checkpointsLoadFunc,
      fn,
    );
  }

  /** The test quantities at each checkpoint, concatenated over the test batches. */
  async #testQuantities(test: BatchedDataset, ckpts: LoadedCheckpoints): Promise<tf.Tensor[][]> {
    const all: tf.Tensor[][] = [];
    try {
      for (let c = 0; c < ckpts.length; c++) {
        ckpts.use(c);
        const parts: tf.Tensor[][] = [];
        try {
          await test.forEach((batch) => {
            parts.push(tf.tidy(() => this.batchQuantities(batch as LabeledBatch, true)));
          });
          all.push(
            parts.length === 1
              ? parts.pop()!
              : parts[0].map((_, q) => tf.concat(parts.map((p) => p[q]), 0)),
          );
        } finally {
          parts.forEach((p) => tf.dispose(p));
        }
      }
      return all;
    } catch (error) {
      all.forEach((q) => tf.dispose(q));
      throw error;
    }
  }

  /** Σ_c learningRate_c · score(c, quantities of `batch` at checkpoint c). */
  #acrossCheckpoints<T extends tf.Tensor>(
    ckpts: LoadedCheckpoints,
    batch: { xs: tf.Tensor; ys?: tf.Tensor },
    score: (c: number, quantities: tf.Tensor[]) => T,
  ): T {
    let total: T | undefined;
    for (let c = 0; c < ckpts.length; c++) {
      ckpts.use(c);
      const previous = total;
      total = tf.tidy(() => {
        const s = tf.mul(
          score(c, this.batchQuantities(batch as LabeledBatch, false)),
          ckpts.learningRate(c),
        ) as T;
        return previous === undefined ? s : tf.add(previous, s) as T;
      });
      previous?.dispose();
    }
    return total!;
  }
}
