"""TOMTOM of every filter (as a PWM) and every enhanced-DeepMotif motif against the JASPAR
CORE vertebrate collection: p-values against each experiment's own TF motif, best hits,
and the experiment -> TF -> JASPAR motif map."""

import numpy as np
import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_npz, write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.motifs.tomtom import resolve_backend
from deepresolve.paper.tfpanel.data import jaspar_ids, known_motif_pvalues
from deepresolve.paper.tfpanel.models import filter_weights, load_panel

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
panel, names = load_panel(sm.input.model)
experiments = read_tsv(sm.input.experiments, dtype=str)
if list(experiments["experiment"]) != names:
    raise ValueError(f"{sm.input.experiments} and {sm.input.model} list different experiments")
weights = filter_weights(panel)  # (E, K, 4, W)
pwms = filter_pwms(weights.reshape(-1, *weights.shape[2:])).reshape(weights.shape)
with np.load(sm.input.motifs) as f:
    deepmotif = f["pwms"]
jaspar = load_jaspar(sm.params.jaspar_release)
backend, distance = resolve_backend(cfg["backend"])  # what runs, recorded in the tables
pvalues, best = known_motif_pvalues(
    {"filters": pwms, "deepmotif": deepmotif}, experiments, jaspar, backend=backend,
    min_ic=cfg["trim_min_ic"], min_width=cfg["min_width"], threads=sm.threads,
)  # fmt: skip
save_npz(sm.output.pvalues, **pvalues, names=np.asarray(names), tomtom_backend=np.array(backend),
         tomtom_distance=np.array(distance))  # fmt: skip
write_tsv(sm.output.hits, best.assign(tomtom_backend=backend, tomtom_distance=distance))
filters = best[best["kind"] == "filters"].set_index(["experiment", "index"])
p = pvalues["filters"]
rows = []
for e, (_, row) in enumerate(experiments.iterrows()):
    k = int(p[e].argmin())
    rows.append(
        {
            "experiment": row["experiment"],
            "tf": row["tf"],
            "source": row["source"],
            "jaspar_ids": row["jaspar_ids"],
            "jaspar_names": ";".join(jaspar.name_of(i) for i in jaspar_ids(row)),
            "best_filter": k,
            "best_filter_pvalue": p[e, k],
            "best_filter_top_match": filters.loc[(row["experiment"], k), "target_name"],
            "n_filters_p<0.05": int((p[e] < 0.05).sum()),
            "tomtom_backend": backend,
            "tomtom_distance": distance,
        }
    )
write_tsv(sm.output.motif_map, pd.DataFrame(rows))
