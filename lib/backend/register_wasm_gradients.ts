/**
 * Registers the gradients that route backward passes to this library's `wasm` kernels: the `Relu`
 * gradient runs the one-pass {@linkcode ReluGrad} kernel on `wasm` (on float32 tensors of one
 * shape) and TensorFlow.js's own gradient everywhere else, and `ReluGrad` gets a gradient of its own
 * so that gradients of gradients still flow. Gradients are global (not per backend), so the choice
 * is made at each backward pass, on the backend active then.
 *
 * Gradient overrides (guided backpropagation, deconvolution, DeepLift) read the registered `Relu`
 * gradient, replace it for one call and register it back, so they see and restore this one.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Relu } from "@tensorflow/tfjs-core";
import { ReluGrad } from "./_kernels/relu_grad.ts";

/** A registered gradient (tfjs-core's `GradConfig`). */
export type GradientConfig = NonNullable<ReturnType<typeof tf.getGradient>>;

/** The gradients this library's registration replaced, by kernel name. */
export type StockGradients = ReadonlyMap<string, GradientConfig>;

/** Marks a registered gradient as this library's and carries the gradients it replaced. */
const STOCK_GRADIENTS: unique symbol = Symbol("stockGradients");

type OwnGradientConfig = GradientConfig & { [STOCK_GRADIENTS]: StockGradients };

function isOwnGradientConfig(config: GradientConfig | undefined): config is OwnGradientConfig {
  return config !== undefined && STOCK_GRADIENTS in config;
}

/**
 * Whether the registered `Relu` gradient is this library's (no gradient override, such as guided
 * backpropagation's, holds it), so that a caller may run ReLU's ordinary gradient itself.
 */
export function ownReluGradient(): boolean {
  return isOwnGradientConfig(tf.getGradient(Relu) ?? undefined);
}

/** Whether the backward pass of a ReLU with input `x` and output gradient `dy` can run `ReluGrad`. */
function runsReluGrad(dy: tf.Tensor, x: tf.Tensor): boolean {
  return tf.getBackend() === "wasm" && tf.getKernel(ReluGrad, "wasm") !== undefined &&
    dy.dtype === "float32" && x.dtype === "float32" &&
    tf.util.arraysEqual(dy.shape, x.shape);
}

const reluGrad = (dy: tf.Tensor, x: tf.Tensor): tf.Tensor =>
  tf.engine().runKernel(ReluGrad, { dy, x }) as tf.Tensor;

/** The `Relu` gradient: `ReluGrad` where {@linkcode runsReluGrad}, else `stock`'s. */
function reluGradient(stock: GradientConfig, stocks: StockGradients): OwnGradientConfig {
  return {
    kernelName: Relu,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (!runsReluGrad(dy as tf.Tensor, x)) return stock.gradFunc(dy, saved, attrs);
      return { x: () => reluGrad(dy as tf.Tensor, x) };
    },
    [STOCK_GRADIENTS]: stocks,
  };
}

/**
 * The gradient of `ReluGrad` (`dx = dy · step(x)`): `ddy · step(x)` with respect to `dy`, zero with
 * respect to `x` (step is flat where it is differentiable), as the stock gradient's `Multiply`,
 * `Cast` and `Step` gradients give.
 */
const reluGradGradient: GradientConfig = {
  kernelName: ReluGrad,
  inputsToSave: ["x"],
  gradFunc: (ddx, saved) => {
    const [x] = saved;
    const g = ddx as tf.Tensor;
    return {
      dy: () => runsReluGrad(g, x) ? reluGrad(g, x) : tf.mul(g, tf.cast(tf.step(x), "float32")),
      x: () => tf.zerosLike(x),
    };
  },
};

/**
 * Register the gradients of the module note, and return the gradients they replaced, by kernel
 * name (TensorFlow.js's own `Relu` gradient). Idempotent: once registered, the same map is
 * returned again (it is read from the registered gradient, which carries it).
 *
 * @example
 * ```ts
 * import { tf } from "../mod.ts";
 * import { registerWasmGradients } from "./register_wasm_gradients.ts";
 * const stock = registerWasmGradients();
 * console.log(tf.getGradient("Relu") !== stock.get("Relu")); // true
 * ```
 *
 * @throws {Error} if TensorFlow.js registers no `Relu` gradient.
 */
export function registerWasmGradients(): StockGradients {
  const registered = tf.getGradient(Relu) ?? undefined;
  if (isOwnGradientConfig(registered)) return registered[STOCK_GRADIENTS];
  if (registered === undefined) {
    throw new Error(
      "Cannot register the wasm ReLU gradient: TensorFlow.js registered no Relu gradient to " +
        "fall back to. Import @tensorflow/tfjs before this module.",
    );
  }
  const stock = new Map<string, GradientConfig>([[Relu, registered]]);
  tf.unregisterGradient(Relu);
  tf.registerGradient(reluGradient(registered, stock));
  if (tf.getGradient(ReluGrad) == null) tf.registerGradient(reluGradGradient);
  return stock;
}
