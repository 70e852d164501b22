import assert from "node:assert/strict";
import {
  NeuronConductance,
  NeuronDeconvolution,
  NeuronDeepLift,
  NeuronDeepLiftShap,
  NeuronGradient,
  NeuronGradientShap,
  NeuronGuidedBackprop,
  NeuronIntegratedGradients,
  tf,
} from "../../../lib/mod.ts";
import { GUIDED_RELU } from "../../../lib/attr/_utils/relu_rules.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../_helpers/captum_fixture.ts";
import { multiLayerModel, oneConvInput, oneConvNet, residualModel } from "../layer/_models.ts";

Deno.test("`NeuronGuidedBackprop.attribute()` matches Captum's one-conv net closed form", async () => {
  const attr = await new NeuronGuidedBackprop(oneConvNet(), "fc1").attribute(oneConvInput(), {
    neuronSelector: [3],
  });
  assertAllClose(attr, [0, 1, 1, 1, 1, 3, 3, 2, 1, 3, 3, 2, 1, 2, 2, 1]);
  assert.equal(tf.getGradient("Relu").gradFunc === GUIDED_RELU.gradFunc, false);
});

Deno.test("`NeuronDeconvolution.attribute()` matches Captum's one-conv net closed form", async () => {
  const attr = await new NeuronDeconvolution(oneConvNet(), "fc1").attribute(oneConvInput(), {
    neuronSelector: 3,
  });
  assertAllClose(attr, [2, 3, 3, 1, 3, 5, 5, 2, 3, 5, 5, 2, 1, 2, 2, 1]);
});

Deno.test("`NeuronGradient.attribute()` equals the gradient of the layer's unit", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 3);
  for (const layer of ["relu_a", "conv_b", "add"]) {
    const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output });
    const expected = tf.grad((v: tf.Tensor) =>
      (sub.apply(v) as tf.Tensor).slice([0, 2, 1, 1], [-1, 1, 1, 1]).sum()
    )(x);
    const attr = await new NeuronGradient(model, layer).attribute(x, {
      neuronSelector: [2, 1, 1],
    });
    assertAllClose(attr, expected, { rtol: 1e-5, atol: 1e-6, message: layer });
    // A function selector gives the same.
    const fn = await new NeuronGradient(model, layer).attribute(x, {
      neuronSelector: (a) => a.slice([0, 2, 1, 1], [-1, 1, 1, 1]).reshape([-1]),
    });
    assertAllClose(fn, expected, { rtol: 1e-5, atol: 1e-6, message: `${layer} fn` });
  }
});

Deno.test("`NeuronIntegratedGradients.attribute()` sums to the neuron's change", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 4);
  const attr = await new NeuronIntegratedGradients(model, "add").attribute(x, {
    neuronSelector: [1, 1, 0],
    nSteps: 200,
  });
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer("add").output });
  const at = (v: tf.Tensor) => (sub.predict(v) as tf.Tensor).slice([0, 1, 1, 0], [-1, 1, 1, 1]);
  const change = at(x).sub(at(tf.zerosLike(x))).reshape([2]);
  assertAllClose(attr.reshape([2, -1]).sum(1), change, { atol: 2e-3, rtol: 1e-2 });
});

Deno.test("`NeuronDeepLift.attribute()` is complete on a ReLU network (tutorial CNN, conv2)", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs;
  const ndl = new NeuronDeepLift(fx.model, "conv2");
  const attr = await ndl.attribute(x, { neuronSelector: [15, 15, 15] });
  const sub = tf.model({ inputs: fx.model.inputs, outputs: fx.model.getLayer("conv2").output });
  const at = (v: tf.Tensor) =>
    (sub.predict(v) as tf.Tensor).slice([0, 15, 15, 15], [-1, 1, 1, 1]).reshape([-1]);
  const change = at(x).sub(at(tf.zerosLike(x)));
  assertAllClose(attr.reshape([2, -1]).sum(1), change, { atol: 1e-4, rtol: 1e-4 });
  // DeepLiftShap over one baseline row equals DeepLift; over two, their mean.
  const b1 = tf.zeros([1, 28, 28, 1]);
  const b2 = tf.fill([1, 28, 28, 1], 0.2);
  const shap = await new NeuronDeepLiftShap(fx.model, "conv2").attribute(x, {
    neuronSelector: [15, 15, 15],
    baselines: tf.concat([b1, b2]),
  });
  const other = await ndl.attribute(x, { neuronSelector: [15, 15, 15], baselines: b2 });
  assertAllClose(shap, attr.add(other).div(2), { atol: 1e-5, rtol: 1e-4 });
});

