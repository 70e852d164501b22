/**
 * LimeBase, as Captum's: the LIME framework with every part given. Samples are drawn around each
 * example (in the input space or in an interpretable space), the model is evaluated on them, each
 * is weighted by a similarity to the example, and an interpretable model is fitted on the weighted
 * interpretable samples; its coefficients are the result.
 *
 * With an array of inputs (Captum's tuples), the functions receive and return arrays: the example,
 * its baselines and the samples in the input space are one tensor `[1, ...]` per input, in the
 * inputs' order; the type parameter `E` (`tf.Tensor` or `tf.Tensor[]`) says which.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { PerturbationAttribution } from "./attribution.ts";
import type { ForwardArgsOptions, ProgressOptions } from "./options.ts";
import type { Inputs, ModelLike, PerInput, PerturbationBaseline, Target } from "./types.ts";
import { resolveBaselines } from "./_utils/baselines.ts";
import {
  assertInteger,
  assertNumber,
  attributionTypeError,
  describeValue,
} from "./_utils/errors.ts";
import { resolveFeatureMask } from "./_utils/feature_mask.ts";
import { perturbationsPerPass, resolvePerturbationsPerEval } from "./_utils/perturbation.ts";
import { callProgress } from "./_utils/progress.ts";
import { SeededRandom } from "./_utils/seeded_random.ts";
import { exampleTarget, runForward, selectTarget } from "./_utils/target.ts";
import {
  type InputLayout,
  packTensors,
  type PreparedCall,
  unpackTensor,
} from "./_utils/multi_input.ts";

/** The seeded draws handed to a {@linkcode PerturbFunction} (the call's `seed`). */
export interface SampleRandom {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A standard normal draw. */
  normal(): number;
  /** An index drawn from unnormalised non-negative `weights`. */
  categorical(weights: ArrayLike<number>): number;
  /** A uniform random permutation of `0 … n−1`. */
  permutation(n: number): Int32Array;
}

/**
 * One example's interpretable feature ids as LimeBase's functions see them: one `Int32Array` for
 * a tensor of inputs, one per input for an array of inputs.
 */
export type FeatureIdsOf<E extends Inputs> = E extends tf.Tensor ? Int32Array : Int32Array[];

/**
 * What LimeBase's functions receive besides the example (Captum passes `attribute()`'s extra
 * keyword arguments; here the resolved `baselines` and `featureMask` and the draw's position).
 *
 * @typeParam E the example: `tf.Tensor`, or `tf.Tensor[]` for an array of inputs.
 */
export interface LimeContext<E extends Inputs = tf.Tensor> {
  /** The example's index in the batch. */
  example: number;
  /** The sample's index among the example's `nSamples` (0 first). */
  sample: number;
  /** Seeded draws, one sequence per call (examples in order, then samples). */
  random: SampleRandom;
  /**
   * The example's baseline `[1, ...]` (the `baselines` option resolved; zeros by default); one per
   * input for an array of inputs.
   */
  baselines: E;
  /**
   * The example's interpretable feature of every element, flattened (the `featureMask` option,
   * ids shifted to start at 0 as Captum's Lime; default: one feature per element); one array per
   * input for an array of inputs, the ids counted over all inputs (an id in several inputs' masks
   * is one feature).
   */
  featureIds: FeatureIdsOf<E>;
  /** The number of interpretable features (the largest id + 1). */
  numFeatures: number;
}

/**
 * Draws one sample around the example `[1, ...]` (Captum's `perturb_func`): with
 * `perturbInterpretableSpace`, an interpretable sample (one number per interpretable feature);
 * otherwise an input `[1, ...]` of the example's shape (an array of them for an array of inputs).
 * Tensors it creates and does not return are disposed after the call.
 */
export type PerturbFunction<E extends Inputs = tf.Tensor> = (
  example: E,
  context: LimeContext<E>,
) => NoInfer<E> | ArrayLike<number>;

/**
 * The weight of a sample (Captum's `similarity_func`): given the example, the sample in the input
 * space `[1, ...]` (arrays for an array of inputs) and in the interpretable space, a non-negative
 * number (or a scalar tensor).
 */
export type SimilarityFunction<E extends Inputs = tf.Tensor> = (
  example: E,
  perturbedInput: E,
  interpretableSample: Float32Array,
  context: LimeContext<E>,
) => number | tf.Tensor;

/**
 * An interpretable sample to the input space `[1, ...]`, one per input for an array of inputs
 * (Captum's `from_interp_rep_transform`).
 */
