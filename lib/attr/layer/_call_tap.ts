/**
 * A layer tap as the body of one layer or neuron method's call sees it: one tensor in, one tensor
 * out, whatever the model's inputs and the layer's tensors are.
 *
 * - Model side: the body's batch `x` (the inputs, or the call's inputs packed side by side) is
 *   turned into the model's inputs by the call (`modelInputs`), which also adds the
 *   `additionalForwardArgs` expanded to the batch's rows.
 * - Layer side: a tap of several tensors (the inputs of a merge layer, the outputs of a layer with
 *   several outputs) is packed side by side into one `[B, Σ sizes]` tensor, so that every method's
 *   body (element-wise along the layer's value) runs unchanged; {@linkcode CallTap.finish} splits a
 *   result back, one tensor per layer tensor, as Captum's tuple.
 *
 * With one model input and one tapped tensor, every call goes straight to the {@linkcode LayerTap}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerTap, ModelInputs } from "../../models/layer_tap.ts";
import type { CallTarget } from "../_utils/target.ts";
import { knownShape } from "../_utils/forward.ts";

/**
 * How a call turns the batch its body works on into the model's inputs. `rows` is the target the
 * body passes along with the batch (a `RowTarget` knows which example each row is from, for the
 * `additionalForwardArgs`).
 */
export type ModelInputsOf = (x: tf.Tensor, rows?: CallTarget) => ModelInputs;

/** The tapped tensors side by side: shapes without the batch axis and sizes per example. */
interface LayerLayout {
  shapes: number[][];
  sizes: number[];
}

/** See the module note. */
export class CallTap {
  /** The tap on the model's layer. */
  readonly tap: LayerTap;
  readonly #modelInputs: ModelInputsOf;
  readonly #layout: LayerLayout | undefined;

  /**
   * @param tap the tap on the layer.
   * @param modelInputs the call's model inputs for a batch (default: the batch is the model's one
   *   input).
   */
  constructor(tap: LayerTap, modelInputs: ModelInputsOf = (x) => x) {
    this.tap = tap;
    this.#modelInputs = modelInputs;
    if (tap.tensorCount > 1) {
      const shapes = tap.valueShapes;
      if (shapes.some((s) => s.includes(-1))) {
        throw new TypeError(
          `Cannot compute ${tap.caller} attributions: the tensors of layer ${
            JSON.stringify(tap.layerName)
          } must have known shapes to be attributed together, received ${
            JSON.stringify(shapes)
          } (-1: unknown). Give the model's inputs a fixed shape.`,
        );
      }
      this.#layout = { shapes, sizes: shapes.map((s) => s.reduce((a, b) => a * b, 1)) };
    }
  }

  /** Whether the layer's value is several tensors, packed side by side. */
  get packed(): boolean {
    return this.#layout !== undefined;
  }

  /** See {@linkcode LayerTap.layersAfterTap}. */
  get layersAfterTap(): tf.layers.Layer[] {
    return this.tap.layersAfterTap;
  }

  /** See {@linkcode LayerTap.layersBeforeTap}. */
  get layersBeforeTap(): tf.layers.Layer[] {
    return this.tap.layersBeforeTap;
  }

  /** The layer's value for the batch `x` (packed when several tensors). Call inside `tf.tidy`. */
  layerValue(x: tf.Tensor, rows?: CallTarget): tf.Tensor {
    const values = this.tap.layerValues(this.#modelInputs(x, rows));
    if (this.#layout === undefined) return values[0];
    const b = values[0].shape[0];
    return tf.concat(values.map((v) => v.reshape([b, -1])), 1);
  }

  /**
   * The model's output with the layer's value replaced by `layerValue` (packed when several
   * tensors); branches bypassing the layer read the batch `x` (a function: called only when such a
   * branch exists). Call inside `tf.tidy`.
   */
  forwardFrom(
    layerValue: tf.Tensor,
    x: tf.Tensor | (() => tf.Tensor),
    rows?: CallTarget,
  ): tf.Tensor {
    return this.tap.forwardFrom(this.split(layerValue), this.#inputsOf(x, rows));
  }

  /**
   * ∂(explained output)/∂A at the layer's (packed) value `layerValue` for the batch `x`, as
   * Captum's layer gradients: each tapped tensor is replaced for every layer that reads it, the
   * others following from it (see {@linkcode LayerTap.forwardFromTensor}); one backward pass per
   * tapped tensor, `gradientOf(f, value)` differentiating the model's output `f(value)` with
   * respect to the tensor's value (e.g. `targetGradient`). Call inside `tf.tidy`.
   */
  gradient(
    layerValue: tf.Tensor,
    x: tf.Tensor,
    rows: CallTarget | undefined,
    gradientOf: (f: (value: tf.Tensor) => tf.Tensor, value: tf.Tensor) => tf.Tensor,
  ): tf.Tensor {
    const inputs = this.#inputsOf(x, rows);
    const grads = this.split(layerValue).map((value, i) =>
      gradientOf((v) => this.tap.forwardFromTensor(i, v, inputs), value)
    );
    if (this.#layout === undefined) return grads[0];
    const b = layerValue.shape[0];
    return tf.concat(grads.map((g) => g.reshape([b, -1])), 1);
  }

  /**
   * The model's output shape for a batch of `batch` rows, when the model declares every axis
   * (see `targetGradient`).
   */
  outputShape(batch: number): number[] | undefined {
    return knownShape(this.tap.model.outputs[0].shape, batch);
  }

  /** The model's inputs for the batch `x` (the call's: split back, extra arguments added). */
  modelInputs(x: tf.Tensor, rows?: CallTarget): ModelInputs {
    return this.#modelInputs(x, rows);
  }

  #inputsOf(
    x: tf.Tensor | (() => tf.Tensor),
    rows?: CallTarget,
  ): ModelInputs | (() => ModelInputs) {
    return typeof x === "function"
      ? () => this.#modelInputs(x(), rows)
      : this.#modelInputs(x, rows);
  }

  /**
   * A result in the layer's (packed) shape as the caller gets it: the tensor itself, or one tensor
   * per layer tensor. `result` is consumed.
   */
  finish(result: tf.Tensor): tf.Tensor | tf.Tensor[] {
    if (this.#layout === undefined) return result;
    try {
      return tf.tidy(() => this.split(result));
    } finally {
      result.dispose();
    }
  }

  /**
   * A batch in the layer's (packed) shape, one tensor per layer tensor (`[x]` for one tensor).
   * Call inside `tf.tidy`.
   */
  split(packed: tf.Tensor): tf.Tensor[] {
    const layout = this.#layout;
    if (layout === undefined) return [packed];
    const b = packed.shape[0];
    const parts = tf.split(packed, layout.sizes, 1);
    return parts.map((p, i) => p.reshape([b, ...layout.shapes[i]]));
  }
}
