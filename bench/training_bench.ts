/**
 * Training, forward and input-gradient throughput of the tutorial CNN on the default backend
 * (`wasm` with this library's kernels), next to the stock `cpu` backend measured in the same run,
 * and PyTorch's training speed from the Captum fixture.
 *
 * Run: `deno bench -A bench/training_bench.ts` (about a minute on an idle 2-core machine; cpu is
 * measured on one small batch and scaled).
 *
 * @module
 */
import { createClassifier, setBackend, tf } from "../lib/mod.ts";
import { printTable } from "./_report.ts";
import { readTutorialFixture } from "../fixtures/load_fixture.ts";

const BATCH = 64;
const IG_BATCH = 50;

function seededBatch(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = tf.randomUniform([n, 28, 28, 1], 0, 1, "float32", seed) as tf.Tensor4D;
  const labels = tf.randomUniform([n], 0, 10, "int32", seed + 1) as tf.Tensor1D;
  const y = tf.oneHot(labels, 10).toFloat() as tf.Tensor2D;
  labels.dispose();
  return { x, y };
}

const loss = (y: tf.Tensor, logits: tf.Tensor) =>
  tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;

/** One training step through `model.trainOnBatch` (compiled with Adam 1e-3). */
function trainOnBatchStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {
  return async (): Promise<void> => {
    await model.trainOnBatch(x, y);
  };
}

/** One training step through `optimizer.minimize` (forward + backward + Adam update). */
function minimizeStep(model: tf.LayersModel, opt: tf.Optimizer, x: tf.Tensor, y: tf.Tensor) {
  return (): void => {
    opt.minimize(() => loss(y, model.apply(x, { training: true }) as tf.Tensor), false);
  };
}

/** Input gradient of the target logits for a batch (what Saliency / IG steps do). */
function inputGradStep(model: tf.LayersModel, x: tf.Tensor, mask: tf.Tensor) {
  const f = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, mask));
  return (): void => {
    const g = tf.grad(f)(x);
    g.dataSync();
    g.dispose();
  };
}

function forwardStep(model: tf.LayersModel, x: tf.Tensor) {
  return (): void => {
    const out = model.predict(x) as tf.Tensor;
    out.dataSync();
    out.dispose();
  };
}

/** Best-of-`rounds` mean seconds per call over `n` calls, after `warmup` calls. */
async function secondsPerCall(
  fn: () => unknown,
  n: number,
  warmup = 2,
  rounds = 3,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    best = Math.min(best, (performance.now() - t0) / n / 1000);
  }
  return best;
}

interface Setup {
  model: tf.LayersModel;
  opt: tf.Optimizer;
  x: tf.Tensor4D;
  y: tf.Tensor2D;
  xIg: tf.Tensor4D;
  mask: tf.Tensor2D;
}

function setup(): Setup {
  const model = createClassifier({ seed: 0 });
  const opt = tf.train.adam(1e-3);
  model.compile({ optimizer: opt, loss: tf.losses.softmaxCrossEntropy });
  const { x, y } = seededBatch(BATCH, 1);
  const ig = seededBatch(IG_BATCH, 3);
  return { model, opt, x, y, xIg: ig.x, mask: ig.y };
}

// ---- summary (measured once at load, printed before deno bench's own table) ----------------
const pytorch = readTutorialFixture().train_it_per_s;
/** 1-minute load average: other processes on this 2-core machine slow every figure below. */
const loadBefore = Deno.loadavg()[0];

await setBackend("wasm");
const w = setup();
const wasmTrain = await secondsPerCall(trainOnBatchStep(w.model, w.x, w.y), 10);
const wasmMinimize = await secondsPerCall(minimizeStep(w.model, w.opt, w.x, w.y), 10);
const wasmForward = await secondsPerCall(forwardStep(w.model, w.x), 10);
const wasmGrad = await secondsPerCall(inputGradStep(w.model, w.xIg, w.mask), 10);

const [k1, b1, k2, b2, wDense, bDense] = w.model.getWeights();
/** The same network as plain ops: its input gradient skips the layers' eager filter gradients. */
const unfused = {
  apply(x: tf.Tensor): tf.Tensor {
    const c1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 1, "same"), b1));
    const c2 = tf.relu(tf.add(tf.conv2d(c1 as tf.Tensor4D, k2 as tf.Tensor4D, 1, "same"), b2));
    return tf.add(tf.matMul(tf.reshape(c2, [x.shape[0], -1]), wDense), bDense);
  },
} as unknown as tf.LayersModel;
const wasmGradUnfused = await secondsPerCall(inputGradStep(unfused, w.xIg, w.mask), 10);

