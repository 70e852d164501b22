/**
 * The tutorial's training loop: Adam, softmax cross-entropy, mini-batches in a seeded shuffled
 * order, validation after every epoch, a progress bar, and a typed history.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { ProgressBar } from "../display/progress_bar.ts";
import { batches, numBatches } from "../data/batches.ts";
import type { FashionMnistSplit } from "../data/load_fashion_mnist.ts";
import { sliceSplit } from "../data/slice_split.ts";
import { saveCheckpoint } from "./checkpoint.ts";
import { evaluateClassifier } from "./evaluate_classifier.ts";
import { ParallelGradients } from "./parallel_gradients.ts";
import { softmaxCrossEntropy } from "./softmax_cross_entropy.ts";

/** What one epoch measured; passed to `onEpochEnd` and stored in the history. */
export interface EpochLog {
  /** Epoch number, starting at 1. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  trainLoss: number;
  /** Mean softmax cross-entropy on the validation data after the epoch (`NaN` without any). */
  valLoss: number;
  /** Accuracy on the validation data after the epoch (`NaN` without any). */
  valAccuracy: number;
  /** Wall-clock seconds of the epoch's training steps (validation excluded). */
  seconds: number;
  /** Training throughput: batches per second. */
  batchesPerSecond: number;
  /** Directory of the checkpoint saved after this epoch (with `checkpointDir`), else undefined. */
  checkpoint?: string;
}

/** What one training step measured; passed to `onBatch`. */
export interface BatchLog {
  /** Epoch number, starting at 1. */
  epoch: number;
  /** Batch number within the epoch, starting at 1. */
  batch: number;
  /** Number of batches in the epoch. */
  batches: number;
  /** Loss of this batch. */
  loss: number;
}

/** The result of {@linkcode trainClassifier}: one entry per epoch, and the same as columns. */
export interface TrainingHistory {
  /** One log per completed epoch. */
  epochs: EpochLog[];
  /** `epochs[i].trainLoss` for each epoch, ready to plot. */
  trainLoss: number[];
  /** `epochs[i].valLoss` for each epoch. */
  valLoss: number[];
  /** `epochs[i].valAccuracy` for each epoch. */
  valAccuracy: number[];
}

/** Options of {@linkcode trainClassifier}. */
export interface TrainClassifierOptions {
  /**
   * Passes over the training data.
   * @default 8
   */
  epochs?: number;
  /**
   * Examples per training step.
   * @default 64
   */
  batchSize?: number;
  /**
   * Adam's learning rate.
   * @default 0.001
   */
  learningRate?: number;
  /**
   * Seed of the shuffle; epoch `e` (1-based) visits the examples in the order drawn with
   * `seed + e`. Together with `createClassifier({ seed })` it makes a run reproducible.
   * @default 0
   */
  seed?: number;
  /**
   * Shuffle the training examples every epoch.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Validation examples. When omitted, the last `validationSplit` fraction of the training data
   * (after `trainLimit`) is held out instead.
   * @default undefined
   */
  validationData?: FashionMnistSplit;
  /**
   * Fraction of the training data held out for validation when `validationData` is omitted;
   * 0 disables validation (`valLoss` and `valAccuracy` are then `NaN`).
   * @default 0.1
   */
  validationSplit?: number;
  /**
   * Train on only the first `trainLimit` examples (quick runs); all when omitted.
   * @default undefined
   */
  trainLimit?: number;
  /**
   * Examples per forward pass during validation.
   * @default 500
   */
  validationBatchSize?: number;
  /**
   * Show a progress bar while an epoch runs: a carriage-return bar on stderr in a terminal, one
   * display updated in place under Jupyter, a line every 10 % otherwise.
   * @default true
   */
  progress?: boolean;
  /**
   * Called after every epoch with its log (awaited).
   * @default undefined
   */
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
  /**
   * Called after every training step with its loss (awaited).
   * @default undefined
   */
  onBatch?: (log: BatchLog) => void | Promise<void>;
  /**
   * Gradient workers (Web Workers, one core each) that compute the gradients of a share of every
   * batch while the main thread computes its own share (see `ParallelGradients`); 0 trains on the
   * main thread only. The weights differ from a 0-worker run by float rounding only, and a seed
   * with a given number of workers reproduces a run.
   * @default Math.min(2, navigator.hardwareConcurrency) - 1 (one worker on a 2-core machine)
   */
  workers?: number;
  /**
   * Save a checkpoint after every epoch into this directory (created if needed), one
   * subdirectory per epoch named by {@linkcode epochCheckpointName} (`epoch_001`, `epoch_002`, …),
   * each a `saveCheckpoint()` directory whose metadata records `epoch` and `learningRate`. These
   * are the checkpoints TracIn (`TracInCP`, `TracInCPFast`) reads; `listCheckpoints(dir)` lists
   * them in order.
   * @default undefined (no checkpoints)
   */
  checkpointDir?: string;
}

/**
 * Name of the subdirectory of `checkpointDir` that {@linkcode trainClassifier} saves epoch
 * `epoch` (1-based) to: `epoch_001`, `epoch_002`, …
 *
 * @example
 * ```ts
 * import { epochCheckpointName } from "../mod.ts";
 * console.log(epochCheckpointName(3)); // "epoch_003"
 * ```
 */
