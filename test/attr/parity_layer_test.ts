/**
 * Parity of the layer and neuron explainers with Captum on the tutorial CNN's fixture.
 */
import assert from "node:assert/strict";
import { LayerGradCam, LayerIntegratedGradients, tf } from "../../lib/mod.ts";
import { loadCaptumFixture } from "../_helpers/captum_fixture.ts";
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
