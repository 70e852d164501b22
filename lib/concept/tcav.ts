/**
 * Testing with Concept Activation Vectors, as Captum's `TCAV` (Kim et al., 2018,
 * https://arxiv.org/abs/1711.11279): how much a prediction is sensitive, at a layer, to the
 * direction that separates a concept's activations from others'.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TargetOptions } from "../attr/options.ts";
import { LayerActivation } from "../attr/layer/layer_activation.ts";
import { LayerGradientXActivation } from "../attr/layer/layer_gradient_x_activation.ts";
import { type LayerRef, LayerTap } from "../models/layer_tap.ts";
import { CAV, DEFAULT_CAV_PATH, DEFAULT_MODEL_ID } from "./cav.ts";
import { type Classifier, type ConceptActivations, DefaultClassifier } from "./classifier.ts";
import { Concept, conceptsToStr } from "./concept.ts";
import { conceptError } from "./_errors.ts";

/** A layer attribution explainer as TCAV uses it: `attribute(inputs, options)` in the layer's shape. */
export interface LayerAttributor {
  attribute(inputs: tf.Tensor, options: Record<string, unknown>): Promise<tf.Tensor>;
}

/**
 * Makes the layer attribution method for one layer, e.g.
 * `(model, layer) => new LayerIntegratedGradients(model, layer)`. TCAV passes it `target`,
 * `attributeToLayerInput` and `layerAttrOptions`.
 */
export type LayerAttrMethod = (model: tf.LayersModel, layer: tf.layers.Layer) => LayerAttributor;

/** Constructor options of {@linkcode TCAV}, Captum's camelCased. */
export interface TCAVConfig {
  /**
   * The model's id: the subdirectory of `savePath` its CAVs are saved in.
   * @default "default_model_id"
   */
  modelId?: string;
  /** The classifier that learns the CAVs. @default new DefaultClassifier() */
  classifier?: Classifier;
  /**
   * The layer sensitivity method.
   * @default the plain layer gradient, Captum's `LayerGradientXActivation(multiply_by_inputs=False)`
   */
  layerAttrMethod?: LayerAttrMethod;
  /**
   * Use the layers' inputs instead of their outputs, for the activations and the attributions
   * alike.
   * @default false
   */
  attributeToLayerInput?: boolean;
  /**
   * The root directory CAVs are saved to and loaded from (`<savePath>/<modelId>/<ids>-<layer>.json`);
   * `null` keeps them in memory only.
   * @default "./cav/"
   */
  savePath?: string | null;
  /**
   * Options passed to the classifier's `trainAndEval`, e.g. `{ testSplitRatio: 0.2 }` (Captum's
   * `classifier_kwargs`).
   * @default {}
   */
  classifierOptions?: Record<string, unknown>;
}

/** Options of {@linkcode TCAV.computeCavs}. */
export interface ComputeCavsOptions {
  /**
   * Train every CAV (re-reading the concepts' examples) even when one is in memory or saved.
   * @default false
   */
  forceTrain?: boolean;
}

/** Options of {@linkcode TCAV.interpret}. */
export interface TCAVInterpretOptions extends TargetOptions {
  /**
   * Further options of the layer attribution method's `attribute`, e.g. `{ nSteps: 20 }` for
   * `LayerIntegratedGradients` (Captum's `**kwargs`). Not `target` nor `attributeToLayerInput`.
   * @default {}
   */
  layerAttrOptions?: Record<string, unknown>;
}

/**
 * TCAV scores of one experimental set at one layer, one value per concept in the set's order.
 */
export interface TCAVLayerScores {
  /** The share of inputs whose sensitivity to the concept's CAV is positive (Captum's `sign_count`). */
  signCount: number[];
  /** The mean over inputs of the sensitivity (layer attribution · CAV) (Captum's `magnitude`). */
  magnitude: number[];
}

/** Scores by experimental set (its concept ids joined by "-") and layer name, as Captum's. */
export type TCAVScores = Record<string, Record<string, TCAVLayerScores>>;