export type FromInterpRepTransform<E extends Inputs = tf.Tensor> = (
  interpretableSample: Float32Array,
  example: E,
  context: LimeContext<E>,
) => E;

/**
 * A sample in the input space to its interpretable representation (Captum's
 * `to_interp_rep_transform`): one number per interpretable feature.
 */
export type ToInterpRepTransform<E extends Inputs = tf.Tensor> = (
  perturbedInput: E,
  example: E,
  context: LimeContext<E>,
) => tf.Tensor | ArrayLike<number>;

/**
 * Fits the interpretable model on `rows` weighted samples: `x` (rows × cols, row-major), the
 * model's outputs `y` and the similarities `w`; returns one coefficient per interpretable feature.
 */
export type InterpretableFit = (
  x: Float32Array,
  y: Float64Array,
  w: Float64Array,
  rows: number,
  cols: number,
) => ArrayLike<number>;

/** An interpretable model object, as Captum's `Model`: fitted, then read. */
export interface InterpretableModel {
  /** Train on weighted samples (as {@linkcode InterpretableFit}'s arguments). */
  fit(x: Float32Array, y: Float64Array, w: Float64Array, rows: number, cols: number): void;
  /** The fitted coefficients, one per interpretable feature (Captum's `representation()`). */
  coefficients(): ArrayLike<number>;
}

/**
 * The parts of a {@linkcode LimeBase}, as Captum's constructor arguments.
 *
 * @typeParam E the example the functions take: `tf.Tensor`, or `tf.Tensor[]` for an array of
 *   inputs.
 */
export interface LimeBaseConfig<E extends Inputs = tf.Tensor> {
  /** The surrogate: a fitting function, or an object with `fit` and `coefficients`. */
  interpretableModel: InterpretableFit | InterpretableModel;
  /** The weight of each sample. */
  similarityFunc: SimilarityFunction<E>;
  /** Draws one sample. */
  perturbFunc: PerturbFunction<E>;
  /** Whether `perturbFunc` returns interpretable samples (else inputs). @default false */
  perturbInterpretableSpace?: boolean;
  /** Needed with `perturbInterpretableSpace`: the interpretable sample in the input space. */
  fromInterpRepTransform?: FromInterpRepTransform<E>;
  /** Needed without `perturbInterpretableSpace`: the input sample's interpretable representation. */
  toInterpRepTransform?: ToInterpRepTransform<E>;
}

/** A {@linkcode LimeBaseConfig} with every part resolved. */
export type LimeParts<E extends Inputs = tf.Tensor> =
  & Required<Omit<LimeBaseConfig<E>, "fromInterpRepTransform" | "toInterpRepTransform">>
  & Pick<LimeBaseConfig<E>, "fromInterpRepTransform" | "toInterpRepTransform">;

/** Options of {@linkcode LimeBase.attribute}. */
export interface LimeBaseOptions extends ProgressOptions, ForwardArgsOptions {
  /** The output to explain (a class index, one per example, or a function of the output). */
  target?: Target;
  /** Samples drawn per example. @default 50 (Captum's) */
  nSamples?: number;
  /**
   * Samples evaluated per forward pass; results do not depend on it.
   * @default as many as make about 128 rows per pass, fewer when those would not fit the memory
   * budget (Captum's default is 1)
   */
  perturbationsPerEval?: number;
  /**
   * Handed to the functions as `context.baselines` (resolved per example); one per input for an
   * array of inputs. @default 0
   */
  baselines?: PerInput<PerturbationBaseline>;
  /**
   * Handed to the functions as `context.featureIds`; one mask per input for an array of inputs.
   * @default one feature per element
   */
  featureMask?: PerInput<tf.Tensor>;
  /** Seed of `context.random`. @default 0 */
  seed?: number;
}

/**
 * The LIME framework with a custom interpretable model, similarity, sampling and interpretable
 * representation, as Captum's `LimeBase`. One interpretable model per example; `attribute()`
 * returns its coefficients, `[N, numInterpretableFeatures]` (Captum's `representation()`, one row
 * per example). {@linkcode Lime} is LimeBase with Captum's defaults, and returns the inputs' shape.
 *
 * @example
 * ```ts
 * import { LimeBase, tf } from "../mod.ts";
 * // Plain least squares on one feature: slope of F along the feature.
 * const fit = (x: Float32Array, y: Float64Array, _w: Float64Array, rows: number) => {
 *   let sx = 0, sy = 0, sxx = 0, sxy = 0;
 *   for (let i = 0; i < rows; i++) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i]; }
 *   return [(rows * sxy - sx * sy) / (rows * sxx - sx * sx)];
 * };
 * const limeBase = new LimeBase((x: tf.Tensor) => x.mul(3).sum(1), {
 *   interpretableModel: fit,
 *   similarityFunc: () => 1,
 *   perturbFunc: (_x, { random }) => [random.next()],
 *   perturbInterpretableSpace: true,
 *   fromInterpRepTransform: (z) => tf.tensor2d([[z[0]]]),
 * });
 * (await limeBase.attribute(tf.tensor2d([[1]]), { nSamples: 10 })).print(); // [[3]]
 * ```
 */
