import assert from "node:assert/strict";
import { PerturbationAttribution, tf } from "../../../lib/mod.ts";
import { LayerTaps, withLayerTaps } from "../../../lib/attr/layer/layer_taps.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

function model(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: "hidden", kernelInitializer: "ones" }),
      tf.layers.dense({ units: 1, name: "out", kernelInitializer: "ones" }),
    ],
  });
}

Deno.test("`LayerTaps` taps a layer's output and (built once) its input", () => {
  const taps = new LayerTaps(model(), "hidden", "MyMethod");
  assert.equal(taps.layer.name, "hidden");
  assert.deepEqual(taps.tap().valueShape, [3]);
  const input = taps.tap(true);
  assert.equal(taps.tap(true), input);
  assert.deepEqual(input.valueShape, [2]);
  const x = tf.tensor2d([[1, 2]]);
  assertAllClose(taps.tap().layerValue(x), tf.tensor2d([[3, 3, 3]]));
  assertAllClose(input.layerValue(x), x);
});

Deno.test("`LayerTaps.neuronForward()` selects one neuron per example and checks it against the layer", () => {
  const taps = new LayerTaps(model(), "hidden", "MyMethod");
  const neuron = taps.neuronForward({ neuronSelector: [1] });
  assertAllClose(neuron(tf.tensor2d([[1, 2], [0, 1]])), tf.tensor1d([3, 1]));
  assert.throws(
    () => taps.neuronForward({ neuronSelector: [5] }),
    /^RangeError: Cannot compute MyMethod attributions: .*neuronSelector/,
  );
  assert.throws(() => new LayerTaps(model(), "nope", "MyMethod"), /hidden.*out|out.*hidden/);
});

Deno.test("`withLayerTaps()` gives any base a (model, layer) constructor, named after the class", () => {
  class LayerValue extends withLayerTaps(PerturbationAttribution) {
    attribute(inputs: tf.Tensor): Promise<tf.Tensor> {
      return Promise.resolve(tf.tidy(() => this.taps.tap().layerValue(inputs).clone()));
    }
  }
  const explainer = new LayerValue(model(), "hidden");
  assert.ok(explainer instanceof PerturbationAttribution);
  assert.equal(explainer.layer.name, "hidden");
  assert.throws(
    () => new LayerValue(((x: tf.Tensor) => x) as never, "hidden"),
    /^TypeError: Cannot compute LayerValue attributions: model must be a tf\.LayersModel/,
  );
});
