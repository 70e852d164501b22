import assert from "node:assert/strict";
import {
  loadCheckpoint,
  loadFashionMnist,
  modelParameterRandomization,
  PRETRAINED_CLASSIFIER_DIR,
  tf,
  toTensors,
} from "../../lib/mod.ts";
import { edgeDetector, integratedGradients, saliency } from "./_explainers.ts";

const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const { xs, ys } = toTensors(await loadFashionMnist({ split: "test", limit: 8 }));
ys.dispose();
const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
const weightValues = () => model.getWeights().map((w) => Array.from(w.dataSync()));

Deno.test("`modelParameterRandomization()` fails an explainer that ignores the model", async () => {
  for (const mode of ["cascading", "independent"] as const) {
    const result = await modelParameterRandomization(model, edgeDetector, xs, { mode });
    assert.deepEqual(result.steps.map((s) => s.layer), ["dense", "conv2", "conv1"]);
    for (const step of result.steps) {
      for (const [measure, values] of Object.entries(step.similarity)) {
        assert.ok(mean(values) > 0.999, `${mode} ${step.layer} ${measure}: ${mean(values)}`);
      }
    }
  }
});

Deno.test("`modelParameterRandomization()`: Saliency and IG on the trained CNN change", async () => {
  const s = await modelParameterRandomization(model, saliency, xs);
  const last = s.steps.at(-1)!.similarity;
  assert.ok(mean(last.spearman) < 0.3, `Saliency spearman ${mean(last.spearman)}`);
  assert.ok(mean(last.ssim) < 0.3, `Saliency SSIM ${mean(last.ssim)}`);
  const ig = await modelParameterRandomization(model, integratedGradients, xs);
  const igLast = ig.steps.at(-1)!.similarity;
  assert.ok(mean(igLast.spearman) < 0.3, `IG spearman ${mean(igLast.spearman)}`);
  assert.ok(mean(igLast.ssim) < 0.8, `IG SSIM ${mean(igLast.ssim)}`);
  // Already the top layer alone changes them.
  assert.ok(mean(s.steps[0].similarity.spearman) < 0.5);
});

Deno.test("`modelParameterRandomization()` steps: cascading accumulates, independent does not, same draws", async () => {
  const x = xs.slice(0, 3);
  const cascading = await modelParameterRandomization(model, saliency, x, { keepMaps: 2 });
  const independent = await modelParameterRandomization(model, saliency, x, {
    mode: "independent",
  });
  assert.deepEqual(cascading.steps.map((s) => s.randomized), [
    ["dense"],
    ["dense", "conv2"],
    ["dense", "conv2", "conv1"],
  ]);
  assert.deepEqual(independent.steps.map((s) => s.randomized), [["dense"], ["conv2"], ["conv1"]]);
  // The first step randomizes the same layer with the same seed in both modes.
  assert.deepEqual(cascading.steps[0].similarity, independent.steps[0].similarity);
  assert.equal(cascading.maps.original.length, 2);
  assert.equal(cascading.maps.randomized.length, 3);
  assert.equal(cascading.maps.randomized[2][1].length, 28 * 28);
  assert.equal(independent.maps.original.length, 0);
  // Seeded: the same call gives the same result; another seed another one.
  const again = await modelParameterRandomization(model, saliency, x, { keepMaps: 2 });
  assert.deepEqual(again.steps, cascading.steps);
  const other = await modelParameterRandomization(model, saliency, x, { seed: 5 });
  assert.notDeepEqual(other.steps[0].similarity, cascading.steps[0].similarity);
  // Explicit layers, explicit target and batching.
  const one = await modelParameterRandomization(model, saliency, x, {
    layers: ["conv1"],
    target: [0, 1, 2],
    batchSize: 2,
  });
  assert.deepEqual(one.target, [0, 1, 2]);
  assert.deepEqual(one.steps.map((s) => s.layer), ["conv1"]);
  x.dispose();
});

Deno.test("`modelParameterRandomization()` never touches the model's weights and leaks nothing, even when the explainer throws", async () => {
  const before = weightValues();
  const tensors = tf.memory().numTensors;
  await modelParameterRandomization(model, saliency, xs, { mode: "independent" });
  assert.equal(tf.memory().numTensors, tensors);
  let calls = 0;
  await assert.rejects(
    modelParameterRandomization(model, (m, x, t) => {
      if (++calls === 3) throw new Error("explainer failed");
      return saliency(m, x, t);
    }, xs),
    { message: "explainer failed" },
  );
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(weightValues(), before);
  const predictions = tf.tidy(() =>
    Array.from((model.predict(xs) as tf.Tensor).argMax(1).dataSync())
  );
  assert.equal(predictions.length, 8);
});

Deno.test("`modelParameterRandomization()` pins its errors", async () => {
  const forward = (x: tf.Tensor) => x.sum(1);
  await assert.rejects(
    // @ts-expect-error a forward function cannot be randomized
    modelParameterRandomization(forward, saliency, xs),
    {
      name: "TypeError",
      message:
        /^Cannot compute modelParameterRandomization: model must be a tf\.LayersModel \(its copies are randomized layer by layer\), received a function\. Pass/,
    },
  );
  await assert.rejects(
    // @ts-expect-error unknown mode
    modelParameterRandomization(model, saliency, xs, { mode: "bottom_up" }),
    {
      name: "RangeError",
      message: /mode must be "cascading" or "independent", received "bottom_up"/,
    },
  );
  await assert.rejects(modelParameterRandomization(model, saliency, xs, { layers: ["relu1"] }), {
    name: "TypeError",
    message:
      /layers must be names of layers with weights \(conv1, conv2, dense\), received "relu1"/,
  });
  await assert.rejects(
    modelParameterRandomization(model, () => Promise.resolve(tf.ones([1, 28, 28])), xs),
    {
      name: "TypeError",
      message: /the explainer's result must be a tensor of its inputs' shape \[8, 28, 28, 1\]/,
    },
  );
});
