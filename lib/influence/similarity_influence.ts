/**
 * SimilarityInfluence (Captum's `SimilarityInfluence`): the training examples whose activations
 * at chosen layers are most similar to a test example's, by cosine similarity or Euclidean
 * distance.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type LayerRef, LayerTap } from "../models/layer_tap.ts";
import { type BatchedDataset, batchedDataset } from "./_dataset.ts";
import { assertPositiveInteger, influenceRangeError, influenceTypeError } from "./_errors.ts";
import { StreamingTopK } from "./_top_k.ts";
import type { InfluenceDataset } from "./types.ts";

/**
 * A similarity of two batches of activations (Captum's `similarity_metric`): test `[T, ...]` and
 * training `[B, ...]` activations to a `[T, B]` matrix.
 */
export type SimilarityMetric = (test: tf.Tensor, train: tf.Tensor) => tf.Tensor;

/** Options of {@linkcode SimilarityInfluence}. */
export interface SimilarityInfluenceOptions {
  /**
   * `"cosine"` ({@linkcode cosineSimilarity}), `"euclidean"` ({@linkcode euclideanDistance}),
   * or a function of two activation batches returning `[T, B]`.
   * @default "cosine"
   */
  similarityMetric?: "cosine" | "euclidean" | SimilarityMetric;
  /**
   * Whether the most influential examples have the largest (`"max"`, for a similarity) or the
   * smallest (`"min"`, for a distance such as `"euclidean"`) values.
   * @default "max"
   */
  similarityDirection?: "max" | "min";
  /**
   * Training examples per forward pass.
   * @default 64
   */
  batchSize?: number;
  /**
   * The cosine similarity given to a pair where one activation vector is all zeros (Captum's
   * `replace_nan`): it ranks such pairs last.
   * @default -2 with "max", 2 with "min"
   */
  replaceNan?: number;
}

/** What {@linkcode SimilarityInfluence.influence} finds at one layer. The caller owns the tensors. */
export interface SimilarityInfluenceResult {
  /** Indices of the `topK` most similar training examples of each test example, int32 `[T, topK]`. */
  indices: tf.Tensor2D;
  /** Their similarities (or distances), `[T, topK]`, best first. */
  similarities: tf.Tensor2D;
  /**
   * `[test index, training index]` pairs whose cosine similarity is `replaceNan` because one of the
   * two activation vectors is zero (Captum's `zero_acts-<layer>` entry); empty otherwise.
   */
  zeroActs: [number, number][];
}

/**
 * Pairwise cosine similarity of the flattened rows of `test` `[T, ...]` and `train` `[B, ...]`,
 * `[T, B]`; a pair with a zero vector gets `replaceNan`.
 *
 * @example
 * ```ts
 * import { cosineSimilarity, tf } from "../mod.ts";
 * cosineSimilarity(tf.tensor2d([[1, 0]]), tf.tensor2d([[2, 0], [0, 3], [0, 0]])).print();
 * // [[1, 0, 0]]
 * ```
 */
export function cosineSimilarity(test: tf.Tensor, train: tf.Tensor, replaceNan = 0): tf.Tensor2D {
  return tf.tidy(() => {
    const a = tf.reshape(test, [test.shape[0], -1]);
    const b = tf.reshape(train, [train.shape[0], -1]);
    const na = tf.norm(a, 2, 1, true);
    const nb = tf.norm(b, 2, 1, true);
    const dots = tf.matMul(a, b, false, true);
    const norms = tf.matMul(na, nb, false, true);
    const zero = tf.equal(norms, 0);
    const shape: [number, number] = [a.shape[0], b.shape[0]];
    return tf.where(
      zero,
      tf.fill(shape, replaceNan),
      tf.div(dots, tf.where(zero, tf.onesLike(norms), norms)),
    );
  }) as tf.Tensor2D;
}

