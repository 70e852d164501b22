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

/**
 * How a call turns the batch its body works on into the model's inputs. `rows` is the target the
 * body passes along with the batch (a `RowTarget` knows which example each row is from, for the
 * `additionalForwardArgs`).
 */
export type ModelInputsOf = (x: tf.Tensor, rows?: CallTarget) => ModelInputs;

/**
 * What a method's body reads from a tap, the batch in and the layer's value out: a
 * {@linkcode CallTap}, or a {@linkcode LayerTap} of one tensor on a single-input model.
 */
export interface BodyTap {
  /** The layer's value for the batch `x`. */
  layerValue(x: tf.Tensor, rows?: CallTarget): tf.Tensor;
  /** The model's output with the layer's value replaced by `layerValue`. */
  forwardFrom(
    layerValue: tf.Tensor,
    x: tf.Tensor | (() => tf.Tensor),
    rows?: CallTarget,
  ): tf.Tensor;
}

/** A layer attribution: one tensor, or one per tensor of a layer's value (Captum's tuple). */
export type LayerAttributions = tf.Tensor | tf.Tensor[];

/** The tapped tensors side by side: shapes without the batch axis and sizes per example. */
interface LayerLayout {
  shapes: number[][];
  sizes: number[];
}

/** See the module note. */
export class CallTap implements BodyTap {
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
    const inputs = typeof x === "function"
      ? () => this.#modelInputs(x(), rows)
      : this.#modelInputs(x, rows);
    return this.tap.forwardFrom(this.split(layerValue), inputs);
  }

  /**
   * A result in the layer's (packed) shape as the caller gets it: the tensor itself, or one tensor
   * per layer tensor. `result` is consumed.
   */
  finish(result: tf.Tensor): LayerAttributions {
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
