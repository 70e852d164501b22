import assert from "node:assert/strict";
import * as tfjs from "@tensorflow/tfjs";
import * as mod from "../lib/mod.ts";

Deno.test("importing `lib/mod.ts` selects the wasm backend", () => {
  assert.equal(mod.tf.getBackend(), "wasm");
});

Deno.test("`lib/mod.ts` re-exports TensorFlow.js itself as `tf`", () => {
  assert.equal(mod.tf.tensor, tfjs.tensor);
  assert.equal(mod.tf.layers.dense, tfjs.layers.dense);
});

Deno.test("`lib/mod.ts` exports Captum's method names as classes", () => {
  for (
    const name of [
      "IntegratedGradients",
      "Saliency",
      "DeepLift",
      "DeepLiftShap",
      "GradientShap",
      "InputXGradient",
      "GuidedBackprop",
      "Deconvolution",
      "GuidedGradCam",
      "FeatureAblation",
      "FeaturePermutation",
      "Occlusion",
      "ShapleyValueSampling",
      "ShapleyValues",
      "LRP",
      "LayerLRP",
      "LimeBase",
      "Lime",
      "KernelShap",
      "NoiseTunnel",
      "ProductBaselines",
      "LayerGradCam",
      "LayerIntegratedGradients",
      "LayerConductance",
      "LayerFeaturePermutation",
      "NeuronGradient",
      "NeuronConductance",
    ] as const
  ) {
    assert.equal(typeof mod[name], "function", name);
  }
});
