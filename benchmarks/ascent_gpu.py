"""GPU benchmarks of the DeepResolve ascent, one command:

    python benchmarks/ascent_gpu.py                # all parts, writes benchmarks/ascent_gpu.md
    python benchmarks/ascent_gpu.py --parts e2e    # or sei, memory (expected minutes each)
    python benchmarks/ascent_gpu.py --tiny --device cpu --out benchmarks/ascent_gpu_tiny_cpu.md

Parts, all on the DeepSEA trunk (480 x 60 -> conv 960 w8 -> FC 925, random weights):

- ``e2e``: the published 919-class head x 10 starts, end to end (ascent, FIVs, GMMs), at
  float32 (IEEE), tf32 and bf16, compacted, plus float32 uncompacted; target < 30 s. The
  tf32/bf16 results are compared with float32: Spearman of OFIVs per class, identical
  non-additive flags and component counts.
- ``sei``: a 21,907-class output layer (Sei's chromatin profiles) on the same trunk x 10
  starts, at ``--sei-precision`` with a working set of ``--sei-batch`` rows; target < 15 min.
- ``memory``: peak GPU memory of a few steps against ``batch_size`` and the number of
  classes: the working set, not the class count, sets it.

``--tiny`` shrinks every part (3 classes, 2 starts, 10 steps) to check the script runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from deepresolve.io import write_text

sys.path.insert(0, str(Path(__file__).parent))
from ascent_compaction import agreement, deepsea_head, timed_resolve  # noqa: E402

SEI_CLASSES = 21_907


def _counts(x: np.ndarray) -> dict[int, int]:
    values, counts = np.unique(x, return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


def _summary(name: str, res, wall: float, peak: float) -> str:
    steps = res.n_steps.reshape(-1)
    needed = int((res.n_steps + 1).sum())
    return (
        f"| {name} | {res.n_steps.size} | {wall:.1f} | {res.params['row_steps']} | {needed} | "
        f"{int(np.median(steps))} / {steps.max()} | {res.converged.mean():.1%} | {peak:.1f} |"
    )


def _counts(x: np.ndarray) -> dict[int, int]:
    values, counts = np.unique(x, return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


HEADER = (
    "| run | rows | wall (s) | row-steps computed | row-steps needed | steps median / max "
    "| converged | peak GPU memory (GiB) |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
)


AGREE_HEADER = (
    "| run | Spearman of OFIVs per class, median | min | max abs OFIV difference "
    "| same non-additive flags | same component counts |\n| --- | --- | --- | --- | --- | --- |"
)


def part_e2e(args, device: str) -> str:
    head = deepsea_head()
    classes = range(args.classes or 919)
    common = dict(classes=classes, n_init=args.n_init, steps=args.steps, n_jobs=-1)
    timed_resolve(head, device, classes=[0], n_init=2, steps=2)  # warm-up (CUDA context)
    runs = {}
    for name, extra in [
        ("float32, compacted", dict(precision="float32")),
        ("tf32, compacted", dict(precision="tf32")),
        ("bf16, compacted", dict(precision="bf16")),
        ("float32, uncompacted", dict(precision="float32", compact=False)),
    ]:
        if "tf32" in name and torch.device(device).type != "cuda":
            continue  # TF32 exists only on CUDA
        runs[name] = timed_resolve(head, device, **common, **extra)
        print(name, f"{runs[name][1]:.1f} s", flush=True)
    ref = runs["float32, compacted"][0]
    lines = [_summary(name, *r) for name, r in runs.items()]
    agree = []
    for name in ("tf32, compacted", "bf16, compacted", "float32, uncompacted"):
        if name in runs:
            a = agreement(ref, runs[name][0])
            agree.append(
                f"| {name} | {a['spearman_median']:.4f} | {a['spearman_min']:.4f} | "
                f"{a['max_ofiv_diff']:.2e} | {a['same_flags']}/{a['n_classes']} | "
                f"{a['same_components']}/{a['n_classes']} |"
            )
    n_cls = len(ref.classes)
    return f"""## DeepSEA head: {n_cls} of 919 classes x {args.n_init} starts end to end

Target for all 919 classes x 10 starts: < 30 s. Steps <= {ref.params["steps"]}, Adam,
batch_size None (all rows in one working set); wall time includes the GMM fits (n_jobs=-1).

