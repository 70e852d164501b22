import assert from "node:assert/strict";
import {
  GuidedBackprop,
  GuidedGradCam,
  LayerAttribution,
  LayerGradCam,
  tf,
} from "../../lib/mod.ts";
import { twoInputNetwork } from "../../fixtures/multi_input_networks.ts";
import { assertAllClose, assertNoLeak, relativeMaxError } from "../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../fixtures/load_fixture.ts";
import { oneConvInput, oneConvNet, residualModel } from "./layer/_models.ts";

Deno.test("`GuidedGradCam.attribute()` matches Captum on the fixture (conv2)", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs.slice([1], [1]);
  const attr = await new GuidedGradCam(fx.model, "conv2").attribute(x, { target: fx.targets[1] });
  const ref = fx.reference("GuidedGradCam");
  assert.deepEqual(attr.shape, ref.shape);
  const err = relativeMaxError(attr, ref);
  assert.ok(err <= 1e-3, `relative max error ${err}`);
});

Deno.test("`GuidedGradCam.attribute()` is guided backprop × the upsampled ReLU'd Grad-CAM", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  const attr = await new GuidedGradCam(model, "conv1").attribute(x, { target: 0 });
  // Grad-CAM [[11.25, 13.5], [20.25, 22.5]] upsampled nearest to 4×4, times GuidedBackprop.
  const gb = [0, 1, 1, 1, 1, 3, 3, 2, 1, 3, 3, 2, 1, 2, 2, 1];
  const cam = [11.25, 11.25, 13.5, 13.5, 11.25, 11.25, 13.5, 13.5, 20.25, 20.25, 22.5, 22.5];
  cam.push(20.25, 20.25, 22.5, 22.5);
  assertAllClose(attr, gb.map((g, i) => g * cam[i]), { atol: 1e-4 });
  // Bilinear mode and a branchy functional model with 2 channels (broadcast over channels).
  const res = residualModel();
  const xr = tf.randomNormal([2, 5, 5, 2], 0, 1, "float32", 1);
  const ggc = await new GuidedGradCam(res, "conv_b").attribute(xr, {
    target: 1,
    interpolateMode: "bilinear",
  });
  const g = await new GuidedBackprop(res).attribute(xr, { target: 1 });
  const c = await new LayerGradCam(res, "conv_b").attribute(xr, {
    target: 1,
    reluAttributions: true,
  });
  assertAllClose(ggc, g.mul(c), { rtol: 1e-5, atol: 1e-6 });
});

Deno.test("`GuidedGradCam.attribute()` leaks nothing and restores the ReLU gradient", async () => {
  const model = oneConvNet();
  const ggc = new GuidedGradCam(model, "conv1");
  const x = oneConvInput();
  const plain = tf.getGradient("Relu").gradFunc;
  await assertNoLeak(() => ggc.attribute(x, { target: 0 }));
  await assert.rejects(() => ggc.attribute(x, { target: 9 }), RangeError);
  await assert.rejects(
    () => ggc.attribute(x, { interpolateMode: "linear" }),
    /interpolateMode must be one of "nearest", "bilinear", "bicubic", "area"/,
  );
  assert.equal(tf.getGradient("Relu").gradFunc, plain);
  await assert.rejects(
    () => new GuidedGradCam(model, "fc1").attribute(x, { target: 0 }),
    /layer must be a layer with a 4-D NHWC output/,
  );
  await assertNoLeak(async () => {
    try {
      await new GuidedGradCam(model, "fc1").attribute(x, { target: 0 });
    } catch { /* expected */ }
  });
});

Deno.test("`GuidedGradCam.attribute()` on two inputs: each image × the map, an empty tensor for a vector, as Captum", async () => {
  const model = twoInputNetwork();
  const x = [
    tf.randomUniform([2, 5, 5, 1], 0, 1, "float32", 3),
    tf.tensor2d([[0.5, -1, 2], [1, 0, -0.5]]),
  ];
  const target = [0, 2];
  const ggc = new GuidedGradCam(model, "conv");
  const [image, vector] = await ggc.attribute(x, { target, interpolateMode: "bilinear" });
  const [guided] = await new GuidedBackprop(model).attribute(x, { target });
  const cam = await new LayerGradCam(model, "conv").attribute(x, {
    target,
    reluAttributions: true,
  });
  const expected = guided.mul(LayerAttribution.interpolate(cam, [5, 5], "bilinear"));
  assert.deepEqual(image.shape, [2, 5, 5, 1]);
  assertAllClose(image, expected, { rtol: 1e-6, atol: 1e-7 });
  assert.deepEqual(vector.shape, [0]);
  // The vector as additionalForwardArgs: the image's attribution alone, the same values.
  const alone = await ggc.attribute(x[0], {
    target,
    additionalForwardArgs: [x[1]],
    interpolateMode: "bilinear",
  });
  assertAllClose(alone, expected, { rtol: 1e-6, atol: 1e-7 });
  await assertNoLeak(() => ggc.attribute(x, { target }));
  await assertNoLeak(async () => {
    await assert.rejects(
      new GuidedGradCam(model, "merge").attribute(x, { target, attributeToLayerInput: true }),
      {
        name: "TypeError",
        message:
          /^Cannot compute GuidedGradCam attributions: layer must be a layer with a 4-D NHWC output \(a convolution; one tensor\).*a map of shape \[2, 1\] and a map of shape \[2, 1\].*Attribute to the layer's output/,
      },
    );
  });
});

Deno.test("`GuidedGradCam.attribute()` refuses inputs with no image and extra arguments the model lacks", async () => {
  const a = tf.input({ shape: [3] });
  const b = tf.input({ shape: [2] });
  const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: "fc" }).apply(merged) as tf.SymbolicTensor;
  const vectors = tf.model({ inputs: [a, b], outputs: out });
  const pair = [tf.ones([1, 3]), tf.ones([1, 2])];
  const conv = new GuidedGradCam(oneConvNet(), "conv1");
  const image = oneConvInput();
  await assertNoLeak(async () => {
    await assert.rejects(
      new GuidedGradCam(vectors, "fc").attribute(pair, { target: 0 }),
      {
        name: "TypeError",
        message:
          /^Cannot compute GuidedGradCam attributions: inputs must be at least one NHWC image \[N, H, W, C\] among the inputs/,
      },
    );
    await assert.rejects(
      conv.attribute(image, {
        target: 0,
        additionalForwardArgs: [1],
      }),
      { name: "TypeError", message: /inputs must be 1 tensors for the model's 1 inputs/ },
    );
  });
});
