import assert from "node:assert/strict";
import {
  DataLoaderAttribution,
  FeatureAblation,
  FeaturePermutation,
  InputRole,
  tf,
} from "../../lib/mod.ts";
import { FIXTURE_DIR } from "../../fixtures/load_fixture.ts";
import { assertAllClose, assertNoLeak, relativeMaxError } from "../_helpers/tensor_asserts.ts";

interface DataLoaderFixture {
  dataloader: {
    weights: { w1: number[][]; b1: number[]; w2: number[][]; b2: number[] };
    xs: number[][][];
    ys: number[][];
    baseline: number[][];
    mask: number[][];
    captum: Record<string, number[][] | number[][][]>;
  };
}
const { dataloader: fx } = JSON.parse(
  Deno.readTextFileSync(new URL("summarizer.json", FIXTURE_DIR)),
) as DataLoaderFixture;

/** The fixture's network, tanh(x W1ᵀ + b1) W2ᵀ + b2, with x = [a, b] when given two parts. */
function tanhNet(a: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = b === undefined ? a : tf.concat([a, b], 1);
    const { w1, b1, w2, b2 } = fx.weights;
    const h = x.matMul(tf.tensor2d(w1), false, true).add(tf.tensor1d(b1)).tanh();
    return h.matMul(tf.tensor2d(w2), false, true).add(tf.tensor1d(b2));
  });
}

const xs = fx.xs.map((x) => tf.tensor2d(x));
const ys = fx.ys.map((y) => tf.tensor1d(y, "int32"));
const dla = new DataLoaderAttribution(new FeatureAblation(tanhNet as (x: tf.Tensor) => tf.Tensor));

function assertParity(actual: tf.Tensor, expected: unknown, name: string) {
  const want = tf.tensor(expected as number[][]);
  assert.deepEqual(actual.shape, want.shape, `${name} shape`);
  const err = relativeMaxError(actual, want);
  assert.ok(err <= 1e-5, `${name}: relative max error ${err}`);
  want.dispose();
}

Deno.test("`DataLoaderAttribution.attribute()` matches Captum: default reduce (concatenated outputs)", async () => {
  const [attr] = await dla.attribute(xs.map((x) => [x]));
  assertParity(attr, fx.captum.concat, "concat"); // [8 examples × 2 outputs, 4]
  const features = await dla.attributeFeatures(xs.map((x) => [x]));
  assertParity(features, fx.captum.concat_features, "concat_features");
  tf.dispose([attr, features]);
});

Deno.test("`DataLoaderAttribution.attribute()` matches Captum: scalar metric, mask, tensor baselines, 2 per pass", async () => {
  const [attr] = await dla.attribute(xs.map((x) => [x]), {
    baselines: tf.tensor2d(fx.baseline),
    featureMask: tf.tensor2d(fx.mask, undefined, "int32"),
    toMetric: (acc) => acc.sum(),
    perturbationsPerPass: 2,
  });
  assertParity(attr, fx.captum.sum_masked, "sum_masked");
  attr.dispose();
});

Deno.test("`DataLoaderAttribution.attribute()` matches Captum: accuracy with labels not forwarded", async () => {
  const batches = xs.map((x, i) => [x, ys[i]]);
  const [attr] = await dla.attribute(batches, {
    inputRoles: [InputRole.needAttr, InputRole.noForward],
    reduce: (acc: tf.Tensor | undefined, out, inputs) => {
      const labels = inputs[1] as tf.Tensor;
      const hits = out.argMax(1).equal(labels).sum().toFloat();
      const total = tf.stack([hits, tf.scalar(labels.shape[0])]);
      return acc === undefined ? total : acc.add(total);
    },
    toMetric: (acc) => acc.gather(0).div(acc.gather(1)),
  });
  assertParity(attr, fx.captum.accuracy, "accuracy");
  // A vector metric: the mean squared error of each output column.
  const [mse] = await dla.attribute(batches, {
    inputRoles: [0, 2],
    reduce: (acc: tf.Tensor | undefined, out, inputs) => {
      const err = out.sub((inputs[1] as tf.Tensor).toFloat().expandDims(1)).square().sum(0);
      return acc === undefined ? err : acc.add(err);
    },
    toMetric: (acc) => acc.div(8),
  });
  assertParity(mse, fx.captum.mse_columns, "mse_columns"); // [2, 4]
  tf.dispose([attr, mse]);
});

Deno.test("`DataLoaderAttribution.attribute()` matches Captum: two attributed elements, one forwarded", async () => {
  const parts = xs.map((x) => [x.slice([0, 0], [-1, 2]), x.slice([0, 2], [-1, 2])]);
  const dla2 = new DataLoaderAttribution(
    new FeatureAblation(tanhNet as (x: tf.Tensor) => tf.Tensor),
  );
  const toMetric = (acc: tf.Tensor) => acc.sum(0);
  const two = await dla2.attribute(parts, { toMetric });
  const expected = fx.captum.two_inputs as number[][][];
  two.forEach((t, i) => assertParity(t, expected[i], `two_inputs[${i}]`));
  const features = await dla2.attributeFeatures(parts, { toMetric });
  assertParity(features, fx.captum.two_inputs_features, "two_inputs_features");
  const [onlyA] = await dla2.attribute(parts, {
    inputRoles: [0, 1],
    toMetric: (acc) => acc.sum(),
  });
  assertParity(onlyA, (fx.captum.attr_and_forward as number[][][])[0], "attr_and_forward");
  tf.dispose([...two, features, onlyA, ...parts.flat()]);
});