{HEADER}
{chr(10).join(lines)}

Agreement with float32 (compacted):

{AGREE_HEADER}
{chr(10).join(agree)}
"""


def part_sei(args, device: str) -> str:
    head = deepsea_head(SEI_CLASSES)
    n_cls = args.classes or SEI_CLASSES
    res, wall, peak = timed_resolve(
        head, device, classes=range(n_cls), n_init=args.n_init, steps=args.steps,
        batch_size=args.sei_batch, precision=args.sei_precision, n_jobs=-1,
    )  # fmt: skip
    return f"""## Sei-sized head: {n_cls:,} of {SEI_CLASSES:,} classes x {args.n_init} starts

Target for all {SEI_CLASSES:,} classes x 10 starts: < 15 min. Precision {args.sei_precision},
working set {args.sei_batch} rows, compacted, steps <= {res.params["steps"]}; wall time
includes the GMM fits (n_jobs=-1).

{HEADER}
{_summary(f"{args.sei_precision}, batch_size {args.sei_batch}", res, wall, peak)}

GMM component counts (components: classes): {_counts(res.n_components)}.
"""


def part_memory(args, device: str) -> str:
    head = deepsea_head(SEI_CLASSES)
    lines = []
    for batch, n_cls in args.memory_grid:
        if args.tiny:
            batch, n_cls = max(1, batch // 1024), max(2, n_cls // 1024)
        _, wall, peak = timed_resolve(
            head, device, classes=range(n_cls), n_init=args.n_init, steps=3,
            batch_size=batch, precision="float32", n_jobs=-1,
        )  # fmt: skip
        lines.append(f"| {batch} | {n_cls} | {n_cls * args.n_init} | {peak:.2f} | {wall:.1f} |")
    return f"""## Peak GPU memory against batch_size (Sei-sized head, float32, 3 steps)

| batch_size (rows) | classes | rows | peak GPU memory (GiB) | wall (s) |
| --- | --- | --- | --- | --- |
{chr(10).join(lines)}

Device memory holds the working set (iterate, best iterate, gradient, Adam moments: 5 maps of
480 x 60 floats per row) and the head's activations for it, plus the weights; the FIVs of
finished rows go to host memory. Peak memory should grow with batch_size and not with the
number of classes.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", nargs="+", default=["e2e", "sei", "memory"],
                    choices=["e2e", "sei", "memory"])  # fmt: skip
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--n-init", type=int, default=10)
    ap.add_argument("--steps", type=int, default=None, help="step cap (default: Adam's 1000)")
    ap.add_argument("--classes", type=int, default=None, help="resolve only the first N")
    ap.add_argument("--sei-batch", type=int, default=16384)
    ap.add_argument("--sei-precision", default="bf16", choices=["float32", "tf32", "bf16"])
    ap.add_argument("--tiny", action="store_true", help="3 classes, 2 starts, 10 steps")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".md")))
    args = ap.parse_args()
    args.memory_grid = [(4096, SEI_CLASSES), (16384, SEI_CLASSES), (16384, 2000)]
    if args.tiny:
        args.classes, args.n_init, args.steps, args.sei_batch = 3, 2, 10, 4
    torch.set_num_threads(args.threads)
    cuda = torch.device(args.device).type == "cuda"
    name = torch.cuda.get_device_name() if cuda else platform.processor() or platform.machine()
    caveat = (
        ""
        if cuda
        else "\n**Not GPU numbers.** This file comes from a CPU run at a tiny size, to show the "
        "script works; the GPU numbers are not measured yet.\n"
    )
    sections = []
    for part in args.parts:
        sections.append({"e2e": part_e2e, "sei": part_sei, "memory": part_memory}[part](
            args, args.device))  # fmt: skip
    text = f"""# DeepResolve ascent on the GPU: 919 and 21,907 classes, precision, memory
{caveat}
Command: `python {" ".join(sys.argv)}`
Device: {name}, torch {torch.__version__}, CPU load average {os.getloadavg()[0]:.1f}.
DeepSEA trunk with random weights (the cost does not depend on them); row-steps are head
evaluations summed over rows ("needed": what the starts' own step counts require).

{chr(10).join(sections)}"""
    write_text(args.out, text)
    print(text)


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.0f} s")
