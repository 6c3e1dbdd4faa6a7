"""Paper-scale cost of the DeepSEA analysis: DeepResolve's batched ascent on the head of the
published architecture (919 classes x T starts, feature maps 480 x 60) and the
receptive-field channel ascent (480 channels x 10 starts, 4 x 51 inputs), with random
weights (the cost does not depend on them).

    python benchmarks/deepsea_ascent.py [--steps 50] [--classes 919] [--batch 2048]

Prints and writes ``benchmarks/deepsea_ascent_results.tsv``: seconds per ascent step and
the extrapolation to the configured step counts. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import deepresolve
from deepresolve.layers import split_sequential
from deepresolve.paper.deepsea.models import PAPER_ARCH, RESOLVE_LAYER, deepsea, resolved_shape
from deepresolve.paper.deepsea.receptive import channel_ascent


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=50, help="ascent steps timed")
    ap.add_argument("--classes", type=int, default=919)
    ap.add_argument("--n-init", type=int, default=10)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", default=str(Path(__file__).with_name("deepsea_ascent_results.tsv")))
    args = ap.parse_args()
    device = deepresolve.runtime.get_device(args.device)
    torch.manual_seed(0)
    model = deepsea(**PAPER_ARCH).eval()
    body, head = split_sequential(model, RESOLVE_LAYER)
    rows = []

    _sync(device)
    t0 = time.perf_counter()
    res = deepresolve.resolve(
        head, resolved_shape(model, 1000), classes=range(args.classes), n_init=args.n_init,
        steps=args.steps, seed=0, device=device, batch_size=args.batch, keep_fims=False,
        progress=False, n_halvings=10**6,
    )  # fmt: skip
    _sync(device)
    sec = time.perf_counter() - t0
    n_rows = args.classes * args.n_init
    per_step = sec / args.steps
    rows.append(dict(task="DeepResolve ascent", device=str(device), rows=n_rows,
                     steps_timed=args.steps, seconds=sec, seconds_per_step=per_step,
                     extrapolated_1000_steps_s=per_step * 1000,
                     peak_gpu_mem_gb=_peak(device)))  # fmt: skip
    assert res.ofiv.shape == (args.classes, 480)

    frags = np.random.default_rng(0).random((480, 10, 4, 51)).astype(np.float32)
    _sync(device)
    t0 = time.perf_counter()
    channel_ascent(body, frags, steps=args.steps, device=device)
    _sync(device)
    sec = time.perf_counter() - t0
    per_step = sec / args.steps
    rows.append(dict(task="channel ascent", device=str(device), rows=4800,
                     steps_timed=args.steps, seconds=sec, seconds_per_step=per_step,
                     extrapolated_1000_steps_s=per_step * 1000,
                     peak_gpu_mem_gb=_peak(device)))  # fmt: skip
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    table.to_csv(args.out, sep="\t", index=False)


def _peak(device: torch.device) -> float:
    if device.type != "cuda":
        return float("nan")
    return torch.cuda.max_memory_allocated(device) / 1e9


if __name__ == "__main__":
    main()
