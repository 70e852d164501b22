/**
 * A deterministic CAV classifier for the tests: the difference between a class's mean activation
 * and the other examples' (for two classes −w and w, w for the second), as the `MeanDifference`
 * of `scripts/captum_concept_fixtures.py` that Captum's TCAV ran to make the fixture.
 *
 * @module
 */
import type { Classifier, ConceptActivations } from "../../lib/mod.ts";

export class MeanDifference implements Classifier {
  #weights: Float32Array[] = [];
  #classes: number[] = [];

  trainAndEval({ inputs, numFeatures, labels }: ConceptActivations): Record<string, unknown> {
    const classes = [...new Set(labels)].sort((a, b) => a - b);
    const meanWhere = (keep: (label: number) => boolean) => {
      const sum = new Float64Array(numFeatures);
      let count = 0;
      labels.forEach((l, i) => {
        if (!keep(l)) return;
        count++;
        for (let f = 0; f < numFeatures; f++) sum[f] += inputs[i * numFeatures + f];
      });
      return sum.map((v) => v / count);
    };
    const rowFor = (c: number) => {
      const inside = meanWhere((l) => l === c);
      const outside = meanWhere((l) => l !== c);
      return inside.map((v, f) => v - outside[f]);
    };
    if (classes.length === 2) {
      const w = rowFor(classes[1]);
      this.#weights = [Float32Array.from(w, (v) => -v), Float32Array.from(w)];
    } else {
      this.#weights = classes.map((c) => Float32Array.from(rowFor(c)));
    }
    this.#classes = classes;
    return { accs: 1 };
  }

  weights(): Float32Array[] {
    return this.#weights;
  }

  classes(): number[] {
    return this.#classes;
  }
}
