import assert from "node:assert/strict";
import {
  BACKEND_NAMES,
  CAV,
  type Classifier,
  Concept,
  DefaultClassifier,
  LayerGradientXActivation,
  setBackend,
  significanceSets,
  TCAV,
  tcavSignificance,
  tf,
} from "../../lib/mod.ts";
import { assertNoLeak } from "../_helpers/tensor_asserts.ts";
import { withTempDir } from "../_helpers/temp_dir.ts";
import { MeanDifference } from "./_mean_difference.ts";

/** The direction the network's output follows, unit length. */
const NORM = Math.hypot(1, 2, -1, 0.5);
const U = [1, 2, -1, 0.5].map((v) => v / NORM);

/**
 * "hidden" copies the 4-d input; the logits are [u·h, −u·h], so ∂logit₀/∂hidden = u and
 * ∂logit₁/∂hidden = −u for every input: the layer encodes the direction u.
 */
function directionModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: "hidden", units: 4, inputShape: [4], useBias: false }),
      tf.layers.dense({ name: "logits", units: 2 }),
    ],
  });
  tf.tidy(() => {
    model.getLayer("hidden").setWeights([tf.eye(4)]);
    model.getLayer("logits").setWeights([
      tf.tensor2d(U.map((v) => [v, -v])),
      tf.zeros([2]),
    ]);
  });
  return model;
}

/** 30 examples `scale · u + 0.3 · noise` (scale 0: isotropic noise, a random concept). */
function examples(scale: number, seed: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.randomNormal([30, 4], 0, scale === 0 ? 1 : 0.3, "float32", seed).add(
      tf.tensor2d([U]).mul(scale),
    )
  );
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

for (const backend of BACKEND_NAMES) {
  Deno.test(`\`TCAV\` recovers the direction a layer encodes: score 1 along the gradient, 0 against it (${backend})`, async () => {
    await setBackend(backend);
    const model = directionModel();
    const data = [examples(2, 1), examples(-2, 2), examples(0, 3)];
    const [aligned, opposite, random] = data.map((d, i) =>
      new Concept(i, ["aligned", "opposite", "random"][i], [d])
    );
    const inputs = tf.randomNormal([10, 4], 0, 1, "float32", 4) as tf.Tensor2D;
    const tcav = new TCAV(model, "hidden", { savePath: null });
    const sets = [[aligned, random], [opposite, random]];
    const up = await tcav.interpret(inputs, sets, { target: 0 });
    assert.deepEqual(up["0-2"].hidden.signCount, [1, 0]);
    assert.deepEqual(up["1-2"].hidden.signCount, [0, 1]);
    const down = await tcav.interpret(inputs, sets, { target: 1 });
    assert.deepEqual(down["0-2"].hidden.signCount, [0, 1]);
    assert.deepEqual(down["1-2"].hidden.signCount, [1, 0]);
    // The gradient is u for every input, so the magnitude is u · CAV row exactly.
    const { weights, classes } = tcav.cavs["0-2"].hidden.stats!;
    assert.deepEqual(classes, [0, 2]);
    const expected = weights.map((row) => dot(U, row));
    up["0-2"].hidden.magnitude.forEach((m, i) =>
      assert.ok(Math.abs(m - expected[i]) <= 1e-5 * Math.abs(expected[i]), `${m} vs ${expected[i]}`)
    );
    // The CAV row of "aligned" (class 0) points along u, the random concept's against it.
    const cosine = dot(weights[0], U) / Math.hypot(...weights[0]);
    assert.ok(cosine > 0.95, `cosine(CAV, u) = ${cosine}`);
    assert.deepEqual(Array.from(weights[1]), Array.from(weights[0], (v) => -v));
    tf.dispose([...data, inputs]);
    model.dispose();
  });
}

Deno.test("`tcavSignificance()` finds the aligned concept significant, far more than a random one", async () => {
  const model = directionModel();
  const data = [examples(2, 10), ...[11, 12, 13, 14, 15, 16, 17].map((s) => examples(0, s))];
  const [aligned, ...randoms] = data.map((d, i) =>
    new Concept(i, i === 0 ? "aligned" : `random_${i}`, [d])
  );
  const inputs = tf.randomNormal([10, 4], 0, 1, "float32", 18);
  const tcav = new TCAV(model, "hidden", { savePath: null });
  const sets = significanceSets(aligned, randoms);
  const asRandom = significanceSets(randoms[1], [randoms[0], ...randoms.slice(2)]);
  const scores = await tcav.interpret(
    inputs,
    [...sets.conceptSets, ...sets.randomSets, ...asRandom.conceptSets],
    { target: 0 },
  );
  const [result] = tcavSignificance(scores, sets, { scoreType: "magnitude" });
  assert.equal(result.concept, "aligned");
  assert.equal(result.layer, "hidden");
  assert.equal(result.conceptScores.length, 6);
  assert.ok(result.significant && result.pValue < 1e-4, `p = ${result.pValue}`);
  assert.ok(result.conceptMean > result.randomMean);
  const [control] = tcavSignificance(scores, asRandom, { scoreType: "magnitude" });
  // Two random concepts' scores differ too, through their particular samples (the test compares
  // one random counterpart with the concept, with shared negatives), but much less.
  assert.ok(
    Math.abs(control.tStatistic) < result.tStatistic / 1.5,
    `control t ${control.tStatistic}`,
  );
  tf.dispose([...data, inputs]);
  model.dispose();
});

