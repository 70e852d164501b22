/**
 * The per-tensor options of the layer perturbation methods (LayerFeatureAblation,
 * LayerFeaturePermutation): `layerMask` and `layerBaselines` for a layer value of several tensors
 * (a merge layer's inputs) are given one per layer tensor, as Captum's tuples, and packed side by
 * side as the {@linkcode CallTap} packs the layer's value.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Baseline } from "../types.ts";
import { packMasks, packTensors } from "../_utils/multi_input.ts";
import { resolveBaselines } from "../_utils/baselines.ts";
import { attributionTypeError } from "../_utils/errors.ts";
import type { CallTap } from "./_call_tap.ts";

/** The per-tensor options a layer perturbation method reads. */
export interface LayerPerturbationOptions {
  layerMask?: tf.Tensor | readonly tf.Tensor[];
  layerBaselines?: Baseline | readonly Baseline[];
}

/** The options packed for the layer's (packed) value; `dispose()` frees what was made. */
export interface PackedLayerOptions {
  layerMask?: tf.Tensor;
  layerBaselines?: Baseline;
  dispose(): void;
}

/**
 * `options` for the layer's value `values` (packed when the tap packs several tensors): for one
 * tensor, the options themselves (an array refused); for several, `layerMask` one mask per layer
 * tensor (ids shared across masks form one feature) and `layerBaselines` a number or one baseline
 * per layer tensor.
 *
 * @throws {TypeError} naming `layerMask`, `layerBaselines` or their entry `[i]` that does not fit.
 */
export function packLayerOptions(
  method: string,
  tap: CallTap,
  values: tf.Tensor,
  options: LayerPerturbationOptions,
): PackedLayerOptions {
  const { layerMask, layerBaselines } = options;
  const layer = JSON.stringify(tap.tap.layerName);
  if (!tap.packed) {
    for (const [what, value] of [["layerMask", layerMask], ["layerBaselines", layerBaselines]]) {
      if (!Array.isArray(value)) continue;
      throw attributionTypeError(
        method,
        what as string,
        `a single value: the tapped value of layer ${layer} is one tensor (arrays are for a ` +
          "layer value of several tensors, such as a merge layer's inputs)",
        value,
        `Pass ${what}[0] itself.`,
      );
    }
    return {
      layerMask: layerMask as tf.Tensor | undefined,
      layerBaselines: layerBaselines as Baseline | undefined,
      dispose: () => {},
    };
  }
  const temporary: tf.Tensor[] = [];
  const made: tf.Tensor[] = [];
  try {
    const tensors = tf.tidy(() => tap.split(values));
    temporary.push(...tensors);
    let mask: tf.Tensor | undefined;
    if (layerMask !== undefined) {
      const example = "tf.tensor(ids, [1, ...shape], 'int32')";
      assertPerTensor(method, "layerMask", layerMask, tensors, layer, example);
      mask = packMasks(method, tensors, layerMask, "layerMask");
      made.push(mask);
    }
    const baselines = layerBaselines as number | undefined;
    let packedBaselines: tf.Tensor | undefined;
    if (layerBaselines !== undefined && typeof layerBaselines !== "number") {
      assertPerTensor(method, "layerBaselines", layerBaselines, tensors, layer, "0");
      const resolved: tf.Tensor[] = [];
      layerBaselines.forEach((b, i) => {
        resolved.push(resolveBaselines(method, tensors[i], b, `layerBaselines[${i}]`));
        temporary.push(resolved[i]);
      });
      packedBaselines = packTensors(resolved);
      made.push(packedBaselines);
    }
    return {
      layerMask: mask,
      layerBaselines: packedBaselines ?? baselines,
      dispose: () => tf.dispose(made),
    };
  } catch (error) {
    tf.dispose(made);
    throw error;
  } finally {
    tf.dispose(temporary);
  }
}

/** Check that `value` is an array of one entry per layer tensor. */
function assertPerTensor(
  method: string,
  what: string,
  value: unknown,
  tensors: readonly tf.Tensor[],
  layer: string,
  example: string,
): asserts value is readonly unknown[] {
  if (Array.isArray(value) && value.length === tensors.length) return;
  throw attributionTypeError(
    method,
    what,
    `an array of ${tensors.length} entries, one per tensor of layer ${layer}'s value, in order ` +
      `(shapes ${tensors.map((t) => JSON.stringify(t.shape)).join(", ")})`,
    value,
    `Pass e.g. ${what}: [${new Array(tensors.length).fill(example).join(", ")}].`,
  );
}
