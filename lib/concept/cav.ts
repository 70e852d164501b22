/**
 * Concept Activation Vectors, as Captum's `CAV`: the classifier weights that separate the
 * activations of a set of concepts at a layer, saved to and loaded from JSON files so that they are
 * trained once.
 *
 * @module
 */
import { Concept, conceptsToStr } from "./concept.ts";
import { conceptError } from "./_errors.ts";

/**
 * What a CAV holds about its classifier, as Captum's `stats`: the weights, their classes and what
 * {@linkcode Classifier.trainAndEval} reported (e.g. `accs`, the held-out accuracy).
 */
export interface CavStats {
  /** One row per class of `classes`, one value per feature of the layer (NHWC order). */
  weights: Float32Array[];
  /** The concept ids of the rows of `weights`. */
  classes: number[];
  /** The classifier's statistics. */
  [stat: string]: unknown;
}

/** The default directory of saved CAVs, Captum's. */
export const DEFAULT_CAV_PATH = "./cav/";

/** The default model id, Captum's. */
export const DEFAULT_MODEL_ID = "default_model_id";

/**
 * A CAV: the concepts it separates, the layer, the classifier's stats and where it is saved
 * (`<savePath>/<modelId>/<concept ids>-<layer>.json`, Captum's key with a JSON file).
 *
 * @example
 * ```ts
 * import { CAV, Concept } from "../mod.ts";
 * const concepts = [new Concept(0, "striped", null), new Concept(1, "random", null)];
 * const dir = await Deno.makeTempDir();
 * const w = Float32Array.of(0.5, -1);
 * await new CAV(concepts, "relu2", { weights: [w.map((v) => -v), w], classes: [0, 1] }, dir).save();
 * const loaded = await CAV.load(dir, "default_model_id", concepts, "relu2");
 * console.log(loaded?.stats?.weights[1]); // Float32Array [0.5, -1]
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class CAV {
  /** The concepts, in the experimental set's order. */
  readonly concepts: Concept[];
  /** The layer's name. */
  readonly layer: string;
  /** The classifier's weights, classes and statistics, or `null`. */
  readonly stats: CavStats | null;
  /** The root directory of saved CAVs. */
  readonly savePath: string;
  /** The model's id, the subdirectory of `savePath`. */
  readonly modelId: string;

  /**
   * @param concepts the concepts (only their ids and names are saved).
   * @param layer the layer's name.
   * @param stats the classifier's weights, classes and statistics.
   * @param savePath the root directory of saved CAVs. @default "./cav/"
   * @param modelId the model's id. @default "default_model_id"
   */
  constructor(
    concepts: Concept[],
    layer: string,
    stats: CavStats | null = null,
    savePath: string = DEFAULT_CAV_PATH,
    modelId: string = DEFAULT_MODEL_ID,
  ) {
    this.concepts = concepts;
    this.layer = layer;
    this.stats = stats;
    this.savePath = savePath;
    this.modelId = modelId;
  }

  /**
   * `<path>/<modelId>/<concept ids joined by "-">-<layer>.json`, as Captum's `assemble_save_path`
   * (with `.json` for `.pkl`), e.g. `"cav/default_model_id/0-1-relu2.json"`.
   */
  static assembleSavePath(
    path: string,
    modelId: string,
    concepts: readonly Concept[],
    layer: string,
  ): string {
    return joinPath(path, modelId, `${conceptsToStr(concepts)}-${layer}.json`);
  }

  /** Create `<savePath>/<modelId>/` unless it exists. */
  static async createCavDirIfMissing(savePath: string, modelId: string): Promise<void> {
    await Deno.mkdir(joinPath(savePath, modelId), { recursive: true });
  }

  /**
   * Write the CAV to {@linkcode CAV.assembleSavePath} (creating the directory): Captum's
   * `concept_ids`, `concept_names`, `layer` and `stats`, the weights as little-endian float32
   * rows in base64.
   *
   * @throws {TypeError} when the stats hold no weights or a statistic JSON cannot represent.
   */
  async save(): Promise<void> {
    const path = CAV.assembleSavePath(this.savePath, this.modelId, this.concepts, this.layer);
    await CAV.createCavDirIfMissing(this.savePath, this.modelId);
    await Deno.writeTextFile(path, JSON.stringify(this.#toJson()));
  }

  /**
   * The CAV saved for `concepts` and `layer` under `<cavsPath>/<modelId>/`, or `null` when there
   * is none. Concepts are matched by id (the file name), as in Captum: after changing a concept's
   * examples, delete the file or train with `forceTrain`.
   *
   * @throws {TypeError} for a file that is not a saved CAV.
   */
  static async load(
    cavsPath: string,
    modelId: string,
    concepts: readonly Concept[],
    layer: string,
  ): Promise<CAV | null> {
    const path = CAV.assembleSavePath(cavsPath, modelId, concepts, layer);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
    return fromJson(JSON.parse(text), path, cavsPath, modelId);
  }

  #toJson(): SavedCav {
    const stats = this.stats;
    if (!stats || !Array.isArray(stats.weights) || stats.weights.length === 0) {
      throw conceptError(
        TypeError,
        "save the CAV",
        "stats.weights",
        "one Float32Array per class",
        stats?.weights,
        "Save a CAV trained by TCAV.computeCavs (or give it weights).",
      );
    }
    const { weights, ...rest } = stats;
    const numFeatures = weights[0].length;
    const flat = new Float32Array(weights.length * numFeatures);
    weights.forEach((row, i) => flat.set(row, i * numFeatures));
    return {
      concept_ids: this.concepts.map((c) => c.id),
      concept_names: this.concepts.map((c) => c.name),
      layer: this.layer,
      stats: {
        ...rest,
        weights: { shape: [weights.length, numFeatures], dtype: "float32", base64: toBase64(flat) },
      },
    };
  }
}

