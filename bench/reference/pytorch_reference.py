"""PyTorch + Captum side of `deno task bench:reference` (bench/reference/run.ts).

A long-lived process: it loads the tutorial CNN on the weights of `fixtures/captum/tutorial_cnn.json`
and the repository's Fashion-MNIST copy, then answers one JSON command per stdin line with one JSON
line on stdout, so the Deno side can alternate rounds between the two implementations in one run.
Everything runs on one thread (`torch.set_num_threads(1)`).

Run by run.ts as `/usr/bin/python3 bench/reference/pytorch_reference.py` with Captum's source on
`PYTHONPATH` and glibc's mmap and trim thresholds raised (`MALLOC_MMAP_THRESHOLD_=268435456
MALLOC_TRIM_THRESHOLD_=268435456`): with the defaults, a process that has not yet allocated much
returns its large buffers to the kernel after every step and trains 3-5x slower.

Commands (one JSON object per line):
  {"cmd": "train", "batches": N, "warmup": W}   -> {"batchesPerSecond": b}
      W untimed then N timed Adam steps (lr 1e-3) on shuffled batches of 64 training images.
  {"cmd": "attr", "method": M, "batch": 1 | 64, "runs": R}  -> {"ms": median}
      M one of IntegratedGradients, Saliency, DeepLift, Occlusion, LayerGradCam (settings as the
      Deno side's, see run.ts), after one untimed call.
  {"cmd": "ig", "start": S, "images": N, "batch": B}  -> {"seconds": s, "images": N}
      IntegratedGradients (50 steps) over the N test images from index S (default 0), B per call.
  {"cmd": "quit"}
The first line written is {"ready": true, ...} or {"error": message} when torch or Captum is missing.
"""

import base64
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data" / "fashion-mnist"
FIXTURE = ROOT / "fixtures" / "captum" / "tutorial_cnn.json"
# IntegratedGradients evaluates at most this many rows per forward/backward, as run.ts does
# (internalBatchSize 400); Captum's default (all 50 steps x batch rows at once: 3200 for a batch
# of 64, ~1.3 GB of activations) ran ~10x slower here.
IG_CHUNK = 400


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy
    import torch
    import torch.nn.functional as F
    from torch import nn
    import captum
    from captum.attr import DeepLift, IntegratedGradients, LayerGradCam, Occlusion, Saliency
except ImportError as error:  # reported to run.ts, which then prints our side alone
    send({"error": f"{type(error).__name__}: {error}"})
    sys.exit(0)


# The tutorial CNN's PyTorch twin and the IDX reader are the fixture script's, so the reference
# bench runs exactly the network the parity fixtures were made on.
sys.path.insert(0, str(ROOT / "scripts"))
from captum_fixtures import TutorialCnn, read_idx  # noqa: E402


def load_split(prefix):
    images = read_idx(f"{prefix}-images-idx3-ubyte.gz").float().div(255).unsqueeze(1)
    labels = read_idx(f"{prefix}-labels-idx1-ubyte.gz").long()
    return images, labels


def stored(t):
    """A fixture tensor ({shape, values} or {shape, base64}) as a torch tensor."""
    if "base64" in t:
        values = numpy.frombuffer(base64.b64decode(t["base64"]), dtype="<f4").copy()
        return torch.from_numpy(values).reshape(t["shape"])
    return torch.tensor(t["values"], dtype=torch.float32).reshape(t["shape"])


def fixture_model(fixture):
    """The tutorial CNN on the fixture's weights (TF.js layout converted back to PyTorch's)."""
    model = TutorialCnn()
    w = {k: stored(v) for k, v in fixture["weights"].items()}
    with torch.no_grad():
        for name in ("conv1", "conv2"):
            getattr(model, name).weight.copy_(w[f"{name}/kernel"].permute(3, 2, 0, 1))
            getattr(model, name).bias.copy_(w[f"{name}/bias"])
        model.dense.weight.copy_(w["dense/kernel"].t())
        model.dense.bias.copy_(w["dense/bias"])
    return model.eval()


def main():
    warnings.filterwarnings("ignore", category=UserWarning)  # Captum's notes on hooks
    torch.set_num_threads(1)
    fixture = json.loads(FIXTURE.read_text())
    model = fixture_model(fixture)
    inputs = torch.tensor(fixture["inputs"], dtype=torch.float32)  # NCHW [2, 1, 28, 28]
    t0, t1 = fixture["targets"]
    ig_image, one = inputs[:1], inputs[1:]
    batch64 = one.repeat(64, 1, 1, 1)
    train_x, train_y = load_split("train")
    test_x, test_y = None, None

    ig = IntegratedGradients(model)
    calls = {
        # Same inputs and options as bench/reference/run.ts's side (from attribution_bench.ts and
        # perturbation_bench.ts); Captum's defaults otherwise (internal_batch_size None).
        "IntegratedGradients": lambda x: ig.attribute(
            x, target=t0 if x is ig_image else t1, n_steps=50, internal_batch_size=IG_CHUNK),
        "Saliency": lambda x: Saliency(model).attribute(x, target=2),
        "DeepLift": lambda x: DeepLift(model).attribute(x, target=2),
        "Occlusion": lambda x: Occlusion(model).attribute(
            x, sliding_window_shapes=(1, 4, 4), strides=(1, 2, 2), baselines=0, target=t1),
        "LayerGradCam": lambda x: LayerGradCam(model, model.conv2).attribute(x, target=t1),
    }
    send({
        "ready": True,
        "torch": torch.__version__,
        "captum": captum.__version__,
        "threads": torch.get_num_threads(),
    })
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request["cmd"]
        if cmd == "quit":
            break
        if cmd == "train":
            net = TutorialCnn().train()
            optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
            generator = torch.Generator().manual_seed(0)
            order = torch.randperm(len(train_x), generator=generator)
            total = request["warmup"] + request["batches"]
            start = None
            for i in range(total):
                if i == request["warmup"]:
                    start = time.perf_counter()
                idx = order[(i * 64) % (len(order) - 64) :][:64]
                optimizer.zero_grad()
                F.cross_entropy(net(train_x[idx]), train_y[idx]).backward()
                optimizer.step()
            send({"batchesPerSecond": request["batches"] / (time.perf_counter() - start)})
        elif cmd == "attr":
            fn = calls[request["method"]]
            x = (ig_image if request["method"] == "IntegratedGradients" else one) \
                if request["batch"] == 1 else batch64
            fn(x)  # warm-up
            times = []
            for _ in range(request["runs"]):
                start = time.perf_counter()
                fn(x)
                times.append((time.perf_counter() - start) * 1000)
            send({"ms": statistics.median(times)})
        elif cmd == "ig":
            if test_x is None:
                test_x, test_y = load_split("t10k")
            first, n, b = request.get("start", 0), request["images"], request["batch"]
            start = time.perf_counter()
            for s in range(first, first + n, b):
                e = min(s + b, first + n)
                ig.attribute(test_x[s:e], target=test_y[s:e], n_steps=50,
                             internal_batch_size=IG_CHUNK)
            send({"seconds": time.perf_counter() - start, "images": n})
        else:
            send({"error": f"unknown command {cmd!r}"})


if __name__ == "__main__":
    main()
