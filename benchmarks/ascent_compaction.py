"""Compacted vs uncompacted DeepResolve ascent on a DeepSEA-shaped head (480 x 60 ->
conv 960 w8 -> FC 925 -> 919 logits, random weights), at equal settings, on the CPU:
row-steps computed, wall time, and whether the results agree. Optionally a bf16 run as a
CPU proxy for the GPU precision check (Spearman of OFIVs, non-additive flags).

    python benchmarks/ascent_compaction.py [--classes 0 459] [--n-init 10] [--batch-size 5]
        [--threads 2] [--no-bf16] [--out benchmarks/ascent_compaction.md]

Scaled to 2 CPU cores by resolving a few of the 919 classes (the head, the steps and the
stopping criterion are the paper-scale ones). Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr
from torch import nn

import deepresolve
from deepresolve.io import write_text
from deepresolve.layers import split_sequential
from deepresolve.paper.deepsea.models import PAPER_ARCH, RESOLVE_LAYER, deepsea


def deepsea_head(n_outputs: int = 919) -> nn.Sequential:
    """DeepSEA (random weights, seed 0) after its 2nd conv block: 480 x 60 -> ``n_outputs``
    (919 as published; 21,907 for a Sei-sized output layer on the same trunk)."""
    torch.manual_seed(0)
    head = split_sequential(deepsea(**PAPER_ARCH), RESOLVE_LAYER)[1]
    if n_outputs != head[-1].out_features:
        head[-1] = nn.Linear(head[-1].in_features, n_outputs)
    return head.eval()


def timed_resolve(
    head: nn.Module, device: str, **kwargs
) -> tuple[deepresolve.Resolution, float, float]:
    """``resolve`` on the DeepSEA feature shape; returns the result, wall seconds and peak
    GPU memory in GiB (nan on CPU)."""
    cuda = torch.device(device).type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t = time.perf_counter()
    res = deepresolve.resolve(head, (480, 60), seed=0, device=device, keep_fims=False,
                              progress=False, **kwargs)  # fmt: skip
    if cuda:
        torch.cuda.synchronize()
    wall = time.perf_counter() - t
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
    return res, wall, peak


def agreement(ref: deepresolve.Resolution, other: deepresolve.Resolution) -> dict:
    """How far ``other`` is from ``ref``: OFIV/FIV differences, Spearman of OFIVs per class,
    classes with identical non-additive flags and component counts."""
    rho = np.array([spearmanr(a, b)[0] for a, b in zip(ref.ofiv, other.ofiv, strict=True)])
    return dict(
        max_ofiv_diff=float(np.abs(ref.ofiv - other.ofiv).max()),
        ofiv_scale=float(np.abs(ref.ofiv).max()),
        max_fiv_diff=float(np.abs(ref.fivs - other.fivs).max()),
        spearman_median=float(np.median(rho)),
        spearman_min=float(rho.min()),
        same_flags=int((ref.nonadditive == other.nonadditive).all(axis=1).sum()),
        same_components=int((ref.n_components == other.n_components).sum()),
        same_steps=float((ref.n_steps == other.n_steps).mean()),
        n_classes=len(ref.ofiv),
    )


def chunked_row_steps(n_steps: np.ndarray, batch_size: int | None) -> int:
    """Row-steps an uncompacted run needs for these per-row step counts ``(C, T)``: each
    chunk of ``batch_size`` rows runs until its slowest row stops."""
    evals = n_steps.reshape(-1) + 1
    size = len(evals) if batch_size is None else batch_size
    return int(sum(size * evals[i : i + size].max() for i in range(0, len(evals), size)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--classes", type=int, nargs="+", default=[0, 459])
    ap.add_argument("--n-init", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=None, help="step cap (default: Adam's 1000)")
    ap.add_argument("--no-bf16", action="store_true", help="skip the bf16 proxy run")
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".md")))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    head = deepsea_head()
    kwargs = dict(
        classes=args.classes, n_init=args.n_init, batch_size=args.batch_size, steps=args.steps
    )
    load = [os.getloadavg()[0]]
    runs = {}
    for name, extra in [("uncompacted", dict(compact=False)), ("compacted", {})]:
        runs[name] = timed_resolve(head, "cpu", **kwargs, **extra)[:2]
        load.append(os.getloadavg()[0])
    if not args.no_bf16:
        runs["compacted, bf16"] = timed_resolve(head, "cpu", precision="bf16", **kwargs)[:2]
        load.append(os.getloadavg()[0])
    ref = runs["compacted"][0]
    rows = ref.n_steps.size
    table = []
    for name, (res, wall) in runs.items():
        computed = res.params["row_steps"]
        table.append(
            f"| {name} | {args.batch_size} | {computed} | {int((res.n_steps + 1).sum())} | "
            f"{wall:.0f} | {1e3 * wall / computed:.1f} |"
        )
    same = agreement(runs["uncompacted"][0], ref)
    steps = ref.n_steps.reshape(-1)
    derived = chunked_row_steps(ref.n_steps, None)
    computed_u, computed_c = (runs[k][0].params["row_steps"] for k in ("uncompacted", "compacted"))
    text = f"""# Compacted vs uncompacted ascent, DeepSEA-shaped head, CPU