/** A CAV file's content. */
interface SavedCav {
  concept_ids: number[];
  concept_names: string[];
  layer: string;
  stats: Record<string, unknown> & {
    weights: { shape: [number, number]; dtype: "float32"; base64: string };
    classes: number[];
  };
}

function fromJson(saved: SavedCav, path: string, savePath: string, modelId: string): CAV {
  const w = saved?.stats?.weights;
  const ok = Array.isArray(saved?.concept_ids) && Array.isArray(saved?.concept_names) &&
    typeof saved?.layer === "string" && Array.isArray(saved.stats?.classes) &&
    Array.isArray(w?.shape) && typeof w?.base64 === "string";
  if (!ok) {
    throw conceptError(
      TypeError,
      "load the CAV",
      path,
      "a CAV saved by CAV.save (concept_ids, concept_names, layer, stats.weights, stats.classes)",
      "another JSON file",
      "Delete the file, or train with forceTrain: true to overwrite it.",
    );
  }
  const flat = fromBase64(w.base64);
  const [rows, numFeatures] = w.shape;
  if (flat.length !== rows * numFeatures) {
    throw conceptError(
      TypeError,
      "load the CAV",
      `${path}'s weights`,
      `${rows} × ${numFeatures} float32 values`,
      `${flat.length} values`,
      "Delete the file, or train with forceTrain: true to overwrite it.",
    );
  }
  const weights = Array.from(
    { length: rows },
    (_, i) => flat.slice(i * numFeatures, (i + 1) * numFeatures),
  );
  const concepts = saved.concept_ids.map((id, i) => new Concept(id, saved.concept_names[i], null));
  const { weights: _, ...rest } = saved.stats;
  return new CAV(concepts, saved.layer, { ...rest, weights }, savePath, modelId);
}

function joinPath(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, "") : p.replace(/^\/+|\/+$/g, "")))
    .filter((p, i) => i === 0 || p.length > 0).join("/");
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer, 0, Math.floor(bytes.length / 4));
}
