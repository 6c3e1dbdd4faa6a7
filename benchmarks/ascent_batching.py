"""Batched DeepResolve ascent vs a per-class, per-start loop (the original implementation),
at equal steps, on a head of DeepSEA's shape (the input of its 3rd conv layer, 480 x 60,
to 919 logits).

    python benchmarks/ascent_batching.py [--classes 4] [--n-init 10] [--steps 5] [--threads 2]
    python benchmarks/ascent_batching.py --end-to-end --steps 1000 --device cuda --out OUT.md

Writes benchmarks/ascent_batching.md. ``--end-to-end`` instead times a whole
``deepresolve.resolve`` run (default steps and convergence criterion) for all 919 classes x
``--n-init`` starts. Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

import deepresolve
from deepresolve.ascent import ascend
from deepresolve.io import write_text
from deepresolve.layers import split_sequential
from deepresolve.paper.deepsea.models import PAPER_ARCH, RESOLVE_LAYER, deepsea


def deepsea_head() -> nn.Sequential:
    """The published DeepSEA (random weights) after its 2nd conv block: 480 x 60 -> 919."""
    torch.manual_seed(0)
    return split_sequential(deepsea(**PAPER_ARCH), RESOLVE_LAYER)[1].eval()


def run(classes: int, n_init: int, steps: int, device: str) -> dict:
    head = deepsea_head().to(device)
    for p in head.parameters():
        p.requires_grad_(False)
    h0 = torch.randn(classes * n_init, 480, 60, generator=torch.Generator().manual_seed(0))
    targets = torch.arange(classes).repeat_interleave(n_init)
    fixed = dict(steps=steps, patience=10**9)  # equal steps: never stop early

    def timed(fn):
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        out = fn()
        if device == "cuda":
            torch.cuda.synchronize()
        return out, time.perf_counter() - t

    ascend(head, h0[:2].to(device), targets[:2].to(device), steps=1)  # warm-up
    batched, t_batched = timed(lambda: ascend(head, h0.to(device), targets.to(device), **fixed))

    def loop():
        return [
            ascend(head, h0[i : i + 1].to(device), targets[i : i + 1].to(device), **fixed).h
            for i in range(len(h0))
        ]

    looped, t_loop = timed(loop)
    diff = (torch.cat(looped) - batched.h).abs().max().item()
    return dict(rows=len(h0), t_batched=t_batched, t_loop=t_loop, max_abs_diff=diff)


def end_to_end(n_init: int, steps: int, batch_size: int | None, device: str) -> str:
    """Wall time of ``deepresolve.resolve`` on all 919 classes x ``n_init`` starts."""
    head = deepsea_head()
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    t = time.perf_counter()
    res = deepresolve.resolve(
        head, (480, 60), n_init=n_init, steps=steps, seed=0, device=device, batch_size=batch_size,
        keep_fims=False, progress=False,
    )  # fmt: skip
    wall = time.perf_counter() - t
    peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")
    p = res.params
    return f"""# DeepResolve end to end on the DeepSEA head (919 classes x {n_init} starts)

Command: `python benchmarks/ascent_batching.py --end-to-end --n-init {n_init} --steps {steps} \
--device {device}`
Device: {torch.cuda.get_device_name() if device == "cuda" else platform.processor()}, \
torch {torch.__version__}; settings: steps <= {p["steps"]}, lr {p["lr"]}, l2 {p["l2"]}, \
batch_size {batch_size}, random weights (the cost does not depend on them).

| rows | wall time (s) | steps taken (median / max) | converged | peak GPU memory (GiB) |
| --- | --- | --- | --- | --- |
| {res.scores.size} | {wall:.1f} | {int(np.median(res.n_steps))} / {int(res.n_steps.max())} | \
{res.converged.mean():.1%} | {peak:.1f} |

Target: under 120 s on a GPU. GMM component counts chosen: \
{ {int(k): int(v) for k, v in zip(*np.unique(res.n_components, return_counts=True), strict=True)} }.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--n-init", type=int, default=10)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--end-to-end", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".md")))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.end_to_end:
        text = end_to_end(args.n_init, args.steps, args.batch_size, args.device)
        write_text(args.out, text)
        print(text)
        return
    r = run(args.classes, args.n_init, args.steps, args.device)
    rows, steps = r["rows"], args.steps
    per_row_step_b = r["t_batched"] / (rows * steps)
    per_row_step_l = r["t_loop"] / (rows * steps)
    ms_b, ms_l = 1e3 * per_row_step_b, 1e3 * per_row_step_l
    full = 919 * 10
    text = f"""# Batched vs looped DeepResolve ascent (DeepSEA-shaped head, 480 x 60 -> 919)

Command: `python benchmarks/ascent_batching.py --classes {args.classes} --n-init {args.n_init} \
--steps {args.steps} --threads {args.threads} --device {args.device}`
Machine: {platform.processor() or platform.machine()}, {args.threads} torch threads, \
device {args.device}, torch {torch.__version__}

| | rows (classes x starts) | steps | wall time (s) | ms per row-step |
| --- | --- | --- | --- | --- |
| batched (one tensor) | {rows} | {steps} | {r["t_batched"]:.2f} | {ms_b:.1f} |
| loop (per class, per start) | {rows} | {steps} | {r["t_loop"]:.2f} | {ms_l:.1f} |

**Speed-up of batching: {r["t_loop"] / r["t_batched"]:.1f}x** at equal steps (target >= 10x).
Largest difference between the two results: {r["max_abs_diff"]:.2e} (same algorithm, rows
are independent).

Extrapolated to all 919 classes x 10 starts ({full} rows) for 300 steps on this device:
batched {full * 300 * per_row_step_b / 3600:.1f} h, loop {full * 300 * per_row_step_l / 3600:.1f} h.
"""
    write_text(args.out, text)
    print(text)
    assert np.isfinite(r["max_abs_diff"]) and r["max_abs_diff"] < 1e-3


if __name__ == "__main__":
    main()
