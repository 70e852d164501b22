import assert from "node:assert/strict";
import { FeaturePermutation, LayerFeaturePermutation, tf } from "../../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { multiLayerModel, residualModel } from "./_models.ts";

Deno.test("`LayerFeaturePermutation.attribute()` on two examples swaps their activations (hand case, as Captum)", async () => {
  // On "relu" of MultiLayer: out0 = Σ relu − 1. Activations: s = 100 → [90, 101, 101, 101];
  // s = 3 → [0, 4, 4, 4]. Swapping unit j changes example 0's output by a1_j − a0_j.
  // Captum gives the same: LayerFeaturePermutation(x ↦ net(x)[:, 0], net.relu) on BasicModel_MultiLayer.
  const model = multiLayerModel();
  const x = tf.tensor2d([[20, 50, 30], [1, 1, 1]]);
  const lfp = new LayerFeaturePermutation(model, "relu");
  const attr = await lfp.attribute(x, { target: 0 });
  assertAllClose(attr, [[90, 97, 97, 97], [-90, -97, -97, -97]], { atol: 1e-4 });
  const grouped = await lfp.attribute(x, {
    target: 0,
    layerMask: tf.tensor2d([[0, 0, 1, 1]], [1, 4], "int32"),
  });
  assertAllClose(grouped, [[187, 187, 194, 194], [-187, -187, -194, -194]], { atol: 1e-4 });
});

Deno.test("`LayerFeaturePermutation.attribute()` equals FeaturePermutation on the activations, inputs reaching bypass branches", async () => {
  const res = residualModel();
  const xr = tf.randomNormal([4, 5, 5, 2], 0, 1, "float32", 8);
  const mask = tf.tensor4d(Array.from({ length: 75 }, (_, i) => i % 3), [1, 5, 5, 3], "int32");
  const lfp = new LayerFeaturePermutation(res, "conv_b");
  const out = await lfp.attribute(xr, { target: 2, layerMask: mask, seed: 5 });
  assert.deepEqual(out.shape, [4, 5, 5, 3]);
  // The rest of the model by hand: conv_b's value v joins conv_a(x) at "add".
  const convA = res.getLayer("conv_a").apply(xr) as tf.Tensor;
  const convB = res.getLayer("conv_b").apply(res.getLayer("relu_a").apply(convA)) as tf.Tensor;
  const rest = (v: tf.Tensor) => {
    const a = tf.tile(convA, [v.shape[0] / 4, 1, 1, 1]);
    return res.getLayer("dense").apply(
      res.getLayer("flatten").apply(res.getLayer("relu_add").apply(v.add(a)) as tf.Tensor),
    ) as tf.Tensor;
  };
  const expected = await new FeaturePermutation(rest).attribute(convB, {
    target: 2,
    featureMask: mask,
    seed: 5,
  });
  assertAllClose(out, expected, { rtol: 1e-4, atol: 1e-5 });
  // Seeded, and independent of perturbationsPerEval.
  const again = await lfp.attribute(xr, {
    target: 2,
    layerMask: mask,
    seed: 5,
    perturbationsPerEval: 1,
  });
  assertAllClose(again, out, { atol: 1e-5 });
  const other = await lfp.attribute(xr, { target: 2, layerMask: mask, seed: 6 });
  assert.notDeepEqual(Array.from(other.dataSync()), Array.from(out.dataSync()));
});

Deno.test("`LayerFeaturePermutation.attribute()` leaks nothing and needs two examples", async () => {
  const lfp = new LayerFeaturePermutation(multiLayerModel(), "relu");
  const x = tf.tensor2d([[20, 50, 30], [1, 1, 1]]);
  await assertNoLeak(() => lfp.attribute(x, { target: 0 }));
  await assert.rejects(lfp.attribute(tf.tensor2d([[1, 1, 1]]), { target: 0 }), {
    name: "RangeError",
    message:
      /^Cannot compute LayerFeaturePermutation attributions: inputs must be a batch of at least 2 examples/,
  });
  assert.throws(() => new LayerFeaturePermutation(multiLayerModel(), "nope"), TypeError);
});
