"""PyTorch reference fixture for `LayerAttribution.interpolate`: `fixtures/pytorch/interpolate.json`.

`torch.nn.functional.interpolate` (align_corners=False, as Captum's `LayerAttribution.interpolate`
calls it) on small seeded maps: 4-D maps with modes nearest, bilinear, bicubic and area, 3-D maps
with nearest, linear and area, each upsampled, downsampled by a non-integer ratio, doubled, and
kept at its size. Inputs and outputs are stored channels-last (NHWC, NLC), as plain nested lists.

Rerun (Debian 12, python3-torch 1.13; under a second; `deno fmt` formats the file when found):

    /usr/bin/python3 scripts/interpolate_fixtures.py
"""

import json
import shutil
import subprocess
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "pytorch" / "interpolate.json"


def channels_last(t):
    return t.permute(0, 2, 3, 1) if t.dim() == 4 else t.permute(0, 2, 1)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    cases = []
    x4 = torch.randn(2, 2, 3, 4, dtype=torch.float64)  # NCHW: [N, C, H, W]
    for mode in ["nearest", "bilinear", "bicubic", "area"]:
        for size in [[7, 5], [2, 3], [6, 8], [3, 4], [1, 1]]:
            y = F.interpolate(x4, size=size, mode=mode, **align(mode))
            cases.append(case(x4, size, mode, y))
    x3 = torch.randn(2, 3, 5, dtype=torch.float64)  # NCL: [N, C, L]
    for mode in ["nearest", "linear", "area"]:
        for size in [[9], [3], [10], [5], [1]]:
            y = F.interpolate(x3, size=size, mode=mode, **align(mode))
            cases.append(case(x3, size, mode, y))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    about = (
        "torch.nn.functional.interpolate(align_corners=False) reference, "
        f"torch {torch.__version__}; channels-last; written by scripts/interpolate_fixtures.py"
    )
    OUT.write_text(json.dumps({"about": about, "cases": cases}, separators=(",", ":")) + "\n")
    deno = shutil.which("deno")
    if deno:
        subprocess.run([deno, "fmt", "--quiet", str(OUT)], cwd=ROOT, check=True)
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)}")


def align(mode):
    return {"align_corners": False} if mode in ("linear", "bilinear", "bicubic") else {}


def case(x, size, mode, y):
    return {
        "mode": mode,
        "size": size,
        "input": rounded(channels_last(x)),
        "expected": rounded(channels_last(y)),
    }


def rounded(t):
    return {
        "shape": list(t.shape),
        "values": [round(v, 9) for v in t.flatten().tolist()],
    }


if __name__ == "__main__":
    main()
