/**
 * SmoothGrad, SmoothGrad² and VarGrad over any attribution method, as Captum's `NoiseTunnel`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Attribution } from "./attribution.ts";
import { DeepLiftShap } from "./deep_lift_shap.ts";
import { GradientShap } from "./gradient_shap.ts";
import type { AttributionsOf, AttributionWithDelta, Inputs, PerInput, Target } from "./types.ts";
import { assertInteger, assertNumber, assertOneOf, attributionTypeError } from "./_utils/errors.ts";
import { assertChunkFits, budgetRows, rowCost } from "./_utils/memory_budget.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";
import { callProgress } from "./_utils/progress.ts";
import type { ProgressOptions } from "./options.ts";
import { perInputArray } from "./_utils/multi_input.ts";
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
  /**
   * Standard deviation of the Gaussian noise added to the inputs (absolute units); for an array
   * of inputs, a number for all or one per input. @default 1
   */
  stdevs?: PerInput<number>;
  /** Seed of the noise (the same seed gives the same result). @default 0 */
  seed?: number;
}

/** A wrapped method that has a convergence delta. */
interface WithDelta {
  attributeWithDelta(
    inputs: Inputs,
    options: object,
  ): Promise<AttributionWithDelta<tf.Tensor | tf.Tensor[]>>;
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
  async attribute<T extends Inputs>(
    inputs: T,
    options?: NoiseTunnelOptions<M>,
  ): Promise<AttributionsOf<T>> {
    return (await this.#smooth(inputs, options, false)).attributions as AttributionsOf<T>;
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
  async attributeWithDelta<T extends Inputs>(
    inputs: T,
    options?: NoiseTunnelOptions<M>,
  ): Promise<AttributionWithDelta<AttributionsOf<T>>> {
    if (!this.hasConvergenceDelta()) {
      throw new TypeError(
        `Cannot compute NoiseTunnel attributions with a convergence delta: the wrapped method ` +
          `must compute one, received ${this.attributionMethod.methodName}. Call attribute(), or ` +
          `wrap IntegratedGradients, DeepLift, DeepLiftShap, GradientShap or a layer variant.`,
      );
    }
    const { attributions, delta } = await this.#smooth(inputs, options, true);
    return { attributions: attributions as AttributionsOf<T>, delta: delta as tf.Tensor1D };
  }

  /** Whether the wrapped method computes a convergence delta. */
  override hasConvergenceDelta(): boolean {
    return this.attributionMethod.hasConvergenceDelta();
  }

  async #smooth(
    inputs: Inputs,
    options: NoiseTunnelOptions<M> | undefined,
    withDelta: boolean,
  ): Promise<{ attributions: tf.Tensor | tf.Tensor[]; delta?: tf.Tensor }> {
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
    const extras = methodOptions.additionalForwardArgs as readonly unknown[] | undefined;
    // Validates the inputs, target and additionalForwardArgs; measures a row's cost below.
    const call = this.prepare(inputs, { target, additionalForwardArgs: extras }, {});
    try {
      assertOneOf(name, "ntType", ntType, NOISE_TUNNEL_TYPES);
      assertInteger(name, "ntSamples", ntSamples);
      if (ntSamplesBatchSize !== undefined) {
        assertInteger(name, "ntSamplesBatchSize", ntSamplesBatchSize);
      }
      const list = Array.isArray(inputs) ? inputs as readonly tf.Tensor[] : [inputs as tf.Tensor];
      const stdevList = perInputStdevs(name, stdevs, list.length, Array.isArray(inputs));
      assertNumber(name, "seed", seed);
      const n = list[0].shape[0];
      // Checked before the noise is drawn: the draw alone can be large.
      const cost = rowCost(call.forward, call.inputs, "gradient");
      const perCall = ntSamplesBatchSize ??
        Math.min(ntSamples, Math.max(1, Math.floor(budgetRows(cost) / n)));
      assertChunkFits(name, cost, {
        option: "ntSamplesBatchSize",
        received: ntSamplesBatchSize,
        rows: Math.min(perCall, ntSamples) * n,
        rowsPerUnit: n,
      });
      const random = new SeededRandom(seed);
      const noises = list.map((x, i) => random.normals(x.size * ntSamples, stdevList[i]));
      const drawsBaselines = this.attributionMethod instanceof GradientShap ||
        this.attributionMethod instanceof DeepLiftShap;
      const sums: tf.Tensor[] = [];
      const sumSqs: tf.Tensor[] = [];
      const deltas: tf.Tensor[] = [];
      // The wrapped method's own progress is not shown: NoiseTunnel's counts the noisy copies.
      const progress = callProgress(showProgress, name, ntSamples, "noisy samples");
      try {
        for (let s0 = 0; s0 < ntSamples; s0 += perCall) {
          const k = Math.min(perCall, ntSamples - s0);
          const noisy = list.map((x, i) => noisyCopies(x, noises[i], ntSamples, s0, k));
          const expanded: tf.Tensor[] = [];
          const perExample = (value: unknown) => expandPerExample(value, n, k, expanded);
          let attributions: tf.Tensor[];
          try {
            const chunkOptions: Record<string, unknown> = {
              ...methodOptions,
              target: repeatTarget(target, k),
            };
            const keys = drawsBaselines ? ["featureMask"] : ["baselines", "featureMask"];
            for (const key of keys) {
              if (key in methodOptions) chunkOptions[key] = perExample(methodOptions[key]);
            }
            if (extras !== undefined) {
              chunkOptions.additionalForwardArgs = extras.map((arg) =>
                arg instanceof tf.Tensor && arg.rank > 0 ? perExample(arg) : arg
              );
            }
            const chunkInputs = Array.isArray(inputs) ? noisy : noisy[0];
            let result: tf.Tensor | tf.Tensor[];
            if (withDelta) {
              const method = this.attributionMethod as unknown as WithDelta;
              const out = await method.attributeWithDelta(chunkInputs, chunkOptions);
              result = out.attributions;
              deltas.push(out.delta);
            } else {
              result = await (this.attributionMethod as unknown as MultiInput).attribute(
                chunkInputs,
                chunkOptions,
              );
            }
            attributions = Array.isArray(result) ? result : [result];
          } finally {
            tf.dispose([...noisy, ...expanded]);
          }
          attributions.forEach((a, i) => {
            const [partSum, partSumSq] = tf.tidy(() => {
              const grouped = a.reshape([n, k, ...a.shape.slice(1)]);
              return [grouped.sum(1), grouped.square().sum(1)];
            });
            a.dispose();
            if (sums[i] === undefined) {
              sums[i] = partSum;
              sumSqs[i] = partSumSq;
            } else {
              const [nextSum, nextSumSq] = [sums[i].add(partSum), sumSqs[i].add(partSumSq)];
              tf.dispose([sums[i], sumSqs[i], partSum, partSumSq]);
              sums[i] = nextSum;
              sumSqs[i] = nextSumSq;
            }
          });
          await progress.advance(s0 + k);
        }
        await progress.finish();
        const combined = sums.map((total, i) =>
          tf.tidy(() => {
            const mean = total.div(ntSamples);
            const meanSq = sumSqs[i].div(ntSamples);
            if (ntType === "smoothgrad") return mean;
            if (ntType === "smoothgrad_sq") return meanSq;
            return meanSq.sub(mean.square());
          })
        );
        const attributions = Array.isArray(inputs) ? combined : combined[0];
        if (!withDelta) return { attributions };
        return { attributions, delta: deltas.length === 1 ? deltas.pop() : tf.concat(deltas) };
      } finally {
        tf.dispose([...sums, ...sumSqs, ...deltas]);
      }
    } finally {
      call.dispose();
    }
  }
}

/** The wrapped method called with an array of inputs (every primary method takes one). */
interface MultiInput {
  attribute(inputs: Inputs, options: object): Promise<tf.Tensor | tf.Tensor[]>;
}

/** `stdevs` as one number per input (a number serves every input). */
function perInputStdevs(name: string, stdevs: unknown, count: number, multi: boolean): number[] {
  if (!Array.isArray(stdevs)) {
    assertNumber(name, "stdevs", stdevs as number, 0);
    return new Array<number>(count).fill(stdevs as number);
  }
  if (!multi) {
    throw attributionTypeError(
      name,
      "stdevs",
      "a number when inputs is a single tensor",
      stdevs,
      "Pass stdevs[0].",
    );
  }
  perInputArray(name, "stdevs", stdevs, count, "0.1");
  stdevs.forEach((s, i) => assertNumber(name, `stdevs[${i}]`, s, 0));
  return stdevs;
}

/**
 * Copies `s0 … s0 + k − 1` of every example of `x` with their noise (`noise` holds
 * `ntSamples` copies per example, example-major): `[N·k, ...]`, example-major.
 */
function noisyCopies(
  x: tf.Tensor,
  noise: Float32Array,
  ntSamples: number,
  s0: number,
  k: number,
): tf.Tensor {
  const [n, ...rowShape] = x.shape;
  const rowSize = x.size / n;
  const chunkNoise = new Float32Array(n * k * rowSize);
  for (let i = 0; i < n; i++) {
    const from = (i * ntSamples + s0) * rowSize;
    chunkNoise.set(noise.subarray(from, from + k * rowSize), i * k * rowSize);
  }
  return tf.tidy(() => repeatInterleave(x, k).add(tf.tensor(chunkNoise, [n * k, ...rowShape])));
}

/**
 * An option given per example (a tensor with the batch size `n`, or an array of them) repeated
 * for `k` noisy copies of every example, as Captum expands baselines, feature masks and
 * additional arguments; anything else unchanged. New tensors are pushed on `made`.
 */
function expandPerExample(value: unknown, n: number, k: number, made: tf.Tensor[]): unknown {
  if (Array.isArray(value)) return value.map((v) => expandPerExample(v, n, k, made));
  if (!(value instanceof tf.Tensor) || value.rank === 0 || value.shape[0] !== n || n === 1) {
    return value;
  }
  const repeated = repeatInterleave(value, k);
  made.push(repeated);
  return repeated;
}
