/**
 * Lime, as Captum's defaults: Bernoulli(0.5) coalitions of feature groups, an exponential cosine
 * kernel, and a Lasso surrogate.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type FromInterpRepTransform,
  type InterpretableFit,
  type InterpretableModel,
  LimeBase,
  type LimeParts,
  type PerturbFunction,
  type SampleRandom,
  type SimilarityFunction,
} from "./lime_base.ts";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type { Inputs, ModelLike, PerInput, PerturbationBaseline } from "./types.ts";
import { PERTURBATION_SPEC } from "./attribution.ts";
import type { PreparedCall } from "./_utils/multi_input.ts";
import { assertNumber, attributionTypeError } from "./_utils/errors.ts";
import { weightedLasso } from "./_utils/linear_regression.ts";
import { assertSamplingOptions } from "./_utils/perturbation.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";
import { broadcastToFeatures } from "./_utils/perturbation.ts";
import { resolveFeatureMask } from "./_utils/feature_mask.ts";
import { fitSurrogates, type SurrogateRule } from "./_utils/surrogate.ts";

/** The options every surrogate method (Lime, KernelShap) reads. */
type SurrogateOptions = PerturbationOptions & { nSamples?: number; seed?: number };

/** Options of {@linkcode Lime.attribute}. */
export interface LimeOptions extends PerturbationOptions {
  /**
   * The values of an "absent" feature (z = 0 maps to the baseline): a scalar, a tensor of the
   * inputs' shape or batch 1, or a function of the inputs returning one (e.g.
   * `ProductBaselines.asBaselines()`). @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
  /**
   * Integer group ids broadcastable to the inputs (batch 1 or N): the interpretable features.
   * Ids are shifted so the smallest is 0, as in Captum. For an array of inputs, one mask per
   * input; the features of all inputs are sampled together (an id in several masks is one
   * feature spanning them).
   * @default every scalar of an example is its own feature
   */
  featureMask?: PerInput<tf.Tensor>;
  /** Samples drawn per example. @default 25 */
  nSamples?: number;
  /** The L1 penalty of the Lasso surrogate (Captum's `SkLearnLasso(alpha=0.01)`). @default 0.01 */
  alpha?: number;
  /** Width of the exponential kernel on the cosine distance. @default 1 */
  kernelWidth?: number;
  /** Seed of the samples. @default 0 */
  seed?: number;
}

/**
 * The parts of Lime that may replace Captum's defaults, as Captum's `Lime(forward_func,
 * interpretable_model, similarity_func, perturb_func)`. The perturbation function samples in the
 * interpretable space (one 0/1 per feature group); samples map to inputs as
 * `x·z + baseline·(1 − z)`.
 *
 * @typeParam E the example the functions take: `tf.Tensor`, `tf.Tensor[]` for an array of inputs,
 *   or either (the default, for functions that handle both).
 */
export interface LimeConfig<E extends Inputs = Inputs> {
  /** The surrogate. @default a weighted Lasso with intercept, `alpha` (0.01) per call */
  interpretableModel?: InterpretableFit | InterpretableModel;
  /** The weight of a sample. @default the exponential cosine kernel, `kernelWidth` (1) per call */
  similarityFunc?: SimilarityFunction<E>;
  /** Draws an interpretable sample. @default each feature group kept with probability 0.5 */
  perturbFunc?: PerturbFunction<E>;
}

/**
 * LIME with Captum's defaults: each sample keeps every group with probability 0.5 and maps
 * z to `x·z + baseline·(1 − z)`; its weight is `exp(−d² / (2·kernelWidth²))` with d = 1 − the
 * cosine similarity between the flattened input and the perturbed input; the surrogate is a
 * weighted Lasso with intercept (`alpha` 0.01), fitted by coordinate descent. Its coefficients,
 * broadcast to the groups, are the attributions. One surrogate per example.
 *
 * @example
 * ```ts
 * import { Lime, tf } from "../mod.ts";
 * const lime = new Lime((x: tf.Tensor) => x.mul(tf.tensor1d([1, 2, 3])).sum(1));
 * const attr = await lime.attribute(tf.tensor2d([[1, 1, 1]]), { nSamples: 100 });
 * attr.print(); // ≈ [[1, 2, 3]] (shrunk slightly by the L1 penalty)
 * ```
 */
