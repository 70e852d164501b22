/**
 * The one home of the path methods' public surface: `attribute()` settles a method's paths into
 * attributions, `attributeWithDelta()` adds Captum's convergence delta. Each method (IG, DeepLift,
 * GradientShap, DeepLiftShap and their layer variants) only says how its paths are computed
 * (`paths()`), as Captum's path methods differ only in how they integrate.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { GradientAttribution, type PathAttributions } from "./attribution.ts";
import type {
  InputsGradientMethod,
  LayerGradientMethod,
  MethodArguments,
} from "./_gradient_method.ts";
import type { TargetOptions } from "./options.ts";
import type {
  AttributionsOf,
  AttributionWithDelta,
  ForwardFunction,
  Inputs,
  ModelLike,
} from "./types.ts";
import type { CallOptions, CallSpec, PackedOptions, PreparedCall } from "./_utils/multi_input.ts";
import { LayerAttribution } from "./layer/layer_attribution.ts";
import type { LayerRef } from "../models/layer_tap.ts";

/** A gradient base class ({@linkcode GradientAttribution} or a subclass). */
// deno-lint-ignore no-explicit-any
export type GradientClass = abstract new (...args: any[]) => GradientAttribution;

/**
 * `Base` with `attribute()` and `attributeWithDelta()` built on the method's `paths()`: run it
 * (it validates), hand back the attributions and dispose the rest, through
 * `GradientAttribution.settle` and `settleWithDelta`. Missing options are passed as `{}`.
 */
function withPaths<B extends GradientClass>(Base: B) {
  abstract class PathMethod extends Base {
    attribute(inputs: tf.Tensor, options?: TargetOptions): Promise<tf.Tensor> {
      return this.settle(() => this.paths(inputs, options ?? {}));
    }

    attributeWithDelta(inputs: tf.Tensor, options?: TargetOptions): Promise<AttributionWithDelta> {
      const resolved = options ?? {};
      return this.settleWithDelta(() => this.paths(inputs, resolved), inputs, resolved.target);
    }

    /**
     * The method's paths for `inputs` (validated here first): attributions per path and the
     * paths' ends. Subclasses implement it as `protected paths(inputs, options)`.
     */
    protected abstract paths(
      inputs: tf.Tensor,
      options: TargetOptions,
    ): PathAttributions | Promise<PathAttributions>;
  }
  return PathMethod;
}

/**
 * The primary path methods' surface: `attribute()` and `attributeWithDelta()` take one tensor or
 * an array of inputs (see `_utils/multi_input.ts`: the per-input options of `callSpec` packed,
 * `additionalForwardArgs` expanded), settle the method's `paths()` on the prepared call and split
 * the attributions per input.
 */
abstract class PrimaryPathMethod extends GradientAttribution {
  /** Which options are given per input. */
  protected abstract get callSpec(): CallSpec;

  attribute<T extends Inputs>(
    inputs: T,
    options?: TargetOptions & CallOptions,
  ): Promise<AttributionsOf<T>> {
    return this.settleCall(inputs, options, this.callSpec, (call) => this.#paths(call));
  }

  attributeWithDelta<T extends Inputs>(
    inputs: T,
    options?: TargetOptions & CallOptions,
  ): Promise<AttributionWithDelta<AttributionsOf<T>>> {
    return this.settleCallWithDelta(inputs, options, this.callSpec, (call) => this.#paths(call));
  }

  #paths(call: PreparedCall<TargetOptions>) {
    return this.paths(call.inputs, call.options, call.forward);
  }

  /**
   * The method's paths for the call's (packed, validated) `inputs` through `forward` (the call's:
   * it splits packed inputs and adds the extra arguments): attributions per path and the paths'
   * ends. Subclasses implement it as `protected paths(inputs, options, forward)`.
   */
  protected abstract paths(
    inputs: tf.Tensor,
    options: PackedOptions<TargetOptions>,
    forward: ForwardFunction,
  ): PathAttributions | Promise<PathAttributions>;
}

/**
 * The base of the primary path methods, whose `attribute()` and `attributeWithDelta()` take
 * `Args` (e.g. `[options?: DeepLiftOptions]`) and one tensor or an array of inputs. Subclasses
 * implement `protected paths()` and `protected get callSpec()`.
 */
export const PathAttribution = PrimaryPathMethod as unknown as abstract new <
  Args extends MethodArguments,
>(model: ModelLike) => InputsGradientMethod<Args>;

/** The base of the layer path methods; as {@linkcode PathAttribution}, on `LayerAttribution`. */
export const LayerPathAttribution = withPaths(LayerAttribution) as unknown as
  & Omit<typeof LayerAttribution, "prototype">
  & (abstract new <Args extends MethodArguments>(
    model: tf.LayersModel,
    layer: LayerRef,
  ) => LayerGradientMethod<Args>);
