import assert from "node:assert/strict";
import {
  DeepLift,
  GradientShap,
  IntegratedGradients,
  NoiseTunnel,
  Occlusion,
  Saliency,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const quadratic = (x: tf.Tensor) => x.square().sum(1, true);

Deno.test("`NoiseTunnel.attribute()` with stdevs 0 reduces to the wrapped method", async () => {
  const x = tf.tensor2d([[1, -2], [3, 0.5]]);
  const nt = new NoiseTunnel(new Saliency(quadratic));
  const smooth = await nt.attribute(x, { stdevs: 0, abs: false });
  assertAllClose(smooth, [2, -4, 6, 1], { atol: 1e-6 });
  const sq = await nt.attribute(x, { stdevs: 0, abs: false, ntType: "smoothgrad_sq" });
  assertAllClose(sq, [4, 16, 36, 1], { rtol: 1e-6 });
  const varg = await nt.attribute(x, { stdevs: 0, ntType: "vargrad" });
  assertAllClose(varg, [0, 0, 0, 0], { atol: 1e-5 });
  tf.dispose([x, smooth, sq, varg]);
});

Deno.test("`NoiseTunnel.attribute()` matches the noise statistics on a quadratic model", async () => {
  // IG of Σ x² from 0 is (x + ε)²: smoothgrad → x² + σ², vargrad → Var[(x+ε)²] = 4x²σ² + 2σ⁴.
  const x = tf.tensor2d([[1, -2]]);
  const nt = new NoiseTunnel(new IntegratedGradients(quadratic));
  const sigma = 0.5;
  const smooth = await nt.attribute(x, { stdevs: sigma, ntSamples: 4000, nSteps: 4 });
  assertAllClose(smooth, [1.25, 4.25], { rtol: 0.05 });
  const varg = await nt.attribute(x, {
    stdevs: sigma,
    ntSamples: 4000,
    nSteps: 4,
    ntType: "vargrad",
    ntSamplesBatchSize: 1000,
  });
  assertAllClose(varg, [4 * 0.25 + 2 * 0.0625, 16 * 0.25 + 2 * 0.0625], { rtol: 0.1 });
  tf.dispose([x, smooth, varg]);
});

Deno.test("`NoiseTunnel.attribute()` repeats targets and per-example baselines, independent of ntSamplesBatchSize", async () => {
  const model = (v: tf.Tensor) => tf.relu(v.mul(tf.tensor2d([[1, 2]])));
  const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5]]);
  const baselines = tf.tensor2d([[0, 0], [1, 1], [0, 1]]);
  const nt = new NoiseTunnel(new DeepLift(model));
  const options = { target: [0, 1, 1], baselines, ntSamples: 6, stdevs: 0.2, seed: 5 };
  const whole = await nt.attribute(x, options);
  const chunked = await nt.attribute(x, { ...options, ntSamplesBatchSize: 4 });
  assertAllClose(chunked, whole, { atol: 1e-6 });
  await assertNoLeak(() => nt.attribute(x, options));
  const shap = new NoiseTunnel(new GradientShap(model));
  const rows = tf.zeros([5, 2]);
  await assertNoLeak(() =>
    shap.attribute(x, { target: 0, baselines: rows, ntSamples: 2 }).then((t) => {
      assert.deepEqual(t.shape, [3, 2]);
      return t;
    })
  );
  tf.dispose([x, baselines, whole, chunked, rows]);
});

Deno.test("`NoiseTunnel.attribute()` rejects bad options with pinned messages", async () => {
  const x = tf.tensor2d([[1, 2]]);
  const nt = new NoiseTunnel(new Saliency(quadratic));
  await assert.rejects(nt.attribute(x, { ntType: "smooth" as never }), {
    name: "RangeError",
    message:
      'Cannot compute NoiseTunnel attributions: ntType must be one of "smoothgrad", "smoothgrad_sq", "vargrad", received "smooth". Pick one of the listed values.',
  });
  await assert.rejects(nt.attribute(x, { ntSamples: 0 }), {
    name: "RangeError",
    message: /ntSamples must be a positive integer, received 0\. Pass ntSamples >= 1\./,
  });
  await assert.rejects(nt.attribute(x, { stdevs: -0.1 }), RangeError);
  assert.throws(() => new NoiseTunnel({} as never), TypeError);
  x.dispose();
});

Deno.test("`NoiseTunnel.attributeWithDelta()` returns the wrapped method's delta per noisy copy, in Captum's chunk order", async () => {
  const model = (x: tf.Tensor) => x.pow(3).sum(1, true);
  const ig = new IntegratedGradients(model);
  const x = tf.tensor2d([[1, -2], [0.5, 2]]);
  // With stdevs 0 every copy is its example, so each delta is IG's own (nonzero with 2 steps).
  const options = { nSteps: 2, method: "riemann_left" as const };
  const own = await ig.attributeWithDelta(x, options);
  const [d0, d1] = own.delta.dataSync();
  assert.ok(Math.abs(d0) > 0.1 && Math.abs(d1) > 0.1);
  const nt = new NoiseTunnel(ig);
  const { attributions, delta } = await nt.attributeWithDelta(x, {
    ...options,
    stdevs: 0,
    ntSamples: 3,
    ntSamplesBatchSize: 2,
  });
  assertAllClose(attributions, own.attributions, { atol: 1e-6 });
  // Chunks of 2 then 1 copies, each example-major: [e0, e0, e1, e1], then [e0, e1].
  assertAllClose(delta, tf.tensor1d([d0, d0, d1, d1, d0, d1]), { atol: 1e-5 });
  const plain = await nt.attribute(x, { ...options, stdevs: 0.3, ntSamples: 4, seed: 2 });
  const withDelta = await nt.attributeWithDelta(x, {
    ...options,
    stdevs: 0.3,
    ntSamples: 4,
    seed: 2,
  });
  assertAllClose(withDelta.attributions, plain);
  assert.deepEqual(withDelta.delta.shape, [8]);
});

Deno.test("`hasConvergenceDelta()` is Captum's: true for path methods and NoiseTunnel over them", async () => {
  const model = (x: tf.Tensor) => x.square().sum(1, true);
  assert.equal(new IntegratedGradients(model).hasConvergenceDelta(), true);
  assert.equal(new DeepLift(model).hasConvergenceDelta(), true);
  assert.equal(new GradientShap(model).hasConvergenceDelta(), true);
  assert.equal(new Saliency(model).hasConvergenceDelta(), false);
  assert.equal(new Occlusion(model).hasConvergenceDelta(), false);
  assert.equal(new NoiseTunnel(new IntegratedGradients(model)).hasConvergenceDelta(), true);
  const nt = new NoiseTunnel(new Saliency(model));
  assert.equal(nt.hasConvergenceDelta(), false);
  const x = tf.tensor2d([[1, 2]]);
  await assertNoLeak(async () => {
    await assert.rejects(nt.attributeWithDelta(x), {
      name: "TypeError",
      message:
        "Cannot compute NoiseTunnel attributions with a convergence delta: the wrapped method must compute one, received Saliency. Call attribute(), or wrap IntegratedGradients, DeepLift, DeepLiftShap, GradientShap or a layer variant.",
    });
  });
});
