import assert from "node:assert/strict";
import { NeuronGradient } from "../../../lib/mod.ts";
import { loadCaptumFixture } from "../../_helpers/captum_fixture.ts";

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
