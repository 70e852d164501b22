"""Captum reference fixture for the LRP parity tests: `fixtures/captum/lrp.json`.

Three small seeded PyTorch networks (no training: LRP is a function of the weights, and seeded
random weights exercise every sign case), each the twin of a TF.js network built in
`fixtures/lrp_networks.ts`, run through Captum's `LRP` and `LayerLRP` with the default rules and
with explicit rules on some layers (`module.rule = GammaRule()` …). Everything a test needs is
written in TF.js layout: weights keyed `layer/weight` (conv kernels [kh, kw, in, out], dense
kernels [in, out] with rows in NHWC flatten order h, w, c), inputs and attributions NHWC, each a
`{shape, dtype, base64}` of little-endian float32 (the format of `fixtures/stored_tensor.ts`).

Captum's LRP only walks modules, so the flattening and the NHWC reordering are functional ops in
`forward` (PyTorch's `Flatten` module has no LRP rule and Captum refuses it). Sums of branches go
through Captum's `Addition_Module`, the only form in which Captum's LRP supports an addition.

Rerun (Debian 12, python3-torch 1.13; a few seconds):

    git clone https://github.com/pytorch/captum /tmp/captum-src
    mkdir -p DIR && git -C /tmp/captum-src archive HEAD captum | tar -x -C DIR
    PYTHONPATH=DIR /usr/bin/python3 scripts/captum_lrp_fixtures.py

Captum is never vendored: only its outputs are committed. The fixture's format is described in
`fixtures/README.md`.
"""

import base64
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import torch
from torch import nn

import captum
from captum.attr import LRP, LayerLRP
from captum.attr._utils.custom_modules import Addition_Module
from captum.attr._utils.lrp_rules import (
    Alpha1_Beta0_Rule,
    EpsilonRule,
    GammaRule,
    IdentityRule,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "captum" / "lrp.json"
BN_EPS = 1e-3  # the same on both sides (PyTorch's default is 1e-5, TF.js' 1e-3)


def packed(t):
    """{"shape", "dtype", "base64"}: float32 values, row-major, little-endian, base64."""
    t = t.detach().to(torch.float32).contiguous()
    data = t.numpy().astype("<f4").tobytes()
    return {"shape": list(t.shape), "dtype": "float32", "base64": base64.b64encode(data).decode()}


def to_nhwc(t):
    return t.permute(0, 2, 3, 1) if t.dim() == 4 else t


def conv_kernel(w):
    """PyTorch conv weight [out, in, kh, kw] -> TF.js kernel [kh, kw, in, out]."""
    return w.permute(2, 3, 1, 0)


def dense_kernel(w):
    """PyTorch Linear weight [out, in] -> TF.js kernel [in, out]."""
    return w.t()


def flatten_nhwc(x):
    """Flatten in NHWC order (h, w, c), as TF.js `flatten` on a NHWC tensor (a functional op)."""
    return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def batch_norm_weights(name, bn):
    return {
        f"{name}/gamma": bn.weight,
        f"{name}/beta": bn.bias,
        f"{name}/moving_mean": bn.running_mean,
        f"{name}/moving_variance": bn.running_var,
    }


class Cnn(nn.Module):
    """The tutorial CNN's shape, small: conv1 → relu1 → conv2 → relu2 → flatten → dense.
    Input [N, 1, 8, 8]."""

    input_shape = (1, 8, 8)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.dense = nn.Linear(8 * 8 * 4, 3)

    def forward(self, x):
        x = self.relu2(self.conv2(self.relu1(self.conv1(x))))
        return self.dense(flatten_nhwc(x))

    def weights(self):
        return {
            "conv1/kernel": conv_kernel(self.conv1.weight),
            "conv1/bias": self.conv1.bias,
            "conv2/kernel": conv_kernel(self.conv2.weight),
            "conv2/bias": self.conv2.bias,
            "dense/kernel": dense_kernel(self.dense.weight),
            "dense/bias": self.dense.bias,
        }


class Pool(nn.Module):
    """conv1 → bn1 → relu1 → pool1 (max 2×2) → conv2 (valid) → relu2 → pool2 (average 2×2) →
    flatten → dropout → dense1 → relu3 → dense2. Input [N, 1, 12, 12]."""

    input_shape = (1, 12, 12)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4, eps=BN_EPS)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2)
        self.dropout = nn.Dropout(0.3)
        self.dense1 = nn.Linear(2 * 2 * 6, 8)
        self.relu3 = nn.ReLU()
        self.dense2 = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.dropout(flatten_nhwc(x))
        return self.dense2(self.relu3(self.dense1(x)))

    def weights(self):
        return {
            "conv1/kernel": conv_kernel(self.conv1.weight),
            "conv1/bias": self.conv1.bias,
            **batch_norm_weights("bn1", self.bn1),
            "conv2/kernel": conv_kernel(self.conv2.weight),
            "conv2/bias": self.conv2.bias,
            "dense1/kernel": dense_kernel(self.dense1.weight),
            "dense1/bias": self.dense1.bias,
            "dense2/kernel": dense_kernel(self.dense2.weight),
            "dense2/bias": self.dense2.bias,
        }


