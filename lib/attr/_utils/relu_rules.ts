/**
 * Replacement gradients for nonlinearities: guided backpropagation and deconvolution at every ReLU,
 * and DeepLift's rules (as Captum's `nonlinear`, `softmax` and `maxpool` hooks). Used with
 * `withGradientOverrides`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { GradientOverride } from "./gradient_override.ts";
import { attributionTypeError, errorPrefix } from "./errors.ts";
import { rescaledGradient } from "./rescaled_gradient.ts";

type Attrs = Record<string, unknown>;

/**
 * Guided backpropagation at ReLU: `relu(dy · 1[x > 0])` — only positive gradients pass, and only
 * where the forward input was positive.
 */
export const GUIDED_RELU: GradientOverride = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  outputsToSave: [false],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return { x: () => tf.relu(dy as tf.Tensor).mul(tf.step(x)) };
  },
};

/** Deconvolution at ReLU: `relu(dy)`, ignoring the forward input. */
export const DECONVOLUTION_RELU: GradientOverride = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  outputsToSave: [false],
  gradFunc: (dy) => ({ x: () => tf.relu(dy as tf.Tensor) }),
};

/** An elementwise nonlinearity DeepLift rescales: its kernel, input name and derivative. */
interface Elementwise {
  kernelName: string;
  /** The derivative at input `x` with output `y`. */
  derivative(x: tf.Tensor, y: tf.Tensor, attrs: Attrs): tf.Tensor;
}

const ELEMENTWISE: readonly Elementwise[] = [
  { kernelName: "Relu", derivative: (x) => tf.step(x) },
  {
    kernelName: "Relu6",
    derivative: (x) => tf.logicalAnd(x.greater(0), x.less(6)).toFloat(),
  },
  { kernelName: "Sigmoid", derivative: (_x, y) => y.mul(tf.scalar(1).sub(y)) },
  { kernelName: "Tanh", derivative: (_x, y) => tf.scalar(1).sub(y.square()) },
  { kernelName: "Elu", derivative: (x, y) => tf.where(x.greater(0), tf.onesLike(x), y.add(1)) },
  {
    kernelName: "LeakyRelu",
    derivative: (x, _y, attrs) =>
      tf.where(x.greater(0), tf.onesLike(x), tf.fill(x.shape, Number(attrs.alpha ?? 0.2))),
  },
  { kernelName: "Softplus", derivative: (x) => tf.sigmoid(x) },
  {
    // SELU: scale·x for x > 0, scale·alpha·(eˣ − 1) below, whose derivative there is y + scale·alpha.
    kernelName: "Selu",
    derivative: (x, y) =>
      tf.where(x.greater(0), tf.fill(x.shape, SELU_SCALE), y.add(SELU_SCALE_ALPHA)),
  },
  {
    // A ReLU layer's cap other than 6 (relu followed by a clip): the two rescaled gradients
    // telescope to the whole layer's Δy/Δx.
    kernelName: "ClipByValue",
    derivative: (x, _y, attrs) =>
      tf.logicalAnd(
        x.greater(Number(attrs.clipValueMin)),
        x.less(Number(attrs.clipValueMax)),
      ).toFloat(),
  },
];

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.0507009873554805 * 1.6732632423543772;

/**
 * Nonlinear kernels with no DeepLift rule, and when one is on the path from the inputs to the
 * output: unary ones (and Maximum/Minimum, even against a constant) whenever their input is;
 * products (Multiply, BatchMatMul) when both operands are; a quotient when its divisor is.
 */
const NO_RULE: ReadonlyArray<{ kernelName: string; onPath(inputs: ReadonlySet<string>): boolean }> =
  [
    ...[
      "Abs",
      "Exp",
      "Expm1",
      "Log",
      "Log1p",
      "Sqrt",
      "Rsqrt",
      "Square",
      "Reciprocal",
      "Sin",
      "Cos",
      "Tan",
      "Asin",
      "Acos",
      "Atan",
      "Sinh",
      "Cosh",
      "Asinh",
      "Acosh",
      "Atanh",
      "Erf",
      "Pow",
      "SquaredDifference",
      "Prelu",
      "LogSoftmax",
      "Max",
      "Min",
      "Prod",
      "LRN",
      "Maximum",
      "Minimum",
      "Atan2",
    ].map((kernelName) => ({
      kernelName,
      onPath: (inputs: ReadonlySet<string>) => inputs.size > 0,
    })),
    { kernelName: "Multiply", onPath: (inputs) => inputs.size > 1 },
    { kernelName: "BatchMatMul", onPath: (inputs) => inputs.size > 1 },
    { kernelName: "RealDiv", onPath: (inputs) => inputs.has("b") },
  ];

/**
 * Gradient overrides that compute the stock gradient of each {@linkcode NO_RULE} kernel but report
 * an error to `fail` when the kernel is used nonlinearly on the path (TensorFlow.js asks a node for
 * the gradients of those inputs only that depend on the differentiated tensor).
 */
