"""Captum reference fixture for the Summarizer family and DataLoaderAttribution:
`fixtures/captum/summarizer.json`.

Runs Captum's `Summarizer` (every stat), `ClassSummarizer` and `DataLoaderAttribution` (over a
`FeatureAblation` of a small tanh network) on seeded data, and stores the inputs, the network's
weights and Captum's outputs as nested lists. Batches are lists (Captum's tuple and single-tensor
batches do not run in Captum 0.8: the tuple path leaves `inputs_tuple` unset and a tensor batch
is iterated row by row).

    PYTHONPATH=/path/to/captum python3 scripts/captum_summarizer_fixtures.py

(then formats the JSON with `deno fmt`).
"""

import json
import subprocess
from pathlib import Path

import torch
from captum.attr import FeatureAblation
from captum.attr._core.dataloader_attr import DataLoaderAttribution
from captum.attr._utils.class_summarizer import ClassSummarizer
from captum.attr._utils.stat import Count, Max, Mean, Min, MSE, StdDev, Sum, Var
from captum.attr._utils.summarizer import Summarizer

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "captum" / "summarizer.json"


def as_list(value):
    if isinstance(value, torch.Tensor):
        return value.double().tolist()
    return value


def summary_json(summary):
    return {name: as_list(value) for name, value in summary.items()}


def summarizer_case(gen):
    updates = [torch.randn(2, 3, generator=gen) for _ in range(5)]
    stats = [Mean(), Var(), Var(order=1), StdDev(), StdDev(order=1), Min(), Max(), Sum(),
             Count(), MSE()]
    summ = Summarizer(stats)
    for x in updates:
        summ.update(x)
    return {"updates": [x.tolist() for x in updates], "summary": summary_json(summ.summary)}


def class_summarizer_case(gen):
    batches = [torch.randn(4, 3, generator=gen) for _ in range(3)]
    labels = [[0, 1, 1, 2], [2, 2, 0, 1], [1, 0, 0, 0]]
    summ = ClassSummarizer([Mean(), Var(order=1), Max(), Count()])
    for x, y in zip(batches, labels):
        # Labels as a list: Captum keys a tensor's labels by the 0-d tensors themselves (hashed
        # by identity), so each example would get a class of its own.
        summ.update(x, y)
    # Captum's labeled updates summarize 1-tuples, so each summary is a one-element list.
    return {
        "batches": [x.tolist() for x in batches],
        "labels": labels,
        "summary": summary_json(summ.summary[0]),
        "class_summaries": {
            str(int(k)): summary_json(v[0]) for k, v in summ.class_summaries.items()
        },
    }


class TanhNet(torch.nn.Module):
    """out = tanh(x W1ᵀ + b1) W2ᵀ + b2, 4 features → 5 hidden → 2 outputs."""

    def __init__(self, gen):
        super().__init__()
        self.w1 = torch.randn(5, 4, generator=gen)
        self.b1 = torch.randn(5, generator=gen) * 0.1
        self.w2 = torch.randn(2, 5, generator=gen)
        self.b2 = torch.randn(2, generator=gen) * 0.1

    def forward(self, x, z=None):
        if z is not None:
            x = torch.cat([x, z], dim=1)
        return torch.tanh(x @ self.w1.T + self.b1) @ self.w2.T + self.b2


def dataloader_case(gen):
    net = TanhNet(gen)
    xs = [torch.randn(n, 4, generator=gen) for n in (3, 3, 2)]
    ys = [torch.randint(0, 2, (n,), generator=gen) for n in (3, 3, 2)]
    baseline = torch.randn(1, 4, generator=gen) * 0.5
    mask = torch.tensor([[0, 1, 1, 2]])
    cases = {}
    with torch.no_grad():
        dla = DataLoaderAttribution(FeatureAblation(net))
        # Default reduce (concatenated outputs): one attribution row per output element.
        cases["concat"] = dla.attribute([[x] for x in xs])[0].tolist()
        cases["concat_features"] = dla.attribute(
            [[x] for x in xs], return_input_shape=False).tolist()
        # A scalar metric (the output sum), with a mask, tensor baselines and 2 per pass.
        cases["sum_masked"] = dla.attribute(
            [[x] for x in xs], baselines=baseline, feature_mask=mask,
            to_metric=lambda acc: acc.sum(), perturbations_per_pass=2)[0].tolist()

        # Labels not forwarded; reduce counts correct predictions; the metric is accuracy.
        def correct(acc, out, inputs):
            hits = (out.argmax(1) == inputs[1]).sum().double()
            total = torch.tensor([hits, float(len(inputs[1]))], dtype=torch.float64)
            return total if acc is None else acc + total

        cases["accuracy"] = dla.attribute(
            [[x, y] for x, y in zip(xs, ys)], input_roles=(0, 2), reduce=correct,
            to_metric=lambda acc: acc[0] / acc[1])[0].tolist()

        # The mean squared error per output column: a metric of 2 elements.
        def squared(acc, out, inputs):
            err = ((out - inputs[1].unsqueeze(1).double()) ** 2).sum(0)
            return err if acc is None else acc + err

        cases["mse_columns"] = dla.attribute(
            [[x, y] for x, y in zip(xs, ys)], input_roles=(0, 2), reduce=squared,
            to_metric=lambda acc: acc / 8)[0].tolist()

        # Two attributed elements (default masks numbered across them) and a forwarded one.
        xa = [x[:, :2] for x in xs]
        xb = [x[:, 2:] for x in xs]
        dla2 = DataLoaderAttribution(FeatureAblation(net))
        two = dla2.attribute([[a, b] for a, b in zip(xa, xb)], to_metric=lambda acc: acc.sum(0))
        cases["two_inputs"] = [t.tolist() for t in two]
        cases["two_inputs_features"] = dla2.attribute(
            [[a, b] for a, b in zip(xa, xb)], to_metric=lambda acc: acc.sum(0),
            return_input_shape=False).tolist()
        three = dla2.attribute(
            [[a, b] for a, b in zip(xa, xb)], input_roles=(0, 1),
            to_metric=lambda acc: acc.sum())
        cases["attr_and_forward"] = [t.tolist() for t in three]
    return {
        "weights": {"w1": net.w1.tolist(), "b1": net.b1.tolist(), "w2": net.w2.tolist(),
                    "b2": net.b2.tolist()},
        "xs": [x.tolist() for x in xs],
        "ys": [y.tolist() for y in ys],
        "baseline": baseline.tolist(),
        "mask": mask.tolist(),
        "captum": cases,
    }


def main():
    gen = torch.Generator().manual_seed(0)
    fixture = {
        "about": "Captum 0.8 Summarizer, ClassSummarizer and DataLoaderAttribution outputs; "
                 "written by scripts/captum_summarizer_fixtures.py",
        "summarizer": summarizer_case(gen),
        "class_summarizer": class_summarizer_case(gen),
        "dataloader": dataloader_case(gen),
    }
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    # The repository's formatter owns the layout of committed JSON (`deno fmt --check`).
    subprocess.run(["deno", "fmt", "--quiet", str(OUT)], check=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
