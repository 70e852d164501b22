/**
 * Base classes shared by every explainer, named as Captum's: {@linkcode Attribution},
 * {@linkcode GradientAttribution} and {@linkcode PerturbationAttribution}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PerturbationOptions } from "./perturbation_options.ts";
import type {
  AttributionsOf,
  AttributionWithDelta,
  ForwardFunction,
  Inputs,
  ModelLike,
  PerturbationBaseline,
  Target,
} from "./types.ts";
import { assertFloatInputs, attributionTypeError } from "./_utils/errors.ts";
import { assertInputsFitModel, toForwardFunction } from "./_utils/forward.ts";
import { targetValues } from "./_utils/gradients.ts";
import {
  evaluatePerturbations,
  evaluateTarget,
  type PerturbationPlan,
  type ResolvedPerturbation,
  resolveFeaturePerturbation,
  withBaselines,
} from "./_utils/perturbation.ts";
import {
  type CallOptions,
  type CallSpec,
  prepareCall,
  type PreparedCall,
} from "./_utils/multi_input.ts";
import { type CallTarget, repeatTarget, validateTarget } from "./_utils/target.ts";

/**
 * What every explainer has: the model it explains and `attribute()`.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const model = (x: tf.Tensor) => x.square().sum(1, true); // F(x) = Σ x²
 * const ig = new IntegratedGradients(model);
 * const attr = await ig.attribute(tf.tensor2d([[1, 2]]));
 * attr.print(); // ≈ [[1, 4]]
 * ```
 */
export abstract class Attribution {
  /** The model as given to the constructor. */
  readonly model: ModelLike;
  /** The model as a differentiable forward function. */
  protected readonly forward: ForwardFunction;

  /** @param model a `tf.LayersModel` or a forward function `(x) => y`. */
  constructor(model: ModelLike) {
    this.model = model;
    this.forward = toForwardFunction(this.methodName, model);
  }

  /** The method's name as Captum spells it (the class name), used in error messages. */
  get methodName(): string {
    return this.constructor.name;
  }

  /**
   * Attributions for `inputs`, in the shape this method documents (the inputs' shape for primary
   * and neuron methods, the layer's for layer methods). The caller owns the returned tensor.
   */
  abstract attribute(inputs: tf.Tensor, options?: object): Promise<tf.Tensor>;

  /**
   * Whether this method computes Captum's convergence delta, i.e. has `attributeWithDelta()`
   * (Captum's `has_convergence_delta()`): IntegratedGradients, DeepLift, DeepLiftShap,
   * GradientShap, LayerIntegratedGradients, LayerConductance, LayerDeepLift, LayerDeepLiftShap,
   * LayerGradientShap, and NoiseTunnel over any of these.
   *
   * @example
   * ```ts
   * import { IntegratedGradients, Saliency, tf } from "../mod.ts";
   * const model = (x: tf.Tensor) => x.square().sum(1, true);
   * console.log(new IntegratedGradients(model).hasConvergenceDelta()); // true
   * console.log(new Saliency(model).hasConvergenceDelta()); // false
   * ```
   */
  hasConvergenceDelta(): boolean {
    return typeof (this as { attributeWithDelta?: unknown }).attributeWithDelta === "function";
  }

  /**
   * Validate `inputs` (float32, batch axis, the model's input shape) and `target` at the public
   * boundary, before any computation.
   */
  protected validateInputsAndTarget(inputs: unknown, target?: Target, what = "inputs"): tf.Tensor {
    if (Array.isArray(inputs)) {
      throw attributionTypeError(
        this.methodName,
        what,
        `a single tensor (${this.methodName} does not take an array of inputs)`,
        inputs,
        "Pass one tensor, or a method that takes several inputs (see the README's method table).",
      );
    }
    assertFloatInputs(this.methodName, inputs, what);
    assertInputsFitModel(this.methodName, this.model, inputs, what);
    validateTarget(this.methodName, target, inputs.shape[0]);
    return inputs;
  }

