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
  LayerDeepLiftShap,
  LayerFeatureAblation,
  LayerFeaturePermutation,
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

Deno.test("LayerFeatureAblation takes one layerMask per tensor of a merge layer's input, naming a wrong one", async () => {
  const lfa = new LayerFeatureAblation(model, "merge");
  const [m0, m1] = [
    tf.tensor([[0, 0, 1, 1]], undefined, "int32"),
    tf.tensor([[1, 2, 2, 3]], undefined, "int32"),
  ];
  const toInput = { target: 0, attributeToLayerInput: true };
  // One mask for both tensors, an array for one tensor, a mask of the wrong shape.
  await assert.rejects(
    () => lfa.attribute([image, vector], { ...toInput, layerMask: m0 }),
    /^TypeError: Cannot compute LayerFeatureAblation attributions: layerMask must be an array of 2 entries, one per tensor of layer "merge"'s value, in order \(shapes \[3,4\], \[3,4\]\)/,
  );
  await assert.rejects(
    () => lfa.attribute([image, vector], { target: 0, layerMask: [m0, m1] }),
    /^TypeError: Cannot compute LayerFeatureAblation attributions: layerMask must be a single value: the tapped value of layer "merge" is one tensor/,
  );
  await assert.rejects(
    () =>
      lfa.attribute([image, vector], { ...toInput, layerMask: [m0, tf.zeros([1, 3], "int32")] }),
    /^TypeError: Cannot compute LayerFeatureAblation attributions: layerMask\[1\] must be/,
  );
  await assert.rejects(
    () => lfa.attribute([image, vector], { ...toInput, layerBaselines: [0] }),
    /^TypeError: Cannot compute LayerFeatureAblation attributions: layerBaselines must be an array of 2 entries/,
  );
  // An id shared by both masks is one feature: ablated in both tensors at once, one value.
  const [a0, a1] = await lfa.attribute<tf.Tensor[]>([image, vector], {
    ...toInput,
    layerMask: [m0, m1],
  });
  assertAllClose(a0.slice([0, 2], [-1, 1]), a1.slice([0, 0], [-1, 1]), { atol: 0 });
  // Without a mask every element is its own feature: the same as masks with distinct ids.
  const distinct = [
    tf.tensor([[0, 1, 2, 3]], undefined, "int32"),
    tf.tensor([[4, 5, 6, 7]], undefined, "int32"),
  ];
  const [d0, d1] = await lfa.attribute<tf.Tensor[]>([image, vector], {
    ...toInput,
    layerMask: distinct,
  });
  const [e0, e1] = await lfa.attribute<tf.Tensor[]>([image, vector], toInput);
  assertAllClose(d0, e0, { atol: 1e-7 });
  assertAllClose(d1, e1, { atol: 1e-7 });
  const perm = await new LayerFeaturePermutation(model, "merge").attribute<tf.Tensor[]>(
    [image, vector],
    { ...toInput, layerMask: [m0, m1] },
  );
  assert.deepEqual(perm.map((p) => p.shape), [[3, 4], [3, 4]]);
  tf.dispose([m0, m1, a0, a1, ...distinct, d0, d1, e0, e1, ...perm]);
});

