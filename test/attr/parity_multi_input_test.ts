import assert from "node:assert/strict";
import {
  Deconvolution,
  FeatureAblation,
  GuidedBackprop,
  InputXGradient,
  Occlusion,
  Saliency,
  ShapleyValues,
  tf,
} from "../../lib/mod.ts";
import { loadMultiInputPrimaryFixture } from "../../fixtures/multi_input_primary.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";

// Captum's outputs on the two-input network (image [2, 5, 5, 1], vector [2, 3]), see
// scripts/captum_multi_input_fixtures.py. Parity: relative max error ≤ 1e-4 per input.
const fx = loadMultiInputPrimaryFixture();
const TOLERANCE = 1e-4;

function assertParity(name: string, actual: tf.Tensor[]): void {
  const references = fx.cases[name].references();
  assert.equal(actual.length, references.length, `${name}: number of attributions`);
  actual.forEach((a, i) => {
    const error = relativeMaxError(a, references[i]);
    assert.ok(error <= TOLERANCE, `${name}[${i}]: relative max error ${error}`);
  });
  tf.dispose([...actual, ...references]);
}

Deno.test("gradient methods match Captum on the two-input network", async () => {
  const inputs = fx.inputs();
  const methods = [
    ["Saliency", new Saliency(fx.model)],
    ["InputXGradient", new InputXGradient(fx.model)],
    ["GuidedBackprop", new GuidedBackprop(fx.model)],
    ["Deconvolution", new Deconvolution(fx.model)],
  ] as const;
  for (const [name, method] of methods) {
    assertParity(name, await method.attribute(inputs, { target: fx.targets }));
  }
  tf.dispose(inputs);
});

Deno.test("`Occlusion` matches Captum with one window per input on the two-input network", async () => {
  const inputs = fx.inputs();
  const baselines = fx.baselines();
  const { slidingWindowShapes, strides } = fx.cases.Occlusion.options as {
    slidingWindowShapes: number[][];
    strides: [number[], number];
  };
  const attr = await new Occlusion(fx.model).attribute(inputs, {
    slidingWindowShapes,
    strides,
    baselines,
    target: fx.targets,
  });
  assertParity("Occlusion", attr);
  tf.dispose([...inputs, ...baselines]);
});

Deno.test("`FeatureAblation` and `ShapleyValues` match Captum with a mask spanning both inputs", async () => {
  const inputs = fx.inputs();
  const baselines = fx.baselines();
  const featureMask = fx.featureMask();
  const options = { featureMask, baselines, target: fx.targets };
  assertParity("FeatureAblation", await new FeatureAblation(fx.model).attribute(inputs, options));
  assertParity("ShapleyValues", await new ShapleyValues(fx.model).attribute(inputs, options));
  tf.dispose([...inputs, ...baselines, ...featureMask]);
});

Deno.test("`FeatureAblation` matches Captum with the vector as additionalForwardArgs", async () => {
  const [image, vector] = fx.inputs();
  const [baseline] = fx.baselines();
  const [mask] = fx.featureMask();
  const attr = await new FeatureAblation(fx.model).attribute(image, {
    featureMask: mask,
    baselines: baseline,
    target: fx.targets,
    additionalForwardArgs: [vector],
    perturbationsPerEval: 3,
  });
  assertParity("FeatureAblation_extra", [attr]);
  tf.dispose([image, vector, baseline, mask]);
});