  /**
   * The body of a primary method's `attribute()` for one tensor or an array of inputs: validate
   * the call and reduce it to one tensor (see `_utils/multi_input.ts`: inputs, target,
   * `additionalForwardArgs` and the per-input options of `spec`), run `body` on it with the call's
   * forward function, and hand back its result split per input. Errors, thrown by the checks or
   * by `body`, reject the promise and leak nothing.
   */
  protected async attributeCall<T extends Inputs, O extends CallOptions>(
    inputs: T,
    options: O | undefined,
    spec: CallSpec,
    body: (call: PreparedCall<O>) => tf.Tensor | Promise<tf.Tensor>,
  ): Promise<AttributionsOf<T>> {
    const call = this.prepare(inputs, options, spec);
    try {
      return call.finish(await body(call)) as AttributionsOf<T>;
    } finally {
      call.dispose();
    }
  }

  /** The call `attributeCall()` runs its body on (see `_utils/multi_input.ts`). */
  protected prepare<O extends CallOptions>(
    inputs: Inputs,
    options: O | undefined,
    spec: CallSpec,
  ): PreparedCall<O> {
    return prepareCall(this.methodName, this.model, this.forward, inputs, options ?? {} as O, spec);
  }
}

/**
 * What a path method (IG, DeepLift, GradientShap and their layer variants) computes before
 * {@linkcode GradientAttribution.settle}: attributions per path and the points its convergence
 * delta compares. The settling helper owns and disposes every tensor it does not return.
 */
export interface PathAttributions {
  /** Attributions, one row per path: `[M, ...]`. */
  attributions: tf.Tensor;
  /** The paths' start points, `[M, ...]` (the inputs' shape). */
  baselines: tf.Tensor;
  /** The paths' end points, `[M, ...]`, when they are not the inputs (GradientShap's noisy inputs). */
  endPoints?: tf.Tensor;
  /**
   * Paths per example when `M = N · pathsPerExample` (example-major): the delta's target is
   * repeated to match and the returned attributions are the mean over each example's paths.
   * @default undefined (one path per example: `M = N`)
   */
  pathsPerExample?: number;
}

/** The attributions a caller gets: per path, or averaged over each example's paths. */
function settledAttributions({ attributions, pathsPerExample: k }: PathAttributions): tf.Tensor {
  if (k === undefined) return attributions;
  return tf.tidy(() => {
    const [m, ...rest] = attributions.shape;
    return attributions.reshape([m / k, k, ...rest]).mean(1);
  });
}

/** The tensors of `parts` that are not handed to the caller. */
function intermediates(parts: PathAttributions): tf.Tensor[] {
  const owned = [parts.baselines];
  if (parts.endPoints !== undefined) owned.push(parts.endPoints);
  if (parts.pathsPerExample !== undefined) owned.push(parts.attributions);
  return owned;
}

/**
 * Explainers that use gradients. Adds Captum's convergence delta.
 *
 * @example
 * ```ts
 * import { IntegratedGradients, tf } from "../mod.ts";
 * const ig = new IntegratedGradients((x: tf.Tensor) => x.square().sum(1, true));
 * const x = tf.tensor2d([[1, 2]]);
 * const attr = await ig.attribute(x);
 * const delta = ig.computeConvergenceDelta(attr, tf.zerosLike(x), x);
 * delta.print(); // ≈ [0]
 * ```
 */
export abstract class GradientAttribution extends Attribution {
  /**
   * Per example: `Σ attributions − (F(endPoint)[target] − F(startPoint)[target])`, shape `[N]`.
   * A small delta means the attributions account for the change in output (completeness).
   *
   * @param attributions attributions of shape `[N, ...]`.
   * @param startPoint the baselines, `[N, ...]` (the inputs' shape).
   * @param endPoint the inputs, `[N, ...]`.
   * @param target the explained output, as given to `attribute()`.
   */
  computeConvergenceDelta(
    attributions: tf.Tensor,
    startPoint: tf.Tensor,
    endPoint: tf.Tensor,
    target?: Target,
  ): tf.Tensor1D {
    return this.convergenceDelta(this.forward, attributions, startPoint, endPoint, target);
  }

