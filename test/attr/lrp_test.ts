/**
 * `LRP`: closed forms (ε-LRP on one linear layer is gradient × input), relevance conservation,
 * parity with Captum on three networks (`fixtures/captum/lrp.json`) on every backend, the rules
 * option, refused layers and leaks.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  BACKEND_NAMES,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  InputXGradient,
  LRP,
  setBackend,
  tf,
} from "../../lib/mod.ts";
import { loadLrpFixture, LRP_NETWORKS } from "../../fixtures/lrp_networks.ts";
import { assertAllClose, assertNoLeak, relativeMaxError } from "../_helpers/tensor_asserts.ts";

/** Max abs error allowed against Captum, relative to the reference's max abs value. */
const TOLERANCE = 1e-4;
const L = tf.layers;

function seededModel(layers: tf.layers.Layer[]): tf.Sequential {
  return tf.sequential({ layers });
}

Deno.test("`LRP.attribute()` with the ε-rule on one bias-free Dense layer is gradient × input", async () => {
  const model = seededModel([
    L.dense({
      units: 3,
      inputShape: [4],
      useBias: false,
      kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
    }),
  ]);
  const x = tf.randomNormal([5, 4], 0, 1, "float32", 2);
  const target = [0, 1, 2, 1, 0];
  const lrp = await new LRP(model).attribute(x, { target });
  const ixg = await new InputXGradient(model).attribute(x, { target });
  assertAllClose(lrp, ixg, { rtol: 1e-4, atol: 1e-5 });
  tf.dispose([x, lrp, ixg]);
  model.dispose();
});

Deno.test("`LRP.attributeWithDelta()` conserves relevance with the ε-rule and no biases", async () => {
  const init = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.5 });
  const model = seededModel([
    L.conv2d({
      inputShape: [6, 6, 2],
      filters: 3,
      kernelSize: 3,
      useBias: false,
      activation: "relu",
      kernelInitializer: init(1),
    }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 4, useBias: false, kernelInitializer: init(2) }),
    L.reLU(),
    L.dense({ units: 2, useBias: false, kernelInitializer: init(3) }),
  ]);
  const x = tf.randomUniform([3, 6, 6, 2], 0, 1, "float32", 4);
  const { attributions, delta } = await new LRP(model).attributeWithDelta(x, { target: 1 });
  const output = tf.tidy(() =>
    (model.predict(x) as tf.Tensor).slice([0, 1], [-1, 1]).reshape([-1])
  );
  assertAllClose(attributions.sum([1, 2, 3]), output, { rtol: 1e-4, atol: 1e-5 });
  assertAllClose(delta, [0, 0, 0], { atol: 1e-5 });
  // computeConvergenceDelta is Captum's: output − Σ attributions.
  const again = new LRP(model).computeConvergenceDelta(attributions, output);
  assertAllClose(again, delta, { atol: 1e-6 });
  tf.dispose([x, attributions, delta, output, again]);
  model.dispose();
});

for (const backend of BACKEND_NAMES) {
  for (const network of LRP_NETWORKS) {
    Deno.test(`\`LRP.attribute()\` matches Captum on the ${network} network, every rule set (${backend})`, async () => {
      await setBackend(backend);
      const fx = loadLrpFixture(network);
      const x = fx.inputs();
      for (const c of fx.cases.filter((c) => c.method === "LRP")) {
        const lrp = new LRP(fx.model, { rules: c.rules });
        const { attributions, delta } = await lrp.attributeWithDelta(x, { target: fx.targets });
        const reference = c.reference();
        const referenceDelta = c.delta();
        const error = relativeMaxError(attributions, reference);
        assert.deepEqual(attributions.shape, reference.shape);
        assert.ok(error <= TOLERANCE, `${c.name} (${backend}): relative error ${error}`);
        // The delta is a difference of nearly equal sums: compare against the output's scale.
        assertAllClose(delta, referenceDelta, { atol: 1e-5, message: `${c.name} delta` });
        tf.dispose([attributions, delta, reference, referenceDelta]);
      }
      x.dispose();
      fx.model.dispose();
    });
  }
}

Deno.test("`LRP` takes rules as a Map by name or by layer, or as a function, the same", async () => {
  const fx = loadLrpFixture("cnn");
  const x = fx.inputs();
  const conv1 = fx.model.getLayer("conv1");
  const byName = await new LRP(fx.model, { rules: new Map([["conv1", new GammaRule()]]) })
    .attribute(x, { target: fx.targets });
  const byLayer = await new LRP(fx.model, { rules: new Map([[conv1, new GammaRule()]]) })
    .attribute(x, { target: fx.targets });
  const byFunction = await new LRP(fx.model, {
    rules: (layer) => layer === conv1 ? new GammaRule() : undefined,
  }).attribute(x, { target: fx.targets });
  const byDefault = await new LRP(fx.model).attribute(x, { target: fx.targets });
  assertAllClose(byLayer, byName);
  assertAllClose(byFunction, byName);
  assert.ok(relativeMaxError(byDefault, byName) > 1e-3, "the gamma rule changes the result");
  tf.dispose([x, byName, byLayer, byFunction, byDefault]);
  fx.model.dispose();
});

