/**
 * Running an attack of the robustness metrics: an {@linkcode FGSM} or {@linkcode PGD} instance
 * (its `perturb` with the given arguments) or a function of the inputs and the arguments.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FGSM } from "./fgsm.ts";
import { PGD } from "./pgd.ts";
import { perturbationTypeError } from "./_errors.ts";
import { describeValue } from "../attr/_utils/errors.ts";

/**
 * A function attack: the inputs and its arguments to the perturbed inputs. It runs inside a
 * `tf.tidy` (so it is synchronous; its intermediate tensors are disposed).
 */
export type AttackFunction = (inputs: tf.Tensor, args: Record<string, unknown>) => tf.Tensor;

/** What the robustness metrics run: an FGSM or PGD instance, or a function. */
export type Attack = FGSM | PGD | AttackFunction;

/** Assert `attack` is an {@linkcode Attack}. */
export function assertAttack(
  method: string,
  what: string,
  attack: unknown,
): asserts attack is Attack {
  if (attack instanceof FGSM || attack instanceof PGD || typeof attack === "function") return;
  throw perturbationTypeError(
    method,
    what,
    "an FGSM or PGD instance or a function (inputs, args) => perturbed inputs",
    attack,
    "Pass e.g. new FGSM(model) or (x, { std }) => x.add(tf.randomNormal(x.shape, 0, std)).",
  );
}

/** Run `attack` on `inputs` with `args`; the caller owns the result. */
export function runAttack(
  attack: Attack,
  inputs: tf.Tensor,
  args: Record<string, unknown>,
): Promise<tf.Tensor> {
  if (attack instanceof FGSM) return attack.perturb(inputs, args as never);
  if (attack instanceof PGD) return attack.perturb(inputs, args as never);
  return Promise.resolve(tf.tidy(() => {
    const attacked: unknown = attack(inputs, args);
    if (!(attacked instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot run the attack: an attack function must return a tensor synchronously, received ${
          attacked instanceof Promise ? "a Promise" : describeValue(attacked)
        }. Pass an FGSM or PGD instance itself (its arguments in attackKwargs), or a function that returns a tensor.`,
      );
    }
    return attacked === inputs ? attacked.clone() : attacked;
  }));
}

/** A short name for an attack: its class name, or the function's name. */
export function attackName(attack: Attack): string {
  if (attack instanceof FGSM) return "FGSM";
  if (attack instanceof PGD) return "PGD";
  return attack.name || "attack";
}

/** `forward(x)` as a tensor the caller owns and may dispose (a copy when the model returns `x`). */
export function ownedOutput(forward: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const y = forward(x);
    return y === x ? y.clone() : y;
  });
}
