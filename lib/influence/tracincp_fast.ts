/**
 * TracInCPFast (Captum's `TracInCPFast`): TracIn over the weights of the model's last dense
 * layer only, in closed form — no per-example backward passes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type LayerRef, LayerTap } from "../models/layer_tap.ts";
import { influenceTypeError } from "./_errors.ts";
import { summedLoss } from "./_loss.ts";
import { type LabeledBatch, TracInCPBase, type TracInCPBaseOptions } from "./_tracin_base.ts";
import type { InfluenceDataset, InfluenceLossFn } from "./types.ts";

/** Options of {@linkcode TracInCPFast}. */
export interface TracInCPFastOptions<C = string> extends TracInCPBaseOptions<C> {
  /**
   * The loss (Captum's `loss_fn`, required here): a loss that reduces the batch, `reduction`
   * "sum" or "mean" (without the property, a sum is assumed), e.g.
   * `crossEntropyLossFn({ reduction: "sum" })`.
   */
  lossFn: InfluenceLossFn;
}

/**
 * TracInCPFast: {@linkcode TracInCP} restricted to the kernel of the model's final dense layer,
 * computed in closed form (TracIn paper, appendix F). For a dense layer `y = W x + b` whose
 * output is the model's output, the gradient of the loss w.r.t. `W` is the outer product
 * `∂ℓ/∂y ⊗ x`, so the score of training example `z` on test example `z'` is
 * Σ_c η_c (∂ℓ/∂y · ∂ℓ'/∂y')(x · x') — two dot products per pair and one forward pass per
 * example, fast enough for the whole training set. As in Captum, the bias's gradient is not
 * included.
 *
 * @example
 * ```ts
 * import {
 *   crossEntropyLossFn, loadFashionMnist, loadCheckpoint, PRETRAINED_CLASSIFIER_DIR, tf, TracInCPFast,
 * } from "../mod.ts";
 * const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
 * const train = await loadFashionMnist({ split: "train", limit: 2000 });
 * const tracin = new TracInCPFast(model, "dense", train, [PRETRAINED_CLASSIFIER_DIR], {
 *   lossFn: crossEntropyLossFn({ reduction: "sum" }),
 *   batchSize: 500,
 * });
 * const test = { xs: tf.zeros([1, 28, 28, 1]), ys: tf.tensor1d([0], "int32") };
 * const { indices, influenceScores } = await tracin.influence(test, { k: 5, proponents: true });
 * console.log(indices.arraySync(), influenceScores.arraySync());
 * tf.dispose([indices, influenceScores, test.xs, test.ys]);
 * ```
 */
export class TracInCPFast<C = string> extends TracInCPBase<C> {
  /** The final dense layer (Captum's `final_fc_layer`). */
  readonly finalFcLayer: tf.layers.Layer;
  readonly #tap: LayerTap;
  /** The layer's own activation (e.g. softmax), applied after the linear map; none for linear. */
  readonly #activation: tf.layers.Layer | undefined;

  /**
   * @param model the `tf.LayersModel` the checkpoints belong to.
   * @param finalFcLayer the model's last layer, a dense layer (its output is the model's output),
   *   or its name. With an activation (Keras's `activation: "softmax"`), the loss gradient is
   *   taken at the layer's linear output, as Captum's `final_fc_layer` (a `Linear` module) is.
   * @param trainDataset the training examples, with labels (`ys`); see {@linkcode InfluenceDataset}.
   * @param checkpoints a directory of checkpoint directories, or a list for `checkpointsLoadFunc`.
   * @param options see {@linkcode TracInCPFastOptions}; `lossFn` is required.
   * @throws {TypeError} when `finalFcLayer` is not the model's final dense layer, or for
   *   unusable data, checkpoints or loss.
   */
  constructor(
    model: tf.LayersModel,
    finalFcLayer: LayerRef,
    trainDataset: InfluenceDataset,
    checkpoints: string | readonly C[],
    options: TracInCPFastOptions<C>,
  ) {
    if (typeof options?.lossFn !== "function") {
      throw influenceTypeError(
        "TracInCPFast",
        "lossFn",
        "a loss function (TracInCPFast differentiates the loss w.r.t. the model's output)",
        options?.lossFn,
        `Pass lossFn: crossEntropyLossFn({ reduction: "sum" }) for a classifier.`,
      );
    }
    super("TracInCPFast", model, trainDataset, checkpoints, options.lossFn, true, options);
    const tap = new LayerTap(model, finalFcLayer, {
      attributeToLayerInput: true,
      caller: "TracInCPFast",
    });
    const layer = tap.layer;
    const config = layer.getConfig();
    const problem = layer.getClassName() !== "Dense"
      ? `a ${layer.getClassName()} layer`
      : model.outputs.length !== 1 || layer.inboundNodes.length !== 1 ||
          layer.output !== model.outputs[0]
      ? "a dense layer that is not the model's output layer"
      : tap.valueShape.length !== 1
      ? `a dense layer applied to a [${tap.valueShape}] input per example (not a vector)`
      : undefined;
    if (problem !== undefined) {
      throw influenceTypeError(
        "TracInCPFast",
        "finalFcLayer",
        "the model's output layer, a dense layer applied to vectors",
        `layer ${layer.name}, ${problem}`,
        'Pass the last dense layer (e.g. "dense" of createClassifier()), or use TracInCP.',
      );
    }
    this.finalFcLayer = layer;
    this.#tap = tap;
    const activation = config.activation as string | undefined;
    if (activation !== undefined && activation !== "linear") {
      this.#activation = tf.layers.activation({ activation: activation as never });
    }
  }

  /**
   * `[∂ℓ/∂z [B, C], x [B, D]]`: the loss gradient w.r.t. the layer's linear output `z = x·W + b`
   * (the model's output, or, when the layer has an activation such as Keras's softmax, its input:
   * Captum's `final_fc_layer` is the linear map alone), and the layer's input.
   */
  protected batchQuantities(batch: LabeledBatch, test: boolean): tf.Tensor[] {
    const { layerValue, output } = this.#tap.forwardWithTap(batch.xs);
    const loss = (out: tf.Tensor) =>
      summedLoss(
        "TracInCPFast",
        test ? this.testLossName : "lossFn",
        test ? this.testLossFn : this.lossFn,
        test ? this.testReductionType : this.reductionType,
        out,
        batch.ys,
      );
    const activation = this.#activation;
    if (activation === undefined) return [tf.grad(loss)(output), layerValue];
    const [kernel, bias] = this.finalFcLayer.getWeights();
    const linear = bias === undefined
      ? layerValue.matMul(kernel)
      : layerValue.matMul(kernel).add(bias);
    const jacobian = tf.grad((z: tf.Tensor) => loss(activation.apply(z) as tf.Tensor))(linear);
    return [jacobian, layerValue];
  }

  protected pairScores(test: tf.Tensor[], train: tf.Tensor[]): tf.Tensor2D {
    const [testJacobian, testInput] = test as tf.Tensor2D[];
    const [trainJacobian, trainInput] = train as tf.Tensor2D[];
    return tf.mul(
      tf.matMul(testJacobian, trainJacobian, false, true),
      tf.matMul(testInput, trainInput, false, true),
    );
  }

  protected selfScores(quantities: tf.Tensor[]): tf.Tensor1D {
    const [jacobian, input] = quantities;
    return tf.mul(tf.sum(tf.square(jacobian), 1), tf.sum(tf.square(input), 1)) as tf.Tensor1D;
  }
}
