import assert from "node:assert/strict";
import { createClassifier, tf, tutorialExplainers } from "../../lib/mod.ts";

Deno.test("`tutorialExplainers()` gives notebook 08's ten explainers, each an attribution map of the inputs' shape, leak-free", async () => {
  const explainers = tutorialExplainers({ quick: true });
  assert.deepEqual(Object.keys(explainers), [
    "Saliency",
    "Integrated Gradients",
    "IG + SmoothGrad",
    "Gradient SHAP",
    "DeepLIFT",
    "Guided Grad-CAM",
    "Grad-CAM (conv2)",
    "Occlusion",
    "Kernel SHAP",
    "Edge detector (control)",
  ]);
  const model = createClassifier({ seed: 1 });
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 2);
  const before = tf.memory().numTensors;
  for (const [name, explain] of Object.entries(explainers)) {
    const attr = await explain(model, x, [3, 7]);
    assert.deepEqual(attr.shape, [2, 28, 28, 1], name);
    assert.ok((await attr.data()).every(Number.isFinite), name);
    attr.dispose();
    assert.equal(tf.memory().numTensors, before, `${name} leaked`);
  }
  assert.ok("Grad-CAM (conv1)" in tutorialExplainers({ camLayer: "conv1" }));
});
