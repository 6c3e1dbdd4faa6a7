"""Calibration of the feature-map ascent on the authors' stored results: which optimiser,
starting distribution, L2 penalty and step size reproduce the authors' OFIVs for the 211
experiments of ``resources/tfpanel/authors_stored_ofiv.tsv``.

    python benchmarks/authors_calibration.py --mirror ../shared/data/authors-422tf

Writes benchmarks/authors_calibration.tsv: one row per setting (and per seed for the
chosen one) with the agreement metrics of deepresolve.paper.tfpanel.calibration, the
component counts on all 422 models for the chosen setting, and the lambda implied by the
stored OFIVs themselves (``implied_l2``). Run by hand; not part of the test suite
(about 5-10 minutes on 2 busy cores).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import deepresolve
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.authors import load_models, read_model_table, read_stored_results
from deepresolve.paper.tfpanel.calibration import (
    agreement_summary,
    implied_l2,
    per_model_agreement,
)
from deepresolve.paper.tfpanel.keras import to_panel
from deepresolve.paper.tfpanel.models import panel_head

REPO = Path(__file__).resolve().parents[1]
CHOSEN = dict(optimizer="plain", init="uniform", l2=2.8, lr=0.005)

GRID = [
    # the library default, and Adam at the implied lambda
    dict(optimizer="adam", init="normal", l2=1.0, lr=0.1),
    dict(optimizer="adam", init="uniform", l2=1.0, lr=0.1),
    dict(optimizer="adam", init="normal", l2=2.8, lr=0.1),
    dict(optimizer="adam", init="uniform", l2=2.8, lr=0.1),
    # the authors' plain ascent
    *(
        dict(optimizer="plain", init=init, l2=l2, lr=lr)
        for init in ("normal", "uniform")
        for l2 in (1.0, 2.0, 2.8)
        for lr in (0.1, 0.01)
    ),
    *(dict(optimizer="plain", init="uniform", l2=2.8, lr=lr) for lr in (0.02, 0.005, 0.003)),
    dict(optimizer="plain", init="normal", l2=2.8, lr=0.005),
]


def metrics(summary: pd.DataFrame) -> dict:
    value = summary.set_index("metric")["value"]
    return {
        "spearman_median": value["Spearman of OFIVs per model, median"],
        "spearman_p10": value["Spearman of OFIVs per model, 10th percentile"],
        "spearman_min": value["Spearman of OFIVs per model, minimum"],
        "top1": value["top-OFIV filter is the authors' (fraction)"],
        "top5_shared": value["top-5 filters shared (mean of 5)"],
        "one_component": value["1 GMM component (fraction, stored half)"],
        "authors_2comp_found": value["authors' multi-component models that get > 1 component"],
        "components_stored_half": value["GMM components 1/2/3, this run (stored half)"],
        "scale_ratio": value["OFIV scale ratio (max |OFIV|, ours / authors'), median"],
        "il_spearman": value["Spearman of per-model median IL, ours vs authors'"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared/data/authors-422tf")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_suffix(".tsv"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    stored = read_stored_results(REPO / "resources/tfpanel/authors_stored_ofiv.tsv")
    table = read_model_table(REPO / "resources/tfpanel/authors_models.tsv")
    names = list(dict.fromkeys(table["experiment"]))
    models = load_models(args.mirror / "models", names)
    half = [names.index(e) for e in stored.experiments]
    cal_panel = to_panel([models[i] for i in half])
    all_panel = to_panel(models)

    rows = []
    lam, residual = implied_l2(
        np.stack([models[i].fc_w for i in half]),
        np.stack([models[i].fc_b for i in half]),
        np.stack([models[i].out_w[0] for i in half]),
        stored.ofiv,
    )
    good = residual < 0.01
    rows.append(
        {
            "setting": "lambda implied by the stored OFIVs (fits with residual < 1%)",
            "implied_l2_median": float(np.median(lam[good])),
            "implied_l2_p10": float(np.percentile(lam[good], 10)),
            "implied_l2_p90": float(np.percentile(lam[good], 90)),
            "implied_l2_models": f"{int(good.sum())}/{len(good)}",
        }
    )
    settings = [(cfg, 0) for cfg in GRID] + [(CHOSEN, s) for s in range(1, args.seeds)]
    for cfg, seed in settings:
        before = os.getloadavg()
        start = time.perf_counter()
        res = deepresolve.resolve(
            panel_head(cal_panel), (16, 1), n_init=10, seed=seed, progress=False, **cfg
        )
        wall = time.perf_counter() - start
        per = per_model_agreement(stored.experiments, res.ofiv, res.il, res.n_components, stored)
        row = {"setting": " ".join(f"{k}={v}" for k, v in cfg.items()) + f" seed={seed}"}
        row.update(metrics(agreement_summary(per, res.n_components)))
        row.update(wall_s=round(wall, 1), max_steps=int(res.n_steps.max()),
                   load=" ".join(f"{x:.1f}" for x in before))  # fmt: skip
        rows.append(row)
        print(row, flush=True)
    for seed in range(args.seeds):
        res = deepresolve.resolve(
            panel_head(all_panel), (16, 1), n_init=10, seed=seed, progress=False, **CHOSEN
        )
        multi = [n for n, c in zip(names, res.n_components, strict=True) if c > 1]
        rows.append(
            {
                "setting": f"chosen, all {len(names)} models, seed={seed}",
                "components_all_models": "/".join(
                    str(c) for c in np.bincount(res.n_components, minlength=4)[1:]
                ),
                "multi_component_models": "; ".join(
                    m.replace("wgEncodeAwgTfbs", "") for m in multi
                ),
            }
        )
        print(rows[-1], flush=True)
    write_tsv(args.out, pd.DataFrame(rows))


if __name__ == "__main__":
    main()
