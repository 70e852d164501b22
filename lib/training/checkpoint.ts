/**
 * Save and load a `tf.LayersModel` to a directory in TensorFlow.js's standard layers format
 * (`model.json` + `weights.bin`) with Deno's file APIs, through a custom `tf.io.IOHandler`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join, resolve } from "node:path";

/** File name of the topology and weights manifest in a checkpoint directory. */
export const CHECKPOINT_MODEL_FILE = "model.json";
/** File name of the weight data written by {@linkcode saveCheckpoint}. */
export const CHECKPOINT_WEIGHTS_FILE = "weights.bin";

/**
 * Absolute path of the repository's pretrained classifier checkpoint, `data/classifier`
 * (the tutorial CNN trained for 8 epochs by `scripts/train_classifier.ts`).
 *
 * @example
 * ```ts
 * import { loadCheckpoint, PRETRAINED_CLASSIFIER_DIR } from "../mod.ts";
 * const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
 * console.log(model.layers.map((l) => l.name));
 * ```
 */
export const PRETRAINED_CLASSIFIER_DIR: string = resolve(
  import.meta.dirname ?? ".",
  "..",
  "..",
  "data",
  "classifier",
);

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A `tf.io.IOHandler` that writes and reads the standard layers format in `dir` with Deno's file
 * APIs. `save` writes `model.json` (topology, `weightsManifest` pointing at `weights.bin`) and
 * `weights.bin`; `load` reads any standard manifest, including weights split over several files.
 *
 * @example
 * ```ts
 * import { createClassifier, directoryIOHandler, tf } from "../mod.ts";
 * await createClassifier().save(directoryIOHandler("/tmp/ckpt"));
 * const model = await tf.loadLayersModel(directoryIOHandler("/tmp/ckpt"));
 * ```
 */
export function directoryIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TypeError(
          `Cannot save a checkpoint to ${dir}: expected a JSON model topology (a tf.LayersModel), received binary topology. Save a LayersModel.`,
        );
      }
      await Deno.mkdir(dir, { recursive: true });
      const weights = joinWeightData(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{
          paths: [`./${CHECKPOINT_WEIGHTS_FILE}`],
          weights: artifacts.weightSpecs ?? [],
        }],
      };
      if (artifacts.trainingConfig !== undefined) {
        modelJson.trainingConfig = artifacts.trainingConfig;
      }
      if (artifacts.userDefinedMetadata !== undefined) {
        modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      }
      await Deno.writeFile(join(dir, CHECKPOINT_WEIGHTS_FILE), weights);
      await Deno.writeTextFile(join(dir, CHECKPOINT_MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(dir, CHECKPOINT_MODEL_FILE);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await Deno.readTextFile(modelPath));
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          throw new Deno.errors.NotFound(
            `Cannot load a checkpoint: ${modelPath} is missing. Pass the directory that saveCheckpoint() wrote (it holds ${CHECKPOINT_MODEL_FILE} and ${CHECKPOINT_WEIGHTS_FILE}).`,
          );
        }
        throw new TypeError(
          `Cannot load a checkpoint: ${modelPath} is not valid JSON (${
            (error as Error).message
          }). Save the model again with saveCheckpoint().`,
          { cause: error },
        );
      }
      if (modelJson.modelTopology === undefined || modelJson.weightsManifest === undefined) {
        throw new TypeError(
          `Cannot load a checkpoint: ${modelPath} lacks modelTopology or weightsManifest; expected a TensorFlow.js layers model.json. Save the model again with saveCheckpoint().`,
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const group of modelJson.weightsManifest) {
        specs.push(...group.weights);
        for (const path of group.paths) {
          const file = join(dir, path);
          try {
            parts.push(await Deno.readFile(file));
          } catch (error) {
            if (error instanceof Deno.errors.NotFound) {
              throw new Deno.errors.NotFound(
                `Cannot load a checkpoint: weight file ${file} named in ${modelPath} is missing. Copy the whole checkpoint directory, or save the model again with saveCheckpoint().`,
              );
            }
            throw error;
          }
        }
      }
      const length = parts.reduce((sum, p) => sum + p.length, 0);
      const weightData = new Uint8Array(length);
      let offset = 0;
      for (const part of parts) {
        weightData.set(part, offset);
        offset += part.length;
      }
      const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
      const checkable = specs.every((s) =>
        s.quantization === undefined && bytesPerValue[s.dtype] !== undefined
      );
      const expected = specs.reduce(
        (sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * (bytesPerValue[s.dtype] ?? 0),
        0,
      );
      if (checkable && expected !== length) {
        throw new TypeError(
          `Cannot load a checkpoint from ${dir}: the weights manifest needs ${expected} bytes, the weight files hold ${length}. The files are truncated or from different models; save the model again with saveCheckpoint().`,
        );
      }
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        trainingConfig: modelJson.trainingConfig,
        userDefinedMetadata: modelJson.userDefinedMetadata,
      };
    },
  };
}

/**
 * Save `model` to `dir` (created if needed) as `model.json` + `weights.bin`, TensorFlow.js's
 * standard layers format, readable by `tf.loadLayersModel` in any environment.
 *
 * @example
 * ```ts
 * import { createClassifier, saveCheckpoint } from "../mod.ts";
 * await saveCheckpoint(createClassifier({ seed: 0 }), "/tmp/classifier");
 * ```
 */
