/**
 * SmoothGrad, SmoothGrad² and VarGrad over any attribution method, as Captum's `NoiseTunnel`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Attribution } from "./attribution.ts";
import { DeepLiftShap } from "./deep_lift_shap.ts";
import { GradientShap } from "./gradient_shap.ts";
import type { AttributionWithDelta, Target } from "./types.ts";
import { assertInteger, assertNumber, assertOneOf } from "./_utils/errors.ts";
import { assertChunkFits, budgetRows, rowCost } from "./_utils/memory_budget.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";
import { callProgress } from "./_utils/progress.ts";
import type { ProgressOptions } from "./options.ts";
import { repeatInterleave, repeatTarget } from "./_utils/repeat.ts";

/** How NoiseTunnel combines the attributions of the noisy copies, as Captum's `nt_type`. */
export type NoiseTunnelType = "smoothgrad" | "smoothgrad_sq" | "vargrad";

/** All values of {@linkcode NoiseTunnelType}. */
export const NOISE_TUNNEL_TYPES: readonly NoiseTunnelType[] = [
  "smoothgrad",
  "smoothgrad_sq",
  "vargrad",
];

/** NoiseTunnel's own options (the wrapped method's options are passed through beside them). */
export interface NoiseTunnelOwnOptions extends ProgressOptions {
  /**
   * `"smoothgrad"`: mean of the attributions; `"smoothgrad_sq"`: mean of their squares;
   * `"vargrad"`: their variance, E[a²] − E[a]².
   * @default "smoothgrad"
   */
  ntType?: NoiseTunnelType;
  /** Noisy copies per example. @default 5 */
  ntSamples?: number;
  /**
   * At most this many noisy copies per example in one call of the wrapped method (which batches
   * its own passes further).
   * @default all copies in one call, fewer when N · copies rows of forward and backward passes
   * would not fit a 512 MiB budget
   */
  ntSamplesBatchSize?: number;
  /** Standard deviation of the Gaussian noise added to the inputs (absolute units). @default 1 */
  stdevs?: number;
  /** Seed of the noise (the same seed gives the same result). @default 0 */
  seed?: number;
}

/** A wrapped method that has a convergence delta. */
interface WithDelta {
  attributeWithDelta(inputs: tf.Tensor, options: object): Promise<AttributionWithDelta>;
}

/** The options of a method's `attribute()` (its second parameter). */
export type AttributeOptionsOf<M extends Attribution> = NonNullable<Parameters<M["attribute"]>[1]>;

/**
 * Options of {@linkcode NoiseTunnel.attribute}: NoiseTunnel's own, plus the wrapped method's
 * (except its own `stdevs` and `seed`, which NoiseTunnel's take the place of).
 */
export type NoiseTunnelOptions<M extends Attribution> =
  & NoiseTunnelOwnOptions
  & Omit<AttributeOptionsOf<M>, "stdevs" | "seed">;

/**
 * NoiseTunnel: run an attribution method on `ntSamples` noisy copies `x + N(0, stdevs²)` of each
 * example and combine the results (SmoothGrad, SmoothGrad², VarGrad). Works with every method
 * here; the wrapped method's options (target, baselines, nSteps…) are passed through, with index
 * targets and per-example baselines repeated for the copies.
 *
 * @example
 * ```ts
 * import { NoiseTunnel, Saliency, tf } from "../mod.ts";
 * const nt = new NoiseTunnel(new Saliency((x: tf.Tensor) => x.square().sum(1, true)));
 * const attr = await nt.attribute(tf.tensor2d([[1, -2]]), { ntSamples: 10, stdevs: 0.1 });
 * attr.print(); // ≈ [[2, 4]] (|∇| = |2x| averaged over noisy copies)
 * attr.dispose();
 * ```
 */
export class NoiseTunnel<M extends Attribution = Attribution> extends Attribution {
  /** The wrapped attribution method. */
  readonly attributionMethod: M;

  /** @param attributionMethod any attribution method instance, e.g. `new IntegratedGradients(model)`. */
  constructor(attributionMethod: M) {
    if (!(attributionMethod instanceof Attribution)) {
      throw new TypeError(
        `Cannot compute NoiseTunnel attributions: attributionMethod must be an attribution ` +
          `method instance, received ${typeof attributionMethod}. Pass e.g. new Saliency(model).`,
      );
    }
    super(attributionMethod.model);
    this.attributionMethod = attributionMethod;
  }