Deno.test("`LRP.attribute()` with `verbose` prints the rule applied on each layer", async () => {
  const fx = loadLrpFixture("cnn");
  const x = fx.inputs();
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    const attr = await new LRP(fx.model).attribute(x, { target: fx.targets, verbose: true });
    attr.dispose();
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, [
    'Applied EpsilonRule(epsilon=1e-9) on layer "dense" (Dense)',
    'Applied EpsilonRule(epsilon=1e-9) on layer "conv2" (Conv2D)',
    'Applied EpsilonRule(epsilon=1e-9) on layer "conv1" (Conv2D)',
  ]);
  x.dispose();
  fx.model.dispose();
});

Deno.test("`LRP` refuses a layer without a rule, naming it and its class", () => {
  const input = tf.input({ shape: [3] });
  const a = L.dense({ units: 3, name: "a" }).apply(input) as tf.SymbolicTensor;
  const b = L.dense({ units: 3, name: "b" }).apply(input) as tf.SymbolicTensor;
  const product = L.multiply({ name: "mul" }).apply([a, b]) as tf.SymbolicTensor;
  const output = L.dense({ units: 1, name: "out" }).apply(product) as tf.SymbolicTensor;
  const multiplied = tf.model({ inputs: input, outputs: output });
  assert.throws(
    () => new LRP(multiplied),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.startsWith(
        "Cannot compute LRP attributions: every layer between the inputs and the explained " +
          'output must have an LRP rule, received layer "mul" (Multiply)',
      ) && e.message.includes("Set a rule for the layer with the rules option"),
  );
  // A softmax output (Captum refuses nn.Softmax), ReLU6 and a sigmoid activation too.
  const cases: Array<[tf.layers.Layer, string]> = [
    [L.dense({ units: 2, activation: "softmax", name: "probs" }), '"probs" (Dense)'],
    [L.reLU({ maxValue: 6, name: "relu6" }), '"relu6" (ReLU)'],
    [L.activation({ activation: "sigmoid", name: "sig" }), '"sig" (Activation)'],
  ];
  for (const [layer, named] of cases) {
    const model = seededModel([L.dense({ units: 2, inputShape: [3] }), layer]);
    assert.throws(
      () => new LRP(model),
      (e: unknown) => e instanceof TypeError && e.message.includes(`received layer ${named}`),
      named,
    );
  }
});

Deno.test("`LRP` refuses a bad rules option, a forward function and bad inputs", async () => {
  const fx = loadLrpFixture("cnn");
  assert.throws(
    () => new LRP(fx.model, { rules: new Map([["conv9", new EpsilonRule()]]) }),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.includes('every key of rules must be one of the model\'s layers ("conv1", ') &&
      e.message.includes('received "conv9"'),
  );
  assert.throws(
    () => new LRP(fx.model, { rules: new Map([["conv1", {} as EpsilonRule]]) }),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.includes('the rule of layer "conv1" must be a PropagationRule'),
  );
  assert.throws(
    () =>
      new LRP(fx.model, {
        rules: { conv1: new EpsilonRule() } as unknown as Map<string, EpsilonRule>,
      }),
    TypeError,
  );
  // IdentityRule needs the output's shape at the input.
  assert.throws(
    () => new LRP(fx.model, { rules: new Map([["dense", new IdentityRule()]]) }),
    (e: unknown) => e instanceof TypeError && e.message.includes('layer "dense" (Dense)'),
  );
  assert.throws(
    () => new LRP(((x: tf.Tensor) => x) as unknown as tf.LayersModel),
    (e: unknown) => e instanceof TypeError && e.message.includes("model must be a tf.LayersModel"),
  );
  const lrp = new LRP(fx.model);
  const ints = tf.zeros([1, 8, 8, 1], "int32");
  await assert.rejects(() => lrp.attribute(ints, { target: 0 }), TypeError);
  const x = fx.inputs();
  await assert.rejects(
    () => lrp.attribute(x, { target: 3 }),
    (e: unknown) => e instanceof RangeError && e.message.includes("received 3"),
  );
  tf.dispose([ints, x]);
  fx.model.dispose();
});

