/**
 * TracIn's loss contract (Captum's `_check_loss_fn`): which reduction a loss function applies,
 * checked against `sampleWiseGradsPerBatch`, and the per-example gradient of a reduced loss
 * w.r.t. the model's output.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { influenceRangeError, influenceTypeError } from "./_errors.ts";
import type { InfluenceLossFn, LossReduction } from "./types.ts";

/**
 * The reduction of `lossFn` (argument `what`): its `reduction` property, checked to be "sum" or
 * "mean" when `sampleWiseGradsPerBatch` (a loss that reduces the batch) and "none" otherwise (a
 * per-example loss). Without the property it is assumed to be "sum", resp. "none", as Captum
 * does. No loss at all means the model's output itself, summed ("sum").
 */
export function lossReduction(
  method: string,
  what: string,
  lossFn: InfluenceLossFn | undefined,
  sampleWiseGradsPerBatch: boolean,
): LossReduction {
  if (lossFn === undefined) return "sum";
  if (typeof lossFn !== "function") {
    throw influenceTypeError(
      method,
      what,
      "a function (outputs, targets) => loss",
      lossFn,
      'Pass e.g. crossEntropyLossFn({ reduction: "sum" }).',
    );
  }
  const declared = lossFn.reduction;
  if (declared === undefined) return sampleWiseGradsPerBatch ? "sum" : "none";
  const allowed: readonly LossReduction[] = sampleWiseGradsPerBatch ? ["sum", "mean"] : ["none"];
  if (!allowed.includes(declared)) {
    throw influenceRangeError(
      method,
      `${what}.reduction`,
      sampleWiseGradsPerBatch
        ? `"sum" or "mean" (a loss that reduces the batch${
          method === "TracInCP" ? ", as sampleWiseGradsPerBatch is true" : ""
        })`
        : `"none" (a per-example loss, as sampleWiseGradsPerBatch is false)`,
      declared,
      sampleWiseGradsPerBatch
        ? (method === "TracInCP"
          ? `Pass a reducing loss, e.g. crossEntropyLossFn({ reduction: "sum" }), or set sampleWiseGradsPerBatch: false.`
          : `Pass a reducing loss, e.g. crossEntropyLossFn({ reduction: "sum" }).`)
        : `Pass crossEntropyLossFn({ reduction: "none" }), or set sampleWiseGradsPerBatch: true.`,
    );
  }
  return declared;
}

/**
 * The loss (or, without `lossFn`, the summed output) of `outputs` against `targets` as a scalar
 * whose gradient w.r.t. each example's output is that example's own loss gradient: a "mean"
 * loss is multiplied by the batch size, a "none" loss summed.
 */
export function summedLoss(
  method: string,
  what: string,
  lossFn: InfluenceLossFn | undefined,
  reduction: LossReduction,
  outputs: tf.Tensor,
  targets: tf.Tensor,
): tf.Scalar {
  if (lossFn === undefined) return tf.sum(outputs);
  const loss = lossFn(outputs, targets);
  const batch = outputs.shape[0];
  if (reduction === "none") {
    if (loss.rank !== 1 || loss.shape[0] !== batch) {
      throw influenceTypeError(
        method,
        `the value ${what} returned`,
        `one loss per example ([${batch}], reduction "none")`,
        loss,
        `Return per-example losses, or declare the reduction with ${what}.reduction = "sum" or "mean".`,
      );
    }
    return tf.sum(loss);
  }
  if (loss.size !== 1) {
    throw influenceTypeError(
      method,
      `the value ${what} returned`,
      `a scalar (the batch's ${reduction} of the per-example losses)`,
      loss,
      `Reduce the batch to one loss, or declare ${what}.reduction = "none"${
        method === "TracInCP" ? " with sampleWiseGradsPerBatch: false" : ""
      }.`,
    );
  }
  const scalar = tf.reshape(loss, []) as tf.Scalar;
  return reduction === "mean" ? tf.mul(scalar, batch) : scalar;
}
