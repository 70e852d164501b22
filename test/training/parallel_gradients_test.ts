import assert from "node:assert/strict";
import { createClassifier, softmaxCrossEntropy, tf, trainClassifier } from "../../lib/mod.ts";
import { ParallelGradients } from "../../lib/training/parallel_gradients.ts";
import { separableSplit, tinyDenseModel } from "./_synthetic.ts";
import { WorkerOnlyCrashingLayer, WorkerOnlyFailingLayer } from "./_worker_only_failing_layer.ts";

function seededBatch(n: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  return {
    xs: tf.randomUniform([n, 28, 28, 1], 0, 1, "float32", seed) as tf.Tensor4D,
    ys: tf.randomUniform([n], 0, 10, "int32", seed + 1) as tf.Tensor1D,
  };
}

function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Single-thread reference: full-batch loss and gradients, as the trainer computes them. */
function referenceGradients(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor1D) {
  const { value, grads } = tf.variableGrads(
    () => softmaxCrossEntropy(model.apply(xs, { training: true }) as tf.Tensor, ys),
    variablesOf(model),
  );
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads };
}

/** max |a - b| / max |b| over each tensor of the maps, keyed as `expected`. */
function assertClose(actual: tf.NamedTensorMap, expected: tf.NamedTensorMap, rtol: number) {
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  for (const name of Object.keys(expected)) {
    assert.deepEqual(actual[name].shape, expected[name].shape, name);
    const a = actual[name].dataSync();
    const b = expected[name].dataSync();
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < b.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    assert.ok(scale > 0, `${name}: reference gradient is all zeros`);
    assert.ok(diff <= rtol * scale, `${name}: max diff ${diff} > ${rtol} × max ${scale}`);
  }
}

