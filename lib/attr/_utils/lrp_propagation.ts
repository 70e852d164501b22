/**
 * Layer-wise relevance propagation over a `tf.LayersModel`'s graph, shared by `LRP` and
 * `LayerLRP`: which layer takes which rule (Captum's defaults, or the caller's), checked before any
 * computation, and the backward pass that hands relevance from the output to the inputs layer by
 * layer.
 *
 * Captum implements LRP with hooks that replace gradients; here the backward pass is explicit,
 * with the same arithmetic:
 * - a layer with a rule (convolution, dense, batch normalization, pooling, addition) hands on
 *   `a ⊙ Jᵀ (R / (z + ε·sign(z)))`, `z` its pre-activation output with the rule's weights on its
 *   original input activations `a` ({@linkcode PropagationRule.propagate});
 * - an activation Captum passes through (ReLU, tanh, a fused relu or tanh, dropout) hands `R` on
 *   unchanged;
 * - a reshaping or routing layer (flatten, reshape, permute, zero padding, cropping,
 *   concatenation), which in PyTorch is a functional op that Captum's hooks never see, hands on
 *   its plain gradient of `R` (relevance is reshaped, cropped or split);
 * - any other layer is refused by name and class.
 *
 * Relevance starts as the gradient of the target at the output (Captum's normalized relevance)
 * and is multiplied by the target's value at the end.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  applyLayer,
  type BatchNormalizationConfig,
  type BatchNormalizationVariables,
} from "../../models/_apply_layer.ts";
import type { GraphStep, ModelGraph } from "../../models/_model_graph.ts";
import { inputFeeds, modelGraph, runGraph } from "../../models/_model_graph.ts";
import {
  EpsilonRule,
  IdentityRule,
  type LrpRules,
  PropagationRule,
  type RuleFunction,
} from "../lrp_rules.ts";
import type { Target } from "../types.ts";
import { attributionTypeError, errorPrefix } from "./errors.ts";
import { isLayersModel } from "./forward.ts";
import { gradientsOfTarget } from "./gradients.ts";
import { selectTarget } from "./target.ts";

/** How one layer hands relevance to its inputs. */
export type LayerPlan =
  | { kind: "rule"; rule: PropagationRule; at: (rule: PropagationRule) => RuleFunction }
  | { kind: "pass" }
  | { kind: "route" };

/** Layers with Captum's default rule (`SUPPORTED_LAYERS_WITH_RULES`: all `EpsilonRule`). */
const DEFAULT_RULE_LAYERS: ReadonlySet<string> = new Set([
  "Conv2D",
  "DepthwiseConv2D", // PyTorch's grouped nn.Conv2d
  "Dense",
  "BatchNormalization",
  "MaxPooling1D",
  "MaxPooling2D",
  "MaxPooling3D",
  "AveragePooling2D",
  "GlobalAveragePooling2D", // nn.AdaptiveAvgPool2d(1) then a functional flatten
  "Add", // Captum's Addition_Module
]);

/** Layers Captum passes relevance through unchanged (`SUPPORTED_NON_LINEAR_LAYERS`). */
const PASS_ACTIVATIONS: ReadonlySet<string> = new Set(["linear", "relu", "tanh"]);

/** Reshaping and routing layers: functional ops in PyTorch, relevance follows their gradient. */
const ROUTE_LAYERS: ReadonlySet<string> = new Set([
  "Flatten",
  "Reshape",
  "Permute",
  "ZeroPadding2D",
  "Cropping2D",
  "Concatenate",
]);

/** Layers whose activation follows a linear map that the rule applies to. */
const ACTIVATED_LAYERS: ReadonlySet<string> = new Set(["Conv2D", "DepthwiseConv2D", "Dense"]);

interface ConvConfig {
  strides: number | [number, number];
  padding: "same" | "valid" | "causal";
  dataFormat?: "channelsFirst" | "channelsLast";
  dilationRate?: number | [number, number];
  useBias?: boolean;
}

/** The bias a rule propagates with: zero under `setBiasToZero`. */
function ruleBias(rule: PropagationRule, bias: tf.Tensor): tf.Tensor {
  return rule.setBiasToZero ? tf.zerosLike(bias) : bias;
}

/**
 * The layer's linear map with the rule's weights, for the layers whose weights a rule changes;
 * `undefined` (with the reason) for a configuration it cannot express.
 */