Command: `python benchmarks/ascent_compaction.py --classes {" ".join(map(str, args.classes))} \
--n-init {args.n_init} --batch-size {args.batch_size} --threads {args.threads}\
{"" if args.steps is None else f" --steps {args.steps}"}`
Machine: {platform.processor() or platform.machine()}, {args.threads} torch threads, torch \
{torch.__version__}; load average (1 min) during the runs: {", ".join(f"{x:.1f}" for x in load)} \
(the machine is shared: wall times are inflated, row-steps are not).

Scaled to 2 cores: {len(args.classes)} of the 919 classes ({rows} rows = classes x starts), a
working set of {args.batch_size} rows; the head (480 x 60 -> conv 960 w8 -> FC 925 -> 919,
random weights), Adam, steps <= {ref.params["steps"]} and the plateau criterion are the
paper-scale ones.

| run | working set (rows) | row-steps computed | row-steps needed | wall (s) | ms per row-step |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(table)}

Steps per start: median {int(np.median(steps))}, min {steps.min()}, max {steps.max()}.
**Compaction computes {1 - computed_c / computed_u:.1%} fewer row-steps** than the uncompacted
run ({computed_c} vs {computed_u}). All {rows} rows in one uncompacted batch would compute
{derived} row-steps ({derived / int((ref.n_steps + 1).sum()):.2f}x what the starts need). The
saving is the spread of the starts' stopping steps, which is narrow on this random-weight
head; the H100 run of all 919 x 10 rows stopped at median 485, max 641 steps
(`ascent_end_to_end_gpu.md`), i.e. about {1 - 486 / 642:.0%} of that uncompacted batch's
row-steps were spent on starts that had already stopped.

**Same results:** max |OFIV difference| {same["max_ofiv_diff"]:.2e} (OFIVs up to \
{same["ofiv_scale"]:.2e}), max |FIV difference| {same["max_fiv_diff"]:.2e}; Spearman of \
OFIVs per class min {same["spearman_min"]:.6f}; identical step counts for \
{same["same_steps"]:.0%} of the starts; same component counts in \
{same["same_components"]}/{same["n_classes"]} classes, same non-additive flags in \
{same["same_flags"]}/{same["n_classes"]}.
"""
    if "compacted, bf16" in runs:
        half = agreement(ref, runs["compacted, bf16"][0])
        text += f"""
**bf16 on the CPU (proxy for the GPU precision check):** Spearman of OFIVs per class vs
float32: median {half["spearman_median"]:.4f}, min {half["spearman_min"]:.4f}; max |OFIV
difference| {half["max_ofiv_diff"]:.2e} (OFIVs up to {half["ofiv_scale"]:.2e}); same
non-additive flags in {half["same_flags"]}/{half["n_classes"]} classes, same component counts in
{half["same_components"]}/{half["n_classes"]}. bf16 stops earlier (its rounding hides the last small
improvements from the plateau criterion: {int((runs["compacted, bf16"][0].n_steps + 1).sum())}
row-steps vs {computed_c}); per row-step it is no faster on this CPU (see the table), so on
CPU it is only a proxy. GPU tensor-core speed-ups are measured by `benchmarks/ascent_gpu.py`.
"""
    write_text(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
