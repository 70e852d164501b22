/**
 * Captum's reference outputs on the tutorial CNN (`../shared/fixtures/captum_seed_cnn.json`), with
 * the network rebuilt on the fixture's weights and every image-shaped array turned NHWC.
 *
 * @module
 */
import { createClassifier, tf } from "../../lib/mod.ts";

interface RawFixture {
  weights: Record<string, { shape: number[]; values: number[] }>;
  inputs: number[][][][];
  targets: number[];
  captum: Record<string, unknown>;
  captum_ms: Record<string, number>;
  train_it_per_s: number;
  test_accuracy: number;
}

/** The fixture, NHWC. Tensors are kept (never disposed) for the whole test process. */
export interface CaptumFixture {
  /** The tutorial CNN with the fixture's weights (layers conv1, relu1, conv2, relu2, flatten, dense). */
  model: tf.Sequential;
  /** The two test images, NHWC [2, 28, 28, 1]. */
  inputs: tf.Tensor4D;
  /** Their labels. */
  targets: number[];
  /** Captum's output for an entry, NHWC (a [1, h, w, c] tensor), e.g. `reference("Saliency")`. */
  reference(name: string): tf.Tensor;
  /** Captum's median latency per entry, in milliseconds. */
  captumMs: Record<string, number>;
  /** PyTorch's training throughput, batches of 64 per second. */
  trainItPerS: number;
}

/** Where the fixture lives: `../shared/fixtures/` beside the checkout. */
export const FIXTURE_PATH = new URL(
  "../../../shared/fixtures/captum_seed_cnn.json",
  import.meta.url,
);

let cached: CaptumFixture | undefined;

/** Load (once per process) the Captum fixture and the model on its weights. */
export function loadCaptumFixture(): CaptumFixture {
  if (cached) return cached;
  const raw = JSON.parse(Deno.readTextFileSync(FIXTURE_PATH)) as RawFixture;
  // The tutorial CNN (conv1, relu1, conv2, relu2, flatten, dense); its weights are the fixture's.
  const model = createClassifier({ seed: 0 });
  const w = (name: string) => tf.tensor(raw.weights[name].values, raw.weights[name].shape);
  model.getLayer("conv1").setWeights([w("conv1/kernel"), w("conv1/bias")]);
  model.getLayer("conv2").setWeights([w("conv2/kernel"), w("conv2/bias")]);
  model.getLayer("dense").setWeights([w("dense/kernel"), w("dense/bias")]);
  const toNhwc = (nchw: unknown) =>
    tf.tidy(() => {
      const t = tf.tensor(nchw as number[]);
      return t.rank === 4 ? t.transpose([0, 2, 3, 1]) : t;
    });
  const inputs = toNhwc(raw.inputs) as tf.Tensor4D;
  const references = new Map<string, tf.Tensor>();
  cached = {
    model,
    inputs,
    targets: raw.targets,
    captumMs: raw.captum_ms,
    trainItPerS: raw.train_it_per_s,
    reference(name: string): tf.Tensor {
      if (!(name in raw.captum) || raw.captum[name] === null) {
        throw new RangeError(`No Captum reference named ${JSON.stringify(name)} in the fixture.`);
      }
      if (!references.has(name)) references.set(name, toNhwc(raw.captum[name]));
      return references.get(name)!;
    },
  };
  return cached;
}