function weightedFunction(
  layer: tf.layers.Layer,
): ((rule: PropagationRule) => RuleFunction) | string {
  const className = layer.getClassName();
  if (className === "Conv2D" || className === "DepthwiseConv2D") {
    const config = layer.getConfig() as unknown as ConvConfig;
    const dilated = [config.dilationRate ?? 1].flat().some((d) => d !== 1);
    if (config.dataFormat === "channelsFirst" || config.padding === "causal" || dilated) {
      return "its configuration (dilated, channels-first or causal) has no LRP form here";
    }
    const { strides, padding } = config as { strides: [number, number]; padding: "same" };
    const useBias = config.useBias ?? true;
    const conv = className === "Conv2D" ? tf.conv2d : tf.depthwiseConv2d;
    return (rule) => {
      const [kernel, bias] = layer.getWeights();
      const k = rule.manipulateWeight(kernel) as tf.Tensor4D;
      const b = useBias ? ruleBias(rule, bias) : undefined;
      return ([x]) => {
        const y = conv(x as tf.Tensor4D, k, strides, padding);
        return b === undefined ? y : y.add(b);
      };
    };
  }
  if (className === "Dense") {
    const useBias = (layer.getConfig() as { useBias?: boolean }).useBias ?? true;
    return (rule) => {
      const [kernel, bias] = layer.getWeights();
      const k = rule.manipulateWeight(kernel) as tf.Tensor2D;
      const b = useBias ? ruleBias(rule, bias) : undefined;
      return ([x]) => {
        // Dense acts on the last axis.
        const rows = x.reshape([-1, k.shape[0]]) as tf.Tensor2D;
        const y = b === undefined ? tf.matMul(rows, k) : tf.matMul(rows, k).add(b);
        return y.reshape([...x.shape.slice(0, -1), k.shape[1]]);
      };
    };
  }
  if (className === "BatchNormalization") {
    const config = layer.getConfig() as unknown as BatchNormalizationConfig;
    const epsilon = config.epsilon ?? 1e-3;
    const variables = layer as unknown as BatchNormalizationVariables;
    // Inference mode: x·a + b with a = γ/√(σ² + ε), b = β − μ·a; the rule changes γ (PyTorch's
    // `weight`) and zeroes β (its `bias`).
    return (rule) => {
      const inverseStd = tf.rsqrt(variables.movingVariance.read().add(epsilon));
      const a = config.scale === false
        ? inverseStd
        : inverseStd.mul(rule.manipulateWeight(variables.gamma!.read()));
      const shift = variables.movingMean.read().mul(a).neg();
      const b = config.center === false ? shift : shift.add(ruleBias(rule, variables.beta!.read()));
      return ([x]) => {
        const axis = (config.axis ?? -1) < 0 ? x.rank + (config.axis ?? -1) : config.axis!;
        const shape = x.shape.map((d, i) => (i === axis ? d : 1));
        return x.mul(a.reshape(shape)).add(b.reshape(shape));
      };
    };
  }
  if (layer.weights.length > 0) {
    return "LRP rules change the weights of Conv2D, DepthwiseConv2D, Dense and " +
      "BatchNormalization layers only";
  }
  return () => (xs) => applyLayer(layer, xs.length === 1 ? xs[0] : xs) as tf.Tensor;
}

/** The layer's activation (its `activation` config, "linear" when it has none). */
function activationOf(layer: tf.layers.Layer): string {
  return (layer.getConfig() as { activation?: string }).activation ?? "linear";
}

/** The plan for `layer` with `rule` (the caller's or the default), or why there is none. */
function planFor(
  step: GraphStep,
  rule: PropagationRule | undefined,
): LayerPlan | string {
  const layer = step.layer;
  const className = layer.getClassName();
  if (step.outputIds.length !== 1) return `it has ${step.outputIds.length} outputs`;
  if (ACTIVATED_LAYERS.has(className) && !PASS_ACTIVATIONS.has(activationOf(layer))) {
    return `its activation ${
      JSON.stringify(activationOf(layer))
    } has no LRP rule (Captum passes relevance through ReLU and tanh only)`;
  }
  if (rule === undefined) {
    if (className === "ReLU") {
      const { maxValue } = layer.getConfig() as { maxValue?: number | null };
      if (maxValue !== null && maxValue !== undefined) {
        return "a ReLU with maxValue (nn.ReLU6 in PyTorch) has no LRP rule";
      }
      return { kind: "pass" };
    }
    if (className === "Activation") {
      const activation = activationOf(layer);
      if (!PASS_ACTIVATIONS.has(activation)) {
        return `its activation ${JSON.stringify(activation)} has no LRP rule`;
      }
      return { kind: "pass" };
    }
    if (className === "Dropout") return { kind: "pass" };
    if (ROUTE_LAYERS.has(className)) return { kind: "route" };
    if (!DEFAULT_RULE_LAYERS.has(className)) return "no default LRP rule covers this layer kind";
    rule = new EpsilonRule();
  }
  if (rule instanceof IdentityRule) {
    const input = step.inputs[0]?.shape.join(",");
    const output = (layer.outputShape as number[]).join(",");
    if (step.inputIds.length !== 1 || input !== output) {
      return "the IdentityRule needs a layer with one input of its output's shape";
    }
  }
  const at = weightedFunction(layer);
  if (typeof at === "string") return at;
  return { kind: "rule", rule, at };
}

