/**
 * The propagation rules of layer-wise relevance propagation, as Captum's `lrp_rules`:
 * {@linkcode EpsilonRule}, {@linkcode GammaRule}, {@linkcode Alpha1Beta0Rule} (Captum's
 * `Alpha1_Beta0_Rule`) and {@linkcode IdentityRule}, on the base {@linkcode PropagationRule}.
 *
 * A rule decides how a layer `z = f(a; w, b)` hands the relevance `R` at its output to its
 * inputs: `R_in = a ⊙ Jᵀ (R / (z + ε·sign(z)))`, with the weights first changed by the rule
 * (Captum's `_manipulate_weights`), `z` computed from the layer's original input activations `a`,
 * `sign(0) = 1`, and `J` the Jacobian of `f` with the changed weights at `a`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertNumber, attributionTypeError } from "./_utils/errors.ts";

/** The error prefix's method name for a rule constructed outside any explainer. */
const METHOD = "LRP";

/** A layer as a rule sees it: its inputs to its (pre-activation) output, with the rule's weights. */
export type RuleFunction = (inputs: tf.Tensor[]) => tf.Tensor;

/**
 * The base of every LRP rule, as Captum's `PropagationRule`: a stability factor `ε` added to the
 * layer's output (with its sign) before dividing, and the rule's change of the layer's weights.
 *
 * @example
 * ```ts
 * import { EpsilonRule, GammaRule, PropagationRule } from "../mod.ts";
 * const rules: PropagationRule[] = [new EpsilonRule(), new GammaRule({ gamma: 0.5 })];
 * console.log(rules.map(String)); // ["EpsilonRule(epsilon=1e-9)", "GammaRule(gamma=0.5, setBiasToZero=false)"]
 * ```
 */
export abstract class PropagationRule {
  /**
   * `ε` in `R / (z + ε·sign(z))`, Captum's `STABILITY_FACTOR`.
   * @default 1e-9
   */
  readonly stabilityFactor: number = 1e-9;
  /** Whether the rule sets the layer's bias (or batch normalization's `β`) to zero. */
  readonly setBiasToZero: boolean = false;

  /**
   * The weight the layer propagates with (Captum's `_manipulate_weights` on `module.weight`: the
   * kernel of a convolution or dense layer, `γ` of a batch normalization). The identity here.
   * Call inside `tf.tidy`.
   */
  manipulateWeight(weight: tf.Tensor): tf.Tensor {
    return weight;
  }

  /**
   * The relevance of each of the layer's inputs, given the relevance at its output:
   * `aᵢ ⊙ ∂/∂aᵢ Σ f(a) ⊙ s` with `s = R / (z + ε·sign(z))`, `z = f(a)`. `f` already carries the
   * rule's weights. Call inside `tf.tidy`.
   *
   * @param f the layer as a function of its inputs, with this rule's weights.
   * @param inputs the layer's input activations from the unchanged forward pass.
   * @param relevance the relevance at the layer's output, in its shape.
   */
  propagate(f: RuleFunction, inputs: tf.Tensor[], relevance: tf.Tensor): tf.Tensor[] {
    const z = f(inputs);
    const sign = tf.where(z.greaterEqual(0), tf.onesLike(z), tf.onesLike(z).neg());
    const s = relevance.div(z.add(sign.mul(this.stabilityFactor)));
    const grads = tf.grads((...xs: tf.Tensor[]) => f(xs))(inputs, s);
    return inputs.map((a, i) => a.mul(grads[i]));
  }

  /** The rule and its parameters, e.g. `GammaRule(gamma=0.25, setBiasToZero=false)`. */
  abstract toString(): string;
}

/** Options of {@linkcode EpsilonRule}. */
export interface EpsilonRuleOptions {
  /**
   * Added (with the sign of `z`) to the layer's output before dividing; a larger value absorbs
   * weak or contradictory relevance.
   * @default 1e-9
   */
  epsilon?: number;
}

/**
 * The ε-rule: the weights as they are, `ε` added to the denominator. Captum's default for every
 * layer kind it supports; for middle layers.
 *
 * @example
 * ```ts
 * import { EpsilonRule } from "../mod.ts";
 * console.log(new EpsilonRule({ epsilon: 0.25 }).stabilityFactor); // 0.25
 * ```
 */
export class EpsilonRule extends PropagationRule {
  override readonly stabilityFactor: number;

  /**
   * @param options `{ epsilon }` (default 1e-9).
   * @throws {RangeError} when `epsilon` is not a finite number ≥ 0.
   */
  constructor(options: EpsilonRuleOptions = {}) {
    super();
    const { epsilon = 1e-9 } = options;
    assertNumber(METHOD, "epsilon", epsilon, 0);
    this.stabilityFactor = epsilon;
  }

  override toString(): string {
    return `EpsilonRule(epsilon=${this.stabilityFactor})`;
  }
}

