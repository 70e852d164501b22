import assert from "node:assert/strict";
import { NeuronAttribution, NeuronGradient, type NeuronOptions, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel } from "../layer/_models.ts";

/** The smallest neuron method: the selected neuron's value, `[N]`. */
class NeuronValue extends NeuronAttribution {
  attribute(inputs: tf.Tensor, options: NeuronOptions): Promise<tf.Tensor> {
    try {
      const forward = this.taps.neuronForward(options);
      return Promise.resolve(tf.tidy(() => forward(inputs)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

Deno.test("`NeuronAttribution` subclasses get the forward function ending at the selected neuron", async () => {
  // MultiLayer: linear1 = s + [−10, 1, 1, 1] with s = 6 and 15; linear0 (the identity) feeds it.
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const nv = new NeuronValue(model, "linear1");
  assert.equal(nv.layer.name, "linear1");
  assertAllClose(await nv.attribute(x, { neuronSelector: [0] }), [-4, 5], { atol: 1e-6 });
  assertAllClose(await nv.attribute(x, { neuronSelector: 2 }), [7, 16], { atol: 1e-6 });
  // With attributeToNeuronInput the index is into linear1's input, x itself.
  assertAllClose(
    await nv.attribute(x, { neuronSelector: [1], attributeToNeuronInput: true }),
    [2, 5],
    { atol: 1e-6 },
  );
  // A function selector sees the layer's value.
  assertAllClose(
    await nv.attribute(x, { neuronSelector: (a) => a.sum(1) }),
    [17, 53],
    { atol: 1e-5 },
  );
  await assertNoLeak(() => nv.attribute(x, { neuronSelector: [3] }));
  x.dispose();
});

Deno.test("`NeuronAttribution` errors name the subclass and the layer", async () => {
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3]]);
  await assert.rejects(
    () => new NeuronValue(model, "relu").attribute(x, { neuronSelector: [4] }),
    /^RangeError: Cannot compute NeuronValue attributions: neuronSelector\[0\] must be an integer in \[0, 3\] for layer "relu"'s output of shape \[4\]/,
  );
  assert.throws(
    () => new NeuronValue(model, "nope"),
    /^TypeError: Cannot compute NeuronValue attributions: layer must be one of the model's layers \("linear0", "linear1", "relu", "linear2"\), received "nope"/,
  );
  assert.ok(new NeuronGradient(model, "relu") instanceof NeuronAttribution);
  x.dispose();
});
