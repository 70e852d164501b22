import assert from "node:assert/strict";
import {
  DeepLift,
  DeepLiftShap,
  LayerDeepLift,
  NeuronDeepLift,
  setBackend,
  tf,
} from "../../../lib/mod.ts";
import { assertNoLeak } from "../../_helpers/tensor_asserts.ts";

/** input [4] → dense "a" and dense "b" → Multiply "product" → dense "out": a product of activations. */
function productModel(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const init = tf.initializers.glorotNormal({ seed: 1 });
  const a = tf.layers.dense({ units: 3, name: "a", kernelInitializer: init }).apply(input);
  const b = tf.layers.dense({ units: 3, name: "b", kernelInitializer: init }).apply(input);
  const product = tf.layers.multiply({ name: "product" }).apply([
    a as tf.SymbolicTensor,
    b as tf.SymbolicTensor,
  ]);
  const out = tf.layers.dense({ units: 1, name: "out", kernelInitializer: init }).apply(product);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

Deno.test("the DeepLift family refuses a layer with no rule, naming the layer and its class", async () => {
  const model = productModel();
  const message = /layer "product" \(Multiply\): no DeepLift rule covers this layer kind/;
  assert.throws(() => new DeepLift(model), message);
  assert.throws(() => new DeepLiftShap(model), message);
  const x = tf.ones([1, 4]);
  // The neuron of layer "a" does not depend on the product: NeuronDeepLift explains it.
  await assertNoLeak(() => new NeuronDeepLift(model, "a").attribute(x, { neuronSelector: [0] }));
  await assert.rejects(
    () => new NeuronDeepLift(model, "out").attribute(x, { neuronSelector: [0] }),
    message,
  );
  // Past the product, LayerDeepLift at the product's output needs no rule for it.
  await assertNoLeak(() => new LayerDeepLift(model, "product").attribute(x));
  await assert.rejects(() => new LayerDeepLift(model, "a").attribute(x), message);
  x.dispose();
  model.dispose();
});

Deno.test("the DeepLift family refuses an activation with no rule, or one fused out of reach", () => {
  const swish = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: "swish", name: "d" })],
  });
  assert.throws(
    () => new DeepLift(swish),
    /layer "d" \(Dense\): its activation "swish" has no DeepLift rule/,
  );
  const dilated = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 1,
        kernelSize: 2,
        dilationRate: 2,
        activation: "relu",
        name: "dilated",
      }),
    ],
  });
  assert.throws(
    () => new DeepLift(dilated),
    /layer "dilated" \(Conv2D\): its activation "relu" is fused into the kernel/,
  );
  swish.dispose();
  dilated.dispose();
});

Deno.test("DeepLift on a forward function refuses a product of two activations or a max, naming the kernel", async () => {
  const x = tf.tensor2d([[1, 2]]);
  const product = (v: tf.Tensor) => v.mul(v.add(1)).sum(1, true);
  await assert.rejects(
    () => new DeepLift(product).attribute(x),
    /received a Multiply operation of two values that both depend on the inputs/,
  );
  const capped = (v: tf.Tensor) => tf.minimum(v, 1.5).sum(1, true);
  await assert.rejects(
    () => new DeepLift(capped).attribute(x),
    /received a Minimum operation on a value that depends on the inputs/,
  );
  // A product with a constant is linear: accepted.
  const scaled = (v: tf.Tensor) => tf.relu(v.mul(tf.tensor2d([[2, -1]]))).sum(1, true);
  await assertNoLeak(() => new DeepLift(scaled).attribute(x));
  // After a refusal, the next call works and the overrides are gone.
  const g = tf.grad((v: tf.Tensor) => tf.minimum(v, 1.5).sum())(x);
  assert.deepEqual(Array.from(g.dataSync()), [1, 0]);
  tf.dispose([x, g]);
});

for (const backend of ["wasm", "cpu"] as const) {
  Deno.test(`DeepLift sums to F(x) − F(x′) through ReLU caps, SELU, batch norm without scale and global max pooling (${backend})`, async () => {
    await setBackend(backend);
    try {
      const input = tf.input({ shape: [6, 6, 2] });
      const init = (seed: number) => tf.initializers.glorotNormal({ seed });
      let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: init(1) })
        .apply(input) as tf.SymbolicTensor;
      h = tf.layers.batchNormalization({
        scale: false,
        movingVarianceInitializer: tf.initializers.constant({ value: 0.5 }),
        betaInitializer: tf.initializers.constant({ value: 0.1 }),
      }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.reLU({ maxValue: 0.8 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.conv2d({
        filters: 3,
        kernelSize: 1,
        activation: "selu",
        kernelInitializer: init(2),
      })
        .apply(h) as tf.SymbolicTensor;
      h = tf.layers.activation({ activation: "relu6" }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.globalMaxPooling2d({}).apply(h) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, kernelInitializer: init(3) }).apply(h);
      const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
      const x = tf.randomUniform([2, 6, 6, 2], -2, 2, "float32", 4);
      const baselines = tf.randomUniform([2, 6, 6, 2], -0.5, 0.5, "float32", 5);
      const { attributions, delta } = await new DeepLift(model).attributeWithDelta(x, {
        target: 1,
        baselines,
      });
      const totals = attributions.sum([1, 2, 3]).arraySync() as number[];
      delta.arraySync().forEach((d, i) => {
        const change = totals[i] - d;
        assert.ok(Math.abs(change) > 1e-3, `example ${i}: the output must change`);
        assert.ok(Math.abs(d) <= 1e-4 * Math.abs(change), `example ${i}: delta ${d} of ${change}`);
      });
      tf.dispose([x, baselines, attributions, delta]);
      model.dispose();
    } finally {
      await setBackend("wasm");
    }
  });
}
