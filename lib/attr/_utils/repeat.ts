/**
 * Example-major expansion of a batch (Captum's `repeat_interleave`): every example repeated `k`
 * times in a row, as NoiseTunnel, GradientShap and DeepLiftShap expand their inputs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** `[N, ...]` → `[N·k, ...]` with rows `x0, x0, …, x1, x1, …` (each example `k` times). */
export function repeatInterleave(x: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [n, ...rest] = x.shape;
    return x.expandDims(1).tile([1, k, ...rest.map(() => 1)]).reshape([n * k, ...rest]);
  });
}

/** `[B, ...]` → `[B·k, ...]` with the whole batch repeated `k` times (`b0, b1, …, b0, b1, …`). */
export function tileBatch(x: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => x.tile([k, ...x.shape.slice(1).map(() => 1)]));
}

/** The target for a batch expanded with {@linkcode repeatInterleave} (kept with the other target expansions). */
export { repeatTarget } from "./target.ts";
