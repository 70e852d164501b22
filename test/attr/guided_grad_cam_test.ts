import assert from "node:assert/strict";
import { GuidedBackprop, GuidedGradCam, LayerGradCam, tf } from "../../lib/mod.ts";
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

Deno.test("`GuidedGradCam.attribute()` refuses additionalForwardArgs instead of ignoring them", async () => {
  const model = oneConvNet();
  const x = oneConvInput();
  await assertNoLeak(async () => {
    await assert.rejects(
      new GuidedGradCam(model, "conv1").attribute(x, {
        target: 0,
        additionalForwardArgs: [1],
      } as never),
      {
        name: "TypeError",
        message:
          /^Cannot compute GuidedGradCam attributions: additionalForwardArgs must be undefined \(GuidedGradCam runs the model's layers itself/,
      },
    );
  });
});
