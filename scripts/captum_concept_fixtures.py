"""Reference fixture for the concept (TCAV) parity tests: `fixtures/captum/concept.json`.

Records what is deterministic in Captum's `captum.concept` and what it relies on:

- `tcav`: Captum's `TCAV.interpret` end to end on a small seeded MLP (weights stored in TF.js
  layout), four concepts of fixed examples, five experimental sets (two and three concepts, in
  and out of id order) at two layers, and at one layer's input (`attribute_to_layer_input`).
  Captum's default classifier is scikit-learn's shuffled SGD (its own random numbers), so the
  CAVs here come from a deterministic classifier: the difference between a concept's mean
  activation and the other examples' (`MeanDifference`; the test implements the same one).
  Everything else is Captum's: activations, labels, classes, layer gradients, scores.
- `sgd`: scikit-learn's `SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3)`, Captum's
  `DefaultClassifier` model, with `shuffle=False` (so that no random numbers are involved) on
  fixed data: `coef_`, `intercept_`, `n_iter_` for two and three classes, and a run capped at a
  few epochs.
- `ttest`: SciPy's `ttest_ind` (Student's and Welch's) on a few samples, the significance test
  of Captum's TCAV tutorial.

    PYTHONPATH=/path/to/captum /usr/bin/python3 scripts/captum_concept_fixtures.py
"""

import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy
import torch
from scipy.stats import ttest_ind
from sklearn.linear_model import SGDClassifier
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import captum_fixtures as cf  # noqa: E402  (the fixtures' writer)
from captum.concept import TCAV, Concept  # noqa: E402
from captum.concept._utils.classifier import Classifier  # noqa: E402


def nested(t, digits=9):
    """A tensor or array as nested lists of floats rounded to `digits` decimals."""
    if isinstance(t, torch.Tensor):
        t = t.detach().numpy()
    return json.loads(json.dumps(numpy.asarray(t, dtype=numpy.float64).round(digits).tolist()))


