import assert from "node:assert/strict";
import { NeuronGradient, tf } from "../../../lib/mod.ts";
import { selectNeuron, validateNeuronSelector } from "../../../lib/attr/neuron/neuron_selector.ts";
import { assertAllClose, assertNoLeak } from "../../_helpers/tensor_asserts.ts";
import { loadCaptumFixture } from "../../../fixtures/load_fixture.ts";

Deno.test("neuron methods reject bad neuronSelectors, naming the layer's output shape", async () => {
  const fx = loadCaptumFixture();
  const x = fx.inputs.slice([0], [1]);
  const ng = new NeuronGradient(fx.model, "conv1");
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [15, 15] }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^Cannot compute NeuronGradient attributions: neuronSelector must be an index of length 3 into layer "conv1"'s output of shape \[28, 28, 32\]/,
      );
      return true;
    },
  );
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [15, 28, 0] }),
    (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /neuronSelector\[1\] must be an integer in \[0, 27\]/);
      assert.match(e.message, /\[28, 28, 32\]/);
      return true;
    },
  );
  await assert.rejects(
    () => ng.attribute(x, { neuronSelector: [0, 0, 1.5] }),
    RangeError,
  );
  await assert.rejects(
    () => ng.attribute(fx.inputs, { neuronSelector: (a) => a.sum() }),
    /neuronSelector must be a function returning one value per example/,
  );
  await assert.rejects(
    () => ng.attribute(x, undefined as unknown as { neuronSelector: number[] }),
    TypeError,
  );
});

Deno.test("`selectNeuron()` picks one value per example by index or function", async () => {
  // [2, 2, 3]: value = 100·n + 10·h + c.
  const a = tf.tensor3d([[[0, 1, 2], [10, 11, 12]], [[100, 101, 102], [110, 111, 112]]]);
  const byIndex = selectNeuron("M", a, [1, 2]);
  assert.deepEqual(byIndex.shape, [2]);
  assertAllClose(byIndex, [12, 112], { atol: 0 });
  const dense = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  assertAllClose(selectNeuron("M", dense, 2), [3, 6], { atol: 0 });
  assertAllClose(selectNeuron("M", dense, [0]), [1, 4], { atol: 0 });
  const byFunction = selectNeuron("M", a, (v) => v.sum([1, 2]).reshape([2, 1]));
  assert.deepEqual(byFunction.shape, [2]);
  assertAllClose(byFunction, [36, 636], { atol: 0 });
  assert.throws(
    () => selectNeuron("M", a, (v) => v.sum()),
    /^TypeError: Cannot compute M attributions: neuronSelector must be a function returning one value per example \(a tensor of shape \[2\]\)/,
  );
  await assertNoLeak(() => tf.tidy(() => selectNeuron("M", a, [0, 1])));
  tf.dispose([a, byIndex, dense, byFunction]);
});

Deno.test("`validateNeuronSelector()` checks an index against the layer's shape", () => {
  const shape = [28, 28, 32];
  validateNeuronSelector("M", [27, 0, 31], [shape], "conv1");
  validateNeuronSelector("M", (a: tf.Tensor) => a, [shape], "conv1");
  validateNeuronSelector("M", 3, [[4]], "fc");
  assert.throws(() => validateNeuronSelector("M", "0", [shape], "conv1"), {
    name: "TypeError",
    message:
      'Cannot compute M attributions: neuronSelector must be an index into layer "conv1"\'s output of shape [28, 28, 32] (without the batch axis) or a function of the layer\'s output, received "0". Pass e.g. [0, 0, 0].',
  });
  assert.throws(
    () => validateNeuronSelector("M", 3, [shape], "conv1"),
    /^TypeError: Cannot compute M attributions: neuronSelector must be an index of length 3 into layer "conv1"'s output of shape \[28, 28, 32\]/,
  );
  assert.throws(
    () => validateNeuronSelector("M", [0, 0, 32], [shape], "conv1"),
    /^RangeError: Cannot compute M attributions: neuronSelector\[2\] must be an integer in \[0, 31\] for layer "conv1"'s output of shape \[28, 28, 32\]/,
  );
  assert.throws(() => validateNeuronSelector("M", [-1, 0, 0], [shape], "conv1"), RangeError);
  assert.throws(() => validateNeuronSelector("M", [4], [[4]], "fc"), RangeError);
});
