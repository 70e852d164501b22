/**
 * DeepLift's Rescale rule at one elementwise nonlinearity, for a batch laid out as
 * `[inputs; baselines]` along axis 0 (Captum's `nonlinear` hook): with `Δx = x − x_ref` and
 * `Δy = y − y_ref` taken between each example and its baseline, the gradient `dy` becomes
 * `dy · Δy/Δx`, or the nonlinearity's plain gradient (`dy · f'(x)` for an elementwise one) where
 * `|Δx| < eps`. Both halves of the batch use the same `Δx`, `Δy` (as Captum does).
 *
 * On the wasm backend this is one kernel (a loop over the heap: ~0.05 ms for the tutorial CNN's
 * activations of one image, where the composition of slices, differences, comparisons and
 * selections costs ~1 ms); elsewhere it is the same computation as TensorFlow.js ops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Name of the fused kernel registered on the wasm backend. */
const KERNEL_NAME = "TfjsCaptumDeepLiftRescale";

interface RescaleAttrs {
  eps: number;
}

function rescaleOnWasm(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, plain, x, y } = args.inputs as Record<string, tf.TensorInfo>;
  const { eps } = args.attrs as unknown as RescaleAttrs;
  const out = backend.makeOutput(x.shape, "float32");
  // Views after the allocation: it may grow (and so replace) the heap.
  const view = (info: tf.TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array;
  const [g, p, xs, ys, o] = [view(dy), view(plain), view(x), view(y), view(out)];
  const half = xs.length / 2;
  for (let i = 0; i < half; i++) {
    const j = i + half;
    const dx = xs[i] - xs[j];
    if (Math.abs(dx) < eps) {
      o[i] = p[i];
      o[j] = p[j];
    } else {
      const ratio = (ys[i] - ys[j]) / dx;
      o[i] = g[i] * ratio;
      o[j] = g[j] * ratio;
    }
  }
  return out;
}

let registered = false;

function fusedKernelAvailable(...tensors: tf.Tensor[]): boolean {
  if (tf.getBackend() !== "wasm" || tensors.some((t) => t.dtype !== "float32")) return false;
  if (!registered) {
    if (tf.getKernel(KERNEL_NAME, "wasm") === undefined) {
      tf.registerKernel({
        kernelName: KERNEL_NAME,
        backendName: "wasm",
        kernelFunc: rescaleOnWasm as unknown as tf.KernelFunc,
      });
    }
    registered = true;
  }
  return true;
}

/** `t − t'` where `t'` swaps the two halves of the batch: `[a − b; b − a]` for `t = [a; b]`. */
function halvesDelta(t: tf.Tensor): tf.Tensor {
  const pairs = t.reshape([2, -1]);
  return pairs.sub(tf.reverse(pairs, 0)).reshape(t.shape);
}

/**
 * DeepLift's rescaled gradient at a nonlinearity (see the module note). `dy`, `plain`, `x` and
 * `y` share one shape whose first axis is `[inputs; baselines]` (even length; the caller checks).
 * Returns a new tensor; intermediates are left to the caller's `tf.tidy`.
 *
 * @param dy the gradient arriving at the nonlinearity's output.
 * @param plain the nonlinearity's ordinary gradient, used where inputs and baselines (nearly)
 *   coincide.
 * @param x the nonlinearity's input.
 * @param y its output.
 * @param eps the threshold below which `|Δx|` counts as zero.
 */
export function rescaledGradient(
  dy: tf.Tensor,
  plain: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  eps: number,
): tf.Tensor {
  if (fusedKernelAvailable(dy, plain, x, y)) {
    const attrs: RescaleAttrs = { eps };
    return tf.engine().runKernel(
      KERNEL_NAME,
      { dy, plain, x, y },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor;
  }
  const deltaIn = halvesDelta(x);
  // Where Δx = 0 the quotient is NaN, but `where` takes the plain gradient there.
  return tf.where(deltaIn.abs().less(eps), plain, dy.mul(halvesDelta(y)).div(deltaIn));
}
