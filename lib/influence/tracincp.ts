/**
 * TracInCP (Pruthi et al. 2020, "Estimating Training Data Influence by Tracing Gradient
 * Descent"; Captum's `TracInCP`): the influence of a training example on a test example is
 * Σ_checkpoints learningRate · ∇θ loss(train) · ∇θ loss(test), over the model's parameters (or
 * those of chosen layers), at each saved checkpoint.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerRef } from "../models/layer_tap.ts";
import { influenceTypeError } from "./_errors.ts";
import { summedLoss } from "./_loss.ts";
import { type LabeledBatch, TracInCPBase, type TracInCPBaseOptions } from "./_tracin_base.ts";
import type { InfluenceDataset, InfluenceLossFn } from "./types.ts";

export type {
  SelfInfluenceOptions,
  TracInCPBaseOptions,
  TracInInfluenceOptions,
} from "./_tracin_base.ts";

/** Options of {@linkcode TracInCP}. */
export interface TracInCPOptions<C = string> extends TracInCPBaseOptions<C> {
  /**
   * The layers whose parameters the gradients are taken over (Captum's `layers`): layer objects
   * or names. Fewer parameters make the scores cheaper and often more telling (e.g. `["dense"]`).
   * @default undefined (all of the model's trainable weights)
   */
  layers?: readonly LayerRef[];
  /**
   * The loss whose gradients are compared (Captum's `loss_fn`), of the model's output and a
   * batch's `ys`; see {@linkcode InfluenceLossFn}. Without one, the gradient of the model's
   * output summed over its units is used.
   * @default undefined
   */
  lossFn?: InfluenceLossFn;
  /**
   * Captum's `sample_wise_grads_per_batch`: true when `lossFn` reduces a batch (its `reduction`
   * is "sum" or "mean"), false when it returns per-example losses (`reduction: "none"`). Both
   * give each example's own loss gradient (a "mean" loss is rescaled by the batch size); the
   * gradients are computed one example at a time either way.
   * @default false
   */
  sampleWiseGradsPerBatch?: boolean;
}

/**
 * TracInCP: which training examples raised (proponents) or lowered (opponents) the loss of a
 * test prediction, traced through training checkpoints. The score of training example `z` on
 * test example `z'` is Σ_c η_c ∇θ ℓ(θ_c, z) · ∇θ ℓ(θ_c, z'), with η_c the learning rate returned
 * by `checkpointsLoadFunc` for checkpoint `c`.
 *
 * Every score needs each example's own parameter gradient: one backward pass per example, at
 * every checkpoint, so a pass over 55,000 images takes minutes; restrict `layers`, or use
 * {@linkcode TracInCPFast} (the last dense layer, in closed form) for the whole training set.
 * Each call loads every checkpoint once, keeps its weights while it runs, and restores the
 * model's own weights when it ends.
 *
 * @example
 * ```ts
 * import { createClassifier, crossEntropyLossFn, saveCheckpoint, tf, TracInCP } from "../mod.ts";
 * const model = createClassifier({ seed: 0 });
 * await saveCheckpoint(model, "/tmp/tracin/epoch_001");
 * const train = { xs: tf.randomUniform([8, 28, 28, 1], 0, 1, "float32", 1), ys: tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32") };
 * const tracin = new TracInCP(model, train, "/tmp/tracin", {
 *   layers: ["dense"],
 *   lossFn: crossEntropyLossFn({ reduction: "sum" }),
 *   sampleWiseGradsPerBatch: true,
 * });
 * const test = { xs: train.xs.slice(0, 1), ys: train.ys.slice(0, 1) };
 * const { indices, influenceScores } = await tracin.influence(test, { k: 3 });
 * indices.print(); // the 3 proponents; training example 0 itself first
 * const self = await tracin.selfInfluence();
 * tf.dispose([indices, influenceScores, self, test.xs, test.ys, train.xs, train.ys]);
 * ```
 */
