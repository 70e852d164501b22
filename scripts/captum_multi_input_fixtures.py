"""Captum reference fixture for the primary methods on a two-input network:
`fixtures/captum/multi_input.json`.

The network, weights, inputs and baselines are those of `captum_multi_input_layer_fixtures.py`
(the same seeded `TwoInput`: an image and a vector merged by concatenation; its TF.js twin is
`twoInputNetwork()` in `fixtures/multi_input_networks.ts`). Recorded with a tuple of inputs and
per-input baselines: IntegratedGradients (with its delta), Saliency, InputXGradient,
GuidedBackprop, Deconvolution, DeepLift (with its delta), DeepLiftShap (two baseline rows per
input), GradientShap (2,000 samples of one baseline row per input, stdevs 0: a statistical
reference), Occlusion (one window per input), FeatureAblation and ShapleyValues with a feature
mask spanning both inputs, and IntegratedGradients, DeepLift and FeatureAblation on the image
alone with the vector as `additional_forward_args`. Layout as the layer fixture: NHWC, stored
tensors `{shape, dtype, base64}`; a case's `reference` is one tensor per attributed input.

Rerun (Debian 12, python3-torch 1.13; a few seconds):

    PYTHONPATH=DIR /usr/bin/python3 scripts/captum_multi_input_fixtures.py

with DIR holding Captum's `captum` package (see `captum_multi_input_layer_fixtures.py`).
Captum is never vendored: only its outputs are committed.
"""

import sys
from pathlib import Path

import numpy as np
import torch

import captum
from captum.attr import (
    Deconvolution,
    DeepLift,
    DeepLiftShap,
    FeatureAblation,
    GradientShap,
    GuidedBackprop,
    InputXGradient,
    IntegratedGradients,
    Occlusion,
    Saliency,
    ShapleyValues,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from captum_multi_input_layer_fixtures import (  # noqa: E402
    packed,
    packed_all,
    seeded_setup,
    to_nhwc,
    write_fixture,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "captum" / "multi_input.json"
N_STEPS = 20
GRADIENT_SHAP_SAMPLES = 2000


def main():
    # The same draws, in the same order, as the layer fixture: the same network and data.
    model, inputs, baselines, _, targets = seeded_setup()
    image, vector = inputs
    # Two baseline rows per input for DeepLiftShap.
    torch.manual_seed(1)
    distribution = (torch.rand(2, 1, 5, 5) * 0.3, torch.rand(2, 3) - 0.5)
    # Image quadrants 0–3 (rows and columns split at 3), vector [3, 4, 4]: id 3 spans both inputs.
    rows = (torch.arange(5) >= 3).long()
    image_mask = (rows[:, None] * 2 + rows[None, :]).reshape(1, 1, 5, 5)
    vector_mask = torch.tensor([[3, 4, 4]])
    masks = (image_mask, vector_mask)

    cases = {}

    def record(key, method, result, delta=None, **options):
        case = {"method": method, "options": options, "reference": packed_all(result)}
        if delta is not None:
            case["delta"] = packed(delta)
        cases[key] = case

    attr, delta = IntegratedGradients(model).attribute(
        inputs, baselines=baselines, target=targets, n_steps=N_STEPS,
        return_convergence_delta=True,
    )
    record("IntegratedGradients", "IntegratedGradients", attr, delta, nSteps=N_STEPS)
    record("Saliency", "Saliency", Saliency(model).attribute(inputs, target=targets))
    record("InputXGradient", "InputXGradient", InputXGradient(model).attribute(inputs, target=targets))
    record("GuidedBackprop", "GuidedBackprop", GuidedBackprop(model).attribute(inputs, target=targets))
    record("Deconvolution", "Deconvolution", Deconvolution(model).attribute(inputs, target=targets))
    attr, delta = DeepLift(model).attribute(
        inputs, baselines=baselines, target=targets, return_convergence_delta=True
    )
    record("DeepLift", "DeepLift", attr, delta)
    attr, delta = DeepLiftShap(model).attribute(
        inputs, baselines=distribution, target=targets, return_convergence_delta=True
    )
    record("DeepLiftShap", "DeepLiftShap", attr, delta)
    torch.manual_seed(2)
    np.random.seed(2)  # Captum draws GradientShap's α with numpy
    attr = GradientShap(model).attribute(
        inputs, baselines=baselines, target=targets, n_samples=GRADIENT_SHAP_SAMPLES, stdevs=0.0
    )
    record("GradientShap", "GradientShap", attr, nSamples=GRADIENT_SHAP_SAMPLES)
    attr = Occlusion(model).attribute(
        inputs, sliding_window_shapes=((1, 3, 3), (2,)), strides=((1, 2, 2), 1),
        baselines=baselines, target=targets,
    )
    # NHWC windows and strides.
    record("Occlusion", "Occlusion", attr, slidingWindowShapes=[[3, 3, 1], [2]],
           strides=[[2, 2, 1], 1])
    attr = FeatureAblation(model).attribute(
        inputs, feature_mask=masks, baselines=baselines, target=targets
    )
    record("FeatureAblation", "FeatureAblation", attr)
    attr = ShapleyValues(model).attribute(
        inputs, feature_mask=masks, baselines=baselines, target=targets
    )
    record("ShapleyValues", "ShapleyValues", attr)

    # additional_forward_args: the image attributed, the vector passed along.
    extra = {"additional_forward_args": (vector,), "target": targets}
    attr, delta = IntegratedGradients(model).attribute(
        image, baselines=baselines[0], n_steps=N_STEPS, return_convergence_delta=True, **extra
    )
    record("IntegratedGradients_extra", "IntegratedGradients", attr, delta, nSteps=N_STEPS,
           additionalForwardArgs=True)
    attr, delta = DeepLift(model).attribute(
        image, baselines=baselines[0], return_convergence_delta=True, **extra
    )
    record("DeepLift_extra", "DeepLift", attr, delta, additionalForwardArgs=True)
    attr = FeatureAblation(model).attribute(
        image, feature_mask=image_mask, baselines=baselines[0], perturbations_per_eval=3, **extra
    )
    record("FeatureAblation_extra", "FeatureAblation", attr, additionalForwardArgs=True)

    fixture = {
        "about": (
            "Captum primary methods on the seeded two-input network (image, vector) of "
            "multi_input_layer.json; TF.js layout (NHWC). Written by "
            f"scripts/captum_multi_input_fixtures.py (Captum {captum.__version__}, PyTorch "
            f"{torch.__version__})."
        ),
        "weights": {k: packed(v) for k, v in model.weights().items()},
        "inputs": [packed(to_nhwc(image)), packed(vector)],
        "baselines": [packed(to_nhwc(baselines[0])), packed(baselines[1])],
        "distribution": [packed(to_nhwc(distribution[0])), packed(distribution[1])],
        "featureMask": [packed(to_nhwc(image_mask)), packed(vector_mask)],
        "targets": targets,
        "cases": cases,
    }
    write_fixture(OUT, fixture)

if __name__ == "__main__":
    main()
