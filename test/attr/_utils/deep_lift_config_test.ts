import assert from "node:assert/strict";
import {
  DeepLift,
  DeepLiftShap,
  LayerDeepLift,
  LayerDeepLiftShap,
  NeuronDeepLift,
  NeuronDeepLiftShap,
  tf,
} from "../../../lib/mod.ts";

Deno.test("every DeepLift class validates its config at construction, naming itself", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: "relu", name: "d" })],
  });
  const cases: Array<[string, () => unknown]> = [
    ["DeepLift", () => new DeepLift(model, { eps: -1 })],
    ["DeepLiftShap", () => new DeepLiftShap(model, { eps: -1 })],
    ["LayerDeepLift", () => new LayerDeepLift(model, "d", { eps: -1 })],
    ["LayerDeepLiftShap", () => new LayerDeepLiftShap(model, "d", { eps: -1 })],
    ["NeuronDeepLift", () => new NeuronDeepLift(model, "d", { eps: -1 })],
    ["NeuronDeepLiftShap", () => new NeuronDeepLiftShap(model, "d", { eps: -1 })],
  ];
  for (const [name, construct] of cases) {
    assert.throws(
      construct,
      (e: unknown) =>
        e instanceof RangeError &&
        e.message.startsWith(
          `Cannot compute ${name} attributions: eps must be a finite number >= 0, received -1.`,
        ),
      name,
    );
  }
  assert.throws(
    () => new NeuronDeepLift(model, "d", { multiplyByInputs: "yes" as unknown as boolean }),
    /NeuronDeepLift attributions: config.multiplyByInputs must be a boolean, received "yes"/,
  );
  model.dispose();
});