export class TracInCP<C = string> extends TracInCPBase<C> {
  /** Whether `lossFn` reduces a batch (Captum's `sample_wise_grads_per_batch`). */
  readonly sampleWiseGradsPerBatch: boolean;
  /** The variables whose gradients are compared, in order. */
  readonly #variables: tf.Variable[];

  /**
   * @param model the `tf.LayersModel` the checkpoints belong to.
   * @param trainDataset the training examples, with labels (`ys`); see {@linkcode InfluenceDataset}.
   * @param checkpoints a directory of checkpoint directories (read in natural order, e.g. the
   *   `checkpointDir` of `trainClassifier`), or a list of checkpoints for `checkpointsLoadFunc`.
   * @param options see {@linkcode TracInCPOptions}.
   * @throws {TypeError} for an unusable model, data, checkpoints, layer or loss.
   * @throws {RangeError} for a non-positive `batchSize` or a loss `reduction` that does not match
   *   `sampleWiseGradsPerBatch`.
   */
  constructor(
    model: tf.LayersModel,
    trainDataset: InfluenceDataset,
    checkpoints: string | readonly C[],
    options: TracInCPOptions<C> = {},
  ) {
    const sampleWise = options.sampleWiseGradsPerBatch ?? false;
    super("TracInCP", model, trainDataset, checkpoints, options.lossFn, sampleWise, options);
    this.sampleWiseGradsPerBatch = sampleWise;
    const layers = options.layers?.map((ref) => {
      const layer = model.layers.find((l) => typeof ref === "string" ? l.name === ref : l === ref);
      if (layer === undefined) {
        throw influenceTypeError(
          "TracInCP",
          "layers",
          `layers of the model (${model.layers.map((l) => JSON.stringify(l.name)).join(", ")})`,
          typeof ref === "string"
            ? ref
            : `a layer named ${JSON.stringify(ref.name)} not in the model`,
          "Pass names or layer objects of this model.",
        );
      }
      return layer;
    });
    const weights = layers === undefined
      ? model.trainableWeights
      : layers.flatMap((l) => l.trainableWeights);
    if (weights.length === 0) {
      throw influenceTypeError(
        "TracInCP",
        "layers",
        "layers with trainable weights",
        options.layers?.map((l) => typeof l === "string" ? l : l.name) ?? "the whole model",
        "Pick layers that have weights (e.g. dense or conv2d layers), not activations or flatten.",
      );
    }
    this.#variables = weights.map((w) => w.read() as tf.Variable);
  }

  /** Each example's loss gradient w.r.t. the chosen parameters, flattened: `[B, P]`. */
  protected batchQuantities(batch: LabeledBatch, test: boolean): tf.Tensor[] {
    const lossFn = test ? this.testLossFn : this.lossFn;
    const reduction = test ? this.testReductionType : this.reductionType;
    const what = test ? this.testLossName : "lossFn";
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < batch.xs.shape[0]; i++) {
      rows.push(tf.tidy(() => {
        const x = batch.xs.slice(i, 1);
        const y = batch.ys.slice(i, 1);
        const { value, grads } = tf.variableGrads(
          () =>
            summedLoss(
              "TracInCP",
              what,
              lossFn,
              reduction,
              this.model.apply(x, { training: false }) as tf.Tensor,
              y,
            ),
          this.#variables,
        );
        value.dispose();
        return tf.concat(this.#variables.map((v) => tf.reshape(grads[v.name], [-1])));
      }));
    }
    return [tf.stack(rows)];
  }

  protected pairScores(test: tf.Tensor[], train: tf.Tensor[]): tf.Tensor2D {
    return tf.matMul(test[0] as tf.Tensor2D, train[0] as tf.Tensor2D, false, true);
  }

  protected selfScores(quantities: tf.Tensor[]): tf.Tensor1D {
    return tf.sum(tf.square(quantities[0]), 1) as tf.Tensor1D;
  }
}