/** The rule the caller set for `layer`, validated. */
function customRule(
  method: string,
  layer: tf.layers.Layer,
  rules: LrpRules | undefined,
): PropagationRule | undefined {
  if (rules === undefined) return undefined;
  const rule = typeof rules === "function"
    ? rules(layer)
    : rules.get(layer) ?? rules.get(layer.name);
  if (rule !== undefined && !(rule instanceof PropagationRule)) {
    throw attributionTypeError(
      method,
      `the rule of layer ${JSON.stringify(layer.name)}`,
      "a PropagationRule (EpsilonRule, GammaRule, Alpha1Beta0Rule, IdentityRule)",
      rule,
      "Pass e.g. new GammaRule(), or leave the layer out for its default rule.",
    );
  }
  return rule;
}

/**
 * The plan of every step of `graph` (keyed by layer), with the caller's `rules` or Captum's
 * defaults. Throws for a rule that is not a {@linkcode PropagationRule} and for a map key that
 * names no layer of the model; layers without any rule get no plan (see
 * {@linkcode assertLrpCovers}).
 *
 * @throws {TypeError} for a bad rule or an unknown layer in `rules`.
 */
export function lrpPlans(
  method: string,
  graph: ModelGraph,
  rules: LrpRules | undefined,
): Map<tf.layers.Layer, LayerPlan | string> {
  if (rules !== undefined && typeof rules !== "function" && !(rules instanceof Map)) {
    throw attributionTypeError(
      method,
      "rules",
      "a Map from layers (or layer names) to rules, or a function of the layer",
      rules,
      'Pass e.g. new Map([["conv1", new GammaRule()]]).',
    );
  }
  const layers = graph.steps.map((step) => step.layer);
  if (rules instanceof Map) {
    for (const key of rules.keys()) {
      const found = typeof key === "string"
        ? layers.some((l) => l.name === key)
        : layers.includes(key);
      if (!found) {
        throw attributionTypeError(
          method,
          "every key of rules",
          `one of the model's layers (${
            [...new Set(layers.map((l) => JSON.stringify(l.name)))].join(", ")
          })`,
          key instanceof tf.layers.Layer ? `a layer named ${JSON.stringify(key.name)}` : key,
          "Key the rules by the model's layers or their names.",
        );
      }
    }
  }
  const plans = new Map<tf.layers.Layer, LayerPlan | string>();
  for (const step of graph.steps) {
    plans.set(step.layer, planFor(step, customRule(method, step.layer, rules)));
  }
  return plans;
}

/**
 * Throw for the first of `steps` that has no rule, naming the layer, its class and the way out.
 *
 * @throws {TypeError} "Cannot compute LRP attributions: … layer "mul" (Multiply) …".
 */
export function assertLrpCovers(
  method: string,
  steps: Iterable<GraphStep>,
  plans: Map<tf.layers.Layer, LayerPlan | string>,
): void {
  for (const step of steps) {
    const plan = plans.get(step.layer);
    if (typeof plan !== "string") continue;
    throw new TypeError(
      `${errorPrefix(method)}: every layer between the inputs and the explained output must ` +
        `have an LRP rule, received layer ${
          JSON.stringify(step.layer.name)
        } (${step.layer.getClassName()}): ${plan}. Captum's default rules cover Conv2D, ` +
        "DepthwiseConv2D, Dense, BatchNormalization, max pooling, AveragePooling2D, " +
        "GlobalAveragePooling2D and Add (EpsilonRule); ReLU, tanh and Dropout pass relevance " +
        "through; Flatten, Reshape, Permute, ZeroPadding2D, Cropping2D and Concatenate route it. " +
        "Set a rule for the layer with the rules option if one fits it " +
        '(e.g. new Map([["name", new EpsilonRule()]])), or use a gradient method such as ' +
        "IntegratedGradients, which needs no rule.",
    );
  }
}

