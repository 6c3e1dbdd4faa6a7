"""Batched panel of TF CNNs (one grouped-convolution network) vs a loop over the same
models, at equal training steps: time per step (forward + backward + Adam) of E models
on a batch of sequences each.

    python benchmarks/tfpanel_batching.py [--models 32] [--batch 64] [--steps 20] [--threads 2]

Writes benchmarks/tfpanel_batching.md. Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from deepresolve.io import write_text
from deepresolve.paper.tfpanel.models import panel_member, tf_panel


def time_panel(e: int, batch: int, steps: int, device: str) -> float:
    panel = tf_panel(e).to(device).train()
    opt = torch.optim.Adam(panel.parameters(), lr=1e-3)
    x = torch.rand(batch, 4 * e, 101, device=device)
    y = torch.randint(0, 2, (batch, e), device=device).float()

    def step():
        opt.zero_grad()
        F.binary_cross_entropy_with_logits(panel(x), y, reduction="none").mean(0).sum().backward()
        opt.step()

    return _timed(step, steps, device)


def time_loop(e: int, batch: int, steps: int, device: str) -> float:
    panel = tf_panel(e)
    models = [panel_member(panel, i).to(device).train() for i in range(e)]
    opts = [torch.optim.Adam(m.parameters(), lr=1e-3) for m in models]
    x = torch.rand(e, batch, 4, 101, device=device)
    y = torch.randint(0, 2, (e, batch, 1), device=device).float()

    def step():
        for i, (m, o) in enumerate(zip(models, opts, strict=True)):
            o.zero_grad()
            F.binary_cross_entropy_with_logits(m(x[i]), y[i]).backward()
            o.step()

    return _timed(step, steps, device)


def _timed(step, steps: int, device: str) -> float:
    step()  # warm-up
    if device == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - t) / steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, nargs="+", default=[8, 32, 128])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = ["| models | batched s/step | loop s/step | speed-up |", "| --- | --- | --- | --- |"]
    for e in args.models:
        tb = time_panel(e, args.batch, args.steps, args.device)
        tl = time_loop(e, args.batch, args.steps, args.device)
        rows.append(f"| {e} | {tb:.4f} | {tl:.4f} | {tl / tb:.1f}x |")
        print(rows[-1], flush=True)
    device = torch.cuda.get_device_name() if args.device == "cuda" else platform.processor()
    text = (
        "# Batched TF panel vs a loop over models\n\n"
        f"One training step (batch {args.batch} per model, 101 bp), mean of {args.steps}; "
        f"{args.device} ({device or platform.machine()}), {args.threads} threads, "
        f"torch {torch.__version__}, numpy {np.__version__}.\n\n" + "\n".join(rows) + "\n"
    )
    write_text(Path(__file__).with_suffix(".md"), text)


if __name__ == "__main__":
    main()
