import assert from "node:assert/strict";
import {
  FeatureAblation,
  infidelity,
  IntegratedGradients,
  LayerConductance,
  NoiseTunnel,
  Occlusion,
  Saliency,
  tf,
} from "../../../lib/mod.ts";
import { callProgress } from "../../../lib/attr/_utils/progress.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";
import { captureStderr } from "../../_helpers/capture_stderr.ts";

const model = (x: tf.Tensor) => x.square().sum(1, true);
const x = tf.tensor2d([[1, 2], [3, -1]]);

Deno.test("`callProgress()` is silent unless asked, and counts units under Captum's label", async () => {
  const silent = await captureStderr(async () => {
    const p = callProgress(false, "IntegratedGradients", 10, "steps");
    await p.advance(5);
    await p.finish();
  });
  assert.equal(silent.text, "");
  const shown = await captureStderr(async () => {
    const p = callProgress(true, "IntegratedGradients", 10, "steps");
    await p.advance(5);
    await p.finish();
  });
  const lines = shown.text.trim().split("\n");
  assert.match(lines[0], /^IntegratedGradients attribution [█░]{30} {2}50% 5\/10 steps$/);
  assert.match(lines.at(-1)!, /^IntegratedGradients attribution █{30} 100% 10\/10 steps$/);
});

Deno.test("`showProgress` reports a path method's steps chunk by chunk, with the same result", async () => {
  const ig = new IntegratedGradients(model);
  const plain = await ig.attribute(x, { nSteps: 8, internalBatchSize: 4 });
  const { text, result } = await captureStderr(() =>
    ig.attribute(x, { nSteps: 8, internalBatchSize: 4, showProgress: true })
  );
  assertAllClose(result, plain);
  // Chunks of 2 steps (4 rows, 2 examples): 2, 4, 6, 8 of 8.
  assert.deepEqual(
    [...text.matchAll(/(\d+)\/8 steps/g)].map((m) => Number(m[1])),
    [2, 4, 6, 8, 8],
  );
  const quiet = await captureStderr(() => ig.attribute(x, { nSteps: 8 }));
  assert.equal(quiet.text, "");
});

Deno.test("`showProgress` on layer, perturbation, NoiseTunnel and metric calls ends at 100 %", async () => {
  const net = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: "hidden" }),
      tf.layers.dense({
        units: 1,
      }),
    ],
  });
  const calls: [string, () => Promise<tf.Tensor>][] = [
    [
      "LayerConductance attribution",
      () => new LayerConductance(net, "hidden").attribute(x, { nSteps: 5, showProgress: true }),
    ],
    [
      "Occlusion attribution",
      () => new Occlusion(model).attribute(x, { slidingWindowShapes: [1], showProgress: true }),
    ],
    [
      "FeatureAblation attribution",
      () => new FeatureAblation(model).attribute(x, { showProgress: true }),
    ],
    [
      "NoiseTunnel attribution",
      () => new NoiseTunnel(new Saliency(model)).attribute(x, { ntSamples: 3, showProgress: true }),
    ],
    [
      "infidelity",
      async () => {
        const attr = await new Saliency(model).attribute(x);
        return await infidelity(
          model,
          (inputs) => [tf.onesLike(inputs).mul(0.1), inputs.sub(0.1)],
          x,
          attr,
          { nPerturbSamples: 4, showProgress: true },
        );
      },
    ],
  ];
  for (const [label, run] of calls) {
    const { text, result } = await captureStderr(run);
    result.dispose();
    const last = text.trim().split("\n").at(-1)!;
    assert.ok(last.startsWith(`${label} `) && last.includes(" 100% "), `${label}: ${last}`);
  }
});
