import assert from "node:assert/strict";
import { compareExplainers, Figure, tf } from "../../lib/mod.ts";
import { edgeDetector, saliency } from "./_explainers.ts";

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
const images = tf.randomUniform([6, 8, 8, 1], 0, 1, "float32", 0);
const options = { showProgress: false, faithfulnessSamples: 10, sanityImages: 4, nSteps: 8 };

Deno.test("`compareExplainers()` returns a method × metric table, verdicts, curves and figures", async () => {
  const before = tf.memory().numTensors;
  const result = await compareExplainers(
    model,
    { "Edge detector": edgeDetector, Saliency: saliency },
    images,
    { ...options, independent: true },
  );
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(result.methods, ["Edge detector", "Saliency"]);
  assert.equal(result.target.length, 6);
  const metrics = [...new Set(result.table.map((r) => r.metric))];
  assert.deepEqual(metrics, [
    "deletion AUC (MoRF)",
    "insertion AUC (MoRF)",
    "AOPC (MoRF)",
    "faithfulness correlation",
    "ROAD AUC (MoRF)",
    "sparseness",
    "complexity",
    "randomization similarity (spearman)",
    "random-logit similarity (spearman)",
  ]);
  assert.equal(result.table.length, 2 * metrics.length);
  assert.equal(result.sanity["Edge detector"].passesRandomization, false);
  assert.equal(result.sanity["Edge detector"].passesRandomLogit, false);
  assert.ok(result.sanity["Edge detector"].randomizationSimilarity > 0.999);
  assert.equal(result.sanity.Saliency.passesRandomization, true);
  assert.equal(result.randomization.Saliency.steps.length, 2);
  assert.equal(result.independentRandomization?.Saliency.mode, "independent");
  assert.equal(result.curves.Saliency.deletion.scores.length, 6);
  assert.equal(result.randomLogit.Saliency.target.length, 4);
  for (const fig of Object.values(result.figures)) assert.ok(fig instanceof Figure);
});

Deno.test("`compareExplainers()` pins its errors", async () => {
  await assert.rejects(compareExplainers(model, {}, images, options), {
    name: "TypeError",
    message:
      /^Cannot compute compareExplainers: explainers must be an object mapping method names to explainer functions, received \{\}/,
  });
  await assert.rejects(
    // @ts-expect-error not a function
    compareExplainers(model, { Saliency: "saliency" }, images, options),
    { name: "TypeError", message: /explainer must be a function \(model, inputs, target\)/ },
  );
  await assert.rejects(
    // @ts-expect-error unknown measure
    compareExplainers(model, { Saliency: saliency }, images, { ...options, passMeasure: "l2" }),
    { name: "RangeError", message: /passMeasure must be one of "spearmanAbs", "spearman"/ },
  );
});