export class LimeBase<E extends Inputs = tf.Tensor> extends PerturbationAttribution {
  /** The surrogate (Captum's `interpretable_model`). */
  readonly interpretableModel: InterpretableFit | InterpretableModel;
  /** Captum's `similarity_func`. */
  readonly similarityFunc: SimilarityFunction<E>;
  /** Captum's `perturb_func`. */
  readonly perturbFunc: PerturbFunction<E>;
  /** Captum's `perturb_interpretable_space`. */
  readonly perturbInterpretableSpace: boolean;
  /** Captum's `from_interp_rep_transform`. */
  readonly fromInterpRepTransform: FromInterpRepTransform<E> | undefined;
  /** Captum's `to_interp_rep_transform`. */
  readonly toInterpRepTransform: ToInterpRepTransform<E> | undefined;

  /**
   * @param model a `tf.LayersModel` or a forward function.
   * @param config the interpretable model, similarity, sampling and transforms.
   * @throws {TypeError} for a missing part, or a missing transform for the sampling space.
   */
  constructor(model: ModelLike, config: LimeBaseConfig<E>) {
    super(model);
    const method = this.methodName;
    const fn = (what: string, value: unknown, fix: string) => {
      if (typeof value !== "function") {
        throw attributionTypeError(method, what, "a function", value, fix);
      }
    };
    const c = (config ?? {}) as Partial<LimeBaseConfig<E>>;
    const m = c.interpretableModel;
    const isModel = typeof m === "object" && m !== null &&
      typeof (m as InterpretableModel).fit === "function" &&
      typeof (m as InterpretableModel).coefficients === "function";
    if (typeof m !== "function" && !isModel) {
      throw attributionTypeError(
        method,
        "interpretableModel",
        "a fitting function (x, y, w, rows, cols) => coefficients, or an object with fit() and coefficients()",
        m,
        "Pass e.g. a weighted least-squares fit.",
      );
    }
    fn("similarityFunc", c.similarityFunc, "Pass e.g. () => 1 for equal weights.");
    fn("perturbFunc", c.perturbFunc, "Pass a function drawing one sample around the example.");
    this.perturbInterpretableSpace = c.perturbInterpretableSpace ?? false;
    if (this.perturbInterpretableSpace) {
      fn(
        "fromInterpRepTransform",
        c.fromInterpRepTransform,
        "Sampling in the interpretable space needs the transform back to the input space.",
      );
    } else {
      fn(
        "toInterpRepTransform",
        c.toInterpRepTransform,
        "Sampling in the input space needs the transform to the interpretable space.",
      );
    }
    this.interpretableModel = m!;
    this.similarityFunc = c.similarityFunc!;
    this.perturbFunc = c.perturbFunc!;
    this.fromInterpRepTransform = c.fromInterpRepTransform;
    this.toInterpRepTransform = c.toInterpRepTransform;
  }

  /**
   * The interpretable model's coefficients per example, `[N, M]` (M interpretable features, the
   * length of the interpretable samples), also for an array of inputs (one surrogate per example
   * over the features of all inputs). The caller owns the returned tensor.
   *
   * @throws {RangeError} for `nSamples` or `perturbationsPerEval` < 1.
   * @throws {TypeError} when a function returns something of the wrong kind or size.
   */
  override attribute(
    this: LimeBase<tf.Tensor> | LimeBase<Inputs>,
    inputs: tf.Tensor,
    options?: LimeBaseOptions,
  ): Promise<tf.Tensor>;
  override attribute<T extends readonly tf.Tensor[]>(
    this: LimeBase<T> | LimeBase<Inputs>,
    inputs: T,
    options?: LimeBaseOptions,
  ): Promise<tf.Tensor>;
  override async attribute(inputs: Inputs, options: LimeBaseOptions = {}): Promise<tf.Tensor> {
    const call = this.prepare(inputs, options, { baselines: "inputs", featureMask: true });
    try {
      return await this.fitInterpretable(call, this);
    } finally {
      call.dispose();
    }
  }