for (const [workers, batch] of [[1, 16], [2, 17]] as const) {
  Deno.test(`\`ParallelGradients.computeGradients()\` with ${workers} worker(s) equals the full-batch gradient (batch ${batch})`, async () => {
    const model = createClassifier({ seed: 3 });
    const { xs, ys } = seededBatch(batch, 10);
    using pool = await ParallelGradients.create(model, { workers });
    assert.equal(pool.workers, workers);
    const before = tf.memory().numTensors;
    const { loss, grads } = await pool.computeGradients(xs, ys);
    assert.equal(tf.memory().numTensors, before + 6); // the 6 gradients the caller owns
    const reference = referenceGradients(model, xs, ys);
    assert.ok(Math.abs(loss - reference.loss) <= 1e-5 * reference.loss, `${loss}`);
    assertClose(grads, reference.grads, 1e-4);
    tf.dispose([grads, reference.grads]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([xs, ys]);
    model.dispose();
  });
}

Deno.test("`ParallelGradients.computeGradients()` is deterministic: same split, same summation order", async () => {
  const model = createClassifier({ seed: 4 });
  const { xs, ys } = seededBatch(16, 20);
  const run = async () => {
    using pool = await ParallelGradients.create(model, { workers: 1 });
    const { loss, grads } = await pool.computeGradients(xs, ys);
    const values = Object.values(grads).map((g) => Array.from(g.dataSync()));
    tf.dispose(grads);
    return { loss, values };
  };
  assert.deepEqual(await run(), await run());
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("`ParallelGradients` with workers: 0 computes on the main thread exactly like `tf.variableGrads`", async () => {
  const model = createClassifier({ seed: 5 });
  const { xs, ys } = seededBatch(8, 30);
  using pool = await ParallelGradients.create(model, { workers: 0 });
  assert.equal(pool.workers, 0);
  assert.deepEqual(pool.shareSizes(8), [8]);
  const { loss, grads } = await pool.computeGradients(xs, ys);
  const reference = referenceGradients(model, xs, ys);
  assert.equal(loss, reference.loss);
  for (const name of Object.keys(reference.grads)) {
    assert.deepEqual(grads[name].dataSync(), reference.grads[name].dataSync(), name);
  }
  tf.dispose([grads, reference.grads, xs, ys]);
  model.dispose();
});

Deno.test("`ParallelGradients.shareSizes()` splits a batch evenly, the larger shares to the workers", async () => {
  const model = createClassifier({ seed: 0 });
  using pool = await ParallelGradients.create(model, { workers: 0 });
  assert.deepEqual(pool.shareSizes(64), [64]);
  // shareSizes depends only on the number of workers; check the split for 1 and 2 workers.
  using one = await ParallelGradients.create(model, { workers: 1 });
  assert.deepEqual(one.shareSizes(64), [32, 32]);
  assert.deepEqual(one.shareSizes(65), [32, 33]);
  assert.deepEqual(one.shareSizes(1), [0, 1]);
  using two = await ParallelGradients.create(model, { workers: 2 });
  assert.deepEqual(two.shareSizes(17), [5, 6, 6]);
  model.dispose();
});

Deno.test("`ParallelGradients.minimize()` training steps give the single-thread weights", async () => {
  const parallelModel = createClassifier({ seed: 6 });
  const singleModel = createClassifier({ seed: 6 });
  const parallelOptimizer = tf.train.adam(1e-3);
  const singleOptimizer = tf.train.adam(1e-3);
  using pool = await ParallelGradients.create(parallelModel, { workers: 1 });
  const before = tf.memory().numTensors;
  const losses: [number, number][] = [];
  for (let step = 0; step < 4; step++) {
    const { xs, ys } = seededBatch(16, 100 + step);
    const parallelLoss = await pool.minimize(parallelOptimizer, xs, ys);
    const cost = singleOptimizer.minimize(
      () => softmaxCrossEntropy(singleModel.apply(xs, { training: true }) as tf.Tensor, ys),
      true,
      variablesOf(singleModel),
    )!;
    losses.push([parallelLoss, cost.dataSync()[0]]);
    tf.dispose([cost, xs, ys]);
  }
  // The only new tensors: each optimizer's 2 Adam moments per weight (6 weights).
  assert.equal(tf.memory().numTensors, before + 2 * 2 * 6);
  for (const [p, s] of losses) assert.ok(Math.abs(p - s) <= 1e-5 * s, `loss ${p} vs ${s}`);
  const p = parallelModel.getWeights();
  const s = singleModel.getWeights();
  for (let i = 0; i < s.length; i++) {
    const a = p[i].dataSync();
    const b = s[i].dataSync();
    for (let j = 0; j < b.length; j++) {
      assert.ok(
        Math.abs(a[j] - b[j]) <= 1e-6 + 1e-4 * Math.abs(b[j]),
        `weight ${i}[${j}]: ${a[j]} vs ${b[j]}`,
      );
    }
  }
  // And training moved the weights (the comparison is not trivially true).
  const initial = createClassifier({ seed: 6 }).getWeights()[0].dataSync();
  assert.ok(s[0].dataSync().some((v, j) => v !== initial[j]));
  parallelOptimizer.dispose();
  singleOptimizer.dispose();
  parallelModel.dispose();
  singleModel.dispose();
});

function modelWithCustomLayer(
  layer: tf.layers.Layer = new WorkerOnlyFailingLayer({}),
): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      layer,
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    ],
  });
}

Deno.test("`ParallelGradients.create()` rejects with the worker's error when it cannot rebuild the model", async () => {
  const model = modelWithCustomLayer();
  await assert.rejects(
    ParallelGradients.create(model, { workers: 1 }),
    (error: Error) => {
      assert.match(
        error.message,
        /^Cannot create the gradient worker pool: worker 1 could not rebuild the model "[^"]+": .*WorkerOnlyFailingLayer.*pass the modules that register them in workerImports\.$/s,
      );
      return true;
    },
  );
  model.dispose();
});