/**
 * Pairwise Euclidean distance of the flattened rows of `test` `[T, ...]` and `train` `[B, ...]`,
 * `[T, B]` (Captum's `euclidean_distance`, `torch.cdist`).
 *
 * @example
 * ```ts
 * import { euclideanDistance, tf } from "../mod.ts";
 * euclideanDistance(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4], [0, 1]])).print(); // [[5, 1]]
 * ```
 */
export function euclideanDistance(test: tf.Tensor, train: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const a = tf.reshape(test, [test.shape[0], -1]);
    const b = tf.reshape(train, [train.shape[0], -1]);
    const squared = tf.add(
      tf.sub(tf.sum(tf.square(a), 1, true), tf.mul(2, tf.matMul(a, b, false, true))),
      tf.transpose(tf.sum(tf.square(b), 1, true)),
    );
    return tf.sqrt(tf.relu(squared));
  }) as tf.Tensor2D;
}

/** Whether each row of `values` `[N, ...]` is all zeros. */
async function isZeroRow(values: tf.Tensor): Promise<boolean[]> {
  const norms = tf.tidy(() => tf.sum(tf.abs(tf.reshape(values, [values.shape[0], -1])), 1));
  const data = await norms.data();
  norms.dispose();
  return Array.from(data, (n) => n === 0);
}

/**
 * SimilarityInfluence: for each test example, the `topK` training examples whose activations at
 * each of `layers` are most similar (cosine, the default) or closest (`"euclidean"` with
 * `similarityDirection: "min"`). Captum caches the training activations on disk
 * (`activation_dir`); here they are recomputed batch by batch in memory on each call.
 *
 * @example
 * ```ts
 * import { createClassifier, SimilarityInfluence, tf } from "../mod.ts";
 * const model = createClassifier({ seed: 0 });
 * const train = tf.randomUniform([20, 28, 28, 1], 0, 1, "float32", 1);
 * const similarity = new SimilarityInfluence(model, ["relu2"], train);
 * const found = await similarity.influence(train.slice(0, 2), { topK: 3 });
 * found.relu2.indices.print(); // each example finds itself first
 * tf.dispose([found.relu2.indices, found.relu2.similarities, train]);
 * ```
 */
export class SimilarityInfluence {
  /** The model. */
  readonly model: tf.LayersModel;
  /** The layers compared, by name. */
  readonly layers: string[];
  /** The training examples searched. */
  readonly influenceSrcDataset: InfluenceDataset | tf.Tensor;
  /** Whether the best examples have the largest or the smallest values. */
  readonly similarityDirection: "max" | "min";
  /** The similarity used. */
  readonly similarityMetric: SimilarityMetric;
  /** The value of a cosine similarity with a zero vector (undefined for other metrics). */
  readonly replaceNan: number | undefined;
  /** Examples per forward pass. */
  readonly batchSize: number;
  readonly #taps: LayerTap[];
  readonly #src: BatchedDataset;

