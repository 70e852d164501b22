import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  closeAttributionWorkers,
  createClassifier,
  IntegratedGradients,
  setAttributionWorkers,
  tf,
} from "../../lib/mod.ts";
import { startGradientPool, workerShares } from "../../lib/attr/attribution_workers.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";

const model = createClassifier({ seed: 0 });
const inputs = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 7);
const ig = new IntegratedGradients(model);

/** IG's values on the main thread alone and with `workers` workers started first. */
async function serialAndParallel(
  options: Parameters<typeof ig.attribute>[1],
  workers = 1,
  net: tf.LayersModel = model,
  explainer: IntegratedGradients = ig,
): Promise<{ serial: Float32Array; parallel: Float32Array; ready: boolean; shares: number }> {
  setAttributionWorkers({ workers: 0 });
  const a = await explainer.attribute(inputs, options);
  setAttributionWorkers({ workers });
  const ready = await startGradientPool(net);
  const before = tf.memory().numTensors;
  const b = await explainer.attribute(inputs, options);
  assert.equal(tf.memory().numTensors, before + 1, "the parallel call leaks no tensor");
  const shares = workerShares(net);
  const serial = a.dataSync() as Float32Array;
  const parallel = b.dataSync() as Float32Array;
  tf.dispose([a, b]);
  closeAttributionWorkers();
  setAttributionWorkers({});
  return { serial, parallel, ready, shares };
}

Deno.test("IntegratedGradients shares its steps with a worker: the main thread's values up to rounding", async () => {
  for (const target of [3, [1, 4, 9]]) {
    const { serial, parallel, ready, shares } = await serialAndParallel({
      target,
      nSteps: 20,
      internalBatchSize: 30,
    });
    assert.ok(ready, "the worker rebuilt the model");
    assert.equal(shares, 1, "the worker integrated a share");
    assertAllClose(parallel, serial, { message: `target ${JSON.stringify(target)}` });
  }
});

Deno.test("with two workers, the steps are split in three shares", async () => {
  const { serial, parallel, ready, shares } = await serialAndParallel(
    { target: [0, 5, 2], nSteps: 7 },
    2,
  );
  assert.ok(ready);
  assert.equal(shares, 2);
  assertAllClose(parallel, serial);
});

Deno.test("each call sends the model's current weights to the workers", async () => {
  const net = createClassifier({ seed: 1 });
  const explainer = new IntegratedGradients(net);
  setAttributionWorkers({ workers: 1 });
  assert.ok(await startGradientPool(net));
  const x = inputs.slice([0, 0, 0, 0], [1, -1, -1, -1]);
  const first = await explainer.attribute(x, { target: 2, nSteps: 8 });
  const dense = net.getLayer("dense");
  const [kernel, bias] = dense.getWeights();
  dense.setWeights([kernel.mul(-2), bias]);
  const second = await explainer.attribute(x, { target: 2, nSteps: 8 });
  assert.equal(workerShares(net), 2);
  setAttributionWorkers({ workers: 0 });
  const expected = await explainer.attribute(x, { target: 2, nSteps: 8 });
  assertAllClose(second, expected);
  assert.notDeepEqual(second.dataSync(), first.dataSync());
  tf.dispose([x, first, second, expected, kernel, bias]);
  setAttributionWorkers({});
});

Deno.test("a function target runs on the main thread with the same values", async () => {
  const target = (out: tf.Tensor) => out.slice([0, 2], [-1, 1]).squeeze([1]).mul(2);
  const { serial, parallel, shares } = await serialAndParallel({ target, nSteps: 10 });
  assert.equal(shares, 0);
  assert.deepEqual(parallel, serial);
});

class Doubler extends tf.layers.Layer {
  static className = "PoolTestDoubler";
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(x) ? x[0] : x, 2);
  }
}
tf.serialization.registerClass(Doubler);

Deno.test("a model the workers cannot rebuild is explained on the main thread alone", async () => {
  const net = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      new Doubler({}),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const explainer = new IntegratedGradients(net);
  const { serial, parallel, ready } = await serialAndParallel(
    { target: 1, nSteps: 10 },
    1,
    net,
    explainer,
  );
  assert.equal(ready, false, "the worker does not know the custom layer");
  assert.deepEqual(parallel, serial);
});

Deno.test("setAttributionWorkers rejects a bad count and relative module paths", () => {
  assert.throws(
    () => setAttributionWorkers({ workers: -1 }),
    (e: Error) =>
      e instanceof RangeError &&
      /workers must be a non-negative integer, received -1\. Pass 0/.test(e.message),
  );
  assert.throws(
    () => setAttributionWorkers({ workerImports: ["./layer.ts"] }),
    (e: Error) =>
      e instanceof TypeError && /absolute module URLs, received "\.\/layer\.ts"/.test(e.message),
  );
});

Deno.test("idle attribution workers do not keep the process alive", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const code = `
    import { createClassifier, IntegratedGradients, tf } from "./lib/mod.ts";
    import { startGradientPool } from "./lib/attr/attribution_workers.ts";
    const model = createClassifier({ seed: 0 });
    if (!(await startGradientPool(model))) throw new Error("pool did not start");
    const x = tf.zeros([2, 28, 28, 1]);
    const a = await new IntegratedGradients(model).attribute(x, { target: 1, nSteps: 4 });
    console.log("done", a.shape.join("x"));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /done 2x28x28x1/);
});

class Scale extends tf.layers.Layer {
  static className = "PoolTestScale";
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(x) ? x[0] : x, 1.5);
  }
}
tf.serialization.registerClass(Scale);

Deno.test("a worker that fails on its share: the main thread computes it, and the model is not served again", async () => {
  const net = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      new Scale({}),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
    ],
  });
  const explainer = new IntegratedGradients(net);
  setAttributionWorkers({ workers: 0 });
  const serial = await explainer.attribute(inputs, { target: 1, nSteps: 10 });
  const failing = new URL("../_helpers/pool_failing_layer.ts", import.meta.url);
  setAttributionWorkers({ workers: 1, workerImports: [failing] });
  assert.ok(await startGradientPool(net), "the workers rebuild the model");
  const parallel = await explainer.attribute(inputs, { target: 1, nSteps: 10 });
  assertAllClose(parallel, serial, { message: "the failed share was computed here" });
  assert.equal(workerShares(net), 0, "the pool was closed");
  tf.dispose([serial, parallel]);
  setAttributionWorkers({});
});