Deno.test("`DataLoaderAttribution` on a linear model: attribution = weight × the feature's data sum (closed form)", async () => {
  const w = [1, -2, 3];
  const model = (x: tf.Tensor) => tf.tidy(() => x.mul(tf.tensor1d(w)).sum(1));
  const data = [[[1, 2, 3], [4, 5, 6]], [[-1, 0, 2]]];
  const batches = data.map((b) => tf.tensor2d(b));
  const attr = await new DataLoaderAttribution(new FeatureAblation(model)).attribute(batches, {
    toMetric: (acc) => acc.sum(),
    perturbationsPerPass: 3,
  });
  const sums = [4, 7, 11];
  assertAllClose(attr, [sums.map((s, i) => s * w[i])]);
  tf.dispose([attr, ...batches]);
});

Deno.test("`DataLoaderAttribution` reads async iterables and tf.data.Dataset, and does not depend on perturbationsPerPass", async () => {
  const toMetric = (acc: tf.Tensor) => acc.sum();
  const ref = await dla.attribute(xs, { toMetric });
  const asyncBatches = {
    async *[Symbol.asyncIterator]() {
      for (const x of xs) yield x;
    },
  };
  const fromAsync = await dla.attribute(asyncBatches, { toMetric, perturbationsPerPass: 3 });
  const all = tf.concat(xs);
  const dataset = tf.data.array(tf.unstack(all)).batch(3); // batches of 3, 3, 2
  const fromDataset = await dla.attribute(dataset, {
    toMetric,
    perturbationsPerPass: 4,
  }) as tf.Tensor;
  assertAllClose(fromAsync, ref, { rtol: 1e-5, atol: 1e-5 });
  assertAllClose(fromDataset, ref, { rtol: 1e-5, atol: 1e-5 });
  tf.dispose([ref, fromAsync, fromDataset, all]);
});

Deno.test("`DataLoaderAttribution` leaks no tensors (default reduce, custom state, Dataset batches)", async () => {
  await assertNoLeak(() => dla.attribute(xs, { perturbationsPerPass: 3 }));
  await assertNoLeak(() =>
    dla.attribute(xs.map((x, i) => [x, ys[i]]), {
      inputRoles: [0, 2],
      reduce: (acc: { sum: tf.Tensor; n: number } | undefined, out) => ({
        sum: acc === undefined ? out.sum() : acc.sum.add(out.sum()),
        n: (acc?.n ?? 0) + out.shape[0],
      }),
      toMetric: (acc) => acc.sum.div(acc.n),
    })
  );
  const all = tf.concat(xs);
  const rows = tf.unstack(all);
  await assertNoLeak(() =>
    dla.attribute(tf.data.array(rows).batch(4), { toMetric: (acc) => acc.mean() })
  );
  tf.dispose([all, ...rows]);
  for (const x of xs) assert.equal(x.isDisposed, false); // the caller's batches are kept
});

Deno.test("`DataLoaderAttribution` errors name the argument, the value and the fix", async () => {
  assert.throws(
    () => new DataLoaderAttribution(new FeaturePermutation(tanhNet as never) as never),
    /^TypeError: Cannot compute DataLoaderAttribution attributions: attrMethod must be a FeatureAblation .*, received "a FeaturePermutation"\. Pass new FeatureAblation\(model\)\./,
  );
  await assert.rejects(
    () => dla.attribute([], {}),
    /^RangeError: Cannot compute DataLoaderAttribution attributions: dataloader must be batches to read, received "an empty dataloader"/,
  );
  await assert.rejects(
    () => dla.attribute(xs.map((x, i) => [x, ys[i]]), { inputRoles: [0] as never }),
    /^RangeError: .*inputRoles must be one role \(0 needAttr, 1 needForward, 2 noForward\) per element of a batch \(2\)/,
  );
  await assert.rejects(
    () => dla.attribute(xs, { featureMask: tf.zeros([2, 4], "int32") }),
    /^TypeError: .*featureMask must be a tensor of integer ids of batch size 1, shared by every batch, received a int32 tensor of shape \[2, 4\]\. Give it the shape \[1, 4\]\./,
  );
  await assert.rejects(
    () => dla.attribute(xs, { baselines: tf.zeros([1, 3]) }),
    /^TypeError: .*baselines must be a finite number or a tensor of batch size 1 broadcastable to \[1, 4\]/,
  );
  await assert.rejects(
    () => dla.attribute([xs[0], tf.zeros([2, 5])], { toMetric: (a) => a.sum() }),
    /^TypeError: .*element 0 of batch 1 must be a batch \[N, 4\], as in the first batch, received a float32 tensor of shape \[2, 5\]/,
  );
  await assert.rejects(
    () => dla.attribute(xs, { toMetric: () => 3 as never }),
    /^TypeError: .*what toMetric returns must be a tf\.Tensor \(the metric to attribute\), received 3\. Return a tensor from toMetric\./,
  );
  function* once() {
    for (const x of xs) yield x;
  }
  await assert.rejects(
    () => dla.attribute(once(), { toMetric: (a) => a.sum() }),
    /^RangeError: .*dataloader must be the same batches on every pass \(3 on the first\), received "0 batches on pass 2"\. .*a generator object is read only once/,
  );
  assert.equal(
    (await dla.attribute(once(), { toMetric: (a) => a.sum(), perturbationsPerPass: 4 })).shape
      .join(),
    "1,4",
  ); // one pass: a generator is enough
  await assert.rejects(
    () => dla.attribute({ a: 1 } as never),
    /^TypeError: .*dataloader must be an iterable or async iterable of batches, or a tf\.data\.Dataset/,
  );
});