class MLP(nn.Module):
    """4 → fc1 (6) → relu1 → fc2 (5) → relu2 → fc3 (3): the TF.js twin uses the same names."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(6, 5)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))


class MeanDifference(Classifier):
    """Rows of mean(x | class c) − mean(x | not c); for two classes −w and w, w for the second."""

    def __init__(self):
        self._weights = None
        self._classes = None

    def train_and_eval(self, dataloader, **kwargs):
        xs, ys = zip(*dataloader)
        x = torch.cat(xs).double()
        y = torch.cat(ys)
        classes = sorted(set(y.tolist()))
        if len(classes) == 2:
            w = x[y == classes[1]].mean(0) - x[y == classes[0]].mean(0)
            self._weights = torch.stack([-w, w]).float()
        else:
            self._weights = torch.stack(
                [x[y == c].mean(0) - x[y != c].mean(0) for c in classes]
            ).float()
        self._classes = classes
        return {"accs": torch.tensor(1.0)}

    def weights(self):
        return self._weights

    def classes(self):
        return self._classes


def record_tcav():
    torch.manual_seed(0)
    model = MLP().eval()
    g = torch.Generator().manual_seed(1)
    # Concepts: examples around different centres, in batches of uneven sizes.
    centres = [[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0.5], [0.5, 0.5, 0, 1.0]]
    concept_batches = []
    for centre in centres:
        x = torch.tensor(centre) + 0.3 * torch.randn(7, 4, generator=g)
        concept_batches.append([x[:4], x[4:]])
    concepts = [
        Concept(i, name, batches)
        for i, (name, batches) in enumerate(zip(["a", "b", "c", "d"], concept_batches))
    ]
    inputs = torch.randn(8, 4, generator=g)
    targets = [0, 1, 2, 0, 1, 2, 0, 1]
    a, b, c, d = concepts
    sets = [[a, b], [a, c], [d, b], [c, a, b], [b, a]]
    scores = {}
    for name, layers, to_input in [
        ("outputs", ["fc1", "relu2"], False),
        ("inputs", ["fc2"], True),
    ]:
        with tempfile.TemporaryDirectory() as save_path:
            tcav = TCAV(
                model,
                layers,
                classifier=MeanDifference(),
                attribute_to_layer_input=to_input,
                save_path=save_path,
            )
            result = tcav.interpret(inputs, sets, target=targets)
        scores[name] = {
            key: {
                layer: {k: nested(v, 12) for k, v in per_layer.items()}
                for layer, per_layer in by_layer.items()
            }
            for key, by_layer in result.items()
        }
    weights = {
        "fc1": [nested(model.fc1.weight.T), nested(model.fc1.bias)],
        "fc2": [nested(model.fc2.weight.T), nested(model.fc2.bias)],
        "fc3": [nested(model.fc3.weight.T), nested(model.fc3.bias)],
    }
    return {
        "weights": weights,
        "concepts": [
            {"id": co.id, "name": co.name, "batches": [nested(b) for b in co.data_iter]}
            for co in concepts
        ],
        "sets": [[co.id for co in s] for s in sets],
        "inputs": nested(inputs),
        "targets": targets,
        "scores": scores,
    }


def record_sgd():
    rng = numpy.random.RandomState(0)
    cases = {}

    def case(name, x, y, max_iter=1000, tol=1e-3):
        clf = SGDClassifier(alpha=0.01, max_iter=max_iter, tol=tol, shuffle=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the capped run's ConvergenceWarning
            clf.fit(x, y)
        cases[name] = {
            "x": nested(x, 12),
            "y": [int(v) for v in y],
            "maxIter": max_iter,
            "tol": "-inf" if tol is None else tol,
            "classes": [int(v) for v in clf.classes_],
            "coef": nested(clf.coef_, 17),
            "intercept": nested(clf.intercept_, 17),
            "n_iter": int(clf.n_iter_),
        }

    # Two overlapping classes (ids 3 and 7), 30 examples of 5 features.
    x = rng.randn(30, 5).astype(numpy.float32)
    y = numpy.where(x[:, 0] + 0.5 * x[:, 1] + 0.3 * rng.randn(30) > 0, 7, 3)
    case("binary", x, y)
    # Three classes (ids 0, 2, 5) around different centres, 36 examples of 4 features.
    centres = numpy.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 1]], dtype=numpy.float32)
    labels = numpy.repeat([0, 2, 5], 12)
    x3 = (centres[numpy.repeat([0, 1, 2], 12)] + rng.randn(36, 4)).astype(numpy.float32)
    order = rng.permutation(36)
    case("three_class", x3[order], labels[order])
    # Capped at 4 epochs without the stopping rule (sklearn's tol=None).
    case("capped", x, y, max_iter=4, tol=None)
    return cases


def number(v):
    """A float for JSON: non-finite values as the strings "nan", "inf", "-inf"."""
    v = float(v)
    return v if numpy.isfinite(v) else str(v)


def record_ttest():
    samples = [
        ([0.62, 0.58, 0.71, 0.66, 0.55], [0.41, 0.52, 0.38, 0.47, 0.5]),
        ([1, 2, 3], [1.5, 2.5, 3.5, 10]),
        ([0.9, 0.91, 0.905, 0.93, 0.92, 0.91, 0.9], [0.1, 0.12, 0.2, 0.15, 0.11, 0.13, 0.1]),
        ([0.5, 0.51], [0.49, 0.52]),
        ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0]),
        ([0.3, 0.3], [0.3, 0.3]),
    ]
    out = []
    for a, b in samples:
        with numpy.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            student = ttest_ind(a, b)
            welch = ttest_ind(a, b, equal_var=False)
        out.append(
            {
                "a": a,
                "b": b,
                "student": [number(student.statistic), number(student.pvalue)],
                "welch": [number(welch.statistic), number(welch.pvalue)],
            }
        )
    return out


def main():
    torch.set_num_threads(1)
    fixture = {
        "about": "Captum's captum.concept (TCAV with a deterministic classifier), scikit-learn's "
        "SGDClassifier without shuffling, SciPy's ttest_ind; made by "
        "scripts/captum_concept_fixtures.py",
        "tcav": record_tcav(),
        "sgd": record_sgd(),
        "ttest": record_ttest(),
    }
    cf.write("concept", fixture)


if __name__ == "__main__":
    main()
