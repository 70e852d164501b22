"""Captum reference fixture for the robustness parity test: `fixtures/captum/robust.json`.

Runs Captum's FGSM and PGD (no random start; Linf and L2; targeted and untargeted) on the PyTorch
twins of the four parity networks (`scripts/captum_fixtures.py`), with the weights stored in
their fixtures (`fixtures/captum/<network>.json`), on the fixtures' two test images. Images are
in [0, 1], so the attacks are bounded to [0, 1]. The logit networks use
`CrossEntropyLoss(reduction="none")`; the softmax one (mobilenet) Captum's default loss,
−log(output[target]).

    PYTHONPATH=/path/to/captum python3 scripts/captum_robust_fixtures.py
"""

import base64
import warnings
import json
import sys
from pathlib import Path

import numpy
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import captum_fixtures as cf  # noqa: E402  (the networks and conversions)
from captum.robust import FGSM, PGD  # noqa: E402

FGSM_EPSILON = 0.05
PGD_STEP_SIZE = 0.02
PGD_STEP_NUM = 5
RADIUS = {"Linf": 0.06, "L2": 0.5}


def unpacked(stored):
    """A fixture's stored tensor (base64 little-endian float32) as a torch tensor."""
    data = numpy.frombuffer(base64.b64decode(stored["base64"]), dtype="<f4")
    return torch.from_numpy(data.copy()).reshape(stored["shape"])


def load_twin(name):
    """The network's PyTorch twin with the fixture's weights, and the fixture itself."""
    fixture = json.loads((cf.OUT / f"{name}.json").read_text())
    net_cls = cf.NETWORKS[name][0]
    model = net_cls()
    with torch.no_grad():
        # `weights()` returns views (permutations, transposes) of the parameters in TF.js layout:
        # copying the stored weights into them sets the parameters.
        for key, view in model.weights().items():
            view.copy_(unpacked(fixture["weights"][key]))
    model.eval()
    return model, fixture


def record(name):
    model, fixture = load_twin(name)
    inputs = cf.to_nchw(unpacked(fixture["inputs"]))
    with torch.no_grad():
        outputs = model(inputs)
    stored_outputs = unpacked(fixture["outputs"])
    err = (outputs - stored_outputs).abs().max().item()
    assert err < 1e-4, f"{name}: the twin's outputs differ from the fixture's by {err}"
    targets = fixture["targets"]
    other = [(t + 1) % 10 for t in targets]
    loss = None if model.softmax_output else nn.CrossEntropyLoss(reduction="none")
    bounds = {"lower_bound": 0.0, "upper_bound": 1.0}
    fgsm = FGSM(model, loss, **bounds)
    pgd = PGD(model, loss, **bounds)
    cases = {}

    def add(case, method, options, run):
        perturbed = run()
        cases[case] = {
            "method": method,
            "options": options,
            "perturbed": cf.packed(cf.to_nhwc(perturbed)),
        }

    for targeted, target in ((False, targets), (True, other)):
        kind = "targeted" if targeted else "untargeted"
        add(f"FGSM {kind}", "FGSM",
            {"epsilon": FGSM_EPSILON, "target": target, "targeted": targeted},
            lambda: fgsm.perturb(inputs, FGSM_EPSILON, torch.tensor(target), targeted=targeted))
        for norm, radius in RADIUS.items():
            add(f"PGD {norm} {kind}", "PGD",
                {"radius": radius, "stepSize": PGD_STEP_SIZE, "stepNum": PGD_STEP_NUM,
                 "target": target, "targeted": targeted, "norm": norm},
                lambda: pgd.perturb(inputs, radius, PGD_STEP_SIZE, PGD_STEP_NUM, torch.tensor(target),
                                    targeted=targeted, norm=norm))
    changed = {c: int((cf.to_nchw(unpacked(v["perturbed"])) != inputs).sum()) for c, v in cases.items()}
    print(f"  {name}: output error {err:.1e}; elements changed {changed}", flush=True)
    return {
        "loss": "negativeLog" if loss is None else "crossEntropy",
        "lowerBound": 0.0,
        "upperBound": 1.0,
        "cases": cases,
    }


def main():
    warnings.filterwarnings("ignore", category=UserWarning)  # Captum: "did not require gradients"
    torch.set_num_threads(1)
    fixture = {
        "about": "Captum FGSM and PGD on the parity networks (scripts/captum_robust_fixtures.py); "
                 "inputs, targets and weights are those of fixtures/captum/<network>.json; "
                 "perturbed inputs are NHWC.",
        "captum": cf.captum.__version__,
        "torch": torch.__version__,
        "networks": {name: record(name) for name in cf.NETWORKS},
    }
    cf.write("robust", fixture)


if __name__ == "__main__":
    main()
