import assert from "node:assert/strict";
import {
  NeuronDeconvolution,
  NeuronGradient,
  NeuronGuidedBackprop,
  NeuronModifiedReluAttribution,
  tf,
} from "../../../lib/mod.ts";
import type { GradientOverride } from "../../../lib/attr/_utils/gradient_override.ts";
import type { LayerRef } from "../../../lib/models/layer_tap.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { oneConvInput, oneConvNet } from "../layer/_models.ts";

/** A ReLU rule `scale · dy · 1[x > 0]`: scale 1 is the plain gradient. */
function scaledRelu(scale: number): GradientOverride {
  return {
    kernelName: "Relu",
    inputsToSave: ["x"],
    outputsToSave: [false],
    gradFunc: (dy, saved) => ({ x: () => (dy as tf.Tensor).mul(tf.step(saved[0])).mul(scale) }),
  };
}

/** A neuron method defined by its ReLU rule alone. */
class ScaledReluNeuron extends NeuronModifiedReluAttribution {
  constructor(model: tf.LayersModel, layer: LayerRef, scale: number) {
    super(model, layer, scaledRelu(scale));
  }
}

Deno.test("`NeuronModifiedReluAttribution.attribute()` applies the subclass's ReLU rule", async () => {
  // The one-conv net has one ReLU (relu1) before fc1: the plain rule gives NeuronGradient, and a
  // rule scaled by 2 doubles it.
  const model = oneConvNet();
  const x = oneConvInput();
  const sel = { neuronSelector: [3] };
  const expected = await new NeuronGradient(model, "fc1").attribute(x, sel);
  assert.ok(expected.abs().max().dataSync()[0] > 0);
  const plain = await new ScaledReluNeuron(model, "fc1", 1).attribute(x, sel);
  assertAllClose(plain, expected, { atol: 1e-6 });
  const doubled = await new ScaledReluNeuron(model, "fc1", 2).attribute(x, sel);
  assertAllClose(doubled, expected.mul(2), { atol: 1e-6 });
  tf.dispose([x, expected, plain, doubled]);
});

Deno.test("`NeuronModifiedReluAttribution.attribute()` restores the ReLU gradient and leaks nothing", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  const plain = tf.getGradient("Relu").gradFunc;
  const method = new ScaledReluNeuron(model, "fc1", 2);
  await assertNoLeak(() => method.attribute(x, { neuronSelector: [0] }));
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
  await assertNoLeak(async () => {
    await assert.rejects(
      () => method.attribute(x, { neuronSelector: [4] }),
      /^RangeError: Cannot compute ScaledReluNeuron attributions: neuronSelector\[0\] must be an integer in \[0, 3\]/,
    );
  });
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
  x.dispose();
});

Deno.test("`NeuronModifiedReluAttribution` is the base of NeuronGuidedBackprop and NeuronDeconvolution", () => {
  const model = oneConvNet();
  assert.ok(new NeuronGuidedBackprop(model, "fc1") instanceof NeuronModifiedReluAttribution);
  assert.ok(new NeuronDeconvolution(model, "fc1") instanceof NeuronModifiedReluAttribution);
  assert.equal(new NeuronGradient(model, "fc1") instanceof NeuronModifiedReluAttribution, false);
});