  /**
   * The combined attributions, in the wrapped method's output shape. The caller owns the result.
   *
   * @throws {TypeError} for inputs or options the wrapped method rejects.
   * @throws {RangeError} for an unknown `ntType`, `ntSamples < 1` or negative `stdevs`.
   */
  async attribute(inputs: tf.Tensor, options?: NoiseTunnelOptions<M>): Promise<tf.Tensor> {
    return (await this.#smooth(inputs, options, false)).attributions;
  }

  /**
   * The combined attributions and the wrapped method's convergence delta for every noisy copy,
   * as Captum's `return_convergence_delta=True`: `[N · ntSamples]` values, in chunks of
   * `ntSamplesBatchSize` copies, each chunk example-major. The caller owns both tensors.
   *
   * @example
   * ```ts
   * import { IntegratedGradients, NoiseTunnel, tf } from "../mod.ts";
   * const nt = new NoiseTunnel(new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true)));
   * const { attributions, delta } = await nt.attributeWithDelta(tf.tensor2d([[1, -2]]), {
   *   ntSamples: 3,
   *   stdevs: 0.1,
   * });
   * console.log(delta.shape); // [3]
   * tf.dispose([attributions, delta]);
   * ```
   *
   * @throws {TypeError} when the wrapped method has no convergence delta (see
   *   {@linkcode Attribution.hasConvergenceDelta}).
   */
  async attributeWithDelta(
    inputs: tf.Tensor,
    options?: NoiseTunnelOptions<M>,
  ): Promise<AttributionWithDelta> {
    if (!this.hasConvergenceDelta()) {
      throw new TypeError(
        `Cannot compute NoiseTunnel attributions with a convergence delta: the wrapped method ` +
          `must compute one, received ${this.attributionMethod.methodName}. Call attribute(), or ` +
          `wrap IntegratedGradients, DeepLift, DeepLiftShap, GradientShap or a layer variant.`,
      );
    }
    const { attributions, delta } = await this.#smooth(inputs, options, true);
    return { attributions, delta: delta as tf.Tensor1D };
  }

  /** Whether the wrapped method computes a convergence delta. */
  override hasConvergenceDelta(): boolean {
    return this.attributionMethod.hasConvergenceDelta();
  }

  async #smooth(
    inputs: tf.Tensor,
    options: NoiseTunnelOptions<M> | undefined,
    withDelta: boolean,
  ): Promise<{ attributions: tf.Tensor; delta?: tf.Tensor }> {
    const name = this.methodName;
    const {
      ntType = "smoothgrad",
      ntSamples = 5,
      ntSamplesBatchSize,
      stdevs = 1,
      seed = 0,
      showProgress,
      ...methodOptions
    } = (options ?? {}) as NoiseTunnelOwnOptions & Record<string, unknown>;
    const target = methodOptions.target as Target | undefined;
    this.validateInputsAndTarget(inputs, target);
    assertOneOf(name, "ntType", ntType, NOISE_TUNNEL_TYPES);
    assertInteger(name, "ntSamples", ntSamples);
    if (ntSamplesBatchSize !== undefined) {
      assertInteger(name, "ntSamplesBatchSize", ntSamplesBatchSize);
    }
    assertNumber(name, "stdevs", stdevs, 0);
    assertNumber(name, "seed", seed);
    const [n, ...rowShape] = inputs.shape;
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    // Checked before the noise is drawn: the draw alone can be large.
    const cost = rowCost(this.forward, inputs, "gradient");
    const perCall = ntSamplesBatchSize ??
      Math.min(ntSamples, Math.max(1, Math.floor(budgetRows(cost) / n)));
    assertChunkFits(name, cost, {
      option: "ntSamplesBatchSize",
      received: ntSamplesBatchSize,
      rows: Math.min(perCall, ntSamples) * n,
      rowsPerUnit: n,
    });
    const noise = new SeededRandom(seed).normals(n * ntSamples * rowSize, stdevs);
    const baselines = methodOptions.baselines;
    const repeatBaselines = baselines instanceof tf.Tensor && baselines.shape[0] === n && n > 1 &&
      !(this.attributionMethod instanceof GradientShap) &&
      !(this.attributionMethod instanceof DeepLiftShap);
    let sum: tf.Tensor | undefined;
    let sumSq: tf.Tensor | undefined;
    const deltas: tf.Tensor[] = [];
    // The wrapped method's own progress is not shown: NoiseTunnel's counts the noisy copies.
    const progress = callProgress(showProgress, name, ntSamples, "noisy samples");
    try {
      for (let s0 = 0; s0 < ntSamples; s0 += perCall) {
        const k = Math.min(perCall, ntSamples - s0);
        const chunkNoise = new Float32Array(n * k * rowSize);
        for (let i = 0; i < n; i++) {
          const from = (i * ntSamples + s0) * rowSize;
          chunkNoise.set(noise.subarray(from, from + k * rowSize), i * k * rowSize);
        }
        const noisy = tf.tidy(() =>
          repeatInterleave(inputs, k).add(tf.tensor(chunkNoise, [n * k, ...rowShape]))
        );
        const expandedBaselines = repeatBaselines
          ? repeatInterleave(baselines as tf.Tensor, k)
          : undefined;
        let attributions: tf.Tensor;
        try {
          const chunkOptions = {
            ...methodOptions,
            target: repeatTarget(target, k),
            ...(expandedBaselines ? { baselines: expandedBaselines } : {}),
          };
          if (withDelta) {
            const method = this.attributionMethod as unknown as WithDelta;
            const result = await method.attributeWithDelta(noisy, chunkOptions);
            attributions = result.attributions;
            deltas.push(result.delta);
          } else {
            attributions = await this.attributionMethod.attribute(noisy, chunkOptions);
          }
        } finally {
          tf.dispose([noisy, expandedBaselines as tf.Tensor]);
        }
        const [partSum, partSumSq] = tf.tidy(() => {
          const a = attributions.reshape([n, k, ...attributions.shape.slice(1)]);
          return [a.sum(1), a.square().sum(1)];
        });
        attributions.dispose();
        const nextSum = sum ? sum.add(partSum) : partSum;
        const nextSumSq = sumSq ? sumSq.add(partSumSq) : partSumSq;
        if (sum) tf.dispose([sum, sumSq as tf.Tensor, partSum, partSumSq]);
        sum = nextSum;
        sumSq = nextSumSq;
        await progress.advance(s0 + k);
      }
      await progress.finish();
      const total = sum as tf.Tensor;
      const totalSq = sumSq as tf.Tensor;
      const attributions = tf.tidy(() => {
        const mean = total.div(ntSamples);
        const meanSq = totalSq.div(ntSamples);
        if (ntType === "smoothgrad") return mean;
        if (ntType === "smoothgrad_sq") return meanSq;
        return meanSq.sub(mean.square());
      });
      if (!withDelta) return { attributions };
      return { attributions, delta: deltas.length === 1 ? deltas.pop() : tf.concat(deltas) };
    } finally {
      tf.dispose([sum as tf.Tensor, sumSq as tf.Tensor, ...deltas]);
    }
  }
}