/** A classifier that counts its trainings (and delegates to MeanDifference). */
class CountingClassifier extends MeanDifference implements Classifier {
  trainings = 0;
  override trainAndEval(data: Parameters<MeanDifference["trainAndEval"]>[0]) {
    this.trainings++;
    return super.trainAndEval(data);
  }
}

Deno.test("`TCAV` saves CAVs as JSON, keyed as Captum's, and loads them instead of retraining", async () => {
  await withTempDir("tcav_", async (dir) => {
    const model = directionModel();
    const data = [examples(2, 1), examples(0, 3)];
    const [aligned, random] = data.map((d, i) => new Concept(i, ["aligned", "random"][i], [d]));
    const first = new CountingClassifier();
    const cavs = await new TCAV(model, "hidden", { savePath: dir, classifier: first })
      .computeCavs([[aligned, random]]);
    assert.equal(first.trainings, 1);
    const path = `${dir}/default_model_id/0-1-hidden.json`;
    assert.equal(CAV.assembleSavePath(dir, "default_model_id", [aligned, random], "hidden"), path);
    const saved = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(saved.concept_ids, [0, 1]);
    assert.deepEqual(saved.concept_names, ["aligned", "random"]);
    assert.equal(saved.layer, "hidden");
    assert.deepEqual(saved.stats.classes, [0, 1]);
    assert.equal(saved.stats.accs, 1);
    // A new TCAV (new concepts without data, same ids) loads the CAV: no training.
    const second = new CountingClassifier();
    const named = [new Concept(0, "aligned", null), new Concept(1, "random", null)];
    const tcav = new TCAV(model, "hidden", { savePath: dir, classifier: second });
    const loaded = await tcav.computeCavs([named]);
    assert.equal(second.trainings, 0);
    assert.deepEqual(loaded["0-1"].hidden.stats!.weights, cavs["0-1"].hidden.stats!.weights);
    assert.deepEqual(loaded["0-1"].hidden.concepts.map((c) => `${c}`), [
      "Concept(0, 'aligned')",
      "Concept(1, 'random')",
    ]);
    // forceTrain retrains, which needs the examples.
    await assert.rejects(
      () => tcav.computeCavs([named], { forceTrain: true }),
      /Cannot train CAVs: Concept\(0, 'aligned'\)'s dataIter must be its input batches, received null/,
    );
    const third = new CountingClassifier();
    await new TCAV(model, "hidden", { savePath: dir, classifier: third })
      .computeCavs([[aligned, random]], { forceTrain: true });
    assert.equal(third.trainings, 1);
    // Another model id is another directory; a missing CAV loads as null.
    assert.equal(await CAV.load(dir, "other_model", [aligned, random], "hidden"), null);
    // A CAV saved for another layer size is refused, not used.
    const wide = tf.sequential({
      layers: [
        tf.layers.dense({ name: "hidden", units: 3, inputShape: [4] }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    await assert.rejects(
      () => new TCAV(wide, "hidden", { savePath: dir }).computeCavs([named]),
      /Cannot load CAVs: the CAV of 0-1 at hidden's weights must be one Float32Array of 3 values.*delete it or pass forceTrain: true/,
    );
    tf.dispose(data);
    model.dispose();
    wide.dispose();
  });
});

Deno.test("`TCAV` with the default classifier is deterministic and reads async and generator concept data", async () => {
  const model = directionModel();
  const a = examples(2, 1);
  const b = examples(0, 3);
  const inputs = tf.randomNormal([6, 4], 0, 1, "float32", 4);
  const run = async (concepts: Concept[]) => {
    const tcav = new TCAV(model, "hidden", { savePath: null, classifier: new DefaultClassifier() });
    const scores = await tcav.interpret(inputs, [concepts], { target: 0 });
    return { scores, weights: tcav.cavs["0-1"].hidden.stats!.weights };
  };
  const fromArrays = await run([new Concept(0, "a", [a]), new Concept(1, "b", [b])]);
  // The same examples in two batches each, from an async iterable and a re-iterable generator.
  const halves = (t: tf.Tensor) => [t.slice(0, 15), t.slice(15)];
  const asyncBatches = {
    async *[Symbol.asyncIterator]() {
      for (const h of halves(a)) {
        yield h;
        h.dispose(); // read before the next batch is asked for
      }
    },
  };
  const syncBatches = {
    *[Symbol.iterator]() {
      for (const h of halves(b)) {
        yield h;
        h.dispose();
      }
    },
  };
  const fromIterables = await run([
    new Concept(0, "a", asyncBatches),
    new Concept(1, "b", syncBatches),
  ]);
  assert.deepEqual(fromIterables.weights, fromArrays.weights);
  assert.deepEqual(fromIterables.scores, fromArrays.scores);
  // No tensor is left behind by a whole run (activations are kept as arrays, not tensors).
  await assertNoLeak(() =>
    run([new Concept(0, "a", asyncBatches), new Concept(1, "b", syncBatches)])
  );
  // A generator object is read once: a second TCAV finds it empty and says so.
  const once = (function* () {
    yield a;
  })();
  await run([new Concept(0, "a", once), new Concept(1, "b", [b])]);
  await assert.rejects(
    () => run([new Concept(0, "a", once), new Concept(1, "b", [b])]),
    /Concept\(0, 'a'\)'s dataIter must be at least one input batch, received "no batch". Pass an array of batches or a re-iterable object/,
  );
  tf.dispose([a, b, inputs]);
  model.dispose();
});

Deno.test("`TCAV` passes target, attributeToLayerInput and layerAttrOptions to its layer method", async () => {
  const model = directionModel();
  const data = [examples(2, 1), examples(0, 3)];
  const concepts = data.map((d, i) => new Concept(i, `c${i}`, [d]));
  const seen: Record<string, unknown>[] = [];
  const tcav = new TCAV(model, ["hidden", model.getLayer("logits")], {
    savePath: null,
    classifier: new MeanDifference(),
    layerAttrMethod: (m, layer) => ({
      attribute(x, options) {
        seen.push({ layer: layer.name, ...options });
        return new LayerGradientXActivation(m, layer, { multiplyByInputs: false }).attribute(
          x,
          options,
        );
      },
    }),
  });
  assert.deepEqual(tcav.layers, ["hidden", "logits"]);
  const inputs = tf.ones([2, 4]);
  await assertNoLeak(() =>
    tcav.interpret(inputs, [concepts], { target: 1, layerAttrOptions: { nSteps: 7 } })
  );
  assert.deepEqual(seen, [
    { layer: "hidden", nSteps: 7, target: 1, attributeToLayerInput: false },
    { layer: "logits", nSteps: 7, target: 1, attributeToLayerInput: false },
  ]);
  tf.dispose([...data, inputs]);
  model.dispose();
});

Deno.test("`TCAV` rejects wrong arguments with messages naming the argument, the value and the fix", async () => {
  const model = directionModel();
  const data = examples(2, 1);
  const [a, b] = [new Concept(0, "a", [data]), new Concept(1, "b", [data])];
  const inputs = tf.ones([2, 4]);
  const tcav = new TCAV(model, "hidden", { savePath: null, classifier: new MeanDifference() });
  assert.throws(
    () => new TCAV(model, "nope"),
    /Cannot compute TCAV attributions: layer must be one of the model's layers \("hidden", "logits"\), received "nope"/,
  );
  assert.throws(
    () => new TCAV(model, "hidden", { modelId: "" }),
    /Cannot create TCAV: modelId must be a non-empty string usable as a directory name, received ""/,
  );
  assert.throws(
    () => new TCAV(model, "hidden", { classifier: {} as Classifier }),
    /classifier must be an object with trainAndEval, weights and classes methods/,
  );
  await assert.rejects(
    () => tcav.interpret(inputs, [[a]]),
    new TypeError(
      "Cannot train CAVs: experimentalSets[0] must be an array of at least two Concepts, received " +
        "[\"Concept(0, 'a')\"]. Pair each concept with at least one other, e.g. [striped, random0].",
    ),
  );
  await tcav.computeCavs([[a, b]]);
  await assert.rejects(
    () => tcav.interpret(inputs, [[a, new Concept(1, "other b", [data])]]),
    /concept id 1 must be the id of one Concept instance/,
  );
  await assert.rejects(
    () => tcav.interpret(inputs.toInt(), [[a, b]]),
    /Cannot compute TCAV scores: inputs must be a live float32 tensor with a batch axis, received a int32 tensor of shape \[2, 4\]/,
  );
  await assert.rejects(
    () => tcav.interpret(inputs, [[a, b]], { layerAttrOptions: { target: 0 } }),
    /layerAttrOptions.target must be absent.*Pass target as interpret's own option/,
  );
  const wrongShape = tf.ones([3, 5]);
  await assert.rejects(
    () =>
      new TCAV(model, "hidden", { savePath: null }).computeCavs([[
        new Concept(0, "a", [wrongShape]),
        new Concept(1, "b", [data]),
      ]]),
    /batch 0 of Concept\(0, 'a'\) must be a live float32 tensor of the model's input shape \[N, 4\], received a float32 tensor of shape \[3, 5\]/,
  );
  assert.throws(
    () => new Concept(-1, "a", null),
    /Cannot create a Concept: id must be a non-negative integer, received -1/,
  );
  assert.throws(
    () => new Concept(0, "a", 5 as never),
    /dataIter must be an array, iterable or async iterable/,
  );
  tf.dispose([data, inputs, wrongShape]);
  model.dispose();
});