export async function saveCheckpoint(
  model: tf.LayersModel,
  dir: string,
  options: SaveCheckpointOptions = {},
): Promise<tf.io.SaveResult> {
  const { userDefinedMetadata } = options;
  if (userDefinedMetadata === undefined) return await model.save(directoryIOHandler(dir));
  const handler = directoryIOHandler(dir);
  return await model.save({
    save: (artifacts) =>
      handler.save!({
        ...artifacts,
        userDefinedMetadata: {
          ...artifacts.userDefinedMetadata,
          ...userDefinedMetadata,
        } as tf.io.ModelArtifacts["userDefinedMetadata"],
      }),
  });
}

/** Options of {@linkcode saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * JSON data stored in `model.json`'s `userDefinedMetadata` next to the model's own (the trainer
   * stores `epoch` and `learningRate`, which TracIn's default checkpoint loader reads).
   * @default undefined (only the model's own metadata)
   */
  userDefinedMetadata?: Record<string, unknown>;
}

/** What {@linkcode loadCheckpointWeights} read besides the weights. */
export interface CheckpointInfo {
  /** The checkpoint's `userDefinedMetadata` (`{}` when it has none). */
  userDefinedMetadata: Record<string, unknown>;
}

/**
 * Copy the weights of the checkpoint in `dir` into `model` (which must have the same weights, in
 * the same order and shapes) without building a second model; resolves with the checkpoint's
 * metadata. This is how TracIn moves one model through a list of training checkpoints.
 *
 * @example
 * ```ts
 * import { createClassifier, loadCheckpointWeights, PRETRAINED_CLASSIFIER_DIR } from "../mod.ts";
 * const model = createClassifier();
 * await loadCheckpointWeights(model, PRETRAINED_CLASSIFIER_DIR);
 * ```
 *
 * @throws {Deno.errors.NotFound} if `dir`, `model.json` or a weight file is missing.
 * @throws {TypeError} if the checkpoint's weights do not match the model's.
 */
export async function loadCheckpointWeights(
  model: tf.LayersModel,
  dir: string,
): Promise<CheckpointInfo> {
  const artifacts = await directoryIOHandler(dir).load!();
  const specs = artifacts.weightSpecs ?? [];
  const weights = model.weights;
  const mismatch = specs.length !== weights.length
    ? `${specs.length} weights, the model has ${weights.length}`
    : specs.map((s, i) =>
      s.shape.join(",") === weights[i].shape.join(",")
        ? ""
        : `weight ${i} (${s.name}) has shape [${s.shape}], the model's (${weights[i].name}) [${
          weights[i].shape
        }]`
    ).find((m) => m !== "");
  if (mismatch) {
    throw new TypeError(
      `Cannot load the checkpoint weights from ${dir}: the checkpoint must match the model, received ${mismatch}. Pass a checkpoint saved from the same architecture.`,
    );
  }
  const named = tf.io.decodeWeights(artifacts.weightData!, specs);
  try {
    model.setWeights(specs.map((s) => named[s.name]));
  } finally {
    tf.dispose(Object.values(named));
  }
  return {
    userDefinedMetadata: (artifacts.userDefinedMetadata ?? {}) as Record<string, unknown>,
  };
}

/**
 * The checkpoint directories inside `dir` (subdirectories holding a `model.json`), in natural
 * order (`epoch_2` before `epoch_10`), as Captum's TracIn sorts a checkpoint directory.
 *
 * @example
 * ```ts
 * import { listCheckpoints } from "../mod.ts";
 * const dirs = await listCheckpoints("/tmp/checkpoints"); // e.g. [".../epoch_001", ...]
 * ```
 *
 * @throws {Deno.errors.NotFound} if `dir` does not exist.
 */
export async function listCheckpoints(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory) continue;
      try {
        await Deno.stat(join(dir, entry.name, CHECKPOINT_MODEL_FILE));
        found.push(entry.name);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot list checkpoints: directory ${dir} does not exist. Pass the checkpointDir given to trainClassifier().`,
      );
    }
    throw error;
  }
  const collator = new Intl.Collator("en", { numeric: true });
  return found.sort(collator.compare).map((name) => join(dir, name));
}

/**
 * Load a model saved by {@linkcode saveCheckpoint} (or any TensorFlow.js layers `model.json` with
 * its weight files) from `dir`. Weights are restored bit for bit.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, PRETRAINED_CLASSIFIER_DIR } from "../mod.ts";
 * const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
 * model.summary();
 * ```
 *
 * @throws {Deno.errors.NotFound} if `dir`, `model.json` or a weight file is missing.
 * @throws {TypeError} if `model.json` is not a layers model or the weights do not match it.
 */
export async function loadCheckpoint(dir: string): Promise<tf.LayersModel> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new TypeError(
        `Cannot load a checkpoint: ${dir} is a file, expected a directory holding ${CHECKPOINT_MODEL_FILE} and ${CHECKPOINT_WEIGHTS_FILE}. Pass the directory.`,
      );
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot load a checkpoint: directory ${dir} does not exist. Pass a directory written by saveCheckpoint(), e.g. PRETRAINED_CLASSIFIER_DIR.`,
      );
    }
    throw error;
  }
  return await tf.loadLayersModel(directoryIOHandler(dir));
}
