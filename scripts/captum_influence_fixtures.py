"""Captum reference fixture for the data influence parity tests: `fixtures/captum/influence.json`.

A small MLP (`fc1` Linear(6, 5) → `relu` → `fc2` Linear(5, 3)), two checkpoints with learning
rates 0.5 and 0.25, 16 training and 3 test examples (seeded Gaussian inputs, labels 0–2), and
Captum's outputs of:

- `TracInCP` over all parameters and over `fc2` only, with `CrossEntropyLoss(reduction="sum")`
  and `sample_wise_grads_per_batch=True` (and, as cross-checks, `reduction="mean"` and
  `reduction="none"` with `sample_wise_grads_per_batch=False`): the influence matrix, the top-3
  proponents and opponents, and the self-influence of the training data;
- `TracInCPFast` on `fc2`: the same three;
- `SimilarityInfluence` at `fc1` and `fc2`: cosine (max) and Euclidean (min), top 3.

Weights are stored in TF.js layout (dense kernels `[in, out]`). Rerun (a few seconds):

    PYTHONPATH=/tmp/captum /usr/bin/python3 scripts/captum_influence_fixtures.py
"""

import json
import os
import shutil
import subprocess
import tempfile

import torch
from torch import nn
from torch.utils.data import TensorDataset

from captum.influence import SimilarityInfluence, TracInCP, TracInCPFast
from captum.influence._core.similarity_influence import euclidean_distance

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "captum", "influence.json")
LEARNING_RATES = [0.5, 0.25]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 5)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def tfjs_weights(model):
    """The model's weights in TF.js order and layout: kernel [in, out], bias."""
    return [
        model.fc1.weight.detach().T.tolist(),
        model.fc1.bias.detach().tolist(),
        model.fc2.weight.detach().T.tolist(),
        model.fc2.bias.detach().tolist(),
    ]


def rows(t):
    return t.detach().tolist()


def top_k(result):
    return {"indices": rows(result.indices), "influence_scores": rows(result.influence_scores)}


def tracin_outputs(tracin, test):
    return {
        "influence": rows(tracin.influence(test)),
        "proponents": top_k(tracin.influence(test, k=3, proponents=True)),
        "opponents": top_k(tracin.influence(test, k=3, proponents=False)),
        "self_influence": rows(tracin.self_influence()),
    }


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_x = torch.randn(16, 6)
    train_y = torch.randint(0, 3, (16,))
    test_x = torch.randn(3, 6)
    test_y = torch.randint(0, 3, (3,))
    train = TensorDataset(train_x, train_y)
    test = (test_x, test_y)

    checkpoints = []
    with tempfile.TemporaryDirectory() as tmp:
        for c, rate in enumerate(LEARNING_RATES):
            torch.manual_seed(10 + c)
            state = Mlp().state_dict()
            path = os.path.join(tmp, f"checkpoint_{c}.pt")
            torch.save({"state": state, "learning_rate": rate}, path)
            checkpoints.append(path)

        def load(model, path):
            saved = torch.load(path)
            model.load_state_dict(saved["state"])
            return saved["learning_rate"]

        model = Mlp()
        weights = []
        for path in checkpoints:
            load(model, path)
            weights.append(tfjs_weights(model))

        def tracincp(loss, **kwargs):
            return TracInCP(model, train, checkpoints, load, loss_fn=loss, batch_size=4, **kwargs)

        captum = {
            "TracInCP": tracin_outputs(
                tracincp(nn.CrossEntropyLoss(reduction="sum"), sample_wise_grads_per_batch=True),
                test,
            ),
            "TracInCP_fc2": tracin_outputs(
                tracincp(
                    nn.CrossEntropyLoss(reduction="sum"),
                    sample_wise_grads_per_batch=True,
                    layers=["fc2"],
                ),
                test,
            ),
            "TracInCP_mean": tracin_outputs(
                tracincp(nn.CrossEntropyLoss(reduction="mean"), sample_wise_grads_per_batch=True),
                test,
            ),
            "TracInCP_none": tracin_outputs(
                tracincp(nn.CrossEntropyLoss(reduction="none"), sample_wise_grads_per_batch=False),
                test,
            ),
            "TracInCPFast": tracin_outputs(
                TracInCPFast(
                    model,
                    model.fc2,
                    train,
                    checkpoints,
                    load,
                    loss_fn=nn.CrossEntropyLoss(reduction="sum"),
                    batch_size=4,
                ),
                test,
            ),
        }

        # SimilarityInfluence at the last checkpoint's weights.
        load(model, checkpoints[-1])
        for name, metric, direction in [
            ("cosine", None, "max"),
            ("euclidean", euclidean_distance, "min"),
        ]:
            kwargs = {} if metric is None else {"similarity_metric": metric}
            similarity = SimilarityInfluence(
                model,
                ["fc1", "fc2"],
                TensorDataset(train_x),
                os.path.join(tmp, f"activations_{name}"),
                similarity_direction=direction,
                batch_size=4,
                **kwargs,
            )
            found = similarity.influence(test_x, top_k=3)
            captum[f"SimilarityInfluence_{name}"] = {
                layer: {"indices": rows(found[layer][0]), "similarities": rows(found[layer][1])}
                for layer in ["fc1", "fc2"]
            }

    fixture = {
        "about": "scripts/captum_influence_fixtures.py: Captum's captum.influence on a small MLP",
        "learning_rates": LEARNING_RATES,
        "checkpoint_weights": weights,
        "train_x": rows(train_x),
        "train_y": rows(train_y),
        "test_x": rows(test_x),
        "test_y": rows(test_y),
        "captum": captum,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    # Laid out by the repository's formatter, as scripts/captum_fixtures.py does.
    deno = shutil.which("deno")
    if deno:
        subprocess.run([deno, "fmt", "--quiet", OUT], check=True)
    else:
        print(f"deno not found: run `deno fmt {os.path.normpath(OUT)}`")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