/** CAVs by experimental set (its concept ids joined by "-") and layer name, as Captum's. */
export type CAVs = Record<string, Record<string, CAV>>;

const SCORES = "compute TCAV scores";
const TRAIN = "train CAVs";

interface TcavLayer {
  layer: tf.layers.Layer;
  activation: LayerActivation;
  attributor: LayerAttributor;
  /** Features per example, the layer's size without the batch axis. */
  numFeatures: number;
}

/**
 * TCAV: trains a CAV per experimental set (a list of concepts) and layer, a linear classifier of
 * the concepts' activations whose weight rows point towards each concept, then scores inputs by
 * the dot product of their layer sensitivities (the gradient of the target output at the layer,
 * by default) with each row: `signCount` is the share of inputs with a positive product,
 * `magnitude` its mean. CAVs are kept in memory and, unless `savePath` is `null`, saved as JSON
 * and loaded instead of retrained. A concept's activations are computed once per layer and kept.
 *
 * Where this differs from Captum 0.8: activations are kept in memory, not saved as files; CAVs are
 * JSON, not pickles; `magnitude` is the mean sensitivity, as Captum's code computes it (its
 * docstring still describes the older Σ positive / Σ |·| ratio); `DefaultClassifier`'s `accs` is
 * the held-out accuracy (Captum's, for two concepts, is the share of the first concept in the
 * held-out examples: it takes the argmax over a single column); the default classifier is seeded.
 *
 * @example
 * ```ts
 * import { Concept, DefaultClassifier, TCAV, tf } from "../mod.ts";
 * // The hidden layer copies the input; the output is x0 − x1.
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 2, inputShape: [2], name: "hidden", kernelInitializer: "identity" }),
 *   tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: 0 }) }),
 * ] });
 * model.layers[1].setWeights([tf.tensor2d([[1], [-1]]), tf.zeros([1])]);
 * const up = new Concept(0, "x0 high", [tf.randomUniform([20, 2], 0, 1, "float32", 1).mul([[1, 0.1]])]);
 * const down = new Concept(1, "x1 high", [tf.randomUniform([20, 2], 0, 1, "float32", 2).mul([[0.1, 1]])]);
 * const tcav = new TCAV(model, "hidden", { savePath: null, classifier: new DefaultClassifier() });
 * const scores = await tcav.interpret(tf.randomNormal([8, 2], 0, 1, "float32", 3), [[up, down]]);
 * console.log(scores["0-1"].hidden.signCount); // [1, 0]: the output rises along "x0 high"
 * ```
 */
export class TCAV {
  /** The model. */
  readonly model: tf.LayersModel;
  /** The layers' names, in the given order. */
  readonly layers: string[];
  /** The model's id (the CAVs' subdirectory). */
  readonly modelId: string;
  /** The classifier that learns the CAVs. */
  readonly classifier: Classifier;
  /** Whether the layers' inputs are used instead of their outputs. */
  readonly attributeToLayerInput: boolean;
  /** The root directory of saved CAVs, or `null` (in memory only). */
  readonly savePath: string | null;
  /** The options passed to the classifier's `trainAndEval`. */
  readonly classifierOptions: Record<string, unknown>;
  /** The CAVs computed or loaded so far, by experimental set key and layer name. */
  readonly cavs: CAVs = {};

  readonly #layers: Map<string, TcavLayer>;
  /** The concepts seen, by id (one instance per id). */
  readonly #concepts = new Map<number, Concept>();
  /** Activations by concept id and layer name: `n × numFeatures`, row-major. */
  readonly #activations = new Map<number, Map<string, Float32Array>>();