function noRuleGuards(method: string, fail: (error: unknown) => void): GradientOverride[] {
  const guards: GradientOverride[] = [];
  for (const { kernelName, onPath } of NO_RULE) {
    const stock = tf.getGradient(kernelName);
    if (stock == null) continue;
    guards.push({
      kernelName,
      gradFunc: (dy, saved, attrs) => {
        const grads = stock.gradFunc(dy, saved, attrs);
        const asked = new Set<string>();
        const guarded: typeof grads = {};
        for (const [name, grad] of Object.entries(grads)) {
          guarded[name] = () => {
            asked.add(name);
            if (onPath(asked)) {
              fail(
                new TypeError(
                  `${errorPrefix(method)}: every operation between the inputs and the explained ` +
                    `output must have a DeepLift rule, received a ${kernelName} operation ` +
                    `${
                      kernelName === "Multiply" || kernelName === "BatchMatMul"
                        ? "of two values that both depend on the inputs"
                        : "on a value that depends on the inputs"
                    }, which no rule covers. Rules cover linear operations, the activations ` +
                    "relu, relu6, sigmoid, tanh, elu, selu, softplus, softmax, leaky relu, and " +
                    "max pooling. Use IntegratedGradients, which needs no rule.",
                ),
              );
            }
            return grad();
          };
        }
        return guarded;
      },
    });
  }
  return guards;
}

/**
 * Whether `t` (a nonlinearity's input) has the `[inputs; baselines]` layout: an even batch axis.
 * If not, the error goes to `fail`.
 */
function pairedBatch(method: string, t: tf.Tensor, fail: (error: unknown) => void): boolean {
  const rows = t.shape[0];
  if (rows !== undefined && rows % 2 === 0) return true;
  fail(attributionTypeError(
    method,
    "model",
    "a network whose nonlinearities see the batch [inputs; baselines] along axis 0",
    `a nonlinearity input of shape [${t.shape.join(", ")}]`,
    "Keep the batch axis first through the model (no reshapes across examples).",
  ));
  return false;
}

/**
 * Captum's DeepLift rule at max pooling, for a batch laid out `[inputs; baselines]`: each half's
 * output change against the cross maximum — `max(y, y′) − y′` for the inputs, `y − max(y, y′)`
 * for the baselines — times `dy` is routed back to that half's own argmax positions; the two
 * routings are added, and the multiplier is that sum over `Δx = x − x′` (the same for both
 * halves), or the plain max-pooling gradient where `|Δx| < eps`. The routed changes add up to
 * `Σ dy·(y − y′)`, so attributions still sum to `F(x) − F(x′)` through pooling.
 */
function maxPoolMultipliers(
  dy: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  attrs: Attrs,
  eps: number,
): tf.Tensor {
  const route = (g: tf.Tensor) =>
    tf.engine().runKernel(
      "MaxPoolGrad",
      { dy: g, input: x, output: y },
      {
        filterSize: attrs.filterSize,
        strides: attrs.strides,
        pad: attrs.pad,
        dimRoundingMode: attrs.dimRoundingMode,
      } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor;
  const [own, ref] = tf.split(y, 2, 0);
  const crossMax = tf.maximum(own, ref);
  const deltaOut = tf.concat([crossMax.sub(ref), own.sub(crossMax)], 0);
  const [routedOwn, routedRef] = tf.split(route(dy.mul(deltaOut)), 2, 0);
  const routed = routedOwn.add(routedRef);
  const [xOwn, xRef] = tf.split(x, 2, 0);
  const deltaIn = xOwn.sub(xRef);
  // Where Δx = 0 the quotient is NaN, but `where` takes the plain gradient there.
  const ratio = routed.div(deltaIn);
  return tf.where(
    tf.concat([deltaIn, deltaIn], 0).abs().less(eps),
    route(dy),
    tf.concat([ratio, ratio], 0),
  );
}

/**
 * DeepLift's Rescale rule for ReLU, ReLU6, Sigmoid, Tanh, ELU, SELU, LeakyReLU, Softplus and
 * ClipByValue, and Captum's softmax and max-pooling rules; a nonlinear kernel with no rule reports
 * an error (see {@linkcode NO_RULE}). The forward pass
 * must run on `[inputs; baselines]` stacked along axis 0. Errors are not thrown inside the
 * backward pass (that would leak the tape's saved tensors) but passed to `fail`, and a zero
 * gradient is returned; the caller throws once the pass is over.
 */
export function deepLiftOverrides(
  method: string,
  eps: number,
  fail: (error: unknown) => void,
): GradientOverride[] {
  // Each rule sees dy, the kernel's saved input x and output y (both `[inputs; baselines]`) and
  // its attributes; on a batch that is not paired the error goes to `fail` and the gradient is 0.
  const paired = (
    kernelName: string,
    input: string,
    rule: (dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, attrs: Attrs) => tf.Tensor,
  ): GradientOverride => ({
    kernelName,
    inputsToSave: [input],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved;
      return {
        [input]: () =>
          pairedBatch(method, x, fail)
            ? rule(dy as tf.Tensor, x, y, attrs as Attrs)
            : tf.zerosLike(x),
      };
    },
  });
  const elementwise = ELEMENTWISE.map(({ kernelName, derivative }) =>
    paired(
      kernelName,
      "x",
      (g, x, y, attrs) => rescaledGradient(g, g.mul(derivative(x, y, attrs)), x, y, eps),
    )
  );
  const softmax = paired("Softmax", "logits", (g, x, y, attrs) => {
    const dim = attrs.dim as number[] | number | undefined;
    const axis = Array.isArray(dim) ? dim : [dim ?? -1];
    const plain = y.mul(g.sub(g.mul(y).sum(axis, true)));
    const unnormalized = rescaledGradient(g, plain, x, y, eps);
    return unnormalized.sub(unnormalized.sum().div(unnormalized.size));
  });
  const maxPool = paired(
    "MaxPool",
    "x",
    (dy, x, y, attrs) => maxPoolMultipliers(dy, x, y, attrs, eps),
  );
  return [...elementwise, softmax, maxPool, ...noRuleGuards(method, fail)];
}
