"""Time per row-step of the ascent with a head cut from the model's graph
(``deepresolve.layers.cut_model``), against a head cut by hand and against the hook-based
``ReplacedLayerHead`` (which reruns the body every step).

    python benchmarks/cut_head.py [--threads 1] [--repeats 5]

Writes benchmarks/cut_head.md. Models (random weights, deepresolve.examples): a Sei-like
tower (Sei's structure at a quarter of its channels, 1024 bp, 512 outputs, cut after
``lconv3``) and a Beluga-style Conv2d model (cut after ``model.0.11``). Each head runs
``--rows`` rows for ``--steps`` ascent steps with the plateau stop off, so every head
computes the same row-steps; the median of ``--repeats`` runs is reported, heads
interleaved. Target: the cut head within 1.2x of the hand-cut head.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from deepresolve.ascent import ascend, random_starts
from deepresolve.examples import architectures as arch
from deepresolve.io import write_text
from deepresolve.layers import cut_model, split_sequential

HERE = Path(__file__).resolve().parent


def per_row_step(head, shape, rows: int, steps: int, seed: int = 0) -> float:
    h0 = random_starts(rows, *shape, seed=seed)
    targets = torch.arange(rows) % 4
    start = time.perf_counter()
    res = ascend(head.eval(), h0, targets, steps=steps, patience=10 * steps, keep_maps=False)
    wall = time.perf_counter() - start
    return wall / res.row_steps


def heads(name: str):
    """(model label, feature shape, {head name: head})."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "sei":
            model = arch.Sei(sequence_length=1024, n_targets=512, channels=(120, 160, 240))
            x = arch.random_onehot(1, 1024)
            cut = cut_model(model, "lconv3", x)
            hook = cut_model(model, "lconv3", x, method="hook").head
            return ("Sei-like tower (1024 bp, channels 120/160/240, 512 outputs), layer lconv3",
                    cut.feature_shape, {"hand-cut": arch.SeiHead(model), "cut (graph)": cut.head,
                                        "ReplacedLayerHead (hook)": hook})  # fmt: skip
        model = arch.Beluga(length=2000, channels=(80, 120, 160), hidden=500, n_targets=500)
        x = arch.random_onehot(1, 2000).unsqueeze(2)
        cut = cut_model(model, "model.0.11", x)
        hook = cut_model(model, "model.0.11", x, method="hook").head
        _, by_hand = split_sequential(model.model, "0.11")

        class HandCut(torch.nn.Module):
            def forward(self, h):
                return by_hand[:-1](h.unsqueeze(2))

        return ("Beluga-style Conv2d (2000 bp, channels 80/120/160, 500 outputs), layer "
                "model.0.11", cut.feature_shape, {"hand-cut": HandCut(), "cut (graph)": cut.head,
                                                  "ReplacedLayerHead (hook)": hook})  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rows", type=int, default=8)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "cut_head.md")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    lines = [
        "# Cut head vs hand-cut head vs ReplacedLayerHead",
        "",
        f"`python benchmarks/cut_head.py --threads {args.threads} --rows {args.rows} --steps "
        f"{args.steps} --repeats {args.repeats}` (CPU, torch {torch.__version__}, "
        f"{args.threads} thread(s) on 2 cores shared with other engineers' jobs). Time per "
        "row-step of `ascend` (one forward and backward of one row), median of the repeats, "
        "heads interleaved; ratio to the hand-cut head.",
        "",
        "| model, layer | head | ms per row-step | ratio | load average (1 min) during |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("sei", "beluga"):
        label, shape, candidates = heads(name)
        times = {k: [] for k in candidates}
        loads = []
        for r in range(args.repeats):
            for k, head in candidates.items():
                loads.append(os.getloadavg()[0])
                times[k].append(per_row_step(head, shape, args.rows, args.steps, seed=r))
        med = {k: float(np.median(v)) for k, v in times.items()}
        load = f"{min(loads):.1f}-{max(loads):.1f}"
        for k, t in med.items():
            lines.append(f"| {label} | {k} | {1e3 * t:.2f} | {t / med['hand-cut']:.2f}x | {load} |")
            print(lines[-1], flush=True)
    lines += [
        "",
        "The cut head runs the same modules as the hand-cut one (a `torch.fx` graph of the "
        "model's forward from the layer on); the hook head runs the whole model on a fixed "
        "input and replaces the layer's output, so it pays for the layers before the cut "
        "at every step.",
    ]
    write_text(args.out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
