/**
 * `LayerLRP`: parity with Captum at layer outputs and inputs (`fixtures/captum/lrp.json`) on
 * every backend, consistency with `LRP`, conservation, which layers need a rule, refusals, leaks.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BACKEND_NAMES, LayerLRP, LRP, setBackend, tf } from "../../../lib/mod.ts";
import { loadLrpFixture, LRP_NETWORKS } from "../../../fixtures/lrp_networks.ts";
import { assertAllClose, assertNoLeak, relativeMaxError } from "../../_helpers/tensor_asserts.ts";

/** Max abs error allowed against Captum, relative to the reference's max abs value. */
const TOLERANCE = 1e-4;
const L = tf.layers;

for (const backend of BACKEND_NAMES) {
  for (const network of LRP_NETWORKS) {
    Deno.test(`\`LayerLRP.attribute()\` matches Captum on the ${network} network's layers (${backend})`, async () => {
      await setBackend(backend);
      const fx = loadLrpFixture(network);
      const x = fx.inputs();
      for (const c of fx.cases.filter((c) => c.method === "LayerLRP")) {
        const explainer = new LayerLRP(fx.model, c.layer!, { rules: c.rules });
        const { attributions, delta } = await explainer.attributeWithDelta(x, {
          target: fx.targets,
          attributeToLayerInput: c.attributeToLayerInput,
        });
        const reference = c.reference();
        const referenceDelta = c.delta();
        assert.deepEqual(attributions.shape, reference.shape, c.name);
        const error = relativeMaxError(attributions, reference);
        assert.ok(error <= TOLERANCE, `${c.name} (${backend}): relative error ${error}`);
        assertAllClose(delta, referenceDelta, { atol: 1e-5, message: `${c.name} delta` });
        tf.dispose([attributions, delta, reference, referenceDelta]);
      }
      x.dispose();
      fx.model.dispose();
    });
  }
}

Deno.test("`LayerLRP.attribute()` at the first layer's input is `LRP.attribute()`", async () => {
  const fx = loadLrpFixture("pool");
  const x = fx.inputs();
  const atInput = await new LayerLRP(fx.model, "conv1").attribute(x, {
    target: fx.targets,
    attributeToLayerInput: true,
  });
  const lrp = await new LRP(fx.model).attribute(x, { target: fx.targets });
  assertAllClose(atInput, lrp, { atol: 1e-7 });
  // A pass-through layer (Captum refuses it): its output's relevance is its input's.
  const atRelu = await new LayerLRP(fx.model, "relu1").attribute(x, { target: fx.targets });
  const atBnOutput = await new LayerLRP(fx.model, "bn1").attribute(x, { target: fx.targets });
  assertAllClose(atRelu, atBnOutput, { atol: 1e-7 });
  tf.dispose([x, atInput, lrp, atRelu, atBnOutput]);
  fx.model.dispose();
});

Deno.test("`LayerLRP` relevance sums to the output at every layer without biases", async () => {
  const init = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.5 });
  const model = tf.sequential({
    layers: [
      L.dense({
        inputShape: [5],
        units: 4,
        useBias: false,
        name: "d1",
        kernelInitializer: init(1),
      }),
      L.reLU({ name: "r1" }),
      L.dense({ units: 3, useBias: false, name: "d2", kernelInitializer: init(2) }),
      L.activation({ activation: "tanh", name: "t2" }),
      L.dense({ units: 2, useBias: false, name: "d3", kernelInitializer: init(3) }),
    ],
  });
  const x = tf.randomUniform([4, 5], 0, 1, "float32", 5);
  for (const layer of ["d1", "r1", "d2", "t2"]) {
    const { delta } = await new LayerLRP(model, layer).attributeWithDelta(x, { target: 0 })
      .then(({ attributions, delta }) => {
        attributions.dispose();
        return { delta };
      });
    assertAllClose(delta, [0, 0, 0, 0], { atol: 1e-5, message: layer });
    delta.dispose();
  }
  x.dispose();
  model.dispose();
});

Deno.test("`LayerLRP` needs rules only after the layer (and at it for its input)", async () => {
  // A sigmoid has no LRP rule: LRP refuses the model, LayerLRP after the sigmoid does not.
  const model = tf.sequential({
    layers: [
      L.dense({ inputShape: [3], units: 3, name: "d1" }),
      L.activation({ activation: "sigmoid", name: "sig" }),
      L.dense({ units: 2, name: "d2" }),
    ],
  });
  assert.throws(() => new LRP(model), /received layer "sig" \(Activation\)/);
  const x = tf.ones([1, 3]);
  const atD2 = new LayerLRP(model, "d2");
  const attr = await atD2.attribute(x, { target: 1, attributeToLayerInput: true });
  assert.deepEqual(attr.shape, [1, 3]);
  assert.throws(() => new LayerLRP(model, "d1"), /received layer "sig" \(Activation\)/);
  await assert.rejects(
    () => new LayerLRP(model, "sig").attribute(x, { target: 1, attributeToLayerInput: true }),
    (e: unknown) => e instanceof TypeError && e.message.includes('layer "sig" (Activation)'),
  );
  tf.dispose([x, attr]);
  model.dispose();
});

Deno.test("`LayerLRP` refuses an unknown layer and gives a merge layer's inputs one relevance each", async () => {
  const fx = loadLrpFixture("residual");
  assert.throws(
    () => new LayerLRP(fx.model, "conv9"),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.startsWith("Cannot compute LayerLRP attributions: layer must be one of"),
  );
  const x = fx.inputs();
  const atAdd = new LayerLRP(fx.model, "add");
  await assertNoLeak(async () => {
    const inputs = await atAdd.attribute<tf.Tensor[]>(x, {
      target: 0,
      attributeToLayerInput: true,
    });
    const output = await atAdd.attribute(x, { target: 0 });
    assert.equal(inputs.length, 2);
    assert.deepEqual(inputs[0].shape, output.shape);
    // Add's ε-rule divides the relevance at its output among its inputs: the totals agree.
    const sum = (t: tf.Tensor) => tf.tidy(() => t.sum().dataSync()[0]);
    const split = sum(inputs[0]) + sum(inputs[1]);
    assert.ok(Math.abs(split - sum(output)) <= 1e-3 * Math.abs(sum(output)), `${split}`);
    const { attributions, delta } = await atAdd.attributeWithDelta<tf.Tensor[]>(x, {
      target: 0,
      attributeToLayerInput: true,
    });
    assert.equal(attributions.length, 2);
    assert.deepEqual(delta.shape, [x.shape[0]]);
    tf.dispose([...inputs, output, ...attributions, delta]);
  });
  x.dispose();
  fx.model.dispose();
});

Deno.test("`LayerLRP.attribute()` and `attributeWithDelta()` leak no tensors", async () => {
  const fx = loadLrpFixture("cnn");
  const x = fx.inputs();
  const explainer = new LayerLRP(fx.model, "conv2");
  await explainer.attribute(x, { target: 0 }).then((t) => t.dispose()); // warm up
  await assertNoLeak(() => explainer.attribute(x, { target: fx.targets }), "attribute");
  await assertNoLeak(
    () => explainer.attributeWithDelta(x, { target: 1, attributeToLayerInput: true }),
    "attributeWithDelta",
  );
  await assertNoLeak(async () => {
    await assert.rejects(() => explainer.attribute(x, { target: [0] }), RangeError);
  }, "rejected");
  x.dispose();
  fx.model.dispose();
});