  /**
   * The body of `attribute()` with the parts given by `parts` (a subclass fills in parts per call,
   * e.g. Lime's defaults at the call's `alpha` and `kernelWidth`): `[N, M]` coefficients.
   */
  protected async fitInterpretable(
    call: PreparedCall<LimeBaseOptions>,
    parts: LimeParts<E>,
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { inputs, options, forward, layout } = call;
    const { target, nSamples = 50, seed = 0 } = options;
    assertInteger(method, "nSamples", nSamples);
    assertNumber(method, "seed", seed);
    const perEval = resolvePerturbationsPerEval(method, options.perturbationsPerEval);
    const mask = resolveFeatureMask(method, inputs, options.featureMask, true);
    const n = inputs.shape[0];
    const rowShape = inputs.shape.slice(1);
    const random = new SeededRandom(seed);
    const baselines = resolveBaselines(method, inputs, options.baselines);
    const progress = callProgress(options.showProgress, method, n * nSamples, "samples");
    const rows: Float32Array[] = [];
    try {
      const first = inputs.slice(0, 1);
      let perPass: number;
      try {
        perPass = perturbationsPerPass(method, forward, first, perEval, nSamples);
      } finally {
        first.dispose();
      }
      for (let e = 0; e < n; e++) {
        const example = tf.tidy(() => inputs.slice(e, 1));
        const baseline = tf.tidy(() => baselines.slice(e, 1));
        const exampleView = asExample(example, layout);
        const baselineView = asExample(baseline, layout);
        const featureIds = mask.maskBatch > 1
          ? mask.ids.subarray(e * mask.featureSize, (e + 1) * mask.featureSize)
          : mask.ids;
        try {
          const z: Float32Array[] = [];
          const y = new Float64Array(nSamples);
          const w = new Float64Array(nSamples);
          for (let start = 0; start < nSamples; start += perPass) {
            const end = Math.min(nSamples, start + perPass);
            const batch: tf.Tensor[] = [];
            try {
              for (let k = start; k < end; k++) {
                const context: LimeContext<Inputs> = {
                  example: e,
                  sample: k,
                  random,
                  baselines: baselineView,
                  featureIds: layout ? splitIds(featureIds, layout) : featureIds,
                  numFeatures: mask.numFeatures,
                };
                const [interp, input, sim] = this.#sample(
                  parts as unknown as LimeParts<Inputs>,
                  exampleView,
                  context,
                  rowShape,
                  layout,
                );
                z.push(interp);
                w[k] = sim;
                batch.push(input);
              }
              const values = tf.tidy(() => {
                const rowsTarget = exampleTarget(target, e, end - start);
                return selectTarget(
                  method,
                  runForward(forward, tf.concat(batch), rowsTarget),
                  rowsTarget,
                );
              });
              try {
                y.set(await values.data(), start);
              } finally {
                values.dispose();
              }
            } finally {
              tf.dispose(batch);
            }
            await progress.advance(e * nSamples + end);
          }
          rows.push(this.#fit(parts.interpretableModel, z, y, w));
        } finally {
          tf.dispose([example, baseline, exampleView as tf.Tensor, baselineView as tf.Tensor]);
        }
      }
      await progress.finish();
    } finally {
      baselines.dispose();
    }
    const m = rows[0].length;
    if (rows.some((r) => r.length !== m)) {
      throw attributionTypeError(
        method,
        "interpretableModel",
        "the same number of coefficients for every example",
        rows.map((r) => r.length),
        "Return one coefficient per interpretable feature.",
      );
    }
    const out = new Float32Array(n * m);
    rows.forEach((r, e) => out.set(r, e * m));
    return tf.tensor2d(out, [n, m]);
  }

