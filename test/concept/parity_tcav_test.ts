/**
 * Parity with Captum's `TCAV.interpret` (`fixtures/captum/concept.json`, made by
 * `scripts/captum_concept_fixtures.py`): the same MLP, concepts, experimental sets, inputs and
 * targets, and the same deterministic classifier (`MeanDifference`), so that activations, labels,
 * class order, layer gradients and scores are all compared.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BACKEND_NAMES, Concept, setBackend, TCAV, tf } from "../../lib/mod.ts";
import { assertAllClose } from "../_helpers/tensor_asserts.ts";
import { FIXTURE, fixtureMlp } from "./_fixture.ts";
import { MeanDifference } from "./_mean_difference.ts";

for (const backend of BACKEND_NAMES) {
  Deno.test(`\`TCAV.interpret()\` matches Captum's scores, layer outputs and a layer input (${backend})`, async () => {
    await setBackend(backend);
    const model = fixtureMlp();
    const fx = FIXTURE.tcav;
    const owned: tf.Tensor[] = [];
    const concepts = new Map(
      fx.concepts.map((c) => {
        const batches = c.batches.map((b) => tf.tensor2d(b));
        owned.push(...batches);
        return [c.id, new Concept(c.id, c.name, batches)];
      }),
    );
    const sets = fx.sets.map((ids) => ids.map((id) => concepts.get(id)!));
    const inputs = tf.tensor2d(fx.inputs);
    for (
      const [which, layers, attributeToLayerInput] of [
        ["outputs", ["fc1", "relu2"], false],
        ["inputs", ["fc2"], true],
      ] as const
    ) {
      const tcav = new TCAV(model, [...layers], {
        classifier: new MeanDifference(),
        attributeToLayerInput,
        savePath: null,
      });
      const scores = await tcav.interpret(inputs, sets, { target: fx.targets });
      const expected = fx.scores[which];
      assert.deepEqual(Object.keys(scores).sort(), Object.keys(expected).sort());
      for (const [key, byLayer] of Object.entries(expected)) {
        assert.deepEqual(Object.keys(scores[key]), [...layers], key);
        for (const [layer, { sign_count, magnitude }] of Object.entries(byLayer)) {
          assert.deepEqual(scores[key][layer].signCount, sign_count, `${which} ${key} ${layer}`);
          // Means of float32 products that largely cancel (relu2's are ~1e-4): an absolute floor.
          assertAllClose(scores[key][layer].magnitude, magnitude, {
            rtol: 1e-5,
            atol: 1e-8,
            message: `${which} ${key} ${layer} magnitude`,
          });
        }
      }
    }
    tf.dispose([...owned, inputs]);
    model.dispose();
  });
}