export class Lime<E extends Inputs = Inputs> extends LimeBase<E> {
  /** Whether any part replaces Captum's defaults (then the general LimeBase path runs). */
  readonly #custom: boolean;
  /** The parts given to the constructor. */
  readonly #config: LimeConfig<E>;

  /**
   * @param model a `tf.LayersModel` or a forward function.
   * @param config parts replacing Captum's defaults (see {@linkcode LimeConfig}).
   */
  constructor(model: ModelLike, config: LimeConfig<E> = {}) {
    super(model, limeParts(config, 0.01, 1));
    this.#config = config;
    this.#custom = Object.values(config).some((v) => v !== undefined);
  }

  /**
   * Attributions of the inputs' shape (one tensor per input for an array of inputs; custom parts
   * then receive arrays, as {@linkcode LimeBase}'s). The caller owns the returned tensors.
   *
   * @throws {RangeError} for `nSamples` or `perturbationsPerEval` < 1, a negative `alpha`, a
   *   non-positive `kernelWidth`, or a bad mask.
   */
  override attribute(
    this: LimeBase<tf.Tensor> | LimeBase<Inputs>,
    inputs: tf.Tensor,
    options?: LimeOptions,
  ): Promise<tf.Tensor>;
  override attribute<T extends readonly tf.Tensor[]>(
    this: LimeBase<T> | LimeBase<Inputs>,
    inputs: T,
    options?: LimeOptions,
  ): Promise<tf.Tensor[]>;
  override async attribute(
    inputs: Inputs,
    options: LimeOptions = {},
  ): Promise<tf.Tensor | tf.Tensor[]> {
    return await this.attributeCall(inputs, options, PERTURBATION_SPEC, (call) => this.#lime(call));
  }

  async #lime(call: PreparedCall<LimeOptions>): Promise<tf.Tensor> {
    const method = this.methodName;
    const { inputs, options } = call;
    const { alpha = 0.01, kernelWidth = 1 } = options;
    const checks = () => {
      assertNumber(method, "alpha", alpha, 0);
      assertNumber(method, "kernelWidth", kernelWidth, Number.MIN_VALUE);
    };
    if (this.#custom) {
      const { nSamples = 25, seed = 0 } = options;
      checks();
      const mask = resolveFeatureMask(method, inputs, options.featureMask, true);
      const coefs = await this.fitInterpretable(
        { ...call, options: { ...options, nSamples, seed } },
        limeParts(this.#config, alpha, kernelWidth),
      );
      try {
        const values = coefs.dataSync();
        const m = coefs.shape[1] as number;
        if (m !== mask.numFeatures) {
          throw attributionTypeError(
            method,
            "perturbFunc",
            `returning one value per feature group (${mask.numFeatures})`,
            `samples giving ${m} coefficients`,
            "Draw one 0/1 per group of the featureMask.",
          );
        }
        return broadcastToFeatures(mask, inputs, (e, p) => values[e * m + mask.present[p]]);
      } finally {
        coefs.dispose();
      }
    }
    return await this.fitSurrogate(call, (_m, random) => ({
      draw: (_s, z) => bernoulliDraw(random, z),
      similarity: (z, x, b, ids) => {
        let dot = 0;
        let xx = 0;
        let pp = 0;
        for (let i = 0; i < x.length; i++) {
          const p = z[ids[i]] ? x[i] : b[i];
          dot += x[i] * p;
          xx += x[i] * x[i];
          pp += p * p;
        }
        // torch.nn.CosineSimilarity: x·p / max(‖x‖·‖p‖, 1e-8).
        const cos = dot / Math.max(Math.sqrt(xx * pp), 1e-8);
        const d = 1 - cos;
        return Math.exp(-(d * d) / (2 * kernelWidth * kernelWidth));
      },
      fit: (z, y, w, rows, cols) => weightedLasso(z, y, w, rows, cols, { alpha }),
    }), checks);
  }

  /**
   * The body of `attribute()` for Lime and its subclass KernelShap, which differ only by `rule`:
   * validate `inputs`, `target`, `nSamples` and `seed` (then `checks`, the method's own options),
   * resolve the feature mask (every group present), and fit one surrogate per example on
   * `nSamples` samples drawn as `rule(numFeatures, random)` says.
   */
  protected async fitSurrogate(
    call: PreparedCall<SurrogateOptions>,
    rule: (numFeatures: number, random: SeededRandom) => SurrogateRule,
    checks: () => void = () => {},
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { inputs, options } = call;
    const { nSamples = 25, seed = 0 } = options;
    const { mask, perturbationsPerEval } = this.resolveFeatures(call, true);
    assertSamplingOptions(method, nSamples, seed);
    checks();
    return await fitSurrogates({
      method,
      forward: call.forward,
      inputs,
      baselines: options.baselines,
      target: options.target,
      mask,
      nSamples,
      perturbationsPerEval,
      showProgress: options.showProgress,
      ...rule(mask.numFeatures, new SeededRandom(seed)),
    });
  }
}

/** Captum's default Lime sampling: each feature group kept with probability 0.5. */
export function bernoulliDraw(random: SampleRandom, z: Float32Array): void {
  for (let j = 0; j < z.length; j++) z[j] = random.next() < 0.5 ? 1 : 0;
}

/**
 * Captum's `default_from_interp_rep_transform`: z (one 0/1 per group) to `x·z + baseline·(1 − z)`,
 * input by input for an array of inputs.
 */
export const fromBinaryInterpRep: FromInterpRepTransform<Inputs> = (z, example, context) =>
  tf.tidy(() => {
    const one = (x: tf.Tensor, baseline: tf.Tensor, ids: Int32Array) => {
      const k = tf.tensor(Float32Array.from(ids, (f) => z[f]), x.shape);
      return x.mul(k).add(baseline.mul(tf.scalar(1).sub(k)));
    };
    if (!Array.isArray(example)) {
      return one(
        example as tf.Tensor,
        context.baselines as tf.Tensor,
        context.featureIds as Int32Array,
      );
    }
    const baselines = context.baselines as readonly tf.Tensor[];
    const ids = context.featureIds as Int32Array[];
    return example.map((x, i) => one(x, baselines[i], ids[i]));
  });

/** An example's values, flattened (an array of inputs side by side, as Captum flattens tuples). */
function flatValues(x: Inputs): ArrayLike<number> {
  if (!Array.isArray(x)) return (x as tf.Tensor).dataSync();
  const parts = x.map((t) => t.dataSync());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lime's parts: `config` over Captum's defaults at `alpha` and `kernelWidth`. */
function limeParts<E extends Inputs>(
  config: LimeConfig<E>,
  alpha: number,
  kernelWidth: number,
): LimeParts<E> {
  const parts: LimeParts<Inputs> = {
    interpretableModel: config.interpretableModel ??
      ((x, y, w, rows, cols) => weightedLasso(x, y, w, rows, cols, { alpha }).coef),
    similarityFunc: (config.similarityFunc as SimilarityFunction<Inputs> | undefined) ??
      ((example, perturbed) => {
        const x = flatValues(example);
        const p = flatValues(perturbed);
        let dot = 0;
        let xx = 0;
        let pp = 0;
        for (let i = 0; i < x.length; i++) {
          dot += x[i] * p[i];
          xx += x[i] * x[i];
          pp += p[i] * p[i];
        }
        const d = 1 - dot / Math.max(Math.sqrt(xx * pp), 1e-8);
        return Math.exp(-(d * d) / (2 * kernelWidth * kernelWidth));
      }),
    perturbFunc: (config.perturbFunc as PerturbFunction<Inputs> | undefined) ?? ((_x, context) => {
      const z = new Float32Array(context.numFeatures);
      bernoulliDraw(context.random, z);
      return z;
    }),
    perturbInterpretableSpace: true,
    fromInterpRepTransform: fromBinaryInterpRep,
  };
  return parts as unknown as LimeParts<E>;
}
