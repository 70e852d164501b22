/**
 * Choosing one neuron of a layer (`neuronSelector`), as Captum's `neuron_selector`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { attributionRangeError, attributionTypeError } from "../_utils/errors.ts";
import { onePerExample } from "../_utils/target.ts";

/**
 * Which neuron of a layer to explain:
 * - an index into the layer's value without the batch axis (NHWC: `[h, w, c]`; a dense layer:
 *   `[unit]` or just `unit`);
 * - a function of the layer's value `[N, ...]` returning one value per example (`[N]`), e.g.
 *   `(a) => a.slice([0, 0, 0, 3], [-1, -1, -1, 1]).reshape([a.shape[0], -1]).sum(1)`. When the
 *   value is several tensors (the input of a layer with several inputs, such as `Add`), the
 *   function gets one argument per tensor, in the layer's order: `(a, b) => ...` (Captum passes
 *   the tuple); an index cannot select among several tensors.
 */
export type NeuronSelector =
  | number
  | readonly number[]
  | ((layerValue: tf.Tensor, ...otherValues: tf.Tensor[]) => tf.Tensor);

/**
 * Check an index selector against the layer's shapes (one per tensor of the layer's value, without
 * the batch axis), before computing.
 *
 * @throws {TypeError} for a selector of the wrong type or length, or an index into a value of
 *   several tensors.
 * @throws {RangeError} for an index outside the layer's shape.
 */
export function validateNeuronSelector(
  method: string,
  selector: unknown,
  layerShapes: readonly (readonly number[])[],
  layerName: string,
): void {
  if (typeof selector === "function") return;
  if (layerShapes.length !== 1) {
    throw attributionTypeError(
      method,
      "neuronSelector",
      `a function for layer "${layerName}", whose value is ${layerShapes.length} tensors (an ` +
        "index selects a neuron of one tensor)",
      selector,
      `Pass a function of the ${layerShapes.length} tensors returning one value per example, ` +
        "e.g. (a, b) => a.reshape([a.shape[0], -1]).slice([0, 0], [-1, 1]).reshape([-1]).",
    );
  }
  const layerShape = layerShapes[0];
  const shown = `[${layerShape.join(", ")}]`;
  const index = typeof selector === "number" ? [selector] : selector;
  if (!Array.isArray(index)) {
    throw attributionTypeError(
      method,
      "neuronSelector",
      `an index into layer "${layerName}"'s output of shape ${shown} (without the batch axis) ` +
        "or a function of the layer's output",
      selector,
      `Pass e.g. [${layerShape.map(() => 0).join(", ")}].`,
    );
  }
  if (index.length !== layerShape.length) {
    throw attributionTypeError(
      method,
      "neuronSelector",
      `an index of length ${layerShape.length} into layer "${layerName}"'s output of shape ${shown} (without the batch axis)`,
      selector,
      `Pass one index per axis, e.g. [${layerShape.map(() => 0).join(", ")}].`,
    );
  }
  index.forEach((v, axis) => {
    const size = layerShape[axis];
    if (!Number.isInteger(v) || v < 0 || (size >= 0 && v >= size)) {
      throw attributionRangeError(
        method,
        `neuronSelector[${axis}]`,
        `an integer in [0, ${size - 1}] for layer "${layerName}"'s output of shape ${shown}`,
        v,
        `Pick an index inside the layer's output shape ${shown}.`,
      );
    }
  });
}

/**
 * The selected neuron's value for each example, `[N]`, from the layer's value (one tensor, or
 * several for a layer input of several tensors: a function selector gets them as arguments).
 * Differentiable; call inside `tf.tidy`.
 *
 * @throws {TypeError} when a function selector does not return one value per example.
 */
export function selectNeuron(
  method: string,
  layerValue: tf.Tensor | readonly tf.Tensor[],
  selector: NeuronSelector,
): tf.Tensor1D {
  const values = layerValue instanceof tf.Tensor ? [layerValue] : layerValue;
  const n = values[0].shape[0];
  if (typeof selector === "function") {
    const [first, ...others] = values;
    return onePerExample(
      method,
      "neuronSelector",
      selector(first, ...others),
      n,
      "Reduce the layer's output to one value per example, e.g. with .reshape([n, -1]).sum(1).",
    );
  }
  const index = typeof selector === "number" ? [selector] : selector;
  return values[0].slice([0, ...index], [-1, ...index.map(() => 1)]).reshape([n]) as tf.Tensor1D;
}