  /** {@linkcode computeConvergenceDelta} through `forward` (a call's, see `attributeCall()`). */
  protected convergenceDelta(
    forward: ForwardFunction,
    attributions: tf.Tensor,
    startPoint: tf.Tensor,
    endPoint: tf.Tensor,
    target?: CallTarget,
  ): tf.Tensor1D {
    const method = this.methodName;
    if (attributions.shape[0] !== endPoint.shape[0] || startPoint.shape[0] !== endPoint.shape[0]) {
      throw attributionTypeError(
        method,
        "attributions, startPoint and endPoint",
        "tensors with the same batch size",
        [attributions, startPoint, endPoint],
        "Pass the attributions with the baselines and inputs they were computed from.",
      );
    }
    return tf.tidy(() => {
      const n = attributions.shape[0];
      const total = attributions.reshape([n, -1]).sum(1);
      const end = targetValues(method, forward, endPoint, target);
      const start = targetValues(method, forward, startPoint, target);
      return total.sub(end.sub(start)) as tf.Tensor1D;
    });
  }

  /**
   * The body of `attribute()` for path methods: run `compute` (which validates), hand back the
   * attributions (averaged per example with `pathsPerExample`) and dispose the rest. Errors,
   * thrown by `compute` or after, reject the promise and leak nothing.
   */
  protected async settle(
    compute: () => PathAttributions | Promise<PathAttributions>,
  ): Promise<tf.Tensor> {
    const parts = await compute();
    try {
      return settledAttributions(parts);
    } finally {
      tf.dispose(intermediates(parts));
    }
  }

  /**
   * The body of `attributeWithDelta()` for path methods: as {@linkcode settle}, plus the
   * convergence delta of every path from `baselines` to `endPoints` (default `inputs`), with
   * `target` repeated per path. The delta has one value per path (`[N · pathsPerExample]`).
   */
  protected async settleWithDelta(
    compute: () => PathAttributions | Promise<PathAttributions>,
    inputs: tf.Tensor,
    target: CallTarget | undefined,
    forward: ForwardFunction = this.forward,
  ): Promise<AttributionWithDelta> {
    const parts = await compute();
    const { attributions, baselines, endPoints = inputs, pathsPerExample: k } = parts;
    try {
      const pathTarget = k === undefined ? target : repeatTarget(target, k);
      const delta = this.convergenceDelta(forward, attributions, baselines, endPoints, pathTarget);
      try {
        return { attributions: settledAttributions(parts), delta };
      } catch (error) {
        delta.dispose();
        throw error;
      }
    } catch (error) {
      if (k === undefined) attributions.dispose();
      throw error;
    } finally {
      tf.dispose(intermediates(parts));
    }
  }

  /**
   * A path method's `attribute()` for one tensor or an array of inputs: {@linkcode settle} on the
   * call {@linkcode Attribution.attributeCall} prepares.
   */
  protected settleCall<T extends Inputs, O extends CallOptions>(
    inputs: T,
    options: O | undefined,
    spec: CallSpec,
    compute: (call: PreparedCall<O>) => PathAttributions | Promise<PathAttributions>,
  ): Promise<AttributionsOf<T>> {
    return this.attributeCall(inputs, options, spec, (call) => this.settle(() => compute(call)));
  }

