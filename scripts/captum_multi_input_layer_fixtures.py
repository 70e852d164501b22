"""Captum reference fixture for the layer and neuron methods on a two-input network:
`fixtures/captum/multi_input_layer.json`.

A small seeded PyTorch network with two inputs (an image and a vector) merged by a `Concat`
module, the twin of the TF.js model built in `fixtures/multi_input_networks.ts`:

    image [N, 1, 5, 5] → conv (2 filters, 3×3, valid) → relu1 → flatten (NHWC order) → img_fc (4)
    vector [N, 3] → vec_fc (4) → tanh
    merge = concat(img_fc, tanh) [N, 8] → relu2 → out (3)

run through Captum's layer and neuron methods with a tuple of inputs and per-input baselines:
on the merge layer with `attribute_to_layer_input` true (one attribution per layer input) and
false, neuron methods returning one attribution per model input, and `additional_forward_args`
(the vector passed to the model but not attributed). Everything a test needs is written in TF.js
layout: weights keyed `layer/weight` (conv kernels [kh, kw, in, out], dense kernels [in, out]
with rows in NHWC flatten order h, w, c), inputs and attributions NHWC, each a
`{shape, dtype, base64}` of little-endian float32 (the format of `fixtures/stored_tensor.ts`).
A case's `reference` is a list: one tensor per attributed tensor (Captum's tuple), or one.

Rerun (Debian 12, python3-torch 1.13; a few seconds):

    git clone https://github.com/pytorch/captum /tmp/captum-src
    mkdir -p DIR && git -C /tmp/captum-src archive HEAD captum | tar -x -C DIR
    PYTHONPATH=DIR /usr/bin/python3 scripts/captum_multi_input_layer_fixtures.py

Captum is never vendored: only its outputs are committed. The fixture's format is described in
`fixtures/README.md`.
"""

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

