"""DeepResolve on all of the authors' 422 TF models at once (10 starts each), with the
per-row panel head (each start scored by its own model only) and, for comparison, the
full panel head (every start through all E models: cost grows with E**2).

    python benchmarks/authors_ascent.py --mirror ../shared/data/authors-422tf [--threads 2,1]

Writes benchmarks/authors_ascent.tsv (one row per run: head, models, starts, threads,
steps, row-steps = sum over starts of the steps taken, wall and CPU seconds (all threads),
wall seconds per step, load average before and after). Run by hand; not part of the test
suite. Timings on a shared machine are inflated by its load: compare row-steps, CPU
seconds and the recorded load.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd
import torch
from torch import nn

import deepresolve
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.authors import load_models, read_model_table
from deepresolve.paper.tfpanel.keras import to_panel
from deepresolve.paper.tfpanel.models import panel_head, panel_size

CALIBRATED = dict(optimizer="plain", init="uniform", n_init=10, l2=2.8, lr=0.005)


class FullPanelHead(nn.Module):
    """The panel head without the per-row hook: ``forward`` only, so the ascent evaluates
    every model on every row and keeps its own model's logit (the pre-issue-10 cost)."""

    def __init__(self, panel: nn.Sequential):
        super().__init__()
        self.head = panel_head(panel)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.head(h)


def run(head: nn.Module, name: str, n_models: int, threads: int, **kw) -> dict:
    before = os.getloadavg()
    start, cpu = time.perf_counter(), time.process_time()
    res = deepresolve.resolve(head, (16, 1), progress=False, seed=0, **{**CALIBRATED, **kw})
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    steps = int(res.n_steps.max())
    return {
        "head": name,
        "models": n_models,
        "starts": CALIBRATED["n_init"],
        "threads": threads,
        "max_steps": kw.get("steps", "auto"),
        "steps": steps,
        "row_steps": int(res.n_steps.sum()),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "s_per_step": round(wall / max(steps, 1), 5),
        "load_before": " ".join(f"{x:.1f}" for x in before),
        "load_after": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "one_component": int((res.n_components == 1).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("../shared/data/authors-422tf"))
    parser.add_argument("--threads", default="2,1", help="torch threads, comma-separated")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_suffix(".tsv"))
    args = parser.parse_args()
    threads = [int(t) for t in str(args.threads).split(",")]
    table = read_model_table(Path(__file__).parents[1] / "resources/tfpanel/authors_models.tsv")
    names = list(dict.fromkeys(table["experiment"]))
    panel = to_panel(load_models(args.mirror / "models", names))
    e = panel_size(panel)[0]
    rows = []
    for n in threads:
        torch.set_num_threads(n)
        rows.append(run(panel_head(panel), "per-row (class_scores)", e, n))
    torch.set_num_threads(threads[-1])
    # Fixed step counts, so that the two heads do the same work per row.
    for n in (25, 50, 100):
        sub = to_panel(load_models(args.mirror / "models", names[:n]))
        for name, head in (("per-row (class_scores)", panel_head(sub)),
                           ("full (every model on every row)", FullPanelHead(sub))):  # fmt: skip
            rows.append(run(head, name, n, threads[-1], steps=200, patience=10_000))
    out = pd.DataFrame(rows)
    write_tsv(args.out, out)
    print(out.to_string(index=False))


if __name__ == "__main__":
    main()