Deno.test("LayerGradientShap and LayerDeepLiftShap take arrays of inputs and the merge layer's inputs", async () => {
  const bi = tf.randomUniform([4, 5, 5, 1], 0, 0.2, "float32", 3);
  const bv = tf.randomUniform([4, 3], -0.3, 0.3, "float32", 4);
  const gs = new LayerGradientShap(model, "merge");
  const [g0, g1] = await gs.attribute<tf.Tensor[]>([image, vector], {
    baselines: [bi, bv],
    stdevs: [0.05, 0],
    target: 1,
    nSamples: 3,
    attributeToLayerInput: true,
  });
  assert.deepEqual([g0.shape, g1.shape], [[3, 4], [3, 4]]);
  const dls = new LayerDeepLiftShap(model, "merge");
  const { attributions, delta } = await dls.attributeWithDelta<tf.Tensor[]>([image, vector], {
    baselines: [bi, bv],
    target: 1,
    attributeToLayerInput: true,
    internalBatchSize: 5,
  });
  assert.equal(attributions.length, 2);
  // A ReLU network: DeepLift is complete for every (example, baseline row) pair.
  assertAllClose(delta, tf.zeros([12]), { atol: 1e-5 });
  // Distributions with different row counts are refused by name.
  await assert.rejects(
    () => dls.attribute([image, vector], { baselines: [bi, bv.slice(0, 2)], target: 1 }),
    /^TypeError: Cannot compute LayerDeepLiftShap attributions: baselines\[1\] must be 4 baseline rows/,
  );
  await assert.rejects(
    () => gs.attribute(image, { baselines: bi, stdevs: [0.1], additionalForwardArgs: [vector] }),
    /^TypeError: Cannot compute LayerGradientShap attributions: stdevs must be a single value when inputs is a single tensor/,
  );
  tf.dispose([bi, bv, g0, g1, ...attributions, delta]);
});

Deno.test("`LayerGradientShap.attributeWithDelta()` expands additionalForwardArgs to every sample", async () => {
  // One baseline row and no noise: each example's samples end at the example and start at the
  // row, so the mean of its deltas is Σ attributions − (F(x)[t] − F(b)[t]), with F run on the
  // example's own vector (a wrong row would read another example's).
  const baseline = tf.randomUniform([1, 5, 5, 1], 0, 0.2, "float32", 5);
  const nSamples = 4;
  const { attributions, delta } = await new LayerGradientShap(model, "img_fc").attributeWithDelta(
    image,
    { baselines: baseline, target: [0, 1, 2], nSamples, additionalForwardArgs: [vector] },
  );
  assert.deepEqual(delta.shape, [3 * nSamples]);
  const expected = tf.tidy(() => {
    const out = (x: tf.Tensor) =>
      (model.predict([x, vector]) as tf.Tensor).mul(tf.oneHot([0, 1, 2], 3)).sum(1);
    const b = tf.tile(baseline, [3, 1, 1, 1]);
    return attributions.sum(1).sub(out(image).sub(out(b)));
  });
  assertAllClose(delta.reshape([3, nSamples]).mean(1), expected, { atol: 1e-5 });
  tf.dispose([baseline, attributions, delta, expected]);
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
  const distribution = [tf.zeros([2, 5, 5, 1]), tf.zeros([2, 3])];
  await assertNoLeak(async () => {
    const gs = await new LayerGradientShap(model, "merge").attributeWithDelta<tf.Tensor[]>(
      [image, vector],
      { target: 0, nSamples: 2, attributeToLayerInput: true, baselines: distribution },
    );
    const dls = await new LayerDeepLiftShap(model, "img_fc").attributeWithDelta(image, {
      target: 0,
      baselines: distribution[0],
      additionalForwardArgs: [vector],
    });
    const lfa = await new LayerFeatureAblation(model, "merge").attribute<tf.Tensor[]>(
      [image, vector],
      { target: 0, attributeToLayerInput: true, layerBaselines: [0, zeros4] },
    );
    tf.dispose([...gs.attributions, gs.delta, dls.attributions, dls.delta, ...lfa]);
  });
  await assertNoLeak(async () => {
    await assert.rejects(() =>
      new LayerGradientShap(model, "merge").attribute([image, vector], {
        target: 0,
        baselines: [distribution[0], zeros4],
      })
    );
    await assert.rejects(() =>
      new LayerFeatureAblation(model, "merge").attribute([image, vector], {
        target: 0,
        attributeToLayerInput: true,
        layerBaselines: [0, zeros3],
      })
    );
  });
  tf.dispose(distribution);
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