  /**
   * @param model a `tf.LayersModel` with one input and one output.
   * @param layers a layer or a list of layers (each a `tf.layers.Layer` or its name).
   * @param config see {@linkcode TCAVConfig}.
   * @throws {TypeError} for a model that is not a `tf.LayersModel`, a layer not in the model, or
   *   a classifier without `trainAndEval`, `weights` and `classes`.
   * @throws {RangeError} for an empty `layers`, `modelId` or `savePath`.
   */
  constructor(model: tf.LayersModel, layers: LayerRef | LayerRef[], config: TCAVConfig = {}) {
    const action = "create TCAV";
    if (!(model instanceof tf.LayersModel)) {
      throw conceptError(
        TypeError,
        action,
        "model",
        "a tf.LayersModel",
        model,
        "Pass the model itself (TCAV reads its layers).",
      );
    }
    const refs = Array.isArray(layers) ? layers : [layers];
    if (refs.length === 0) {
      throw conceptError(
        RangeError,
        action,
        "layers",
        "at least one layer",
        layers,
        'Pass e.g. "conv2".',
      );
    }
    const {
      modelId = DEFAULT_MODEL_ID,
      classifier = new DefaultClassifier(),
      layerAttrMethod = (m, l) => new LayerGradientXActivation(m, l, { multiplyByInputs: false }),
      attributeToLayerInput = false,
      savePath = DEFAULT_CAV_PATH,
      classifierOptions = {},
    } = config;
    if (typeof modelId !== "string" || modelId.length === 0 || /[/\\]/.test(modelId)) {
      throw conceptError(
        RangeError,
        action,
        "modelId",
        "a non-empty string usable as a directory name",
        modelId,
        'Pass e.g. "fashion_cnn", or leave it out for "default_model_id".',
      );
    }
    if (savePath !== null && (typeof savePath !== "string" || savePath.length === 0)) {
      throw conceptError(
        RangeError,
        action,
        "savePath",
        "a directory path, or null to keep CAVs in memory",
        savePath,
        'Pass e.g. "./cav/" or null.',
      );
    }
    const methods = ["trainAndEval", "weights", "classes"] as const;
    if (
      typeof classifier !== "object" || classifier === null ||
      !methods.every((m) => typeof classifier[m] === "function")
    ) {
      throw conceptError(
        TypeError,
        action,
        "classifier",
        "an object with trainAndEval, weights and classes methods (a Classifier)",
        classifier,
        "Pass new DefaultClassifier() or your own Classifier.",
      );
    }
    this.model = model;
    this.modelId = modelId;
    this.classifier = classifier;
    this.attributeToLayerInput = attributeToLayerInput === true;
    this.savePath = savePath;
    this.classifierOptions = classifierOptions;
    this.#layers = new Map();
    for (const ref of refs) {
      // The tap validates the layer (naming TCAV) and knows its shape.
      const tap = new LayerTap(model, ref, {
        attributeToLayerInput: this.attributeToLayerInput,
        caller: "TCAV",
      });
      const layer = tap.layer;
      this.#layers.set(layer.name, {
        layer,
        activation: new LayerActivation(model, layer),
        attributor: layerAttrMethod(model, layer),
        numFeatures: tap.valueShape.reduce((a, b) => a * b, 1),
      });
    }
    this.layers = [...this.#layers.keys()];
  }

  /**
   * The CAVs of every experimental set at every layer: from memory, else (unless `savePath` is
   * `null`) from `<savePath>/<modelId>/`, else trained on the concepts' activations (labelled by
   * concept id, in the set's order) and saved. Returns {@linkcode TCAV.cavs}.
   *
   * @throws {TypeError} for sets that are not arrays of at least two {@linkcode Concept}s, two
   *   concepts with one id, a concept to train on without examples or with batches that do not fit
   *   the model, or classifier weights that do not fit the layer.
   */
  async computeCavs(
    experimentalSets: Concept[][],
    options: ComputeCavsOptions = {},
  ): Promise<CAVs> {
    this.#validateSets(TRAIN, experimentalSets);
    const forceTrain = options.forceTrain === true;
    const refreshed = new Set<number>();
    for (const concepts of experimentalSets) {
      const key = conceptsToStr(concepts);
      this.cavs[key] ??= {};
      for (const name of this.layers) {
        if (!forceTrain) {
          const known = this.cavs[key][name] ??
            (this.savePath === null
              ? null
              : await CAV.load(this.savePath, this.modelId, concepts, name));
          if (known) {
            this.#checkCav(known, concepts, this.#layers.get(name)!.numFeatures, "load CAVs");
            this.cavs[key][name] = known;
            continue;
          }
        }
        if (forceTrain) {
          for (const c of concepts) {
            if (!refreshed.has(c.id)) this.#activations.delete(c.id);
            refreshed.add(c.id);
          }
        }
        this.cavs[key][name] = await this.#trainCav(concepts, name);
      }
    }
    return this.cavs;
  }

  /**
   * TCAV scores of `inputs` for every experimental set at every layer: the layer attributions
   * (`[N, ...layer]`, flattened) times each CAV row give one sensitivity per input and concept;
   * `signCount` is the share of positive ones, `magnitude` their mean, in each set's concept order.
   * Trains (or loads) the CAVs first, as {@linkcode TCAV.computeCavs}.
   *
   * @param inputs a float32 batch of the model's input shape.
   * @param experimentalSets lists of at least two concepts, e.g. `[[striped, random0], [striped, random1]]`.
   * @throws {TypeError} for `inputs` that are not a float32 batch, `layerAttrOptions` that set
   *   `target` or `attributeToLayerInput`, and as {@linkcode TCAV.computeCavs}.
   */
  async interpret(
    inputs: tf.Tensor,
    experimentalSets: Concept[][],
    options: TCAVInterpretOptions = {},
  ): Promise<TCAVScores> {
    if (
      !(inputs instanceof tf.Tensor) || inputs.isDisposed || inputs.dtype !== "float32" ||
      inputs.rank < 2
    ) {
      throw conceptError(
        TypeError,
        SCORES,
        "inputs",
        "a live float32 tensor with a batch axis",
        inputs instanceof tf.Tensor && inputs.isDisposed ? "a disposed tensor" : inputs,
        "Pass a float32 batch, e.g. images.toFloat() of shape [N, 28, 28, 1].",
      );
    }
    const { target, layerAttrOptions = {} } = options;
    for (const key of ["target", "attributeToLayerInput"]) {
      if (key in layerAttrOptions) {
        throw conceptError(
          TypeError,
          SCORES,
          `layerAttrOptions.${key}`,
          "absent",
          layerAttrOptions[key],
          key === "target"
            ? "Pass target as interpret's own option."
            : "Set attributeToLayerInput in TCAV's constructor: it applies to activations and attributions alike.",
        );
      }
    }
    await this.computeCavs(experimentalSets);
    const scores: TCAVScores = {};
    for (const concepts of experimentalSets) scores[conceptsToStr(concepts)] = {};
    for (const name of this.layers) {
      const { attributor, numFeatures } = this.#layers.get(name)!;
      const attributions = await attributor.attribute(inputs, {
        ...layerAttrOptions,
        target,
        attributeToLayerInput: this.attributeToLayerInput,
      });
      const n = inputs.shape[0];
      if (attributions.size !== n * numFeatures) {
        const error = conceptError(
          TypeError,
          SCORES,
          `the layer attributions at ${name}`,
          `[${n}, …] with ${numFeatures} values per input (the layer's size)`,
          attributions,
          "Use a layerAttrMethod that returns attributions in the layer's shape.",
        );
        attributions.dispose();
        throw error;
      }
      // All sets' CAV rows stacked, `[ΣC, F]`: one product gives every sensitivity, `[N, ΣC]`.
      const rows = experimentalSets.flatMap((concepts) =>
        this.cavs[conceptsToStr(concepts)][name].stats!.weights
      );
      const sensitivities = tf.tidy(() => {
        const a = attributions.reshape([n, numFeatures]);
        const w = tf.tensor2d(concatRows(rows), [rows.length, numFeatures]);
        return a.matMul(w, false, true);
      });
      attributions.dispose();
      const values = sensitivities.dataSync();
      sensitivities.dispose();
      let column = 0;
      for (const concepts of experimentalSets) {
        const key = conceptsToStr(concepts);
        const { classes, weights } = this.cavs[key][name].stats!;
        const signCount = new Array<number>(classes.length).fill(0);
        const magnitude = new Array<number>(classes.length).fill(0);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < classes.length; c++) {
            const s = values[i * rows.length + column + c];
            if (s > 0) signCount[c] += 1;
            magnitude[c] += s;
          }
        }
        // Rows follow the classifier's classes; scores follow the set's concept order.
        const order = concepts.map((c) => classes.indexOf(c.id));
        scores[key][name] = {
          signCount: order.map((r) => signCount[r] / n),
          magnitude: order.map((r) => magnitude[r] / n),
        };
        column += weights.length;
      }
    }
    return scores;
  }

  /** Train, keep and (with a `savePath`) save the CAV of `concepts` at layer `name`. */
  async #trainCav(concepts: Concept[], name: string): Promise<CAV> {
    const { numFeatures } = this.#layers.get(name)!;
    const parts: Float32Array[] = [];
    const labels: number[] = [];
    for (const concept of concepts) {
      const rows = await this.#conceptActivations(concept, name);
      parts.push(rows);
      for (let i = 0; i < rows.length / numFeatures; i++) labels.push(concept.id);
    }
    const data: ConceptActivations = {
      inputs: concatRows(parts),
      numFeatures,
      labels: Int32Array.from(labels),
    };
    const reported = await this.classifier.trainAndEval(data, this.classifierOptions);
    const stats = {
      ...(reported ?? {}),
      weights: this.classifier.weights(),
      classes: [...this.classifier.classes()],
    };
    const cav = new CAV(concepts, name, stats, this.savePath ?? DEFAULT_CAV_PATH, this.modelId);
    this.#checkCav(cav, concepts, numFeatures, TRAIN);
    if (this.savePath !== null) await cav.save();
    return cav;
  }

  /** The activations of `concept` at layer `name` (computed for every layer on first use). */
  async #conceptActivations(concept: Concept, name: string): Promise<Float32Array> {
    const known = this.#activations.get(concept.id)?.get(name);
    if (known) return known;
    const missing = this.layers.filter((l) => !this.#activations.get(concept.id)?.has(l));
    if (concept.dataIter === null) {
      throw conceptError(
        TypeError,
        TRAIN,
        `${concept}'s dataIter`,
        "its input batches",
        null,
        'Create the concept with its examples, e.g. new Concept(0, "striped", [batch]).',
      );
    }
    const chunks = new Map<string, Float32Array[]>(missing.map((l) => [l, []]));
    let batches = 0;
    for await (const batch of concept.dataIter) {
      this.#checkBatch(concept, batch, batches);
      for (const l of missing) {
        const values = await this.#layers.get(l)!.activation.attribute(batch, {
          attributeToLayerInput: this.attributeToLayerInput,
        });
        chunks.get(l)!.push(values.dataSync() as Float32Array);
        values.dispose();
      }
      batches++;
    }
    if (batches === 0) {
      throw conceptError(
        TypeError,
        TRAIN,
        `${concept}'s dataIter`,
        "at least one input batch",
        "no batch",
        "Pass an array of batches or a re-iterable object; a generator object can be read only once.",
      );
    }
    const byLayer = this.#activations.get(concept.id) ?? new Map<string, Float32Array>();
    for (const l of missing) byLayer.set(l, concatRows(chunks.get(l)!));
    this.#activations.set(concept.id, byLayer);
    return byLayer.get(name)!;
  }

  #checkBatch(concept: Concept, batch: unknown, index: number): void {
    const expected = this.model.inputs[0].shape;
    const fits = batch instanceof tf.Tensor && !batch.isDisposed && batch.dtype === "float32" &&
      batch.rank === expected.length &&
      expected.every((d, i) => i === 0 || d === null || d === batch.shape[i]);
    if (!fits) {
      const shown = `[${expected.map((d) => d ?? "N").join(", ")}]`;
      throw conceptError(
        TypeError,
        TRAIN,
        `batch ${index} of ${concept}`,
        `a live float32 tensor of the model's input shape ${shown}`,
        batch instanceof tf.Tensor && batch.isDisposed ? "a disposed tensor" : batch,
        "Yield float32 batches of the model's input shape (dispose a batch only after the next is asked for).",
      );
    }
  }

  /** Check the sets: arrays of ≥ 2 concepts, one instance per id across this TCAV's life. */
  #validateSets(action: string, sets: unknown): asserts sets is Concept[][] {
    if (!Array.isArray(sets) || sets.length === 0) {
      throw conceptError(
        TypeError,
        action,
        "experimentalSets",
        "a non-empty array of concept lists",
        sets,
        "Pass e.g. [[striped, random0], [striped, random1]].",
      );
    }
    sets.forEach((set, s) => {
      if (!Array.isArray(set) || set.length < 2 || !set.every((c) => c instanceof Concept)) {
        throw conceptError(
          TypeError,
          action,
          `experimentalSets[${s}]`,
          "an array of at least two Concepts",
          Array.isArray(set) ? set.map((c) => (c instanceof Concept ? `${c}` : c)) : set,
          "Pair each concept with at least one other, e.g. [striped, random0].",
        );
      }
      const ids = set.map((c: Concept) => c.id);
      if (new Set(ids).size !== ids.length) {
        throw conceptError(
          TypeError,
          action,
          `experimentalSets[${s}]`,
          "concepts with distinct ids",
          ids,
          "Give every concept its own id.",
        );
      }
      for (const c of set as Concept[]) {
        const seen = this.#concepts.get(c.id);
        if (seen && seen !== c) {
          throw conceptError(
            TypeError,
            action,
            `concept id ${c.id}`,
            `the id of one Concept instance (${seen} was given before)`,
            `${c}`,
            "Reuse the same Concept object for an id, or give the new concept another id (or use a new TCAV).",
          );
        }
        this.#concepts.set(c.id, c);
      }
    });
  }

  /** Check a CAV's weights fit the layer and its classes hold every concept of the set. */
  #checkCav(cav: CAV, concepts: Concept[], numFeatures: number, action: string): void {
    const stats = cav.stats;
    const weights = stats?.weights;
    const classes = stats?.classes;
    const where = `the CAV of ${conceptsToStr(concepts)} at ${cav.layer}`;
    if (
      !Array.isArray(weights) || !Array.isArray(classes) || weights.length !== classes.length ||
      !weights.every((w) => w instanceof Float32Array && w.length === numFeatures)
    ) {
      throw conceptError(
        TypeError,
        action,
        `${where}'s weights`,
        `one Float32Array of ${numFeatures} values (the layer's size) per class`,
        weights?.map((w) => `${w.length} values`) ?? weights,
        action === TRAIN
          ? "Make the classifier's weights() return one row per class of classes()."
          : "The saved CAV was made for another layer or model: delete it or pass forceTrain: true.",
      );
    }
    const missing = concepts.filter((c) => !classes.includes(c.id));
    if (missing.length > 0) {
      throw conceptError(
        TypeError,
        action,
        `${where}'s classes`,
        `every concept id of the set (${concepts.map((c) => c.id).join(", ")})`,
        classes,
        action === TRAIN
          ? "Make the classifier's classes() return the concept ids it was trained on."
          : "Delete the saved CAV or pass forceTrain: true.",
      );
    }
  }
}

/** The rows one after another. */
function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  let offset = 0;
  for (const r of rows) {
    out.set(r, offset);
    offset += r.length;
  }
  return out;
}
