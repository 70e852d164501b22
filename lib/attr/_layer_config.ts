/**
 * The one home of the `(model, layer, config)` constructor of the layer and neuron explainers
 * configured at construction (`multiplyByInputs`, DeepLift's `eps`): the config is resolved once,
 * by a rule each method passes, and kept as public read-only fields.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { LayerRef } from "../models/layer_tap.ts";
import type { Attribution } from "./attribution.ts";

/** Constructor options of the methods that can multiply by the inputs' (or activations') change. */
export interface MultiplyByInputsConfig {
  /** Multiply by the difference from the baselines; false returns the gradients alone. @default true */
  multiplyByInputs?: boolean;
}

/** The resolved {@linkcode MultiplyByInputsConfig}, as the explainer's fields. */
export interface MultiplyByInputs {
  /** Whether attributions are multiplied by the difference from the baselines. */
  readonly multiplyByInputs: boolean;
}

/** `config` with its default: `{ multiplyByInputs: true }` unless it says false. */
export function resolveMultiplyByInputs<C extends MultiplyByInputsConfig>(
  _method: string,
  config?: C,
): MultiplyByInputs {
  return { multiplyByInputs: config?.multiplyByInputs ?? true };
}

/** A layer or neuron explainer class, constructed with `(model, layer)`. */
// deno-lint-ignore no-explicit-any
type LayerExplainerClass = abstract new (...args: any[]) => Attribution & {
  readonly layer: tf.layers.Layer;
};

/**
 * `Base` (a layer or neuron explainer, `(model, layer)`) whose constructor takes a third argument,
 * `config`, resolved by `resolve` (which validates it, naming the concrete class) into the
 * instance's read-only fields.
 *
 * @example
 * ```ts
 * import { NeuronAttribution, tf } from "../mod.ts";
 * import {
 *   type MultiplyByInputsConfig,
 *   resolveMultiplyByInputs,
 *   withLayerConfig,
 * } from "./_layer_config.ts";
 * class NeuronValue extends withLayerConfig(
 *   NeuronAttribution,
 *   resolveMultiplyByInputs<MultiplyByInputsConfig>,
 * ) {
 *   attribute(inputs: tf.Tensor): Promise<tf.Tensor> {
 *     return Promise.resolve(this.multiplyByInputs ? inputs.clone() : tf.onesLike(inputs));
 *   }
 * }
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: "d" })] });
 * console.log(new NeuronValue(model, "d", { multiplyByInputs: false }).multiplyByInputs); // false
 * ```
 */
export function withLayerConfig<B extends LayerExplainerClass, C, R extends object>(
  Base: B,
  resolve: (method: string, config?: C) => R,
) {
  abstract class Configured extends Base {
    /** `(model, layer, config)`, as the signature below states. */
    // deno-lint-ignore no-explicit-any
    constructor(...args: any[]) {
      const [model, layer, config] = args as [tf.LayersModel, LayerRef, C | undefined];
      super(model, layer);
      Object.assign(this, resolve(this.methodName, config));
    }
  }
  // TypeScript gives a mixin the base's constructor signature; state the one with the config.
  return Configured as unknown as
    & Omit<B, "prototype">
    & (abstract new (
      /** A `tf.LayersModel` (Sequential or functional) with one input and one output. */
      model: tf.LayersModel,
      /** One of its layers, or the layer's name. */
      layer: LayerRef,
      /** The method's constructor options. */
      config?: C,
    ) => InstanceType<B> & Readonly<R>);
}