import captum
from captum.attr import (
    InternalInfluence,
    LayerActivation,
    LayerConductance,
    LayerDeepLift,
    LayerDeepLiftShap,
    LayerFeatureAblation,
    LayerGradCam,
    LayerGradientShap,
    LayerGradientXActivation,
    LayerIntegratedGradients,
    NeuronConductance,
    NeuronDeepLift,
    NeuronFeatureAblation,
    NeuronGradient,
    NeuronIntegratedGradients,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from captum_lrp_fixtures import packed, to_nhwc  # noqa: E402,F401  (the stored-tensor format)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "captum" / "multi_input_layer.json"
N_STEPS = 20
# LayerGradientShap's Monte Carlo estimate: the tests compare statistically (relative error ≤ 0.1).
GS_SAMPLES = 2000


def packed_all(result):
    """A tensor or a tuple of tensors as a list of stored tensors (NHWC)."""
    items = result if isinstance(result, (tuple, list)) else (result,)
    return [packed(to_nhwc(t)) for t in items]


class Concat(nn.Module):
    """torch.cat along the features: a module, so that Captum can hook its two inputs."""

    def forward(self, a, b):
        return torch.cat([a, b], dim=1)


class TwoInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.relu1 = nn.ReLU()
        self.img_fc = nn.Linear(18, 4)
        self.vec_fc = nn.Linear(3, 4)
        self.tanh = nn.Tanh()
        self.merge = Concat()
        self.relu2 = nn.ReLU()
        self.out = nn.Linear(8, 3)

    def forward(self, image, vector):
        x = self.relu1(self.conv(image))
        x = self.img_fc(x.permute(0, 2, 3, 1).reshape(x.shape[0], -1))  # NHWC flatten
        v = self.tanh(self.vec_fc(vector))
        return self.out(self.relu2(self.merge(x, v)))

    def weights(self):
        """TF.js layout: conv kernel [kh, kw, in, out], dense kernels [in, out]."""
        return {
            "conv/kernel": self.conv.weight.permute(2, 3, 1, 0),
            "conv/bias": self.conv.bias,
            "img_fc/kernel": self.img_fc.weight.t(),
            "img_fc/bias": self.img_fc.bias,
            "vec_fc/kernel": self.vec_fc.weight.t(),
            "vec_fc/bias": self.vec_fc.bias,
            "out/kernel": self.out.weight.t(),
            "out/bias": self.out.bias,
        }


def seeded_setup():
    """The seeded network, inputs (image, vector), per-input baselines, outputs and targets,
    shared with `captum_multi_input_fixtures.py` (the primary methods' fixture)."""
    warnings.filterwarnings("ignore", category=UserWarning)  # Captum's notes on hooks
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = TwoInput().eval()
    image = torch.rand(2, 1, 5, 5)
    vector = torch.rand(2, 3) * 2 - 1
    inputs = (image, vector)
    baselines = (torch.rand(1, 1, 5, 5) * 0.2, torch.full((1, 3), -0.25))
    with torch.no_grad():
        outputs = model(*inputs)
    targets = [int(outputs[0].argmax()), int(outputs[1].argmin())]
    return model, inputs, baselines, outputs, targets


def write_fixture(path, fixture):
    """Write `fixture` as compact JSON, formatted by `deno fmt` when deno is installed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    deno = shutil.which("deno")
    if deno:
        subprocess.run([deno, "fmt", "--quiet", str(path)], cwd=ROOT, check=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e3:.0f} kB)")


def main():
    model, inputs, baselines, outputs, targets = seeded_setup()
    image, vector = inputs

    cases = {}

    def record(key, method, layer, result, delta=None, **details):
        case = {"method": method, "layer": layer, **details, "reference": packed_all(result)}
        if delta is not None:
            case["delta"] = packed(delta)
        cases[key] = case

    path = {"baselines": baselines, "n_steps": N_STEPS}
    for to_input in (False, True):
        suffix = "_input" if to_input else ""
        flag = {"attributeToLayerInput": to_input}
        attr, delta = LayerIntegratedGradients(model, model.merge).attribute(
            inputs, target=targets, attribute_to_layer_input=to_input,
            return_convergence_delta=True, **path
        )
        record(f"LayerIntegratedGradients@merge{suffix}", "LayerIntegratedGradients", "merge",
               attr, delta, **flag)
        attr, delta = LayerConductance(model, model.merge).attribute(
            inputs, target=targets, attribute_to_layer_input=to_input,
            return_convergence_delta=True, **path
        )
        record(f"LayerConductance@merge{suffix}", "LayerConductance", "merge", attr, delta, **flag)
        attr = LayerGradientXActivation(model, model.merge).attribute(
            inputs, target=targets, attribute_to_layer_input=to_input
        )
        record(f"LayerGradientXActivation@merge{suffix}", "LayerGradientXActivation", "merge",
               attr, **flag)
        attr = InternalInfluence(model, model.merge).attribute(
            inputs, target=targets, attribute_to_layer_input=to_input, **path
        )
        record(f"InternalInfluence@merge{suffix}", "InternalInfluence", "merge", attr, **flag)
        attr = LayerActivation(model, model.merge).attribute(
            inputs, attribute_to_layer_input=to_input
        )
        record(f"LayerActivation@merge{suffix}", "LayerActivation", "merge", attr, **flag)

    attr, delta = LayerDeepLift(model, model.merge).attribute(
        inputs, baselines=baselines, target=targets, attribute_to_layer_input=True,
        return_convergence_delta=True,
    )
    record("LayerDeepLift@merge_input", "LayerDeepLift", "merge", attr, delta,
           attributeToLayerInput=True)
    attr = LayerGradCam(model, model.conv).attribute(inputs, target=targets)
    record("LayerGradCam@conv", "LayerGradCam", "conv", attr, attributeToLayerInput=False)
    attr = LayerGradCam(model, model.merge).attribute(
        inputs, target=targets, attribute_to_layer_input=True
    )
    record("LayerGradCam@merge_input", "LayerGradCam", "merge", attr, attributeToLayerInput=True)
    attr = LayerFeatureAblation(model, model.img_fc).attribute(inputs, target=targets)
    record("LayerFeatureAblation@img_fc", "LayerFeatureAblation", "img_fc", attr,
           attributeToLayerInput=False)

    # A single-input layer of a two-input model: the conv (image branch), the vector's dense.
    for layer in ("conv", "vec_fc"):
        attr, delta = LayerIntegratedGradients(model, getattr(model, layer)).attribute(
            inputs, target=targets, return_convergence_delta=True, **path
        )
        record(f"LayerIntegratedGradients@{layer}", "LayerIntegratedGradients", layer, attr, delta,
               attributeToLayerInput=False)

    # additional_forward_args: the image attributed, the vector passed along.
    attr, delta = LayerIntegratedGradients(model, model.img_fc).attribute(
        image, baselines=baselines[0], target=targets, additional_forward_args=(vector,),
        return_convergence_delta=True, n_steps=N_STEPS,
    )
    record("LayerIntegratedGradients@img_fc_extra", "LayerIntegratedGradients", "img_fc", attr,
           delta, attributeToLayerInput=False, additionalForwardArgs=True)
    attr = LayerConductance(model, model.img_fc).attribute(
        image, baselines=baselines[0], target=targets, additional_forward_args=(vector,),
        n_steps=N_STEPS,
    )
    record("LayerConductance@img_fc_extra", "LayerConductance", "img_fc", attr,
           attributeToLayerInput=False, additionalForwardArgs=True)
    attr = InternalInfluence(model, model.merge).attribute(
        image, baselines=baselines[0], target=targets, additional_forward_args=(vector,),
        n_steps=N_STEPS, attribute_to_layer_input=True,
    )
    record("InternalInfluence@merge_input_extra", "InternalInfluence", "merge", attr,
           attributeToLayerInput=True, additionalForwardArgs=True)

    # Neuron methods: one attribution per model input.
    neuron = {"neuronSelector": [5]}
    attr = NeuronIntegratedGradients(model, model.merge).attribute(
        inputs, neuron_selector=(5,), **path
    )
    record("NeuronIntegratedGradients@merge", "NeuronIntegratedGradients", "merge", attr, **neuron)
    attr = NeuronGradient(model, model.merge).attribute(inputs, neuron_selector=(5,))
    record("NeuronGradient@merge", "NeuronGradient", "merge", attr, **neuron)
    attr = NeuronConductance(model, model.merge).attribute(
        inputs, neuron_selector=(5,), target=targets, **path
    )
    record("NeuronConductance@merge", "NeuronConductance", "merge", attr, **neuron)
    # A function of the merge layer's two inputs (Captum passes the tuple; TF.js the tensors).
    attr = NeuronGradient(model, model.merge).attribute(
        inputs, neuron_selector=lambda t: t[0][:, 1] * t[1][:, 2],
        attribute_to_neuron_input=True,
    )
    record("NeuronGradient@merge_input_fn", "NeuronGradient", "merge", attr,
           neuronSelector="a[:, 1] * b[:, 2]", attributeToNeuronInput=True)
    attr = NeuronFeatureAblation(model, model.merge).attribute(
        inputs, neuron_selector=(5,), baselines=baselines
    )
    record("NeuronFeatureAblation@merge", "NeuronFeatureAblation", "merge", attr, **neuron)
    attr = NeuronDeepLift(model, model.merge).attribute(
        inputs, neuron_selector=(5,), baselines=baselines
    )
    record("NeuronDeepLift@merge", "NeuronDeepLift", "merge", attr, **neuron)
    attr = NeuronIntegratedGradients(model, model.img_fc).attribute(
        image, neuron_selector=(1,), baselines=baselines[0], additional_forward_args=(vector,),
        n_steps=N_STEPS,
    )
    record("NeuronIntegratedGradients@img_fc_extra", "NeuronIntegratedGradients", "img_fc", attr,
           neuronSelector=[1], additionalForwardArgs=True)

    # Added after the cases above, from their own generators, so that those stay unchanged.
    # Baseline distributions (3 rows per input), for LayerDeepLiftShap and LayerGradientShap.
    gen = torch.Generator().manual_seed(1)
    distribution = (torch.rand(3, 1, 5, 5, generator=gen) * 0.3,
                    torch.rand(3, 3, generator=gen) * 0.5 - 0.25)
    dist = {"distribution": True}
    for to_input in (False, True):
        suffix = "_input" if to_input else ""
        attr, delta = LayerDeepLiftShap(model, model.merge).attribute(
            inputs, baselines=distribution, target=targets, attribute_to_layer_input=to_input,
            return_convergence_delta=True,
        )
        record(f"LayerDeepLiftShap@merge{suffix}", "LayerDeepLiftShap", "merge", attr, delta,
               attributeToLayerInput=to_input, **dist)
    attr, delta = LayerDeepLiftShap(model, model.img_fc).attribute(
        image, baselines=distribution[0], target=targets, additional_forward_args=(vector,),
        return_convergence_delta=True,
    )
    record("LayerDeepLiftShap@img_fc_extra", "LayerDeepLiftShap", "img_fc", attr, delta,
           attributeToLayerInput=False, additionalForwardArgs=True, **dist)
    # LayerGradientShap: a 2,000-sample estimate (one baseline row per input, stdevs 0; Captum
    # draws α with numpy and the rows with torch, both seeded here).
    np.random.seed(0)
    torch.manual_seed(0)
    attr = LayerGradientShap(model, model.merge).attribute(
        inputs, baselines=baselines, target=targets, n_samples=GS_SAMPLES,
        attribute_to_layer_input=True,
    )
    record("LayerGradientShap@merge_input", "LayerGradientShap", "merge", attr,
           attributeToLayerInput=True, nSamples=GS_SAMPLES)
    attr = LayerGradientShap(model, model.img_fc).attribute(
        image, baselines=baselines[0], target=targets, additional_forward_args=(vector,),
        n_samples=GS_SAMPLES,
    )
    record("LayerGradientShap@img_fc_extra", "LayerGradientShap", "img_fc", attr,
           attributeToLayerInput=False, additionalForwardArgs=True, nSamples=GS_SAMPLES)
    # LayerFeatureAblation on the merge layer's two inputs: a mask per layer tensor (id 1 in
    # both: one feature across tensors, as Captum numbers them) and a baseline per tensor; and
    # the default mask (every element its own feature).
    layer_mask = (torch.tensor([[0, 0, 1, 1]]), torch.tensor([[1, 2, 2, 3]]))
    layer_baselines = (0.5, torch.full((1, 4), -0.25))
    attr = LayerFeatureAblation(model, model.merge).attribute(
        inputs, target=targets, attribute_to_layer_input=True, layer_mask=layer_mask,
        layer_baselines=layer_baselines,
    )
    record("LayerFeatureAblation@merge_input_mask", "LayerFeatureAblation", "merge", attr,
           attributeToLayerInput=True, layerMask=[m.tolist() for m in layer_mask],
           layerBaselines=[0.5, -0.25])
    attr = LayerFeatureAblation(model, model.merge).attribute(
        inputs, target=targets, attribute_to_layer_input=True,
    )
    record("LayerFeatureAblation@merge_input", "LayerFeatureAblation", "merge", attr,
           attributeToLayerInput=True)

    fixture = {
        "about": (
            "Captum layer and neuron methods on a seeded two-input network (image, vector); TF.js "
            "layout (NHWC). Written by scripts/captum_multi_input_layer_fixtures.py (Captum "
            f"{captum.__version__}, PyTorch {torch.__version__})."
        ),
        "nSteps": N_STEPS,
        "weights": {k: packed(v) for k, v in model.weights().items()},
        "inputs": [packed(to_nhwc(image)), packed(vector)],
        "baselines": [packed(to_nhwc(baselines[0])), packed(baselines[1])],
        "distribution": [packed(to_nhwc(distribution[0])), packed(distribution[1])],
        "targets": targets,
        "outputs": packed(outputs),
        "cases": cases,
    }
    write_fixture(OUT, fixture)


if __name__ == "__main__":
    main()