class Residual(nn.Module):
    """conv1 → tanh1 → conv2 → relu2, add(tanh1, relu2) (Captum's Addition_Module) → gap
    (AdaptiveAvgPool2d(1)) → flatten → dense. Input [N, 1, 6, 6]."""

    input_shape = (1, 6, 6)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 5, 3, padding=1)
        self.tanh1 = nn.Tanh()
        self.conv2 = nn.Conv2d(5, 5, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.add = Addition_Module()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.dense = nn.Linear(5, 3)

    def forward(self, x):
        a = self.tanh1(self.conv1(x))
        x = self.gap(self.add(a, self.relu2(self.conv2(a))))
        return self.dense(x.reshape(x.shape[0], -1))

    def weights(self):
        return {
            "conv1/kernel": conv_kernel(self.conv1.weight),
            "conv1/bias": self.conv1.bias,
            "conv2/kernel": conv_kernel(self.conv2.weight),
            "conv2/bias": self.conv2.bias,
            "dense/kernel": dense_kernel(self.dense.weight),
            "dense/bias": self.dense.bias,
        }


def rule_spec(rule):
    """A Captum rule as the fixture names it (this library's class and options)."""
    if isinstance(rule, IdentityRule):
        return {"rule": "IdentityRule"}
    if isinstance(rule, EpsilonRule):
        return {"rule": "EpsilonRule", "epsilon": rule.STABILITY_FACTOR}
    if isinstance(rule, GammaRule):
        return {"rule": "GammaRule", "gamma": rule.gamma, "setBiasToZero": rule.set_bias_to_zero}
    if isinstance(rule, Alpha1_Beta0_Rule):
        return {"rule": "Alpha1Beta0Rule", "setBiasToZero": rule.set_bias_to_zero}
    raise TypeError(rule)


# Per network: rule sets (layer name -> Captum rule factory; unlisted layers take the default),
# and the layers LayerLRP attributes to, (name, attribute_to_layer_input).
RULE_SETS = {
    "cnn": {
        "gamma": {"conv1": lambda: GammaRule(), "conv2": lambda: GammaRule(gamma=0.5)},
        "alphaBeta": {
            "conv1": lambda: Alpha1_Beta0_Rule(),
            "conv2": lambda: Alpha1_Beta0_Rule(set_bias_to_zero=True),
            "dense": lambda: EpsilonRule(epsilon=0.25),
        },
    },
    "pool": {
        "gamma": {
            "conv1": lambda: GammaRule(set_bias_to_zero=True),
            "bn1": lambda: IdentityRule(),
            "dense1": lambda: GammaRule(gamma=1.0),
        },
        "alphaBeta": {
            "conv1": lambda: Alpha1_Beta0_Rule(),
            "conv2": lambda: Alpha1_Beta0_Rule(),
            "dense2": lambda: EpsilonRule(epsilon=0.1),
        },
    },
    "residual": {
        "gamma": {"conv1": lambda: GammaRule(), "conv2": lambda: GammaRule(set_bias_to_zero=True)},
    },
}
LAYERS = {
    "cnn": [("conv2", False), ("conv1", True), ("dense", False)],
    "pool": [("conv2", False), ("bn1", True), ("dense1", True)],
    "residual": [("conv2", False), ("add", False), ("conv1", True)],
}
NETWORKS = {"cnn": (Cnn, 0), "pool": (Pool, 1), "residual": (Residual, 2)}


def set_rules(model, rules):
    for name, make in rules.items():
        getattr(model, name).rule = make()


def clear_rules(model):
    for module in model.modules():
        if hasattr(module, "rule"):
            del module.rule


def record_network(name):
    net_cls, seed = NETWORKS[name]
    torch.manual_seed(seed)
    model = net_cls()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(-1.0, 1.5)  # some negative scales
                module.bias.uniform_(-0.5, 0.5)
                module.running_mean.uniform_(-0.3, 0.3)
                module.running_var.uniform_(0.5, 1.5)
    model.eval()
    inputs = torch.rand(2, *model.input_shape)
    with torch.no_grad():
        outputs = model(inputs)
    targets = [int(outputs[0].argmax()), int(outputs[1].argmin())]

    cases = {}
    rule_sets = {"default": {}, **RULE_SETS[name]}
    for set_name, rules in rule_sets.items():
        set_rules(model, rules)
        specs = {layer: rule_spec(getattr(model, layer).rule) for layer in rules}
        attributions, delta = LRP(model).attribute(
            inputs, target=targets, return_convergence_delta=True
        )
        cases[f"LRP_{set_name}"] = {
            "method": "LRP",
            "rules": specs,
            "reference": packed(to_nhwc(attributions)),
            "delta": packed(delta),
        }
        for layer, to_input in LAYERS[name] if set_name == "default" else LAYERS[name][:1]:
            set_rules(model, rules)
            attributions, delta = LayerLRP(model, getattr(model, layer)).attribute(
                inputs,
                target=targets,
                return_convergence_delta=True,
                attribute_to_layer_input=to_input,
            )
            key = f"LayerLRP_{set_name}@{layer}{'_input' if to_input else ''}"
            cases[key] = {
                "method": "LayerLRP",
                "layer": layer,
                "attributeToLayerInput": to_input,
                "rules": specs,
                "reference": packed(to_nhwc(attributions)),
                "delta": packed(delta),
            }
        clear_rules(model)
    return {
        "weights": {k: packed(v) for k, v in model.weights().items()},
        "inputs": packed(to_nhwc(inputs)),
        "targets": targets,
        "outputs": packed(outputs),
        "cases": cases,
    }


def main():
    warnings.filterwarnings("ignore", category=UserWarning)  # Captum's notes on hooks
    torch.set_num_threads(1)
    fixture = {
        "about": (
            "Captum LRP / LayerLRP on three seeded networks; TF.js layout (NHWC). Written by "
            f"scripts/captum_lrp_fixtures.py (Captum {captum.__version__}, PyTorch "
            f"{torch.__version__})."
        ),
        "networks": {name: record_network(name) for name in NETWORKS},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    deno = shutil.which("deno")
    if deno:
        subprocess.run([deno, "fmt", "--quiet", str(OUT)], cwd=ROOT, check=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
