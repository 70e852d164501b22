import assert from "node:assert/strict";
import {
  FeatureAblation,
  KernelShap,
  Lime,
  Occlusion,
  type PerturbationBaseline,
  ProductBaselines,
  ShapleyValueSampling,
  tf,
} from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const weights = tf.tensor1d([1, 10, 100]);
const linear = (x: tf.Tensor) => x.mul(weights).sum(1);

Deno.test("`ProductBaselines.sample()` draws each feature's candidates uniformly over the product, seeded", () => {
  const values = [[0, 1], [5], [-1, 0, 1]];
  const a = new ProductBaselines(values, { seed: 4 });
  const b = new ProductBaselines(values, { seed: 4 });
  const counts = new Map<string, number>();
  for (let i = 0; i < 6000; i++) {
    const s = a.sample();
    assert.deepEqual(s, b.sample());
    assert.ok(values.every((list, j) => list.includes(s[j])), `${s}`);
    counts.set(s.join(","), (counts.get(s.join(",")) ?? 0) + 1);
  }
  // 2 · 1 · 3 = 6 combinations, each about 1000 times.
  assert.equal(counts.size, 6);
  for (const [k, c] of counts) assert.ok(c > 850 && c < 1150, `${k}: ${c}`);
  assert.notDeepEqual(
    Array.from({ length: 8 }, () => new ProductBaselines(values, { seed: 5 }).sample()),
    Array.from({ length: 8 }, () => new ProductBaselines(values, { seed: 4 }).sample()),
  );
});

Deno.test("`ProductBaselines.sample()` returns a record for record values, as Captum's dict form", () => {
  const product = new ProductBaselines({ age: [30, 40], income: [0] });
  assert.deepEqual(product.featureNames, ["age", "income"]);
  assert.equal(product.numFeatures, 2);
  const s = product.sample();
  assert.deepEqual(Object.keys(s), ["age", "income"]);
  assert.ok([30, 40].includes(s.age));
  assert.equal(s.income, 0);
});

Deno.test("`ProductBaselines.asBaselines()` is FeatureAblation's baselines: x − one draw per call", async () => {
  const x = tf.tensor2d([[2, 6, 2], [1, 1, 1]]);
  const values = [[0, 1], [5, 6], [-1, 0, 1]];
  const product = new ProductBaselines(values, { seed: 2 });
  const twin = new ProductBaselines(values, { seed: 2 });
  const ablation = new FeatureAblation(linear);
  for (let call = 0; call < 3; call++) {
    const attr = await ablation.attribute(x, { baselines: product.asBaselines() });
    const b = twin.sample();
    // F linear: feature j's attribution is w_j (x_j − b_j), the draw shared by the batch.
    const expected = [[2, 6, 2], [1, 1, 1]].map((row) =>
      row.map((v, j) => [1, 10, 100][j] * (v - b[j]))
    );
    assertAllClose(attr, expected, { atol: 1e-4, message: `call ${call}` });
  }
});

Deno.test("`ProductBaselines.asBaselines(featureMask)` spreads a draw over feature groups (one value per channel)", () => {
  const product = new ProductBaselines([[0.25], [0.5, 0.75]], { seed: 1 });
  const twin = new ProductBaselines([[0.25], [0.5, 0.75]], { seed: 1 });
  const channelMask = tf.tensor4d([0, 1], [1, 1, 1, 2], "int32");
  const x = tf.ones([1, 2, 2, 2]);
  const baselines = product.asBaselines(channelMask)(x);
  const b = twin.sample();
  assert.deepEqual(baselines.shape, [1, 2, 2, 2]);
  assertAllClose(baselines, [b[0], b[1], b[0], b[1], b[0], b[1], b[0], b[1]]);
  tf.dispose([baselines, x]);
});

Deno.test("`ProductBaselines.asBaselines()` serves Occlusion, ShapleyValueSampling, KernelShap and Lime as the drawn tensor would", async () => {
  const x = tf.tensor2d([[2, 6, 2], [1, 3, 1]]);
  const values = [[0, 1], [5, 6], [-1, 0, 1]];
  const cases: Array<[string, (baselines: PerturbationBaseline) => Promise<tf.Tensor>]> = [
    ["Occlusion", (b) =>
      new Occlusion(linear).attribute(x, {
        slidingWindowShapes: [1],
        baselines: b,
      })],
    [
      "ShapleyValueSampling",
      (b) => new ShapleyValueSampling(linear).attribute(x, { baselines: b, nSamples: 2 }),
    ],
    [
      "KernelShap",
      (b) => new KernelShap(linear).attribute(x, { baselines: b, nSamples: 30 }),
    ],
    ["Lime", (b) => new Lime(linear).attribute(x, { baselines: b, nSamples: 30 })],
  ];
  for (const [name, run] of cases) {
    const product = new ProductBaselines(values, { seed: 9 });
    const drawn = tf.tensor2d([new ProductBaselines(values, { seed: 9 }).sample()]);
    const viaFunction = await run(product.asBaselines());
    const viaTensor = await run(drawn);
    assertAllClose(viaFunction, viaTensor, { atol: 1e-5, message: name });
    tf.dispose([drawn, viaFunction, viaTensor]);
  }
});

Deno.test("`ProductBaselines` leaks nothing and names bad values, masks and shapes", async () => {
  const product = new ProductBaselines([[0, 1], [5], [1]]);
  const x = tf.tensor2d([[2, 6, 2]]);
  const ablation = new FeatureAblation(linear);
  await assertNoLeak(() => ablation.attribute(x, { baselines: product.asBaselines() }));
  assert.throws(() => new ProductBaselines([]), {
    name: "TypeError",
    message:
      /^Cannot make product baselines: baselineValues must be a non-empty list \(or record\) of candidate lists, received \[\]\. Pass e\.g\./,
  });
  assert.throws(() => new ProductBaselines([[0], []]), {
    name: "TypeError",
    message:
      /^Cannot make product baselines: baselineValues\[1\] must be a non-empty list of finite numbers/,
  });
  assert.throws(() => new ProductBaselines({ a: [NaN] }), /baselineValues\["a"\] must be/);
  assert.throws(() => new ProductBaselines([[0]], { seed: Infinity }), RangeError);
  await assert.rejects(
    () => ablation.attribute(tf.ones([1, 4]), { baselines: product.asBaselines() }),
    {
      name: "TypeError",
      message:
        /^Cannot make product baselines: inputs must have 3 elements per example \(one per feature\) when no featureMask is given, received inputs of shape \[4\] per example\./,
    },
  );
  await assert.rejects(
    () =>
      ablation.attribute(x, {
        baselines: product.asBaselines(tf.tensor2d([[0, 1, 3]], undefined, "int32")),
      }),
    /^TypeError: Cannot make product baselines: featureMask ids must be integers in 0 … 2 \(one per feature\), received 3\./,
  );
  await assert.rejects(
    () => ablation.attribute(x, { baselines: product.asBaselines(tf.zeros([1, 2])) }),
    /featureMask must be an integer tensor broadcastable to one example \[1, 3\]/,
  );
});