// The cpu backend is ~100x slower: one step on a smaller batch, scaled linearly to the batch size.
const CPU_TRAIN_BATCH = 8;
const CPU_GRAD_BATCH = 5;
await setBackend("cpu");
const c = setup();
const cTrain = seededBatch(CPU_TRAIN_BATCH, 5);
const cGrad = seededBatch(CPU_GRAD_BATCH, 7);
const cpuTrain = (BATCH / CPU_TRAIN_BATCH) *
  await secondsPerCall(trainOnBatchStep(c.model, cTrain.x, cTrain.y), 1, 0, 1);
const cpuForward = await secondsPerCall(forwardStep(c.model, c.x), 1, 0, 1);
const cpuGrad = (IG_BATCH / CPU_GRAD_BATCH) *
  await secondsPerCall(inputGradStep(c.model, cGrad.x, cGrad.y), 1, 0, 1);
c.model.dispose();
tf.dispose([c.x, c.y, c.xIg, c.mask, cTrain.x, cTrain.y, cGrad.x, cGrad.y]);
await setBackend("wasm");

const rows: [string, string, string, string, string][] = [
  [
    "training (batches of 64 / s), trainOnBatch",
    (1 / wasmTrain).toFixed(2),
    (1 / cpuTrain).toFixed(3),
    (cpuTrain / wasmTrain).toFixed(0) + "x",
    (1 / wasmTrain / pytorch).toFixed(2),
  ],
  [
    "training (batches of 64 / s), minimize",
    (1 / wasmMinimize).toFixed(2),
    "",
    "",
    (1 / wasmMinimize / pytorch).toFixed(2),
  ],
  [
    "forward (images / s)",
    (BATCH / wasmForward).toFixed(0),
    (BATCH / cpuForward).toFixed(0),
    (cpuForward / wasmForward).toFixed(0) + "x",
    "",
  ],
  [
    `input gradient, batch of ${IG_BATCH} (ms)`,
    (wasmGrad * 1000).toFixed(1),
    (cpuGrad * 1000).toFixed(0),
    (cpuGrad / wasmGrad).toFixed(0) + "x",
    "",
  ],
  [
    `input gradient, batch of ${IG_BATCH}, unfused ops (ms)`,
    (wasmGradUnfused * 1000).toFixed(1),
    "",
    "",
    "",
  ],
];
const header: [string, string, string, string, string] = [
  "tutorial CNN",
  "wasm",
  "cpu",
  "wasm/cpu",
  `vs PyTorch ${pytorch.toFixed(1)}/s`,
];
printTable(header, rows);
console.log(
  `cpu: training from one batch of ${CPU_TRAIN_BATCH}, input gradient from one batch of ` +
    `${CPU_GRAD_BATCH}, both scaled linearly`,
);
console.log(
  `1-minute load average: ${loadBefore.toFixed(2)} before, ${
    Deno.loadavg()[0].toFixed(2)
  } after (figures are for an otherwise idle machine only when both are well below 1)`,
);
console.log(
  `faster training loop on wasm: ${
    wasmTrain <= wasmMinimize ? "model.trainOnBatch" : "optimizer.minimize"
  }\n`,
);

// ---- deno bench's own timings (wasm) --------------------------------------------------------
Deno.bench({
  name: "wasm: train one batch of 64 (trainOnBatch, Adam)",
  group: "training",
  baseline: true,
  n: 20,
  warmup: 2,
  fn: trainOnBatchStep(w.model, w.x, w.y),
});
Deno.bench({
  name: "wasm: train one batch of 64 (optimizer.minimize, Adam)",
  group: "training",
  n: 20,
  warmup: 2,
  fn: minimizeStep(w.model, w.opt, w.x, w.y),
});
Deno.bench({
  name: "wasm: forward of 64 images",
  n: 20,
  warmup: 2,
  fn: forwardStep(w.model, w.x),
});
Deno.bench({
  name: `wasm: input gradient of ${IG_BATCH} images`,
  n: 20,
  warmup: 2,
  fn: inputGradStep(w.model, w.xIg, w.mask),
});