  /**
   * One sample: its interpretable representation, its input `[1, ...]` (kept; the inputs packed
   * `[1, D]` with a layout), its weight.
   */
  #sample(
    parts: LimeParts<Inputs>,
    example: Inputs,
    context: LimeContext<Inputs>,
    rowShape: number[],
    layout: InputLayout | undefined,
  ): [Float32Array, tf.Tensor, number] {
    const method = this.methodName;
    let interp!: Float32Array;
    const input = tf.tidy(() => {
      const drawn = parts.perturbFunc(example, context);
      let x: tf.Tensor;
      if (parts.perturbInterpretableSpace) {
        interp = this.#interpretable(drawn, "perturbFunc");
        const back = parts.fromInterpRepTransform!(interp, example, context);
        x = this.#packInput(back, rowShape, layout, "fromInterpRepTransform");
      } else {
        x = this.#packInput(drawn, rowShape, layout, "perturbFunc");
        interp = this.#interpretable(
          parts.toInterpRepTransform!(drawn as Inputs, example, context),
          "toInterpRepTransform",
        );
      }
      return x.toFloat();
    });
    try {
      const raw = tf.tidy(() =>
        parts.similarityFunc(example, asExample(input, layout), interp, context)
      );
      const sim = raw instanceof tf.Tensor ? raw.dataSync()[0] : raw;
      if (raw instanceof tf.Tensor) raw.dispose();
      if (typeof sim !== "number" || !Number.isFinite(sim) || sim < 0) {
        throw attributionTypeError(
          method,
          "similarityFunc",
          "returning a finite non-negative number (or scalar tensor)",
          sim,
          "Return the sample's weight, e.g. an exponential kernel of a distance.",
        );
      }
      return [interp, input, sim];
    } catch (error) {
      input.dispose();
      throw error;
    }
  }

  #interpretable(value: unknown, what: string): Float32Array {
    if (value instanceof tf.Tensor) return Float32Array.from(value.dataSync());
    if (
      value !== null && typeof value === "object" &&
      typeof (value as ArrayLike<number>).length === "number" &&
      !(Array.isArray(value) && value.some((v) => typeof v !== "number"))
    ) {
      return Float32Array.from(value as ArrayLike<number>);
    }
    throw attributionTypeError(
      this.methodName,
      what,
      "returning an interpretable sample (a tensor or an array of numbers)",
      value,
      "Return one number per interpretable feature.",
    );
  }

  /**
   * A sample in the input space as the parts return it, checked: one tensor `[1, ...rowShape]`, or
   * with a layout one per input (`[1, ...layout.rowShapes[i]]`), packed `[1, D]`.
   */
  #packInput(
    value: unknown,
    rowShape: number[],
    layout: InputLayout | undefined,
    what: string,
  ): tf.Tensor {
    const shapes = layout ? layout.rowShapes : [rowShape];
    const list = layout ? value : [value];
    const fits = (x: unknown, shape: number[]) =>
      x instanceof tf.Tensor && x.rank === shape.length + 1 && x.shape[0] === 1 &&
      shape.every((d, i) => x.shape[i + 1] === d);
    const ok = Array.isArray(list) && list.length === shapes.length &&
      list.every((x, i) => fits(x, shapes[i]));
    if (!ok) {
      const each = shapes.map((shape) => `[${[1, ...shape].join(", ")}]`);
      throw attributionTypeError(
        this.methodName,
        what,
        layout
          ? `returning an array of ${shapes.length} inputs of one example's shapes ${
            each.join(", ")
          }, in the inputs' order`
          : `returning an input of one example's shape ${each[0]}`,
        value,
        this.perturbInterpretableSpace
          ? "Map the interpretable sample back to one input."
          : "Return one perturbed input, or set perturbInterpretableSpace for interpretable samples.",
      );
    }
    return layout ? packTensors(list as tf.Tensor[]) : value as tf.Tensor;
  }

  #fit(
    model: InterpretableFit | InterpretableModel,
    z: Float32Array[],
    y: Float64Array,
    w: Float64Array,
  ): Float32Array {
    const rows = z.length;
    const cols = z[0].length;
    const x = new Float32Array(rows * cols);
    z.forEach((r, i) => {
      if (r.length !== cols) {
        throw attributionTypeError(
          this.methodName,
          "interpretable samples",
          `all of one length (${cols})`,
          describeValue(r.length),
          "Return one number per interpretable feature from every sample.",
        );
      }
      x.set(r, i * cols);
    });
    const m = model;
    let coef: ArrayLike<number>;
    if (typeof m === "function") {
      coef = m(x, y, w, rows, cols);
    } else {
      m.fit(x, y, w, rows, cols);
      coef = m.coefficients();
    }
    return Float32Array.from(coef);
  }
}

/** One example `[1, D]` as the parts see it: itself, or split per input with a layout (new tensors). */
function asExample(example: tf.Tensor, layout: InputLayout | undefined): Inputs {
  return layout ? unpackTensor(example, layout) : example;
}

/** An example's packed feature ids split per input. */
function splitIds(ids: Int32Array, layout: InputLayout): Int32Array[] {
  return layout.offsets.map((offset, i) => ids.subarray(offset, offset + layout.sizes[i]));
}
