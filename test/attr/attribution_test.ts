import assert from "node:assert/strict";
import {
  Attribution,
  FeatureAblation,
  GradientAttribution,
  IntegratedGradients,
  LayerActivation,
  LayerAttribution,
  LayerFeatureAblation,
  LayerGradCam,
  NeuronAttribution,
  NeuronFeatureAblation,
  NeuronGradient,
  Occlusion,
  PerturbationAttribution,
  Saliency,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

/** The smallest gradient explainer: ∂F/∂x of a one-output model, through the base class alone. */
class Probe extends GradientAttribution {
  attribute(inputs: tf.Tensor): Promise<tf.Tensor> {
    try {
      this.validateInputsAndTarget(inputs);
      return Promise.resolve(tf.grad((x: tf.Tensor) => this.forward(x).sum())(inputs));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

Deno.test("`Attribution` names errors after the concrete class and runs a model as a function", async () => {
  const probe = new Probe((x: tf.Tensor) => x.square().sum(1, true));
  assert.equal(probe.methodName, "Probe");
  const x = tf.tensor2d([[1, 2]]);
  const g = await probe.attribute(x);
  assertAllClose(g, [2, 4], { atol: 1e-6 });
  assert.throws(() => new Probe(42 as never), {
    name: "TypeError",
    message:
      /^Cannot compute Probe attributions: model must be a tf.LayersModel, a tf.GraphModel or a forward function \(x: tf.Tensor\) => tf.Tensor, received 42\. Pass the model itself/,
  });
  await assert.rejects(() => probe.attribute(tf.tensor1d([1]) as never), {
    name: "TypeError",
    message:
      /^Cannot compute Probe attributions: inputs must be a batch with at least 2 dimensions/,
  });
  tf.dispose([x, g]);
});

Deno.test("`GradientAttribution.computeConvergenceDelta()` is Σ attributions − (F(end) − F(start))", () => {
  const probe = new Probe((x: tf.Tensor) => x.square().sum(1, true));
  const end = tf.tensor2d([[1, 2], [3, 0]]);
  const start = tf.zerosLike(end);
  // F = Σx²: exact attributions [1, 4] and [9, 0] give delta 0; [1, 1] and [9, 1] give −3 and +1.
  const exact = probe.computeConvergenceDelta(tf.tensor2d([[1, 4], [9, 0]]), start, end);
  assertAllClose(exact, [0, 0], { atol: 1e-6 });
  const off = probe.computeConvergenceDelta(tf.tensor2d([[1, 1], [9, 1]]), start, end);
  assertAllClose(off, [-3, 1], { atol: 1e-6 });
  assert.throws(() => probe.computeConvergenceDelta(tf.ones([1, 2]), start, end), {
    name: "TypeError",
    message:
      /^Cannot compute Probe attributions: attributions, startPoint and endPoint must be tensors with the same batch size/,
  });
  tf.dispose([end, start, exact, off]);
});

Deno.test("every explainer sits on the base that matches what it is", () => {
  const f = (x: tf.Tensor) => x.sum(1, true);
  for (const e of [new Saliency(f), new IntegratedGradients(f)]) {
    assert.ok(e instanceof GradientAttribution && e instanceof Attribution, e.methodName);
  }
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [2], name: "hidden" })],
  });
  const perturbation = [
    new Occlusion(f),
    new FeatureAblation(f),
    new LayerFeatureAblation(model, "hidden"),
    new NeuronFeatureAblation(model, "hidden"),
  ];
  for (const e of perturbation) {
    assert.ok(e instanceof PerturbationAttribution && e instanceof Attribution, e.methodName);
    assert.ok(!(e instanceof GradientAttribution), e.methodName);
  }
  // LayerActivation reads a layer: neither a gradient nor a perturbation method (no delta).
  const activation = new LayerActivation(model, "hidden");
  assert.ok(activation instanceof Attribution);
  assert.ok(
    !(activation instanceof GradientAttribution || activation instanceof PerturbationAttribution),
  );
  assert.ok(!("computeConvergenceDelta" in activation));
  assert.ok(new LayerGradCam(model, "hidden") instanceof LayerAttribution);
  assert.ok(new NeuronGradient(model, "hidden") instanceof NeuronAttribution);
  model.dispose();
});