  /**
   * A path method's `attributeWithDelta()` for one tensor or an array of inputs:
   * {@linkcode settleWithDelta} on the prepared call, its delta through the call's forward
   * function, its attributions split per input.
   */
  protected async settleCallWithDelta<T extends Inputs, O extends CallOptions>(
    inputs: T,
    options: O | undefined,
    spec: CallSpec,
    compute: (call: PreparedCall<O>) => PathAttributions | Promise<PathAttributions>,
  ): Promise<AttributionWithDelta<AttributionsOf<T>>> {
    const call = this.prepare(inputs, options, spec);
    try {
      const { attributions, delta } = await this.settleWithDelta(
        () => compute(call),
        call.inputs,
        call.options.target,
        call.forward,
      );
      return { attributions: call.finish(attributions) as AttributionsOf<T>, delta };
    } finally {
      call.dispose();
    }
  }
}

/**
 * Explainers that perturb the inputs and watch the output change (no gradients).
 *
 * @example
 * ```ts
 * import { Occlusion, tf } from "../mod.ts";
 * const occlusion = new Occlusion((x: tf.Tensor) => x.sum(1, true));
 * const attr = await occlusion.attribute(tf.tensor2d([[1, 2, 3]]), { slidingWindowShapes: [1] });
 * attr.print(); // [[1, 2, 3]]
 * ```
 */
export abstract class PerturbationAttribution extends Attribution {
  /**
   * A mask-based method's feature groups (`featureMask`, default one group per element; ids
   * shifted to start at 0 with `shiftToZero`, as Captum's Lime) and `perturbationsPerEval`, for
   * the call's (packed) inputs.
   */
  protected resolveFeatures(
    call: PreparedCall<PerturbationOptions>,
    shiftToZero = false,
  ): ResolvedPerturbation {
    return resolveFeaturePerturbation(this.methodName, call.inputs, call.options, shiftToZero);
  }

  /**
   * Evaluate the target output on perturbations of the call's inputs towards the resolved
   * `baselines` (each element kept where `keepBlock` says 1, replaced where 0) and on the
   * unperturbed start (`initialAt`: the inputs, as ablation measures a drop, or the baselines, as
   * Shapley methods add groups), then hand both to `combine`: `initial` one value per example,
   * `outputs` `numPerturbations × N` values, perturbation-major. The baselines are disposed
   * afterwards.
   */
  protected async perturbTowardBaselines(
    call: PreparedCall<PerturbationCallOptions>,
    plan: PerturbationsToEvaluate,
    combine: (initial: Float32Array, outputs: Float32Array) => tf.Tensor,
  ): Promise<tf.Tensor> {
    const method = this.methodName;
    const { inputs, forward, options } = call;
    const { target } = options;
    return await withBaselines(method, inputs, options.baselines, async (baselines) => {
      const start = plan.initialAt === "baselines" ? baselines : inputs;
      const initial = await evaluateTarget(method, forward, start, target);
      const outputs = await evaluatePerturbations({
        method,
        forward,
        inputs,
        replacement: baselines,
        target,
        numPerturbations: plan.numPerturbations,
        perturbationsPerEval: plan.perturbationsPerEval,
        keepBlock: plan.keepBlock,
        showProgress: options.showProgress,
      });
      return combine(initial, outputs);
    });
  }
}

/** The per-input options of the mask-based perturbation methods: baselines and feature masks. */
export const PERTURBATION_SPEC: CallSpec = { baselines: "inputs", featureMask: true };

/** The options {@linkcode PerturbationAttribution.perturbTowardBaselines} reads. */
export interface PerturbationCallOptions extends CallOptions {
  target?: Target;
  baselines?: PerturbationBaseline | readonly PerturbationBaseline[];
  showProgress?: boolean;
}

/** The perturbations {@linkcode PerturbationAttribution.perturbTowardBaselines} evaluates. */
export interface PerturbationsToEvaluate {
  /** How many perturbations (each evaluated on every example). */
  numPerturbations: number;
  /** Perturbations per forward pass (undefined: the memory-budget default). */
  perturbationsPerEval: number | undefined;
  /** The keep factors of perturbations `[start, end)`. */
  keepBlock: PerturbationPlan["keepBlock"];
  /** Where the reference output is read. @default "inputs" */
  initialAt?: "inputs" | "baselines";
}