Deno.test("`NeuronConductance.attribute()` splits the flow through a neuron over the inputs", async () => {
  // MultiLayer, x = [0, 100, 0], neuron linear1[0], target 0: the flow is 100 · P(unit 0 active)
  // on input 1 only, ≈ 90.
  const model = multiLayerModel();
  const nc = new NeuronConductance(model, "linear1");
  const attr = await nc.attribute(tf.tensor2d([[0, 100, 0]]), {
    neuronSelector: [0],
    target: 0,
    nSteps: 1000,
  });
  assertAllClose(attr, [0, 90, 0], { atol: 0.2 });
  const ibs = await nc.attribute(tf.tensor2d([[0, 100, 0]]), {
    neuronSelector: [0],
    target: 0,
    nSteps: 1000,
    internalBatchSize: 300,
  });
  assertAllClose(ibs, attr, { atol: 1e-3 });
  // Summed over the neurons of a layer after which the model is linear, conductance is complete.
  const residual = residualModel();
  const x = tf.randomNormal([1, 5, 5, 2], 0, 1, "float32", 5);
  const rc = new NeuronConductance(residual, "relu_add");
  let total = 0;
  for (let c = 0; c < 3; c++) {
    for (let h = 0; h < 5; h++) {
      for (let w = 0; w < 5; w++) {
        const a = await rc.attribute(x, { neuronSelector: [h, w, c], target: 1, nSteps: 100 });
        total += a.sum().dataSync()[0];
        a.dispose();
      }
    }
  }
  const f = (v: tf.Tensor) => (residual.predict(v) as tf.Tensor).slice([0, 1], [1, 1]);
  const change = f(x).sub(f(tf.zerosLike(x))).dataSync()[0];
  // Trapezoid weights sum to (n − 1)/n = 0.99.
  assert.ok(Math.abs(total - change) < 0.02 * Math.abs(change) + 1e-3, `${total} vs ${change}`);
});

Deno.test("`NeuronGradientShap.attribute()` equals IG-like expectations on a linear neuron", async () => {
  const model = multiLayerModel();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const attr = await new NeuronGradientShap(model, "linear1").attribute(x, {
    neuronSelector: [2],
    baselines: tf.zeros([3, 3]),
    nSamples: 10,
  });
  // linear1 is linear in x with unit weights: gradient 1, so attributions are x − 0.
  assertAllClose(attr, x, { atol: 1e-5 });
});

Deno.test("neuron methods reject bad neuronSelectors, naming the layer's output shape", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs.slice([0], [1]);
  const ng = new NeuronGradient(fx.model, "conv1");
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [15, 15] }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot compute NeuronGradient attributions: neuronSelector must be an index of length 3 into layer "conv1"'s output of shape \[28, 28, 32\]/,
      );
      return true;
    },
  );
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [15, 28, 0] }),
    (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /neuronSelector\[1\] must be an integer in \[0, 27\]/);
      assert.match(e.message, /\[28, 28, 32\]/);
      return true;
    },
  );
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [0, 0, 1.5] }),
    RangeError,
  );
  await assert.rejects(
    () => ng.attribute(fx.inputs, { neuronSelector: (a) => a.sum() }),
    /neuronSelector must be a function returning one value per example/,
  );
  await assert.rejects(
    () => ng.attribute(x, undefined as unknown as { neuronSelector: number[] }),
    TypeError,
  );
  // A throw inside an override leaves the plain ReLU gradient in place.
  const plain = tf.getGradient("Relu").gradFunc;
  await assert.rejects(
    () =>
      new NeuronGuidedBackprop(fx.model, "conv2").attribute(x, {
        neuronSelector: () => {
          throw new Error("boom");
        },
      }),
    /boom/,
  );
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
});

Deno.test("neuron methods leak no tensors", async () => {
  const model = residualModel();
  const x = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 6);
  const sel = { neuronSelector: [1, 2, 0] };
  const b = tf.zeros([2, 5, 5, 2]);
  await assertNoLeak(() => new NeuronGradient(model, "add").attribute(x, sel));
  await assertNoLeak(() =>
    new NeuronIntegratedGradients(model, "add").attribute(x, { ...sel, nSteps: 4 })
  );
  await assertNoLeak(() =>
    new NeuronConductance(model, "add").attribute(x, { ...sel, target: 0, nSteps: 4 })
  );
  await assertNoLeak(() =>
    new NeuronGradientShap(model, "add").attribute(x, { ...sel, baselines: b })
  );
  await assertNoLeak(() => new NeuronDeepLift(model, "add").attribute(x, sel));
  await assertNoLeak(() =>
    new NeuronDeepLiftShap(model, "add").attribute(x, { ...sel, baselines: b })
  );
  await assertNoLeak(() => new NeuronGuidedBackprop(model, "add").attribute(x, sel));
  await assertNoLeak(() => new NeuronDeconvolution(model, "add").attribute(x, sel));
});
