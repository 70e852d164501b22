"""Captum reference fixtures for the parity tests: `fixtures/captum/*.json`.

For each network (functional, mobilenet, inception, dense, tutorial_cnn) this script defines the
PyTorch twin of the TF.js network built in `fixtures/networks.ts` (the tutorial CNN is
`lib/models/classifier.ts`), trains it a little on Fashion-MNIST (read from the repository's
`data/fashion-mnist/*.gz`), and records its weights in TF.js layout, two test images, their
targets and outputs, and Captum's outputs for every deterministic primary, layer and neuron
method, converted to NHWC. The fixture format is described in `fixtures/README.md`.

Rerun (Debian 12; about 3 minutes on 2 cores, most of it the tutorial CNN's full epoch):

    apt-get install python3-torch python3-sklearn      # PyTorch 1.13.1, scikit-learn 1.2
    git clone https://github.com/pytorch/captum /tmp/captum-src
    mkdir -p DIR && git -C /tmp/captum-src archive HEAD captum | tar -x -C DIR
    PYTHONPATH=DIR /usr/bin/python3 scripts/captum_fixtures.py [NETWORK ...]

Everything is seeded and single-threaded (`torch.set_num_threads(1)`), so a rerun writes the same
values (the tutorial CNN's `captum_ms` and `train_it_per_s` are timings and vary).

Where Captum is unprincipled, the principled variant is recorded too: Captum's DeepLift passes
ReLU6's raw gradient (`nn.ReLU6` is not in `SUPPORTED_NON_LINEAR`), this library applies the
Rescale rule to it, so on the ReLU6 network every DeepLift-family output is recorded as Captum
computes it (e.g. `DeepLift`) and with `SUPPORTED_NON_LINEAR[nn.ReLU6] = nonlinear` patched in
(e.g. `DeepLift_rescaleRelu6`). Likewise Captum's DeepLift rule for max pooling routes each
window's contribution to its argmax with `max_unpool2d`, which keeps one value where overlapping
windows (3×3, stride 1) share an argmax; the network with such a pool also gets the variant with
those contributions added (`_sumMaxPoolOverlaps`), which is what makes the attributions sum to
F(x) − F(x′). GuidedBackprop and Deconvolution only modify `nn.ReLU` modules in Captum (ReLU6
passes its raw gradient) and are recorded as they are.
"""

import base64
import gzip
import json
import shutil
import subprocess
import warnings
import statistics
import struct
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy
import torch
from torch import nn
import torch.nn.functional as F

import captum
from captum.attr import (
    Deconvolution,
    DeepLift,
    DeepLiftShap,
    FeatureAblation,
    GradientShap,
    GuidedBackprop,
    GuidedGradCam,
    InputXGradient,
    IntegratedGradients,
    InternalInfluence,
    KernelShap,
    LayerActivation,
    LayerConductance,
    LayerDeepLift,
    LayerDeepLiftShap,
    LayerFeatureAblation,
    LayerGradCam,
    LayerGradientXActivation,
    LayerIntegratedGradients,
    NeuronConductance,
    NeuronDeconvolution,
    NeuronDeepLift,
    NeuronDeepLiftShap,
    NeuronFeatureAblation,
    NeuronGradient,
    NeuronGradientShap,
    NeuronGuidedBackprop,
    NeuronIntegratedGradients,
    Occlusion,
    Saliency,
)
from captum.attr._core import deep_lift as captum_deep_lift

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "fashion-mnist"
OUT = ROOT / "fixtures" / "captum"

N_STEPS = 16  # path methods: fewer than Captum's 50 keeps the TF.js tests fast; both sides use it
TRAIN_STEPS = 300
BATCH = 64
BN_EPS = 1e-3
LEAKY_ALPHA = 0.1
RGB = (1.0, 0.6, 0.3)  # 3-channel images: the grayscale image times these
TEST_IMAGES = (0, 1)  # both have a flat zero background (max-pool windows tie there)
BASELINE_IMAGES = (100, 200, 300)  # training images: DeepLiftShap's baseline rows


# ----------------------------------------------------------------------------------------------
# Data


def read_idx(name):
    """An IDX file of the repository's Fashion-MNIST copy as a uint8 tensor."""
    with gzip.open(DATA / name, "rb") as f:
        raw = f.read()
    (magic,) = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim :]), dtype=torch.uint8).reshape(dims)