/** Options of {@linkcode GammaRule}. */
export interface GammaRuleOptions {
  /**
   * How much positive weights are strengthened: `w + γ·max(w, 0)`.
   * @default 0.25
   */
  gamma?: number;
  /**
   * Set the layer's bias to zero while propagating.
   * @default false
   */
  setBiasToZero?: boolean;
}

/**
 * The γ-rule: positive weights strengthened, `w + γ·max(w, 0)`, which favours positive
 * relevance; for lower layers. `ε` is 1e-9.
 *
 * @example
 * ```ts
 * import { GammaRule, tf } from "../mod.ts";
 * new GammaRule({ gamma: 0.5 }).manipulateWeight(tf.tensor1d([2, -2])).print(); // [3, -2]
 * ```
 */
export class GammaRule extends PropagationRule {
  /** `γ`. */
  readonly gamma: number;
  override readonly setBiasToZero: boolean;

  /**
   * @param options `{ gamma, setBiasToZero }` (defaults 0.25, false).
   * @throws {RangeError} when `gamma` is not a finite number ≥ 0.
   * @throws {TypeError} when `setBiasToZero` is not a boolean.
   */
  constructor(options: GammaRuleOptions = {}) {
    super();
    const { gamma = 0.25, setBiasToZero = false } = options;
    assertNumber(METHOD, "gamma", gamma, 0);
    this.gamma = gamma;
    this.setBiasToZero = assertBoolean("setBiasToZero", setBiasToZero);
  }

  override manipulateWeight(weight: tf.Tensor): tf.Tensor {
    return weight.add(tf.relu(weight).mul(this.gamma));
  }

  override toString(): string {
    return `GammaRule(gamma=${this.gamma}, setBiasToZero=${this.setBiasToZero})`;
  }
}

/** Options of {@linkcode Alpha1Beta0Rule}. */
export interface Alpha1Beta0RuleOptions {
  /**
   * Set the layer's bias to zero while propagating.
   * @default false
   */
  setBiasToZero?: boolean;
}

/**
 * The α1β0 rule (deep Taylor decomposition, Captum's `Alpha1_Beta0_Rule`): negative weights set
 * to zero, so only positive contributions carry relevance; for lower layers. As in Captum it has
 * no α or β parameter (α = 1, β = 0 are fixed) and `ε` is 1e-9.
 *
 * @example
 * ```ts
 * import { Alpha1Beta0Rule, tf } from "../mod.ts";
 * new Alpha1Beta0Rule().manipulateWeight(tf.tensor1d([2, -2])).print(); // [2, 0]
 * ```
 */
export class Alpha1Beta0Rule extends PropagationRule {
  override readonly setBiasToZero: boolean;

  /**
   * @param options `{ setBiasToZero }` (default false).
   * @throws {TypeError} when `setBiasToZero` is not a boolean.
   */
  constructor(options: Alpha1Beta0RuleOptions = {}) {
    super();
    const { setBiasToZero = false } = options;
    this.setBiasToZero = assertBoolean("setBiasToZero", setBiasToZero);
  }

  override manipulateWeight(weight: tf.Tensor): tf.Tensor {
    return tf.relu(weight);
  }

  override toString(): string {
    return `Alpha1Beta0Rule(setBiasToZero=${this.setBiasToZero})`;
  }
}

/**
 * The identity rule: the relevance at the layer's output is handed to its input unchanged. Only
 * for layers with one input of the output's shape (e.g. batch normalization).
 *
 * @example
 * ```ts
 * import { IdentityRule, tf } from "../mod.ts";
 * const r = tf.tensor2d([[1, 2]]);
 * new IdentityRule().propagate((xs) => xs[0].mul(3), [tf.ones([1, 2])], r)[0].print(); // [[1, 2]]
 * ```
 */
export class IdentityRule extends EpsilonRule {
  /** The relevance at the output, unchanged (`f` is not evaluated). */
  override propagate(_f: RuleFunction, _inputs: tf.Tensor[], relevance: tf.Tensor): tf.Tensor[] {
    return [relevance.clone()];
  }

  override toString(): string {
    return "IdentityRule()";
  }
}

/**
 * Rules set per layer (Captum sets `module.rule`): a map from a layer, or a layer's name, to its
 * rule, or a function of the layer returning its rule (`undefined` for the default). Layers left
 * out take Captum's default.
 *
 * @example
 * ```ts
 * import { GammaRule, type LrpRules } from "../mod.ts";
 * const byName: LrpRules = new Map([["conv1", new GammaRule()]]);
 * const byKind: LrpRules = (layer) =>
 *   layer.getClassName() === "Conv2D" ? new GammaRule() : undefined;
 * console.log(byName.size, typeof byKind); // 1 "function"
 * ```
 */
export type LrpRules =
  | ReadonlyMap<string | tf.layers.Layer, PropagationRule>
  | ((layer: tf.layers.Layer) => PropagationRule | undefined);

function assertBoolean(what: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw attributionTypeError(METHOD, what, "a boolean", value, `Pass true or false.`);
  }
  return value;
}
