/**
 * Private: copies of a `tf.LayersModel` whose layers can be re-initialized without touching the
 * original (Adebayo et al.'s model parameter randomization works on such copies).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { SeededRandom } from "../attr/_utils/seeded_random.ts";

/**
 * A copy of `model`: the same architecture (rebuilt from its JSON configuration) and a copy of
 * every weight value. The caller disposes it (`copy.dispose()`).
 */
export async function copyLayersModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"];
  const copy = await tf.models.modelFromJSON({ modelTopology: topology });
  const weights = model.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype));
  try {
    copy.setWeights(weights);
  } catch (error) {
    copy.dispose();
    throw error;
  } finally {
    tf.dispose(weights);
  }
  return copy;
}

/** Names of the layers of `model` that hold weights, in the model's order (bottom to top). */
export function layersWithWeights(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
}

/**
 * Re-initialize every weight of `layer` from a truncated normal (resampled beyond 2σ) with mean 0
 * and σ the standard deviation of that weight's trained values (of the layer's first weight when a
 * weight is constant, e.g. a zero bias), so the randomized layer keeps its scale.
 */
export function randomizeLayer(layer: tf.layers.Layer, random: SeededRandom): void {
  const current = layer.getWeights();
  const values = current.map((w) => w.dataSync() as Float32Array);
  const sigmas = values.map(standardDeviation);
  const fallback = sigmas.find((s) => s > 0) ?? 0.05;
  const next = values.map((v, i) => {
    const sigma = sigmas[i] > 0 ? sigmas[i] : fallback;
    const out = new Float32Array(v.length);
    for (let j = 0; j < v.length; j++) {
      let z: number;
      do z = random.normal(); while (Math.abs(z) > 2);
      out[j] = sigma * z;
    }
    return tf.tensor(out, current[i].shape, current[i].dtype);
  });
  try {
    layer.setWeights(next);
  } finally {
    tf.dispose(next);
  }
}

function standardDeviation(v: Float32Array): number {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  return Math.sqrt(s / v.length);
}
