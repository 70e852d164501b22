/**
 * The explainers notebook 08 compares on the tutorial CNN: every primary method of notebook 05,
 * Grad-CAM from notebook 06 and the edge-detector control, with the tutorial's settings. The
 * notebook and the evaluation bench share them, so the bench measures what the notebook runs.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { DeepLift } from "../attr/deep_lift.ts";
import { GradientShap } from "../attr/gradient_shap.ts";
import { gridFeatureMask } from "../attr/grid_feature_mask.ts";
import { GuidedGradCam } from "../attr/guided_grad_cam.ts";
import { IntegratedGradients } from "../attr/integrated_gradients.ts";
import { KernelShap } from "../attr/kernel_shap.ts";
import { LayerAttribution } from "../attr/layer/layer_attribution.ts";
import { LayerGradCam } from "../attr/layer/layer_grad_cam.ts";
import { noiseBaselines } from "../attr/noise_baselines.ts";
import { NoiseTunnel } from "../attr/noise_tunnel.ts";
import { Occlusion } from "../attr/occlusion.ts";
import { Saliency } from "../attr/saliency.ts";
import { edgeDetector } from "./edge_detector.ts";
import type { ExplainerFunction } from "./explainer_function.ts";

/** Options of {@linkcode tutorialExplainers}. */
export interface TutorialExplainersOptions {
  /** Fewer steps and samples, as the tutorial's quick mode (`TUTORIAL_QUICK=1`). @default false */
  quick?: boolean;
  /** The convolution Grad-CAM and Guided Grad-CAM read. @default "conv2" */
  camLayer?: string;
}

/**
 * The tutorial CNN's contenders (inputs `[N, 28, 28, 1]`), by display name: Saliency, Integrated
 * Gradients (50 steps), IG + SmoothGrad (20 steps × 8 noisy copies, σ 0.2), Gradient SHAP (50
 * samples over 4 noise baselines), DeepLIFT, Guided Grad-CAM, Grad-CAM upsampled to 28 × 28,
 * Occlusion (4 × 4 windows, stride 2), Kernel SHAP (200 samples over 4 × 4 superpixels), and the
 * edge detector as the control that ignores the model. All seeded; zero baselines.
 *
 * @example
 * ```ts
 * import { tutorialExplainers } from "../mod.ts";
 * console.log(Object.keys(tutorialExplainers({ quick: true })).length); // 10
 * ```
 */
export function tutorialExplainers(
  options: TutorialExplainersOptions = {},
): Record<string, ExplainerFunction> {
  const { quick = false, camLayer = "conv2" } = options;
  return {
    "Saliency": (m, x, target) => new Saliency(m).attribute(x, { target }),
    "Integrated Gradients": (m, x, target) =>
      new IntegratedGradients(m).attribute(x, { target, baselines: 0, nSteps: quick ? 16 : 50 }),
    "IG + SmoothGrad": (m, x, target) =>
      new NoiseTunnel(new IntegratedGradients(m)).attribute(x, {
        target,
        baselines: 0,
        nSteps: quick ? 8 : 20,
        ntType: "smoothgrad",
        ntSamples: quick ? 4 : 8,
        stdevs: 0.2,
        seed: 0,
      }),
    "Gradient SHAP": (m, x, target) =>
      withTensor(
        noiseBaselines([1, 28, 28, 1], { count: 4, seed: 0 }),
        (baselines) =>
          new GradientShap(m).attribute(x, {
            target,
            baselines,
            nSamples: quick ? 20 : 50,
            stdevs: 0.0001,
            seed: 0,
          }),
      ),
    "DeepLIFT": (m, x, target) => new DeepLift(m).attribute(x, { target, baselines: 0 }),
    "Guided Grad-CAM": (m, x, target) => new GuidedGradCam(m, camLayer).attribute(x, { target }),
    [`Grad-CAM (${camLayer})`]: async (m, x, target) => {
      const cam = await new LayerGradCam(m, camLayer).attribute(x, { target });
      const upsampled = LayerAttribution.interpolate(cam, [28, 28]);
      cam.dispose();
      return upsampled;
    },
    "Occlusion": (m, x, target) =>
      new Occlusion(m).attribute(x, {
        target,
        slidingWindowShapes: [4, 4, 1],
        strides: [2, 2, 1],
        baselines: 0,
      }),
    "Kernel SHAP": (m, x, target) =>
      withTensor(
        gridFeatureMask([1, 28, 28, 1], 4),
        (featureMask) =>
          new KernelShap(m).attribute(x, {
            target,
            baselines: 0,
            featureMask,
            nSamples: quick ? 60 : 200,
            seed: 0,
          }),
      ),
    "Edge detector (control)": edgeDetector,
  };
}

/** `use(t)`, then dispose `t`, even when `use` throws. */
async function withTensor<T>(t: tf.Tensor, use: (t: tf.Tensor) => Promise<T>): Promise<T> {
  try {
    return await use(t);
  } finally {
    t.dispose();
  }
}