/**
 * The model graph and rule of every layer of `model`, for the LRP explainer named `method`.
 * @throws {TypeError} when `model` is not a `tf.LayersModel`.
 */
export function lrpSetup(
  method: string,
  model: unknown,
  rules: LrpRules | undefined,
): { graph: ModelGraph; plans: Map<tf.layers.Layer, LayerPlan | string> } {
  if (!isLayersModel(model)) {
    throw attributionTypeError(
      method,
      "model",
      "a tf.LayersModel (LRP applies a rule per layer)",
      model,
      "Pass the tf.LayersModel itself, not a forward function.",
    );
  }
  const graph = modelGraph(model);
  return { graph, plans: lrpPlans(method, graph, rules) };
}

/** What one backward pass computed (normalized relevance; call inside `tf.tidy`). */
export interface LrpPass {
  /** The target's value per example, `[N]` (Captum's `output`). */
  output: tf.Tensor1D;
  /** Relevance at tensor ids, from the gradient of the target at the model's output. */
  relevance: Map<number, tf.Tensor>;
  /** The relevance the stop step passed to its inputs, when a stop step was given. */
  stepInputRelevance?: tf.Tensor[];
}

/**
 * Run the model on `inputs` (one tensor per model input), then hand the target's relevance back through every step after
 * `stop` (through `stop` itself too when `throughStop`), or through all steps. Steps must all
 * have plans (checked with {@linkcode assertLrpCovers}). Call inside `tf.tidy`.
 */
export function lrpBackward(
  method: string,
  graph: ModelGraph,
  plans: Map<tf.layers.Layer, LayerPlan | string>,
  inputs: readonly tf.Tensor[],
  target: Target | undefined,
  options: { stop?: GraphStep; throughStop?: boolean; verbose?: boolean } = {},
): LrpPass {
  const { stop, throughStop = false, verbose = false } = options;
  const values = runGraph(graph.steps, inputFeeds(graph.inputIds, inputs));
  const modelOutput = values.get(graph.outputId)!;
  const output = selectTarget(method, modelOutput, target);
  const relevance = new Map<number, tf.Tensor>();
  relevance.set(graph.outputId, gradientsOfTarget(method, (o) => o, modelOutput, target));
  let stepInputRelevance: tf.Tensor[] | undefined;
  const last = stop === undefined ? 0 : graph.steps.indexOf(stop) + (throughStop ? 0 : 1);
  for (let i = graph.steps.length - 1; i >= last; i--) {
    const step = graph.steps[i];
    const r = relevance.get(step.outputIds[0]);
    if (r === undefined) continue;
    const plan = plans.get(step.layer) as LayerPlan;
    const a = step.inputIds.map((id) => values.get(id)!);
    let passed: tf.Tensor[];
    if (plan.kind === "pass") {
      passed = [r];
    } else if (plan.kind === "route") {
      const f = (...xs: tf.Tensor[]) =>
        applyLayer(step.layer, xs.length === 1 ? xs[0] : xs) as tf.Tensor;
      passed = tf.grads(f)(a, r);
    } else {
      if (verbose) {
        console.log(
          `Applied ${plan.rule} on layer ${
            JSON.stringify(step.layer.name)
          } (${step.layer.getClassName()})`,
        );
      }
      passed = plan.rule.propagate(plan.at(plan.rule), a, r);
    }
    if (step === stop) stepInputRelevance = passed;
    step.inputIds.forEach((id, k) => {
      const before = relevance.get(id);
      relevance.set(id, before === undefined ? passed[k] : before.add(passed[k]));
    });
  }
  return { output, relevance, stepInputRelevance };
}

/** `normalized` (`[N, ...]`) times the target's value per example. */
export function scaleByOutput(normalized: tf.Tensor, output: tf.Tensor1D): tf.Tensor {
  const n = output.shape[0];
  return normalized.mul(output.reshape([n, ...normalized.shape.slice(1).map(() => 1)]));
}

/**
 * Captum's LRP delta: the target's value minus the sum of the attributions (of every input, for
 * several), per example.
 */
export function lrpDelta(
  attributions: tf.Tensor | readonly tf.Tensor[],
  output: tf.Tensor,
): tf.Tensor1D {
  return tf.tidy(() => {
    const list = Array.isArray(attributions) ? attributions : [attributions as tf.Tensor];
    const n = list[0].shape[0];
    const total = list.map((a) => a.reshape([n, -1]).sum(1)).reduce((sum, s) => sum.add(s));
    return output.reshape([n]).sub(total) as tf.Tensor1D;
  });
}