Deno.test("`ParallelGradients.computeGradients()` rejects with the worker's error and stays usable", async () => {
  const model = modelWithCustomLayer();
  using pool = await ParallelGradients.create(model, {
    workers: 1,
    workerImports: [new URL("./_worker_only_failing_layer.ts", import.meta.url)],
  });
  const { xs, ys } = seededBatch(4, 40);
  const before = tf.memory().numTensors;
  for (let attempt = 0; attempt < 2; attempt++) {
    await assert.rejects(
      pool.computeGradients(xs, ys),
      {
        name: "Error",
        message:
          "Cannot compute gradients: worker 1 failed on its share of 2 examples: Error: worker-only failure",
      },
    );
    assert.equal(tf.memory().numTensors, before);
  }
  assert.equal(pool.closed, false);
  // A batch of one falls entirely to the worker's share; none to the main thread.
  assert.deepEqual(pool.shareSizes(1), [0, 1]);
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("`ParallelGradients` closes itself when a worker crashes, and says why", async () => {
  const model = modelWithCustomLayer(new WorkerOnlyCrashingLayer({}));
  using pool = await ParallelGradients.create(model, {
    workers: 1,
    workerImports: [new URL("./_worker_only_failing_layer.ts", import.meta.url)],
  });
  const { xs, ys } = seededBatch(4, 60);
  const before = tf.memory().numTensors;
  // The first step succeeds and leaves an uncaught error behind in the worker; the crash is
  // reported by the next step, whether it comes while that step runs or before it starts.
  tf.dispose((await pool.computeGradients(xs, ys)).grads);
  await assert.rejects(pool.computeGradients(xs, ys), (error: Error) => {
    assert.match(
      error.message,
      /^Cannot compute gradients: gradient worker 1 crashed \(.*worker-only crash\); the pool was closed\. Create a new /,
    );
    return true;
  });
  assert.equal(pool.closed, true);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("`ParallelGradients.close()` terminates the workers; later calls throw", async () => {
  const model = createClassifier({ seed: 0 });
  const pool = await ParallelGradients.create(model, { workers: 1 });
  const { xs, ys } = seededBatch(2, 50);
  const { grads } = await pool.computeGradients(xs, ys);
  tf.dispose(grads);
  pool.close();
  pool.close(); // idempotent
  assert.equal(pool.closed, true);
  await assert.rejects(pool.computeGradients(xs, ys), {
    name: "Error",
    message:
      "Cannot compute gradients: the gradient worker pool is closed. Create a new one with ParallelGradients.create().",
  });
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("`ParallelGradients` validates its arguments", async () => {
  const model = createClassifier({ seed: 0 });
  await assert.rejects(ParallelGradients.create(model, { workers: -1 }), {
    name: "RangeError",
    message:
      "Cannot create the gradient worker pool: workers must be a non-negative integer, received -1. Pass 0 (main thread only) or more.",
  });
  await assert.rejects(ParallelGradients.create(model, { workers: 1, workerImports: ["./x.ts"] }), {
    name: "TypeError",
    message:
      'Cannot create the gradient worker pool: workerImports must hold absolute module URLs, received "./x.ts". Pass e.g. new URL("./my_layer.ts", import.meta.url).',
  });
  using pool = await ParallelGradients.create(model, { workers: 0 });
  const xs = tf.zeros([3, 28, 28, 1]);
  const ys = tf.zeros([2], "int32") as tf.Tensor1D;
  await assert.rejects(pool.computeGradients(xs, ys), {
    name: "TypeError",
    message:
      "Cannot compute gradients: expected inputs [B, ...] and labels [B] with B >= 1, received inputs [3,28,28,1] and labels [2]. Pass one label per example.",
  });
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("`trainClassifier()` with workers: 1 trains like workers: 0, reproducibly, and closes its pool", async () => {
  const data = separableSplit(300);
  const run = async (workers: number) => {
    const model = tinyDenseModel(0);
    const before = tf.memory().numTensors;
    const history = await trainClassifier(model, data, {
      epochs: 2,
      batchSize: 32,
      seed: 1,
      progress: false,
      workers,
    });
    assert.equal(tf.memory().numTensors, before);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { loss: history.trainLoss, weights };
  };
  const single = await run(0);
  const parallel = await run(1);
  assert.deepEqual(await run(1), parallel);
  for (const [i, l] of single.loss.entries()) {
    assert.ok(
      Math.abs(parallel.loss[i] - l) <= 1e-5 * l,
      `epoch ${i + 1}: ${parallel.loss[i]} vs ${l}`,
    );
  }
  for (const [i, w] of single.weights.entries()) {
    for (const [j, v] of w.entries()) {
      const p = parallel.weights[i][j];
      assert.ok(Math.abs(p - v) <= 1e-5 + 1e-4 * Math.abs(v), `weight ${i}[${j}]: ${p} vs ${v}`);
    }
  }
  await assert.rejects(trainClassifier(tinyDenseModel(0), data, { workers: 0.5 }), {
    name: "RangeError",
    message:
      "Cannot train the classifier: workers must be a non-negative integer, received 0.5. Pass 0 to train on the main thread only.",
  });
});
