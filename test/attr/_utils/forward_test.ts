import assert from "node:assert/strict";
import {
  DeepLift,
  infidelity,
  IntegratedGradients,
  LayerGradCam,
  Saliency,
  tf,
} from "../../../lib/mod.ts";
import { assertAllClose } from "../../_helpers/tensor_asserts.ts";

const W = [[1, -2], [0.5, 3], [-1, 1]];

/** relu(x · W) as a TensorFlow graph (what the converter writes for a SavedModel), in memory. */
async function graphModel(): Promise<tf.GraphModel> {
  const float = { type: "DT_FLOAT" };
  const dim = (sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const modelTopology = {
    node: [
      { name: "x", op: "Placeholder", attr: { dtype: float, shape: { shape: dim([-1, 3]) } } },
      {
        name: "w",
        op: "Const",
        attr: { dtype: float, value: { tensor: { dtype: "DT_FLOAT", tensorShape: dim([3, 2]) } } },
      },
      {
        name: "xw",
        op: "MatMul",
        input: ["x", "w"],
        attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } },
      },
      { name: "y", op: "Relu", input: ["xw"], attr: { T: float } },
    ],
    versions: { producer: 1 },
  };
  const weightData = new Float32Array(W.flat()).buffer;
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology,
    format: "graph-model",
    weightSpecs: [{ name: "w", shape: [3, 2], dtype: "float32" }],
    weightData,
  }));
  return model;
}

const asFunction = (x: tf.Tensor) => tf.relu(tf.matMul(x, tf.tensor2d(W)));

Deno.test("primary methods accept a tf.GraphModel and equal the same function's attributions", async () => {
  const model = await graphModel();
  const x = tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]]);
  assertAllClose(model.predict(x) as tf.Tensor, asFunction(x));
  for (const target of [0, 1]) {
    assertAllClose(
      await new Saliency(model).attribute(x, { target }),
      await new Saliency(asFunction).attribute(x, { target }),
    );
    assertAllClose(
      await new IntegratedGradients(model).attribute(x, { target }),
      await new IntegratedGradients(asFunction).attribute(x, { target }),
      { atol: 1e-5 },
    );
    assertAllClose(
      await new DeepLift(model).attribute(x, { target }),
      await new DeepLift(asFunction).attribute(x, { target }),
    );
  }
  const attributions = await new Saliency(model).attribute(x, { target: 0 });
  const perturb = (inputs: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const noise = tf.onesLike(inputs).mul(0.1);
    return [noise, inputs.sub(noise)];
  };
  const options = { target: 0, nPerturbSamples: 4 };
  assertAllClose(
    await infidelity(model, perturb, x, attributions, options),
    await infidelity(asFunction, perturb, x, attributions, options),
  );
});

Deno.test("a tf.GraphModel's declared input shape is checked, and layer methods refuse it by name", async () => {
  const model = await graphModel();
  await assert.rejects(
    new Saliency(model).attribute(tf.ones([1, 4]), { target: 0 }),
    /inputs must be a batch of the model's input shape \[N, 3\]/,
  );
  assert.throws(
    () => new LayerGradCam(model as never, "xw"),
    /received a tf\.GraphModel \(a graph has no layers to tap\)/,
  );
});