export function epochCheckpointName(epoch: number): string {
  return `epoch_${String(epoch).padStart(3, "0")}`;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot train the classifier: ${name} must be a positive integer, received ${value}. Pass ${name} >= 1.`,
    );
  }
}

/**
 * Train `model` (logits out, e.g. `createClassifier()`) on `train` with Adam and softmax
 * cross-entropy, the tutorial's recipe: 8 epochs of batches of 64 at learning rate 1e-3.
 * After each epoch it measures the validation loss and accuracy, saves a checkpoint when
 * `checkpointDir` is given, calls `onEpochEnd` and prints a summary through the progress bar.
 * Resolves with the history.
 *
 * Every tensor it creates is disposed (the optimizer's too): `tf.memory().numTensors` is the same
 * before and after. A non-finite loss stops training with an error naming the epoch and batch.
 *
 * @example
 * ```ts
 * import { createClassifier, loadFashionMnist, trainClassifier } from "../mod.ts";
 * const model = createClassifier({ seed: 0 });
 * const train = await loadFashionMnist({ split: "train" });
 * const history = await trainClassifier(model, train, { epochs: 1, trainLimit: 2000 });
 * console.log(history.valAccuracy);
 * ```
 *
 * @throws {RangeError} for invalid options (non-positive epochs, batchSize, …).
 * @throws {Error} if the loss becomes NaN or infinite.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  train: FashionMnistSplit,
  options: TrainClassifierOptions = {},
): Promise<TrainingHistory> {
  const epochs = options.epochs ?? 8;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  const validationSplit = options.validationSplit ?? 0.1;
  positiveInteger("epochs", epochs);
  positiveInteger("batchSize", batchSize);
  positiveInteger("validationBatchSize", options.validationBatchSize ?? 500);
  if (options.trainLimit !== undefined) positiveInteger("trainLimit", options.trainLimit);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(
      `Cannot train the classifier: learningRate must be a positive finite number, received ${learningRate}. Pass e.g. 0.001.`,
    );
  }
  if (
    options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)
  ) {
    throw new RangeError(
      `Cannot train the classifier: workers must be a non-negative integer, received ${options.workers}. Pass 0 to train on the main thread only.`,
    );
  }
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new RangeError(
      `Cannot train the classifier: validationSplit must be in [0, 1), received ${validationSplit}. Pass e.g. 0.1, or 0 for no validation.`,
    );
  }

  let data = options.trainLimit === undefined ? train : sliceSplit(train, 0, options.trainLimit);
  let validation = options.validationData;
  if (validation === undefined && validationSplit > 0) {
    const held = Math.round(data.count * validationSplit);
    validation = sliceSplit(data, data.count - held);
    data = sliceSplit(data, 0, data.count - held);
  }
  if (data.count < 1) {
    throw new RangeError(
      `Cannot train the classifier: no training examples left (received ${train.count}, trainLimit ${options.trainLimit}, validationSplit ${validationSplit}). Pass more data.`,
    );
  }

  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const pool = await ParallelGradients.create(model, { workers: options.workers });
  const optimizer = tf.train.adam(learningRate);
  const history: TrainingHistory = { epochs: [], trainLoss: [], valLoss: [], valAccuracy: [] };
  const total = numBatches(data.count, batchSize);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const bar = options.progress === false
        ? undefined
        : new ProgressBar({ label: `Epoch ${epoch}/${epochs}`, total });
      let lossSum = 0;
      let seen = 0;
      let batch = 0;
      const start = performance.now();
      for (const { xs, ys } of batches(data, { batchSize, shuffle, seed: seed + epoch })) {
        let loss: number;
        try {
          if (pool.workers > 0) {
            loss = await pool.minimize(optimizer, xs, ys);
          } else {
            const cost = optimizer.minimize(
              () => softmaxCrossEntropy(model.apply(xs, { training: true }) as tf.Tensor, ys),
              true,
              variables,
            )!;
            loss = cost.dataSync()[0];
            cost.dispose();
          }
        } finally {
          tf.dispose([xs, ys]);
        }
        batch++;
        if (!Number.isFinite(loss)) {
          throw new Error(
            `Training stopped: the loss became ${loss} at epoch ${epoch}, batch ${batch}/${total} (learningRate ${learningRate}). Lower learningRate, or check the inputs and labels for NaN, Inf or out-of-range values.`,
          );
        }
        const m = xs.shape[0];
        lossSum += loss * m;
        seen += m;
        await options.onBatch?.({ epoch, batch, batches: total, loss });
        if (bar !== undefined) {
          const elapsed = (performance.now() - start) / 1000;
          await bar.update(
            batch,
            `${batch}/${total} loss ${(lossSum / seen).toFixed(4)} ${
              (batch / elapsed).toFixed(1)
            } batch/s`,
          );
        }
      }
      const seconds = (performance.now() - start) / 1000;
      const evaluation = validation === undefined || validation.count === 0
        ? undefined
        : evaluateClassifier(model, validation, {
          batchSize: options.validationBatchSize ?? 500,
        });
      const log: EpochLog = {
        epoch,
        trainLoss: lossSum / seen,
        valLoss: evaluation?.loss ?? Number.NaN,
        valAccuracy: evaluation?.accuracy ?? Number.NaN,
        seconds,
        batchesPerSecond: total / seconds,
      };
      if (options.checkpointDir !== undefined) {
        log.checkpoint = join(options.checkpointDir, epochCheckpointName(epoch));
        await saveCheckpoint(model, log.checkpoint, {
          userDefinedMetadata: { epoch, learningRate },
        });
      }
      history.epochs.push(log);
      history.trainLoss.push(log.trainLoss);
      history.valLoss.push(log.valLoss);
      history.valAccuracy.push(log.valAccuracy);
      await bar?.finish(
        `loss ${log.trainLoss.toFixed(4)} · val_loss ${log.valLoss.toFixed(4)} · val_acc ${
          log.valAccuracy.toFixed(4)
        } · ${seconds.toFixed(1)} s (${log.batchesPerSecond.toFixed(1)} batch/s)`,
      );
      await options.onEpochEnd?.(log);
    }
  } finally {
    optimizer.dispose();
    pool.close();
  }
  return history;
}
