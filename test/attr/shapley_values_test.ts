import assert from "node:assert/strict";
import { ShapleyValues, ShapleyValueSampling, tf } from "../../lib/mod.ts";
import { assertAllClose, assertNoLeak } from "../_helpers/tensor_asserts.ts";

const w = tf.tensor1d([1, -2, 3, 0.5]);
const linear = (x: tf.Tensor) => x.mul(w).sum(1);
// relu(x0 + x1 − 1) · x2 + x3 · x0: interactions between groups, so every coalition counts.
const nonlinear = (x: tf.Tensor) =>
  tf.tidy(() => {
    const col = (i: number) => x.slice([0, i], [-1, 1]).reshape([-1]);
    return tf.relu(col(0).add(col(1)).sub(1)).mul(col(2)).add(col(3).mul(col(0)));
  });

/** Shapley values by their definition: the mean marginal contribution over all m! orders. */
function shapleyByOrders(f: (x: tf.Tensor) => tf.Tensor, x: number[], base: number[]): number[] {
  const m = x.length;
  const value = (inside: Set<number>) =>
    tf.tidy(() => f(tf.tensor2d([x.map((v, i) => inside.has(i) ? v : base[i])])).dataSync()[0]);
  const phi = new Array(m).fill(0);
  let orders = 0;
  const permute = (order: number[], rest: number[]) => {
    if (rest.length === 0) {
      const inside = new Set<number>();
      let prev = value(inside);
      for (const i of order) {
        inside.add(i);
        const next = value(inside);
        phi[i] += next - prev;
        prev = next;
      }
      orders++;
      return;
    }
    for (const i of rest) permute([...order, i], rest.filter((j) => j !== i));
  };
  permute([], [...Array(m).keys()]);
  return phi.map((p) => p / orders);
}

Deno.test("`ShapleyValues.attribute()` is exactly w ⊙ (x − x′) on a linear model", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 2, 8]]);
  const baselines = tf.tensor2d([[0.5, 1, -1, 2]]);
  const attr = await new ShapleyValues(linear).attribute(x, { baselines });
  assertAllClose(attr, x.sub(baselines).mul(w), { atol: 1e-5 });
});

Deno.test("`ShapleyValues.attribute()` shares x0 · x1 equally: f = x0 · x1 + x2 gives [0.5, 0.5, 1]", async () => {
  const f = (x: tf.Tensor) =>
    tf.tidy(() =>
      x.slice([0, 0], [-1, 1]).mul(x.slice([0, 1], [-1, 1])).add(x.slice([0, 2], [-1, 1]))
        .reshape([-1])
    );
  const attr = await new ShapleyValues(f).attribute(tf.tensor2d([[1, 1, 1]]));
  assertAllClose(attr, tf.tensor2d([[0.5, 0.5, 1]]), { atol: 1e-6 });
});

Deno.test("`ShapleyValues.attribute()` equals the mean over all 4! orders, per example", async () => {
  const rows = [[1, 2, 3, 4], [2, 0.5, -1, 1]];
  const base = [0.5, -1, 1, 2];
  const attr = await new ShapleyValues(nonlinear).attribute(tf.tensor2d(rows), {
    baselines: tf.tensor2d([base]),
  });
  assertAllClose(attr, tf.tensor2d(rows.map((r) => shapleyByOrders(nonlinear, r, base))), {
    atol: 1e-5,
  });
});

Deno.test("`ShapleyValues.attribute()` sums to F(x) − F(x′) and is what ShapleyValueSampling converges to", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const exact = await new ShapleyValues(nonlinear).attribute(x);
  assertAllClose(exact.sum(1), nonlinear(x).sub(nonlinear(tf.zerosLike(x))), { atol: 1e-5 });
  const sampled = await new ShapleyValueSampling(nonlinear).attribute(x, { nSamples: 3000 });
  assertAllClose(sampled, exact, { atol: 0.15 });
});

Deno.test("`ShapleyValues.attribute()` groups by mask and is independent of perturbationsPerEval", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const sv = new ShapleyValues(nonlinear);
  const featureMask = tf.tensor2d([[0, 0, 1, 2]], undefined, "int32");
  const a = await sv.attribute(x, { featureMask, perturbationsPerEval: 1 });
  const b = await sv.attribute(x, { featureMask });
  assertAllClose(a, b);
  const v = a.dataSync();
  assert.equal(v[0], v[1]);
  // Three groups {x0, x1}, {x2}, {x3}: the mean over the 3! orders of the groups.
  // Player k switches its group from 0 to x: gates g ∈ [0, 1]³ scale (x0, x1 | x2 | x3).
  const grouped = (g: tf.Tensor) =>
    nonlinear(tf.tidy(() => tf.concat([g.slice([0, 0], [-1, 1]), g], 1).mul(x)));
  const byOrders = shapleyByOrders(grouped, [1, 1, 1], [0, 0, 0]);
  assertAllClose(a, tf.tensor2d([[byOrders[0], byOrders[0], byOrders[1], byOrders[2]]]), {
    atol: 1e-5,
  });
});

Deno.test("`ShapleyValues.attribute()` leaks nothing and refuses more than 20 groups, naming the fix", async () => {
  const sv = new ShapleyValues(linear);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  await assertNoLeak(() => sv.attribute(x));
  const wide = new ShapleyValues((x: tf.Tensor) => x.sum(1));
  await assert.rejects(wide.attribute(tf.ones([1, 21])), {
    name: "RangeError",
    message:
      "Cannot compute ShapleyValues attributions: exact Shapley values need 2^m − 1 forward rows per example for m feature groups, at most 20 groups, received 21. Group features with featureMask, or use ShapleyValueSampling.",
  });
});