  /**
   * @param model a `tf.LayersModel`.
   * @param layers the layer(s) whose outputs are compared: objects or names.
   * @param influenceSrcDataset the training examples: a tensor of inputs or an
   *   {@linkcode InfluenceDataset} (labels are not needed).
   * @param options see {@linkcode SimilarityInfluenceOptions}.
   * @throws {TypeError} for an unknown layer or unusable data; {@linkcode RangeError} for an
   *   invalid direction or batch size.
   */
  constructor(
    model: tf.LayersModel,
    layers: LayerRef | readonly LayerRef[],
    influenceSrcDataset: InfluenceDataset | tf.Tensor,
    options: SimilarityInfluenceOptions = {},
  ) {
    const method = "SimilarityInfluence";
    const direction = options.similarityDirection ?? "max";
    if (direction !== "max" && direction !== "min") {
      throw influenceRangeError(
        method,
        "similarityDirection",
        `"max" or "min"`,
        direction,
        `Pass "max" for a similarity, "min" for a distance.`,
      );
    }
    const batchSize = options.batchSize ?? 64;
    assertPositiveInteger(method, "batchSize", batchSize);
    const metric = options.similarityMetric ?? "cosine";
    if (metric === "cosine") {
      this.replaceNan = options.replaceNan ?? (direction === "max" ? -2 : 2);
      const replaceNan = this.replaceNan;
      this.similarityMetric = (a, b) => cosineSimilarity(a, b, replaceNan);
    } else if (metric === "euclidean") {
      this.similarityMetric = euclideanDistance;
    } else if (typeof metric === "function") {
      this.similarityMetric = metric;
    } else {
      throw influenceRangeError(
        method,
        "similarityMetric",
        `"cosine", "euclidean" or a function (test, train) => [T, B]`,
        metric,
        "Pick one of these.",
      );
    }
    const refs = Array.isArray(layers) ? layers as readonly LayerRef[] : [layers as LayerRef];
    this.#taps = refs.map((ref) => new LayerTap(model, ref, { caller: method }));
    this.model = model;
    this.layers = this.#taps.map((t) => t.layer.name);
    this.influenceSrcDataset = influenceSrcDataset;
    this.similarityDirection = direction;
    this.batchSize = batchSize;
    this.#src = batchedDataset(
      method,
      "influenceSrcDataset",
      influenceSrcDataset,
      batchSize,
      false,
    );
  }

  /**
   * For each example of `inputs` `[T, ...]`, the `topK` most similar training examples at each
   * layer, keyed by layer name.
   */
  async influence(
    inputs: tf.Tensor,
    options: { topK?: number } = {},
  ): Promise<Record<string, SimilarityInfluenceResult>> {
    const method = "SimilarityInfluence";
    const topK = options.topK ?? 1;
    assertPositiveInteger(method, "topK", topK);
    if (!(inputs instanceof tf.Tensor) || inputs.isDisposed || inputs.rank < 2) {
      throw influenceTypeError(
        method,
        "inputs",
        "a live tensor with a batch axis ([T, ...])",
        inputs,
        "Pass the test examples as one tensor, e.g. images [T, 28, 28, 1].",
      );
    }
    const rows = inputs.shape[0];
    const tests = this.#taps.map((tap) => tf.tidy(() => tap.layerValue(inputs)));
    try {
      const testZero = this.replaceNan === undefined
        ? []
        : await Promise.all(tests.map((t) => isZeroRow(t)));
      const found = this.#taps.map(() => ({
        topK: new StreamingTopK(rows, topK, this.similarityDirection === "max"),
        zeroActs: [] as [number, number][],
      }));
      await this.#src.forEach(async ({ xs }, offset) => {
        for (let l = 0; l < this.#taps.length; l++) {
          const train = tf.tidy(() => this.#taps[l].layerValue(xs));
          const width = xs.shape[0];
          let values: Float32Array;
          try {
            const similarity = tf.tidy(() => this.similarityMetric(tests[l], train));
            const shape = similarity.shape;
            values = await similarity.data() as Float32Array;
            similarity.dispose();
            if (shape.length !== 2 || shape[0] !== rows || shape[1] !== width) {
              throw influenceTypeError(
                method,
                "the value similarityMetric returned",
                `a [${rows}, ${width}] matrix (test examples × training batch)`,
                `a tensor of shape [${shape.join(", ")}]`,
                "Return one similarity per pair of examples.",
              );
            }
            if (this.replaceNan !== undefined) {
              const trainZero = await isZeroRow(train);
              testZero[l].forEach((testIsZero, i) => {
                trainZero.forEach((trainIsZero, j) => {
                  if (testIsZero || trainIsZero) found[l].zeroActs.push([i, offset + j]);
                });
              });
            }
          } finally {
            train.dispose();
          }
          found[l].topK.add(values, width, offset);
        }
      });
      return Object.fromEntries(this.layers.map((name, l) => {
        const { indices, scores } = found[l].topK.result();
        return [name, { indices, similarities: scores, zeroActs: found[l].zeroActs }];
      }));
    } finally {
      tf.dispose(tests);
    }
  }
}
