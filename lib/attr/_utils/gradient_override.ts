/**
 * Temporary replacement of a kernel's registered gradient (guided backpropagation, deconvolution,
 * DeepLift's rescale rule). The original gradient is always restored, also when the computation
 * throws. The computation must be synchronous, so no other code can run while the override holds.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type GradConfig = ReturnType<typeof tf.getGradient>;

/** A replacement gradient for a kernel: receives dy and the tensors the kernel saved. */
export type GradientFunction = GradConfig["gradFunc"];

/** One kernel's replacement gradient, with the forward tensors it needs saved. */
export interface GradientOverride {
  /** The kernel whose gradient is replaced, e.g. "Relu". */
  kernelName: string;
  /** Save the kernel's inputs (by position) for the gradient, as in tf.registerGradient. */
  inputsToSave?: string[];
  /** Save the kernel's outputs (by position) for the gradient. */
  outputsToSave?: boolean[];
  /** The replacement gradient. */
  gradFunc: GradientFunction;
}

/**
 * Run `compute` with the given kernels' gradients replaced, then restore the originals.
 *
 * @example
 * ```ts
 * import { tf } from "../../mod.ts";
 * const passThrough = { kernelName: "Relu", gradFunc: (dy: tf.Tensor | tf.Tensor[]) => ({ x: () => dy as tf.Tensor }) };
 * const g = withGradientOverrides([passThrough], () => tf.grad((x: tf.Tensor) => tf.relu(x).sum())(tf.tensor1d([-1, 2])));
 * g.print(); // [1, 1]
 * ```
 */
export function withGradientOverrides<T>(
  overrides: readonly GradientOverride[],
  compute: () => T,
): T {
  const originals: Array<{ kernelName: string; config: GradConfig | undefined }> = [];
  try {
    for (const o of overrides) {
      const config = tf.getGradient(o.kernelName) ?? undefined;
      originals.push({ kernelName: o.kernelName, config });
      if (config !== undefined) tf.unregisterGradient(o.kernelName);
      tf.registerGradient({
        kernelName: o.kernelName,
        inputsToSave: o.inputsToSave ?? config?.inputsToSave,
        outputsToSave: o.outputsToSave ?? config?.outputsToSave,
        gradFunc: o.gradFunc,
      });
    }
    return compute();
  } finally {
    for (const { kernelName, config } of originals.reverse()) {
      if (tf.getGradient(kernelName) != null) tf.unregisterGradient(kernelName);
      if (config !== undefined) tf.registerGradient(config);
    }
  }
}
