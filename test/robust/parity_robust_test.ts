/**
 * Parity with Captum's `FGSM` and `PGD` (`fixtures/captum/robust.json`, made by
 * `scripts/captum_robust_fixtures.py`) on the four parity networks (`fixtures/networks.ts`), with
 * their fixtures' weights, images and targets, on every backend the library ships: the perturbed
 * inputs must match Captum's to max |ours − Captum| ≤ 1e-4 · max |Captum|. A gradient whose sign
 * differs would move an element by 2·ε, so this also pins every step's sign.
 *
 * Set `PARITY_TABLE=1` to print one line per case.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  BACKEND_NAMES,
  crossEntropyLoss,
  FGSM,
  negativeLogLoss,
  PGD,
  setBackend,
  tf,
} from "../../lib/mod.ts";
import { loadParityFixture } from "../../fixtures/load_fixture.ts";
import { PARITY_NETWORKS } from "../../fixtures/networks.ts";
import { type StoredTensor, storedTensor } from "../../fixtures/stored_tensor.ts";
import { relativeMaxError } from "../_helpers/tensor_asserts.ts";

const TOLERANCE = 1e-4;

interface RobustCase {
  method: "FGSM" | "PGD";
  options: Record<string, unknown>;
  perturbed: StoredTensor;
}

interface RobustFixture {
  networks: Record<string, {
    loss: "crossEntropy" | "negativeLog";
    lowerBound: number;
    upperBound: number;
    cases: Record<string, RobustCase>;
  }>;
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("../../fixtures/captum/robust.json", import.meta.url)),
) as RobustFixture;

for (const backend of BACKEND_NAMES) {
  for (const network of PARITY_NETWORKS) {
    Deno.test(`\`FGSM\` and \`PGD\` match Captum on the ${network} network (${backend})`, async () => {
      await setBackend(backend);
      const recorded = fixture.networks[network];
      const fx = loadParityFixture(network);
      const config = {
        lossFunc: recorded.loss === "crossEntropy" ? crossEntropyLoss : negativeLogLoss,
        lowerBound: recorded.lowerBound,
        upperBound: recorded.upperBound,
      };
      const attacks = { FGSM: new FGSM(fx.model, config), PGD: new PGD(fx.model, config) };
      try {
        for (const [name, c] of Object.entries(recorded.cases)) {
          const expected = storedTensor(c.perturbed);
          const ours = c.method === "FGSM"
            ? await attacks.FGSM.perturb(fx.inputs, c.options as never)
            : await attacks.PGD.perturb(fx.inputs, c.options as never);
          const error = relativeMaxError(ours, expected);
          const differing = tf.tidy(() =>
            ours.sub(expected).abs().greater(1e-5).cast("float32").sum().dataSync()[0]
          );
          if (Deno.env.get("PARITY_TABLE")) {
            console.log(`${network}\t${name}\t${backend}\t${error.toExponential(2)}\t${differing}`);
          }
          tf.dispose([expected, ours]);
          assert.ok(
            error <= TOLERANCE,
            `${network} ${name} (${backend}): relative error ${error} > ${TOLERANCE}; ${differing} elements differ`,
          );
        }
      } finally {
        fx.dispose();
      }
    });
  }
}
