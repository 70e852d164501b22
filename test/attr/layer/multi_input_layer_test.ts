/**
 * Layer and neuron methods on models with several inputs and on layers with several inputs:
 * the errors that name what cannot be handled, and leak checks. Captum parity is in
 * `test/attr/parity_multi_input_layer_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  InternalInfluence,
  LayerActivation,
  LayerFeatureAblation,
  LayerGradCam,
  LayerGradientShap,
  NeuronGradient,
  tf,
} from "../../../lib/mod.ts";
import { twoInputNetwork } from "../../../fixtures/multi_input_networks.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";

const model = twoInputNetwork();
const image = tf.randomUniform([3, 5, 5, 1], 0, 1, "float32", 1);
const vector = tf.randomUniform([3, 3], -1, 1, "float32", 2);

Deno.test("layer methods take the model's inputs as an array and return the layer's value", async () => {
  const act = await new LayerActivation(model, "merge").attribute([image, vector]);
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("merge").output });
  assertAllClose(act, sub.predict([image, vector]) as tf.Tensor, { rtol: 1e-5, atol: 1e-6 });
  // The vector as additionalForwardArgs: the same model inputs.
  const again = await new LayerActivation(model, "merge").attribute(image, {
    additionalForwardArgs: [vector],
  });
  assertAllClose(again, act, { atol: 0 });
  tf.dispose([act, again]);
});

Deno.test("`attributeToLayerInput` on a merge layer returns one attribution per layer input", async () => {
  const [flat, vec] = await new LayerActivation(model, "merge").attribute<tf.Tensor[]>(
    [image, vector],
    { attributeToLayerInput: true },
  );
  assert.deepEqual([flat.shape, vec.shape], [[3, 4], [3, 4]]);
  const cams = await new LayerGradCam(model, "merge").attribute<tf.Tensor[]>([image, vector], {
    target: 0,
    attributeToLayerInput: true,
  });
  assert.deepEqual(cams.map((c) => c.shape), [[3, 1], [3, 1]]);
  // InternalInfluence: the packed integral split back equals each input's own.
  const influence = await new InternalInfluence(model, "merge").attribute<tf.Tensor[]>(
    [image, vector],
    { target: 1, nSteps: 8, attributeToLayerInput: true },
  );
  assert.equal(influence.length, 2);
  tf.dispose([flat, vec, ...cams, ...influence]);
});

Deno.test("methods that attribute to one tensor refuse a merge layer's inputs, naming the fix", async () => {
  await assert.rejects(
    () =>
      new LayerFeatureAblation(model, "merge").attribute([image, vector], {
        target: 0,
        attributeToLayerInput: true,
      }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot compute LayerFeatureAblation attributions: the input of layer "merge" must be a single tensor, received 2 tensors \(attributeToLayerInput: true; LayerFeatureAblation attributes to one tensor\)\. Attribute to the layer's output, .*LayerActivation/,
      );
      return true;
    },
  );
});

Deno.test("layer methods that take one tensor of inputs refuse an array, naming the alternatives", async () => {
  const gs = new LayerGradientShap(model, "merge");
  await assert.rejects(
    () => gs.attribute([image, vector], { target: 0, baselines: tf.zeros([1, 5, 5, 1]) }),
    /^TypeError: Cannot compute LayerGradientShap attributions: inputs must be one tensor \(LayerGradientShap does not take an array of inputs yet\).*LayerIntegratedGradients/,
  );
});

Deno.test("neuron methods return one attribution per model input and check the selector", async () => {
  const ng = new NeuronGradient(model, "merge");
  const [gi, gv] = await ng.attribute([image, vector], { neuronSelector: [5] });
  assert.deepEqual([gi.shape, gv.shape], [[3, 5, 5, 1], [3, 3]]);
  // Neuron 5 is a vector unit (after the image's 4): the image has no gradient.
  assertAllClose(gi, tf.zerosLike(gi), { atol: 0 });
  await assert.rejects(
    () => ng.attribute([image, vector], { neuronSelector: [0], attributeToNeuronInput: true }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot compute NeuronGradient attributions: neuronSelector must be a function for layer "merge", whose value is 2 tensors/,
      );
      return true;
    },
  );
  tf.dispose([gi, gv]);
});

Deno.test("bad inputs name the argument: non-tensor additionalForwardArgs, a missing input", async () => {
  const act = new LayerActivation(model, "merge");
  await assert.rejects(
    () => act.attribute(image, { additionalForwardArgs: [3] }),
    /^TypeError: Cannot compute LayerActivation attributions: additionalForwardArgs\[0\] must be a tensor with a batch axis/,
  );
  await assert.rejects(() => act.attribute(image), /LayerActivation.*2 tensors/);
  await assert.rejects(
    () => act.attribute([image, tf.ones([3, 4])]),
    /^TypeError: Cannot compute LayerActivation attributions: inputs\[1\] must be/,
  );
});

Deno.test("layer and neuron methods on arrays of inputs leak nothing, also when they throw", async () => {
  const [zeros3, zeros4] = [tf.zeros([1, 3]), tf.zeros([1, 4])];
  await assertNoLeak(async () => {
    const out = await new InternalInfluence(model, "merge").attribute<tf.Tensor[]>(
      [image, vector],
      { target: 0, nSteps: 4, attributeToLayerInput: true, baselines: [0, zeros3] },
    );
    tf.dispose(out);
  });
  await assertNoLeak(async () => {
    await assert.rejects(() =>
      new InternalInfluence(model, "merge").attribute([image, vector], {
        target: 0,
        baselines: [0, zeros4],
      })
    );
  });
  tf.dispose([zeros3, zeros4]);
});
