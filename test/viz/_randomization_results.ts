import type { ModelParameterRandomizationResult } from "../../lib/mod.ts";

/** A hand-made randomization result: 2 steps, one kept 2 × 3 map, similarities `values`. */
export function randomizationResult(
  values: [number, number],
  mode: "cascading" | "independent" = "cascading",
): ModelParameterRandomizationResult {
  const sim = (v: number) => ({
    spearmanAbs: Float64Array.of(v, v),
    spearman: Float64Array.of(v, v - 0.2),
    ssim: Float64Array.of(v, v),
    hogPearson: Float64Array.of(v, v),
  });
  const map = Float64Array.of(0, 1, 2, 3, 4, 5);
  return {
    mode,
    target: [0, 1],
    steps: [
      { layer: "dense", randomized: ["dense"], similarity: sim(values[0]) },
      { layer: "conv1", randomized: ["dense", "conv1"], similarity: sim(values[1]) },
    ],
    maps: { height: 2, width: 3, original: [map], randomized: [[map], [map]] },
  };
}
