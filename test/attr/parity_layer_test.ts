/**
 * Parity of the layer and neuron explainers with Captum on the tutorial CNN's fixture.
 */
import assert from "node:assert/strict";
import {
  LayerDeepLift,
  LayerGradCam,
  LayerIntegratedGradients,
  NeuronGradient,
  NeuronGradientShap,
  NeuronIntegratedGradients,
  tf,
} from "../../lib/mod.ts";
import { loadCaptumFixture } from "../../fixtures/load_fixture.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";

const TOLERANCE = 1e-3;

function example(index: number) {
  const fx = loadCaptumFixture();
  const x = fx.inputs.slice([index, 0, 0, 0], [1, -1, -1, -1]);
  return { fx, x, target: fx.targets[index] };
}

function assertParity(name: string, actual: tf.Tensor, reference: tf.Tensor): void {
  assert.deepEqual(actual.shape, reference.shape, `${name} shape`);
  const err = relativeMaxError(actual, reference);
  assert.ok(err <= TOLERANCE, `${name}: relative max error ${err} > ${TOLERANCE}`);
}

for (const layer of ["conv1", "conv2"]) {
  Deno.test(`\`LayerGradCam.attribute()\` matches Captum on the fixture (${layer})`, async () => {
    const { fx, x, target } = example(1);
    const attr = await new LayerGradCam(fx.model, layer).attribute(x, { target });
    assertParity(`LayerGradCam_${layer}`, attr, fx.reference(`LayerGradCam_${layer}`));
    attr.dispose();
  });
}

Deno.test("`LayerIntegratedGradients.attribute()` matches Captum on the fixture (conv1)", async () => {
  const { fx, x, target } = example(1);
  const attr = await new LayerIntegratedGradients(fx.model, "conv1").attribute(x, { target });
  assertParity(
    "LayerIntegratedGradients_conv1",
    attr,
    fx.reference("LayerIntegratedGradients_conv1"),
  );
  attr.dispose();
});

Deno.test("`NeuronGradient.attribute()` matches Captum on the fixture (conv1, [15, 15, 0])", async () => {
  const { fx, x } = example(1);
  const attr = await new NeuronGradient(fx.model, "conv1").attribute(x, {
    neuronSelector: [15, 15, 0],
  });
  assertParity("NeuronGradient", attr, fx.reference("NeuronGradient"));
  attr.dispose();
});

Deno.test("`NeuronIntegratedGradients.attribute()` matches Captum on the fixture (conv1, [15, 15, 0])", async () => {
  const { fx, x } = example(1);
  const attr = await new NeuronIntegratedGradients(fx.model, "conv1").attribute(x, {
    neuronSelector: [15, 15, 0],
  });
  assertParity("NeuronIntegratedGradients", attr, fx.reference("NeuronIntegratedGradients"));
  attr.dispose();
});

function cosine(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.mul(b).sum().div(a.norm().mul(b.norm())).dataSync()[0]);
}

Deno.test("`NeuronGradientShap.attribute()` is statistically consistent with Captum (conv2, [15, 15, 15])", async () => {
  // Captum's reference is one random draw of 5 samples; compare with the expectation (many
  // samples) by direction, and check the support (the neuron's 5×5 receptive field) exactly.
  const { fx, x } = example(1);
  const ref = fx.reference("NeuronGradientShap");
  const ngs = new NeuronGradientShap(fx.model, "conv2");
  const options = { neuronSelector: [15, 15, 15], baselines: tf.zeros([1, 28, 28, 1]) };
  const expectation = await ngs.attribute(x, { ...options, nSamples: 200 });
  assert.ok(cosine(expectation, ref) > 0.9, `cosine ${cosine(expectation, ref)}`);
  const draw = await ngs.attribute(x, { ...options, seed: 1 });
  assert.ok(cosine(draw, ref) > 0.6, `cosine ${cosine(draw, ref)}`);
  const support = (t: tf.Tensor) => Array.from(t.abs().greater(0).dataSync());
  const refSupport = support(ref);
  const ours = support(expectation);
  assert.equal(ours.filter((v, i) => v && !refSupport[i]).length, 0);
  const scale = (t: tf.Tensor) => t.abs().max().dataSync()[0];
  const ratio = scale(expectation) / scale(ref);
  assert.ok(ratio > 0.33 && ratio < 3, `max magnitude ratio ${ratio}`);
  tf.dispose([expectation, draw]);
});

Deno.test("`LayerDeepLift.attribute()` matches Captum on the fixture (conv1)", async () => {
  const { fx, x, target } = example(1);
  const attr = await new LayerDeepLift(fx.model, "conv1").attribute(x, { target });
  assertParity("LayerDeepLift_conv1", attr, fx.reference("LayerDeepLift_conv1"));
  attr.dispose();
});
