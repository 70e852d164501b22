/**
 * Rank the channels of one example's layer attributions by their total contribution.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** How {@linkcode rankChannels} scores a channel. */
export type ChannelScore = "sum" | "abs";

/** Options of {@linkcode rankChannels}. */
export interface RankChannelsOptions {
  /**
   * How many channels to return at most (`Infinity` for all).
   * @default 10
   */
  k?: number;
  /**
   * The score of a channel: `"sum"`, the signed sum of its attributions over all positions (its
   * net contribution; attributions of opposite signs cancel); `"abs"`, the sum of their absolute
   * values (how much it matters, whatever the sign).
   * @default "sum"
   */
  by?: ChannelScore;
}

/** One channel's score. */
export interface ChannelRank {
  /** The channel index (last axis of the attributions). */
  channel: number;
  /** The channel's score, as chosen by `by`. */
  score: number;
}

/**
 * Score every channel of a layer attribution for one example (the sum over the spatial positions,
 * see `by`) and return the `k` channels with the largest **magnitude** of score, largest first
 * (ties: the smaller channel index first). With `by: "sum"` strongly negative channels (evidence
 * against the class) therefore rank as high as strongly positive ones; read the sign of `score`.
 *
 * @example
 * ```ts
 * import { rankChannels, tf } from "../../mod.ts";
 * // 2 × 1 positions, 3 channels
 * const attr = tf.tensor4d([1, -4, 0.5, 2, 1, -0.5], [1, 2, 1, 3]);
 * console.log(rankChannels(attr, { k: 2 })); // [{ channel: 0, score: 3 }, { channel: 1, score: -3 }]
 * console.log(rankChannels(attr, { by: "abs" })[0]); // { channel: 1, score: 5 }
 * attr.dispose();
 * ```
 *
 * @param layerAttr Attributions of a channels-last layer for one example: `[1, height, width,
 * channels]` or `[height, width, channels]` (a convolution), or `[1, units]` (a dense layer,
 * where each unit is its own "channel").
 * @throws {TypeError} if `layerAttr` is not a tensor of one of those shapes.
 * @throws {RangeError} if `k` is not a positive integer (or `Infinity`) or `by` is unknown.
 */
export function rankChannels(
  layerAttr: tf.Tensor,
  options: RankChannelsOptions = {},
): ChannelRank[] {
  const what = "Cannot rank the channels of the layer attributions";
  const { k = 10, by = "sum" } = options;
  if (!(layerAttr instanceof tf.Tensor) || layerAttr.isDisposed) {
    throw new TypeError(
      `${what}: layerAttr must be a tf.Tensor of shape [1, height, width, channels], received ` +
        `${layerAttr instanceof tf.Tensor ? "a disposed tensor" : typeof layerAttr}. ` +
        "Pass the result of a layer method's attribute() for one image.",
    );
  }
  const oneExample = layerAttr.rank === 3 ||
    ((layerAttr.rank === 4 || layerAttr.rank === 2) && layerAttr.shape[0] === 1);
  if (!oneExample) {
    const received = `[${layerAttr.shape.join(", ")}]`;
    throw new TypeError(
      `${what}: layerAttr must hold one example, shaped [1, height, width, channels], ` +
        `[height, width, channels] or [1, units], received shape ${received}. ` +
        "Slice one example first, e.g. attr.slice(i, 1).",
    );
  }
  if (!(k === Infinity || (Number.isInteger(k) && k >= 1))) {
    throw new RangeError(
      `${what}: k must be a positive integer or Infinity, received ${k}. Pass e.g. k: 5.`,
    );
  }
  if (by !== "sum" && by !== "abs") {
    throw new RangeError(
      `${what}: by must be "sum" or "abs", received ${JSON.stringify(by)}. Pass by: "sum".`,
    );
  }
  const channels = layerAttr.shape[layerAttr.rank - 1];
  const perChannel = tf.tidy(() => {
    const values = by === "abs" ? tf.abs(layerAttr) : layerAttr;
    return tf.sum(tf.reshape(values, [-1, channels]), 0);
  });
  const scores = perChannel.dataSync();
  perChannel.dispose();
  const ranked = Array.from(scores, (score, channel) => ({ channel, score }));
  ranked.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.channel - b.channel);
  return ranked.slice(0, k);
}