def load_split(split):
    """Images [N, 1, 28, 28] in [0, 1] (float32) and labels [N] (int64)."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{prefix}-images-idx3-ubyte.gz").float().div(255).unsqueeze(1)
    labels = read_idx(f"{prefix}-labels-idx1-ubyte.gz").long()
    return images, labels


def to_rgb(x):
    """[N, 1, H, W] grayscale to [N, 3, H, W]: channel c is x · RGB[c]."""
    return x * torch.tensor(RGB).view(1, 3, 1, 1)


# ----------------------------------------------------------------------------------------------
# Modules for what PyTorch does functionally (Captum hooks modules)


class Add(nn.Module):
    """a + b (TF.js `add`)."""

    def forward(self, a, b):
        return a + b


class Concat(nn.Module):
    """Channel concatenation (TF.js `concatenate`, NHWC last axis = NCHW axis 1)."""

    def forward(self, *xs):
        return torch.cat(xs, dim=1)


class GlobalAvgPool(nn.Module):
    """Mean over H and W (TF.js `globalAveragePooling2d`)."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class FlattenNhwc(nn.Module):
    """Flatten in NHWC order (h, w, c), as TF.js `flatten` on a NHWC tensor."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


# ----------------------------------------------------------------------------------------------
# Networks. Each has `tfjs_layers`: TF.js layer name -> PyTorch module whose output equals that
# layer's output (a fused activation is a separate module here), and `weights()`: TF.js weights.


def conv_kernel(w):
    """PyTorch conv weight [out, in, kh, kw] -> TF.js kernel [kh, kw, in, out]."""
    return w.permute(2, 3, 1, 0)


def depthwise_kernel(w, channels):
    """PyTorch depthwise weight [C·M, 1, kh, kw] -> TF.js depthwiseKernel [kh, kw, C, M]."""
    cm, _, kh, kw = w.shape
    return w.reshape(channels, cm // channels, kh, kw).permute(2, 3, 0, 1)


def dense_kernel(w):
    """PyTorch Linear weight [out, in] -> TF.js kernel [in, out]."""
    return w.t()


def batch_norm_weights(name, bn, scale=True):
    out = {}
    if scale:
        out[f"{name}/gamma"] = bn.weight
    out[f"{name}/beta"] = bn.bias
    out[f"{name}/moving_mean"] = bn.running_mean
    out[f"{name}/moving_variance"] = bn.running_var
    return out


class Functional(nn.Module):
    """(a) conv → BN → ReLU → max pool → residual [conv → relu] + Add → ReLU → pad → strided conv
    (fused relu) → global average pool → dropout → dense logits. Input [N, 1, 28, 28]."""

    input_shape = (1, 28, 28)
    softmax_output = False

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8, eps=BN_EPS)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.add = Add()
        self.relu3 = nn.ReLU()
        self.pad = nn.ZeroPad2d(1)
        self.conv3 = nn.Conv2d(8, 16, 3, stride=2)
        self.conv3_relu = nn.ReLU()
        self.gap = GlobalAvgPool()
        self.dropout = nn.Dropout(0.2)
        self.dense = nn.Linear(16, 10)
        self.tfjs_layers = {"conv3": self.conv3_relu}
        self.separate_hooks = False

    def link(self, t):
        """The identity; a separate tensor under `separate_hooks` (see separate_hooks)."""
        return t.clone() if self.separate_hooks else t

    def logits(self, x):
        p = self.pool1(self.link(self.relu1(self.bn1(self.conv1(x)))))
        r = self.relu2(self.conv2(p))
        a = self.relu3(self.add(p, r))
        c = self.conv3_relu(self.conv3(self.pad(a)))
        return self.dense(self.dropout(self.gap(c)))

    forward = logits

    def weights(self):
        return {
            "conv1/kernel": conv_kernel(self.conv1.weight),
            "conv1/bias": self.conv1.bias,
            **batch_norm_weights("bn1", self.bn1),
            "conv2/kernel": conv_kernel(self.conv2.weight),
            "conv2/bias": self.conv2.bias,
            "conv3/kernel": conv_kernel(self.conv3.weight),
            "conv3/bias": self.conv3.bias,
            "dense/kernel": dense_kernel(self.dense.weight),
            "dense/bias": self.dense.bias,
        }


class MobileNet(nn.Module):
    """(b) pad → strided conv → BN → ReLU6 → [depthwise ×2 → BN → ReLU6 → 1×1 projection] + Add
    (inverted residual) → separable conv (fused relu) → average pool → depthwise ×1 → BN → ReLU6
    → global average pool → dense softmax. Input [N, 3, 28, 28]."""

    input_shape = (3, 28, 28)
    softmax_output = True

    def __init__(self):
        super().__init__()
        self.pad0 = nn.ZeroPad2d(1)
        self.conv0 = nn.Conv2d(3, 8, 3, stride=2, bias=False)
        self.bn0 = nn.BatchNorm2d(8, eps=BN_EPS)
        self.relu0 = nn.ReLU6()
        self.dw1 = nn.Conv2d(8, 16, 3, padding=1, groups=8, bias=False)
        self.bn1 = nn.BatchNorm2d(16, eps=BN_EPS)
        self.relu1 = nn.ReLU6()
        self.proj1 = nn.Conv2d(16, 8, 1)
        self.add1 = Add()
        self.sep2_depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.sep2_pointwise = nn.Conv2d(8, 16, 1)
        self.sep2_relu = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2)
        self.dw3 = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False)
        self.bn3 = nn.BatchNorm2d(16, eps=BN_EPS)
        self.relu3 = nn.ReLU6()
        self.gap = GlobalAvgPool()
        self.dense = nn.Linear(16, 10)
        self.softmax = nn.Softmax(dim=1)
        self.tfjs_layers = {"sep2": self.sep2_relu}

    def logits(self, x):
        a = self.relu0(self.bn0(self.conv0(self.pad0(x))))
        b = self.proj1(self.relu1(self.bn1(self.dw1(a))))
        s = self.add1(a, b)
        c = self.sep2_relu(self.sep2_pointwise(self.sep2_depthwise(s)))
        d = self.relu3(self.bn3(self.dw3(self.pool2(c))))
        return self.dense(self.gap(d))

    def forward(self, x):
        return self.softmax(self.logits(x))

    def weights(self):
        return {
            "conv0/kernel": conv_kernel(self.conv0.weight),
            **batch_norm_weights("bn0", self.bn0),
            "dw1/depthwise_kernel": depthwise_kernel(self.dw1.weight, 8),
            **batch_norm_weights("bn1", self.bn1),
            "proj1/kernel": conv_kernel(self.proj1.weight),
            "proj1/bias": self.proj1.bias,
            "sep2/depthwise_kernel": depthwise_kernel(self.sep2_depthwise.weight, 8),
            "sep2/pointwise_kernel": conv_kernel(self.sep2_pointwise.weight),
            "sep2/bias": self.sep2_pointwise.bias,
            "dw3/depthwise_kernel": depthwise_kernel(self.dw3.weight, 16),
            **batch_norm_weights("bn3", self.bn3),
            "dense/kernel": dense_kernel(self.dense.weight),
            "dense/bias": self.dense.bias,
        }


class Inception(nn.Module):
    """(c) stem conv → LeakyReLU → max pool → inception block [1×1 → ELU | 1×1 → LeakyReLU → 3×3
    (fused elu) | 3×3 max pool stride 1 → 1×1 (fused relu)] → Concatenate → BN without scale →
    global average pool → dense logits. Input [N, 1, 28, 28]."""

    input_shape = (1, 28, 28)
    softmax_output = False

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 8, 3, padding=1)
        self.lrelu0 = nn.LeakyReLU(LEAKY_ALPHA)
        self.pool0 = nn.MaxPool2d(2)
        self.b1 = nn.Conv2d(8, 4, 1)
        self.b1_elu = nn.ELU()
        self.b2a = nn.Conv2d(8, 4, 1)
        self.b2a_lrelu = nn.LeakyReLU(LEAKY_ALPHA)
        self.b2b = nn.Conv2d(4, 6, 3, padding=1)
        self.b2b_elu = nn.ELU()
        self.b3pool = nn.MaxPool2d(3, stride=1, padding=1)
        self.b3 = nn.Conv2d(8, 4, 1)
        self.b3_relu = nn.ReLU()
        self.concat = Concat()
        # TF.js batchNormalization({scale: false}): no gamma, i.e. gamma fixed at 1.
        self.bn = nn.BatchNorm2d(14, eps=BN_EPS)
        self.bn.weight.requires_grad_(False)
        self.gap = GlobalAvgPool()
        self.dense = nn.Linear(14, 10)
        self.tfjs_layers = {"b2b": self.b2b_elu, "b3": self.b3_relu}
        self.separate_hooks = False

    def link(self, t):
        """The identity; a separate tensor under `separate_hooks` (see separate_hooks)."""
        return t.clone() if self.separate_hooks else t

    def logits(self, x):
        s = self.pool0(self.link(self.lrelu0(self.conv0(x))))
        y1 = self.b1_elu(self.b1(s))
        y2 = self.b2b_elu(self.b2b(self.b2a_lrelu(self.b2a(s))))
        y3 = self.b3_relu(self.b3(self.b3pool(self.link(s))))
        return self.dense(self.gap(self.bn(self.concat(y1, y2, y3))))

    forward = logits

    def weights(self):
        assert torch.all(self.bn.weight == 1)
        return {
            "conv0/kernel": conv_kernel(self.conv0.weight),
            "conv0/bias": self.conv0.bias,
            "b1/kernel": conv_kernel(self.b1.weight),
            "b1/bias": self.b1.bias,
            "b2a/kernel": conv_kernel(self.b2a.weight),
            "b2a/bias": self.b2a.bias,
            "b2b/kernel": conv_kernel(self.b2b.weight),
            "b2b/bias": self.b2b.bias,
            "b3/kernel": conv_kernel(self.b3.weight),
            "b3/bias": self.b3.bias,
            **batch_norm_weights("bn", self.bn, scale=False),
            "dense/kernel": dense_kernel(self.dense.weight),
            "dense/bias": self.dense.bias,
        }


class Dense(nn.Module):
    """(d) flat 784 → dense(32, fused sigmoid) → dense(16) → tanh → dense(10) logits."""

    input_shape = (784,)
    softmax_output = False

    def __init__(self):
        super().__init__()
        self.dense1 = nn.Linear(784, 32)
        self.dense1_sigmoid = nn.Sigmoid()
        self.dense2 = nn.Linear(32, 16)
        self.act2 = nn.Tanh()
        self.dense3 = nn.Linear(16, 10)
        self.tfjs_layers = {"dense1": self.dense1_sigmoid}

    def logits(self, x):
        return self.dense3(self.act2(self.dense2(self.dense1_sigmoid(self.dense1(x)))))

    forward = logits

    def weights(self):
        return {
            "dense1/kernel": dense_kernel(self.dense1.weight),
            "dense1/bias": self.dense1.bias,
            "dense2/kernel": dense_kernel(self.dense2.weight),
            "dense2/bias": self.dense2.bias,
            "dense3/kernel": dense_kernel(self.dense3.weight),
            "dense3/bias": self.dense3.bias,
        }


class TutorialCnn(nn.Module):
    """(e) The tutorial CNN (`lib/models/classifier.ts`): conv1 → ReLU → conv2 → ReLU → flatten
    (NHWC order) → dense logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(32, 16, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.flatten = FlattenNhwc()
        self.dense = nn.Linear(28 * 28 * 16, 10)

    def forward(self, x):
        return self.dense(self.flatten(self.relu2(self.conv2(self.relu1(self.conv1(x))))))


# ----------------------------------------------------------------------------------------------
# Conversions to the fixture's JSON


def to_nhwc(t):
    """A NCHW tensor (rank 4) to NHWC; other ranks unchanged."""
    return t.permute(0, 2, 3, 1) if t.dim() == 4 else t


def to_nchw(t):
    return t.permute(0, 3, 1, 2) if t.dim() == 4 else t


def packed(t):
    """{"shape", "dtype", "base64"}: a tensor's float32 values, row-major, little-endian bytes in
    base64 (exact, a third of the size of decimals, and one line that `deno fmt` leaves alone)."""
    t = t.detach().to(torch.float32).contiguous()
    data = t.numpy().astype("<f4").tobytes()
    return {"shape": list(t.shape), "dtype": "float32", "base64": base64.b64encode(data).decode()}


def packed_int(t):
    """As `packed`, int32 (feature and layer masks)."""
    data = t.detach().to(torch.int32).contiguous().numpy().astype("<i4").tobytes()
    return {"shape": list(t.shape), "dtype": "int32", "base64": base64.b64encode(data).decode()}


def listed(t, digits=9):
    """{"shape", "values"}: a tensor's values as decimals (float32 precision), row-major."""
    t = t.detach().to(torch.float32).contiguous()
    return {
        "shape": list(t.shape),
        "values": [float(f"{v:.{digits}g}") for v in t.reshape(-1).tolist()],
    }


def neuron_index_tfjs(index):
    """Captum's neuron selector (c, h, w) -> the TF.js NHWC index [h, w, c]; 1-D unchanged."""
    return [index[1], index[2], index[0]] if len(index) == 3 else list(index)


def image_options_to_tfjs(shape):
    """Captum CHW window/stride shape -> TF.js HWC; 1-D unchanged."""
    return [shape[1], shape[2], shape[0]] if len(shape) == 3 else list(shape)


@contextmanager
def rescale_relu6():
    """Captum's DeepLift with the Rescale rule applied to nn.ReLU6 (the DeepLift paper's rule)."""
    table = captum_deep_lift.SUPPORTED_NON_LINEAR
    table[nn.ReLU6] = captum_deep_lift.nonlinear
    try:
        yield
    finally:
        del table[nn.ReLU6]


def unpool_sum(values, indices, kernel_size, stride, padding, output_size):
    """max_unpool2d that adds the values of windows sharing an argmax instead of keeping one."""
    n, c, h, w = output_size
    out = torch.zeros(n, c, h * w, dtype=values.dtype)
    out.scatter_add_(2, indices.reshape(n, c, -1), values.reshape(n, c, -1))
    return out.view(n, c, h, w)


def maxpool2d_summed(module, inputs, outputs, grad_input, grad_output, eps=1e-10):
    return captum_deep_lift.maxpool(
        module, F.max_pool2d, unpool_sum, inputs, outputs, grad_input, grad_output, eps=eps
    )


@contextmanager
def sum_max_pool_overlaps():
    """Captum's DeepLift max-pool rule with overlapping windows' contributions added.

    Stock Captum routes each window's `dy · Δout` to its argmax with max_unpool2d, which keeps
    one value where windows overlap on the same argmax (3×3 stride-1 pooling) and drops the
    others, so the attributions no longer sum to F(x) − F(x′). Adding them (what the max-pool
    gradient does, and this library's rule) restores the sum."""
    table = captum_deep_lift.SUPPORTED_NON_LINEAR
    stock = table[nn.MaxPool2d]
    table[nn.MaxPool2d] = maxpool2d_summed
    try:
        yield
    finally:
        table[nn.MaxPool2d] = stock


@contextmanager
def separate_hooks(model):
    """Captum's DeepLift with each hooked nonlinearity reading its own input tensor.

    Captum hooks a nonlinearity's input *tensor*: a hook reads the gradient arriving there and
    replaces it with the DeepLift multipliers. Where that tensor is also the output of another
    hooked nonlinearity (ReLU → MaxPool) the upstream module captures its output gradient before
    the downstream hook has replaced it (hooks run in registration order), so the upstream rule
    works on the plain max-pool gradient; where the tensor also feeds other layers (the inception
    stem feeding b1, b2a and b3pool) the replacement drops their gradients. Passing the tensor
    through an identity (`clone`) first gives each hook its own tensor, and DeepLift's chain rule
    of multipliers holds."""
    model.separate_hooks = True
    try:
        yield
    finally:
        model.separate_hooks = False


def deep_lift_variants(model):
    """The principled variant of this model's DeepLift family, as [(suffix, context)], or []: the
    suffix names each fix applied (_rescaleRelu6, _chainRule, _sumMaxPoolOverlaps)."""
    fixes = []
    if any(isinstance(m, nn.ReLU6) for m in model.modules()):
        fixes.append(("_rescaleRelu6", rescale_relu6))
    if hasattr(model, "separate_hooks"):
        fixes.append(("_chainRule", lambda: separate_hooks(model)))
    if any(isinstance(m, nn.MaxPool2d) and _stride(m) < _size(m) for m in model.modules()):
        fixes.append(("_sumMaxPoolOverlaps", sum_max_pool_overlaps))
    if not fixes:
        return []

    @contextmanager
    def all_fixes():
        with ExitStack() as stack:
            for _, context in fixes:
                stack.enter_context(context())
            yield

    return [("".join(suffix for suffix, _ in fixes), all_fixes)]


def _size(m):
    k = m.kernel_size
    return k if isinstance(k, int) else min(k)


def _stride(m):
    s = m.stride
    return s if isinstance(s, int) else min(s)


# ----------------------------------------------------------------------------------------------
# Training


def train(model, images, labels, steps, lr=2e-3):
    """`steps` Adam steps on consecutive batches of 64 (no shuffle), train mode."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    for step in range(steps):
        x = images[step * BATCH : (step + 1) * BATCH]
        y = labels[step * BATCH : (step + 1) * BATCH]
        optimizer.zero_grad()
        loss = F.cross_entropy(model.logits(x), y)
        loss.backward()
        optimizer.step()
    model.eval()


def accuracy(model, images, labels):
    with torch.no_grad():
        return (model.logits(images).argmax(1) == labels).float().mean().item()


# ----------------------------------------------------------------------------------------------
# Parity fixtures (networks a–d)


class Recorder:
    """Collects the cases of one network's fixture."""

    def __init__(self, model, inputs, targets, baselines, variants):
        self.model = model
        self.inputs = inputs
        self.targets = targets
        self.baselines = baselines
        self.variants = variants
        self.cases = {}

    def add(self, name, method, options, run, layer=None, deep_lift=False, with_delta=False,
            sums_to_output_change=False):
        """Record Captum's output of `run()` (a tensor, a tuple of tensors for a multi-input
        layer, or (attributions, delta) when `with_delta`) under `name`; for a DeepLift-family
        case, also under `name + suffix` for each principled variant (see deep_lift_variants).
        `sums_to_output_change`: the attributions must sum to F(x) − F(x′) (DeepLift on a logit
        network, at the inputs or at a layer every path to the output passes through)."""
        variants = [("", None)]
        if deep_lift:
            variants += self.variants
        results = {}
        for suffix, context in variants:
            if context is None:
                out = run()
            else:
                with context():
                    out = run()
            delta = None
            if with_delta:
                out, delta = out
            case = {"method": method, "options": options}
            if sums_to_output_change and not self.model.softmax_output:
                case["sumsToOutputChange"] = True
            if layer is not None:
                case["layer"] = layer
            if isinstance(out, tuple):
                case["references"] = [packed(to_nhwc(t)) for t in out]
            else:
                case["reference"] = packed(to_nhwc(out))
            if delta is not None:
                case["delta"] = packed(delta)
            if suffix:
                case["variantOf"] = name
            self.cases[name + suffix] = case
            results[suffix] = out
        for suffix, _ in variants[1:]:
            a, b = results[""], results[suffix]
            a = a if isinstance(a, tuple) else (a,)
            b = b if isinstance(b, tuple) else (b,)
            diff = max((x - y).abs().max().item() for x, y in zip(a, b))
            scale = max(y.abs().max().item() for y in b)
            assert scale > 0, f"{name}{suffix}: all-zero attributions"
            if diff <= 1e-6 * scale:
                # The rule is not on this case's path (e.g. a layer after the pooling).
                del self.cases[name + suffix]
            else:
                # The relative difference between Captum's stock output and the variant.
                self.cases[name + suffix]["stockDiffers"] = diff / scale
        stored = self.cases[name]
        outs = results[""] if isinstance(results[""], tuple) else (results[""],)
        assert any(bool(o.abs().max() > 0) for o in outs), \
            f"{name}: Captum's attributions are all zero; pick another neuron or layer"


def patch_mask(shape, patch):
    """Ids of `patch`×`patch` spatial patches, shared by the channels: NCHW [1, C, H, W], or for a
    flat [1, F] input/layer groups of consecutive features laid out as a square image (h, w)."""
    if len(shape) == 3:
        c, h, w = shape
        cols = (w + patch - 1) // patch
        ids = torch.arange(h).div(patch, rounding_mode="floor").view(h, 1) * cols + torch.arange(
            w
        ).div(patch, rounding_mode="floor").view(1, w)
        return ids.view(1, 1, h, w).expand(1, c, h, w).contiguous()
    (f,) = shape
    side = int(round(f**0.5))
    if side * side == f:
        return patch_mask((1, side, side), patch).reshape(1, f)
    return torch.arange(f).div(patch, rounding_mode="floor").view(1, f)


def pick_neuron(model, module, inputs, channels=None):
    """The neuron (NCHW index without batch) the inputs drive most: the largest, over both
    images, min of |a(x)| and |a(x) − a(0)| (so it is active at x, e.g. past its ReLU, and
    differs from the zero baseline). `channels` restricts the choice (e.g. to one branch)."""
    activation = LayerActivation(model, module)
    value = activation.attribute(inputs).detach()
    change = value - activation.attribute(torch.zeros_like(inputs)).detach()
    score = torch.minimum(value.abs(), change.abs()).min(dim=0).values
    if channels is not None:
        keep = torch.zeros(score.shape[0], dtype=torch.bool)
        keep[list(channels)] = True
        score = torch.where(keep.view(-1, *([1] * (score.dim() - 1))), score, torch.zeros(()))
    flat = int(score.reshape(-1).argmax())
    index = []
    for size in reversed(score.shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


def record_network(name, net_cls, seed, spec):
    torch.manual_seed(seed)
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("test")
    if net_cls.input_shape[0] == 3:
        train_x, test_x = to_rgb(train_x), to_rgb(test_x)
    if len(net_cls.input_shape) == 1:
        train_x, test_x = train_x.reshape(-1, 784), test_x.reshape(-1, 784)
    model = net_cls()
    train(model, train_x, train_y, TRAIN_STEPS)
    acc = accuracy(model, test_x[:2000], test_y[:2000])
    inputs = test_x[list(TEST_IMAGES)].clone()
    targets = [int(test_y[i]) for i in TEST_IMAGES]
    baselines = train_x[list(BASELINE_IMAGES)].clone()
    rec = Recorder(model, inputs, targets, baselines, deep_lift_variants(model))
    image = len(net_cls.input_shape) == 3
    with torch.no_grad():
        outputs = model(inputs)
        zero_outputs = model(torch.zeros_like(inputs[:1]))
        baseline_outputs = model(baselines)
    feature_mask = patch_mask(net_cls.input_shape, 4)
    window = (net_cls.input_shape[0], 4, 4) if image else (16,)
    stride = (net_cls.input_shape[0], 2, 2) if image else (8,)
    t = targets
    x = inputs
    b = baselines

    def module(layer):
        return model.tfjs_layers.get(layer) or getattr(model, layer)

    # Primary methods.
    ig = {"nSteps": N_STEPS, "method": "gausslegendre", "baselines": 0, "target": "$targets"}
    rec.add("IntegratedGradients", "IntegratedGradients", ig, with_delta=True, run=
            lambda: IntegratedGradients(model).attribute(
                x, target=t, n_steps=N_STEPS, method="gausslegendre",
                return_convergence_delta=True))
    rec.add("Saliency", "Saliency", {"target": "$targets", "abs": True},
            lambda: Saliency(model).attribute(x, target=t, abs=True))
    rec.add("InputXGradient", "InputXGradient", {"target": "$targets"},
            lambda: InputXGradient(model).attribute(x, target=t))
    rec.add("DeepLift", "DeepLift", {"target": "$targets", "baselines": 0},
            lambda: DeepLift(model).attribute(x, target=t, return_convergence_delta=True),
            deep_lift=True, with_delta=True, sums_to_output_change=True)
    rec.add("DeepLiftShap", "DeepLiftShap", {"target": "$targets", "baselines": "$baselines"},
            lambda: DeepLiftShap(model).attribute(x, b, target=t, return_convergence_delta=True),
            deep_lift=True, with_delta=True, sums_to_output_change=True)
    rec.add("GuidedBackprop", "GuidedBackprop", {"target": "$targets"},
            lambda: GuidedBackprop(model).attribute(x, target=t))
    rec.add("Deconvolution", "Deconvolution", {"target": "$targets"},
            lambda: Deconvolution(model).attribute(x, target=t))
    if spec.get("grad_cam_layer"):
        layer = spec["grad_cam_layer"]
        rec.add(f"GuidedGradCam@{layer}", "GuidedGradCam", {"target": "$targets"},
                lambda: GuidedGradCam(model, module(layer)).attribute(x, target=t), layer=layer)
    rec.add("Occlusion", "Occlusion",
            {"target": "$targets", "baselines": 0,
             "slidingWindowShapes": image_options_to_tfjs(window),
             "strides": image_options_to_tfjs(stride)},
            lambda: Occlusion(model).attribute(
                x, sliding_window_shapes=window, strides=stride, baselines=0, target=t))
    rec.add("FeatureAblation", "FeatureAblation",
            {"target": "$targets", "baselines": 0, "featureMask": "$featureMask"},
            lambda: FeatureAblation(model).attribute(
                x, target=t, baselines=0, feature_mask=feature_mask))
    if model.softmax_output:
        # What Captum's softmax rule gives: Σ DeepLift attributions vs F(x) − F(0).
        summation = {}
        for suffix, context in [("", None), *rec.variants]:
            def run():
                return DeepLift(model).attribute(x, target=t, return_convergence_delta=True)
            if context is None:
                attr, delta = run()
            else:
                with context():
                    attr, delta = run()
            change = outputs[range(2), t] - zero_outputs[0, t]
            summation["DeepLift" + suffix] = {
                "outputChange": [float(v) for v in change],
                "attributionSum": [float(v) for v in attr.sum(dim=(1, 2, 3))],
                "delta": [float(v) for v in delta],
            }

    # Layer methods at the layers that matter.
    for layer in spec["layers"]:
        m = module(layer)
        shape = LayerActivation(model, m).attribute(x).shape[1:]
        layer_mask = patch_mask(tuple(shape), 2)
        # A layer on one of parallel branches carries only its branch's share of F(x) − F(x′).
        cut = layer not in spec.get("branch_layers", ())
        rec.add(f"LayerActivation@{layer}", "LayerActivation", {}, layer=layer,
                run=lambda: LayerActivation(model, m).attribute(x))
        rec.add(f"LayerGradientXActivation@{layer}", "LayerGradientXActivation",
                {"target": "$targets"}, layer=layer,
                run=lambda: LayerGradientXActivation(model, m).attribute(x, target=t))
        rec.add(f"LayerGradCam@{layer}", "LayerGradCam", {"target": "$targets"}, layer=layer,
                run=lambda: LayerGradCam(model, m).attribute(x, target=t))
        rec.add(f"LayerIntegratedGradients@{layer}", "LayerIntegratedGradients",
                {**ig}, layer=layer, with_delta=True,
                run=lambda: LayerIntegratedGradients(model, m).attribute(
                    x, target=t, n_steps=N_STEPS, method="gausslegendre",
                    return_convergence_delta=True))
        rec.add(f"LayerConductance@{layer}", "LayerConductance", {**ig}, layer=layer,
                with_delta=True,
                run=lambda: LayerConductance(model, m).attribute(
                    x, target=t, n_steps=N_STEPS, method="gausslegendre",
                    return_convergence_delta=True))
        rec.add(f"InternalInfluence@{layer}", "InternalInfluence", {**ig}, layer=layer,
                run=lambda: InternalInfluence(model, m).attribute(
                    x, target=t, n_steps=N_STEPS, method="gausslegendre"))
        rec.add(f"LayerDeepLift@{layer}", "LayerDeepLift", {"target": "$targets", "baselines": 0},
                layer=layer, deep_lift=True, with_delta=True, sums_to_output_change=cut,
                run=lambda: LayerDeepLift(model, m).attribute(
                    x, target=t, return_convergence_delta=True))
        rec.add(f"LayerDeepLiftShap@{layer}", "LayerDeepLiftShap",
                {"target": "$targets", "baselines": "$baselines"}, layer=layer, deep_lift=True,
                with_delta=True, sums_to_output_change=cut,
                run=lambda: LayerDeepLiftShap(model, m).attribute(
                    x, b, target=t, return_convergence_delta=True))
        rec.add(f"LayerFeatureAblation@{layer}", "LayerFeatureAblation",
                {"target": "$targets", "layerBaselines": 0,
                 "layerMask": packed_int(to_nhwc(layer_mask))}, layer=layer,
                run=lambda: LayerFeatureAblation(model, m).attribute(
                    x, target=t, layer_mask=layer_mask))

    # A merge layer's input: Captum attributes to each of its input tensors (a tuple).
    merge = spec["merge"]
    if merge:
        m = module(merge)
        rec.add(f"LayerActivation@{merge}:input", "LayerActivation",
                {"attributeToLayerInput": True}, layer=merge,
                run=lambda: LayerActivation(model, m).attribute(x, attribute_to_layer_input=True))
        rec.add(f"LayerGradientXActivation@{merge}:input", "LayerGradientXActivation",
                {"target": "$targets", "attributeToLayerInput": True}, layer=merge,
                run=lambda: LayerGradientXActivation(model, m).attribute(
                    x, target=t, attribute_to_layer_input=True))
        rec.add(f"LayerDeepLift@{merge}:input", "LayerDeepLift",
                {"target": "$targets", "baselines": 0, "attributeToLayerInput": True},
                layer=merge, deep_lift=True,
                run=lambda: LayerDeepLift(model, m).attribute(
                    x, target=t, attribute_to_layer_input=True))

    # Neuron methods.
    neurons = {}
    for layer in spec["neuron_layers"]:
        m = module(layer)
        index = pick_neuron(model, m, x, spec.get("neuron_channels", {}).get(layer))
        neurons[layer] = neuron_index_tfjs(index)
        sel = {"neuronSelector": neuron_index_tfjs(index)}
        rec.add(f"NeuronGradient@{layer}", "NeuronGradient", {**sel}, layer=layer,
                run=lambda: NeuronGradient(model, m).attribute(x, index))
        rec.add(f"NeuronIntegratedGradients@{layer}", "NeuronIntegratedGradients",
                {**sel, "nSteps": N_STEPS, "method": "gausslegendre", "baselines": 0},
                layer=layer,
                run=lambda: NeuronIntegratedGradients(model, m).attribute(
                    x, index, n_steps=N_STEPS, method="gausslegendre"))
        rec.add(f"NeuronConductance@{layer}", "NeuronConductance",
                {**sel, "target": "$targets", "nSteps": N_STEPS, "method": "riemann_trapezoid",
                 "baselines": 0},
                layer=layer,
                run=lambda: NeuronConductance(model, m).attribute(
                    x, index, target=t, n_steps=N_STEPS, method="riemann_trapezoid"))
        rec.add(f"NeuronDeepLift@{layer}", "NeuronDeepLift", {**sel, "baselines": 0},
                layer=layer, deep_lift=True,
                run=lambda: NeuronDeepLift(model, m).attribute(x, index))
        rec.add(f"NeuronDeepLiftShap@{layer}", "NeuronDeepLiftShap",
                {**sel, "baselines": "$baselines"}, layer=layer, deep_lift=True,
                run=lambda: NeuronDeepLiftShap(model, m).attribute(x, index, b))
        rec.add(f"NeuronGuidedBackprop@{layer}", "NeuronGuidedBackprop", {**sel}, layer=layer,
                run=lambda: NeuronGuidedBackprop(model, m).attribute(x, index))
        rec.add(f"NeuronDeconvolution@{layer}", "NeuronDeconvolution", {**sel}, layer=layer,
                run=lambda: NeuronDeconvolution(model, m).attribute(x, index))
        rec.add(f"NeuronFeatureAblation@{layer}", "NeuronFeatureAblation",
                {**sel, "baselines": 0, "featureMask": "$featureMask"}, layer=layer,
                run=lambda: NeuronFeatureAblation(model, m).attribute(
                    x, index, baselines=0, feature_mask=feature_mask))

    fixture = {
        "about": (
            f"Captum {captum.__version__} (PyTorch {torch.__version__}) on the '{name}' parity "
            "network of fixtures/networks.ts, trained "
            f"{TRAIN_STEPS} Adam steps; written by scripts/captum_fixtures.py. NHWC throughout."
        ),
        "network": name,
        "test_accuracy": acc,
        "weights": {k: packed(v) for k, v in model.weights().items()},
        "inputs": packed(to_nhwc(inputs)),
        "targets": targets,
        "outputs": packed(outputs),
        "baselines": packed(to_nhwc(baselines)),
        "baselineOutputs": packed(baseline_outputs),
        "zeroOutputs": packed(zero_outputs),
        "featureMask": packed_int(to_nhwc(feature_mask)),
        "neurons": neurons,
        "cases": rec.cases,
    }
    if model.softmax_output:
        fixture["softmaxSummation"] = summation
    return fixture


NETWORKS = {
    "functional": (Functional, 1, {
        "layers": ["conv3", "add", "pool1"],
        "merge": "add",
        "neuron_layers": ["conv3", "add"],
        "grad_cam_layer": "conv3",
    }),
    "mobilenet": (MobileNet, 2, {
        "layers": ["sep2", "add1", "pool2"],
        "merge": "add1",
        "neuron_layers": ["sep2", "relu1"],
        "grad_cam_layer": "sep2",
    }),
    "inception": (Inception, 3, {
        "layers": ["b2b", "concat", "b3pool"],
        "branch_layers": ["b2b", "b3pool"],
        "merge": "concat",
        "neuron_layers": ["concat"],
        "neuron_channels": {"concat": range(10, 14)},  # the b3 branch (through b3pool)
        "grad_cam_layer": "b2b",
    }),
    "dense": (Dense, 4, {
        "layers": ["dense1", "act2"],
        "merge": None,
        "neuron_layers": ["dense1"],
        "grad_cam_layer": None,
    }),
}


# ----------------------------------------------------------------------------------------------
# The tutorial CNN (same fields as the former shared captum_seed_cnn.json)


def median_ms(fn, min_runs=5, max_runs=30, budget_s=2.0):
    fn()  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (len(times) < max_runs and time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def record_tutorial_cnn():
    torch.manual_seed(0)
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("test")
    model = TutorialCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    batches = (len(train_x) + BATCH - 1) // BATCH
    start = time.perf_counter()
    for i in range(batches):
        xb, yb = train_x[i * BATCH : (i + 1) * BATCH], train_y[i * BATCH : (i + 1) * BATCH]
        optimizer.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    train_it_per_s = batches / (time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        test_accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()

    inputs = test_x[list(TEST_IMAGES)].clone()
    targets = [int(test_y[i]) for i in TEST_IMAGES]
    x0, x1 = inputs[:1], inputs[1:]
    t0, t1 = targets
    zeros = torch.zeros_like(x1)
    batch64 = test_x[:64]
    target64 = test_y[:64].tolist()

    def seeded(fn):
        def run():
            # Captum draws GradientShap's alphas with numpy, the rest with torch: seed both.
            torch.manual_seed(0)
            numpy.random.seed(0)
            return fn()
        return run

    entries = {
        "IntegratedGradients": lambda: IntegratedGradients(model).attribute(x0, target=t0),
        "GradientShap": seeded(lambda: GradientShap(model).attribute(x1, zeros, target=t1)),
        "GuidedGradCam": lambda: GuidedGradCam(model, model.conv2).attribute(x1, target=t1),
        "DeepLift": lambda: DeepLift(model).attribute(x1, target=t1),
        "KernelShap": seeded(lambda: KernelShap(model).attribute(x1, target=t1, n_samples=25)),
        "LayerGradCam_conv2": lambda: LayerGradCam(model, model.conv2).attribute(x1, target=t1),
        "LayerGradCam_conv1": lambda: LayerGradCam(model, model.conv1).attribute(x1, target=t1),
        "LayerDeepLift_conv1": lambda: LayerDeepLift(model, model.conv1).attribute(x1, target=t1),
        "LayerIntegratedGradients_conv1": lambda: LayerIntegratedGradients(
            model, model.conv1).attribute(x1, target=t1),
        "NeuronGradient": lambda: NeuronGradient(model, model.conv1).attribute(x1, (0, 15, 15)),
        "NeuronIntegratedGradients": lambda: NeuronIntegratedGradients(
            model, model.conv1).attribute(x1, (0, 15, 15)),
        "NeuronGradientShap": seeded(lambda: NeuronGradientShap(model, model.conv2).attribute(
            x1, (15, 15, 15), zeros)),
        "Saliency": lambda: Saliency(model).attribute(x1, target=t1),
        "InputXGradient": lambda: InputXGradient(model).attribute(x1, target=t1),
        "GuidedBackprop": lambda: GuidedBackprop(model).attribute(x1, target=t1),
        "Occlusion_4x4": lambda: Occlusion(model).attribute(
            x1, sliding_window_shapes=(1, 4, 4), strides=(1, 2, 2), baselines=0, target=t1),
    }
    # GradientShap's stored output is a 200-sample estimate (close to its expectation, which a
    # reimplementation with other random draws can be compared with); its captum_ms times
    # Captum's default 5-sample call, as for every other entry.
    outputs = {
        **entries,
        "GradientShap": seeded(
            lambda: GradientShap(model).attribute(x1, zeros, target=t1, n_samples=200)
        ),
    }
    captum_outputs = {
        name: [[[[float(f"{v:.9g}") for v in row] for row in c] for c in n]
               for n in fn().detach().tolist()]
        for name, fn in outputs.items()
    }
    captum_outputs["IntegratedGradients_batch64"] = None
    captum_ms = {name: median_ms(fn) for name, fn in entries.items()}
    captum_ms["IntegratedGradients_batch64"] = median_ms(
        lambda: IntegratedGradients(model).attribute(batch64, target=target64), 2, 3, 0)

    weights = {
        "conv1/kernel": conv_kernel(model.conv1.weight),
        "conv1/bias": model.conv1.bias,
        "conv2/kernel": conv_kernel(model.conv2.weight),
        "conv2/bias": model.conv2.bias,
        "dense/kernel": dense_kernel(model.dense.weight),
        "dense/bias": model.dense.bias,
    }
    return {
        "about": (
            "Seed CNN trained 1 epoch in PyTorch; weights in tfjs layout (NHWC). Inputs NCHW as "
            "Captum saw them; outputs NCHW. Written by scripts/captum_fixtures.py "
            f"(Captum {captum.__version__}, PyTorch {torch.__version__})."
        ),
        "threads": torch.get_num_threads(),
        "train_it_per_s": train_it_per_s,
        "test_accuracy": test_accuracy,
        "weights": {k: listed(v) for k, v in weights.items()},
        "inputs": inputs.tolist(),
        "targets": targets,
        "captum": captum_outputs,
        "captum_ms": captum_ms,
    }


def write(name, fixture):
    """Write the fixture, laid out by `deno fmt` (the repository's formatter) when it is found."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    deno = shutil.which("deno")
    if deno:
        subprocess.run([deno, "fmt", "--quiet", str(path)], cwd=ROOT, check=True)
    else:
        print(f"  deno not found: run `deno fmt {path.relative_to(ROOT)}`", flush=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.2f} MB)", flush=True)


def main(argv):
    warnings.filterwarnings("ignore", category=UserWarning)  # Captum's notes on hooks
    torch.set_num_threads(1)
    # Captum's max-pool rule calls max_unpool2d, which PyTorch does not mark deterministic; on
    # one CPU thread it is (a shared argmax keeps the last window's value, in loop order).
    torch.use_deterministic_algorithms(True, warn_only=True)
    names = argv or [*NETWORKS, "tutorial_cnn"]
    for name in names:
        t0 = time.perf_counter()
        if name == "tutorial_cnn":
            fixture = record_tutorial_cnn()
        else:
            net_cls, seed, spec = NETWORKS[name]
            fixture = record_network(name, net_cls, seed, spec)
        write(name, fixture)
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