/**
 * {@linkcode lrpDelta} for `computeConvergenceDelta()`: checks that `output` has one value per
 * example first.
 *
 * @throws {TypeError} naming `method` otherwise.
 */
export function checkedLrpDelta(
  method: string,
  attributions: tf.Tensor,
  output: tf.Tensor,
): tf.Tensor1D {
  if (output.size !== attributions.shape[0]) {
    throw attributionTypeError(
      method,
      "output",
      `one value per example (${attributions.shape[0]})`,
      output,
      "Pass the target's value per example, e.g. the model's output at the target.",
    );
  }
  return lrpDelta(attributions, output);
}

/**
 * The body of LRP's and LayerLRP's `attribute()` and `attributeWithDelta()`: one backward pass,
 * the normalized relevance `pick` reads from it (one tensor per input or layer tensor) scaled by
 * the target's value, and with
 * `withDelta` Captum's delta. Synchronous errors become a rejected promise.
 */
export function settleLrp(
  pass: () => LrpPass,
  pick: (pass: LrpPass) => tf.Tensor[],
  withDelta: boolean,
): Promise<{ attributions: tf.Tensor[]; delta?: tf.Tensor1D }> {
  try {
    return Promise.resolve(tf.tidy(() => {
      const done = pass();
      const attributions = pick(done).map((r) => scaleByOutput(r, done.output));
      return withDelta
        ? { attributions, delta: lrpDelta(attributions, done.output) }
        : { attributions };
    }));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The rules of every layer of a model, resolved and checked once at construction, and the
 * backward pass of LRP (to the inputs) or LayerLRP (to a layer): the part both explainers hold.
 */
export class LrpPropagation {
  readonly #method: string;
  readonly #graph: ModelGraph;
  readonly #plans: Map<tf.layers.Layer, LayerPlan | string>;
  readonly #stop: GraphStep | undefined;

  /**
   * @param method the explainer's name, for error messages.
   * @param model the model (a `tf.LayersModel`).
   * @param rules the caller's rules for some layers.
   * @param stopLayer the attributed layer: relevance stops there and only the layers after it
   *   need a rule. `undefined`: relevance goes back to the inputs and every layer needs one.
   * @throws {TypeError} when the model is a forward function, a rule is not a
   *   `PropagationRule`, a key of `rules` is not a layer of the model, or a layer that needs a
   *   rule has none.
   */
  constructor(
    method: string,
    model: unknown,
    rules: LrpRules | undefined,
    stopLayer?: tf.layers.Layer,
  ) {
    const { graph, plans } = lrpSetup(method, model, rules);
    const stop = graph.steps.find((step) => step.layer === stopLayer);
    assertLrpCovers(method, graph.steps.slice(stop ? graph.steps.indexOf(stop) + 1 : 0), plans);
    this.#method = method;
    this.#graph = graph;
    this.#plans = plans;
    this.#stop = stop;
  }

  /**
   * One backward pass settled by {@linkcode settleLrp}: `validate` runs first (its errors reject
   * the promise) and says whether relevance goes on through the stop layer to its input, which
   * then needs a rule too. Returns the relevance at the inputs (one tensor per model input), at the
   * stop layer's output or at its inputs, and with `withDelta` Captum's delta over all of them.
   */
  relevance(
    inputs: readonly tf.Tensor[],
    target: Target | undefined,
    options: { verbose: boolean; withDelta: boolean; validate: () => boolean },
  ): Promise<{ attributions: tf.Tensor[]; delta?: tf.Tensor1D }> {
    const stop = this.#stop;
    let throughStop = false;
    return settleLrp(
      () => {
        throughStop = options.validate();
        if (throughStop) assertLrpCovers(this.#method, [stop!], this.#plans);
        return lrpBackward(this.#method, this.#graph, this.#plans, inputs, target, {
          stop,
          throughStop,
          verbose: options.verbose,
        });
      },
      (pass) => {
        if (stop === undefined) {
          // An input no step reads (or whose relevance is cut off) gets none.
          return this.#graph.inputIds.map((id, i) =>
            pass.relevance.get(id) ?? tf.zerosLike(inputs[i])
          );
        }
        return throughStop ? pass.stepInputRelevance! : [pass.relevance.get(stop.outputIds[0])!];
      },
      options.withDelta,
    );
  }
}