Deno.test("`LRP.attribute()` and `attributeWithDelta()` leak no tensors, also when they reject", async () => {
  const fx = loadLrpFixture("residual");
  const x = fx.inputs();
  const lrp = new LRP(fx.model, { rules: new Map([["conv1", new GammaRule()]]) });
  await lrp.attribute(x, { target: 0 }).then((t) => t.dispose()); // warm up
  await assertNoLeak(() => lrp.attribute(x, { target: fx.targets }), "attribute");
  await assertNoLeak(() => lrp.attributeWithDelta(x, { target: 1 }), "attributeWithDelta");
  await assertNoLeak(async () => {
    await assert.rejects(() => lrp.attribute(x, { target: 7 }), RangeError);
  }, "rejected");
  x.dispose();
  fx.model.dispose();
});

Deno.test("`LRP` refuses additionalForwardArgs instead of ignoring them", async () => {
  const model = seededModel([L.dense({ units: 2, inputShape: [3], useBias: false })]);
  const x = tf.ones([1, 3]);
  await assertNoLeak(async () => {
    for (const call of ["attribute", "attributeWithDelta"] as const) {
      await assert.rejects(
        new LRP(model)[call](x, { target: 0, additionalForwardArgs: [1] } as never),
        {
          name: "TypeError",
          message: /^Cannot compute LRP attributions: additionalForwardArgs must be undefined/,
        },
      );
    }
  });
  x.dispose();
  model.dispose();
});

/** A bias-free linear network of an image-like and a vector input: dense, concatenate, add. */
function twoInputLinear(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.5 });
  const a = tf.input({ shape: [2, 2, 1], name: "a" });
  const b = tf.input({ shape: [3], name: "b" });
  const fa = L.dense({ units: 3, useBias: false, kernelInitializer: init(1), name: "fa" })
    .apply(L.flatten().apply(a)) as tf.SymbolicTensor;
  const fb = L.dense({ units: 3, useBias: false, kernelInitializer: init(2), name: "fb" })
    .apply(b) as tf.SymbolicTensor;
  const cat = L.concatenate({ name: "cat" }).apply([fa, fb]) as tf.SymbolicTensor;
  const sum = L.add({ name: "sum" }).apply([fa, fb]) as tf.SymbolicTensor;
  const both = L.concatenate().apply([cat, sum]) as tf.SymbolicTensor;
  const out = L.dense({ units: 2, useBias: false, kernelInitializer: init(3) }).apply(both);
  return tf.model({ inputs: [a, b], outputs: out as tf.SymbolicTensor });
}

Deno.test("`LRP.attribute()` on two inputs of a bias-free linear network is gradient × input per input", async () => {
  const model = twoInputLinear();
  const a = tf.randomNormal([3, 2, 2, 1], 0, 1, "float32", 4);
  const b = tf.randomNormal([3, 3], 0, 1, "float32", 5);
  const target = [0, 1, 1];
  const lrp = new LRP(model);
  await assertNoLeak(async () => {
    const attr = await lrp.attribute([a, b], { target });
    const ixg = await new InputXGradient(model).attribute([a, b], { target });
    assert.equal(attr.length, 2);
    assert.deepEqual(attr[0].shape, [3, 2, 2, 1]);
    assertAllClose(attr[0], ixg[0], { rtol: 1e-4, atol: 1e-5 });
    assertAllClose(attr[1], ixg[1], { rtol: 1e-4, atol: 1e-5 });
    // Conserved over both inputs together: Captum's delta sums every input's attributions.
    const { attributions, delta } = await lrp.attributeWithDelta([a, b], { target });
    assertAllClose(delta, [0, 0, 0], { atol: 1e-4 });
    tf.dispose([...attr, ...ixg, ...attributions, delta]);
  });
  tf.dispose([a, b]);
  model.dispose();
});

Deno.test("`LRP` checks each of several inputs and their count against the model", async () => {
  const model = twoInputLinear();
  const a = tf.ones([1, 2, 2, 1]);
  const b = tf.ones([1, 3]);
  const twoRows = tf.ones([2, 3]);
  const lrp = new LRP(model);
  await assertNoLeak(async () => {
    await assert.rejects(lrp.attribute([a], { target: 0 }), {
      name: "TypeError",
      message:
        /^Cannot compute LRP attributions: inputs must be 2 tensors, one per model input \("a", "b"\), received 1\. Pass one tensor per model input, in the model's order: LRP attributes every input\./,
    });
    await assert.rejects(lrp.attribute([a, twoRows], { target: 0 }), {
      name: "TypeError",
      message: /inputs\[1\] must be a tensor with the batch size of inputs\[0\] \(1\)/,
    });
    await assert.rejects(lrp.attribute(a, { target: 0 }), {
      name: "TypeError",
      message: /received 1\./,
    });
    await assert.rejects(lrp.attribute([a, b], { target: 5 }), RangeError);
  });
  tf.dispose([a, b, twoRows]);
  model.dispose();
});
