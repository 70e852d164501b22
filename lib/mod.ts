/**
 * The attribution library for TensorFlow.js: Captum's explainers for `tf.LayersModel`s, the
 * Fashion-MNIST tutorial's data, network, trainer and metrics, and Plotly figures for Jupyter.
 *
 * Importing this module selects the fast `wasm` backend and waits until it is ready.
 *
 * @example
 * ```ts
 * import { tf } from "./lib/mod.ts";
 * console.log(tf.getBackend()); // "wasm"
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setBackend } from "./backend/backend.ts";

export { tf };

// --- backend ---
export { BACKEND_NAMES, setBackend } from "./backend/backend.ts";
export type { BackendName } from "./backend/backend.ts";

// --- data ---

// --- models ---

// --- training ---

// --- metrics ---

// --- attribution: primary ---

// --- attribution: layer ---

// --- attribution: neuron ---

// --- visualization and display ---

await setBackend("wasm");
