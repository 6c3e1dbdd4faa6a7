"""DeepResolve on the retrained and on the authors' models of the real experiments: each
model's top filters by OFIV, matched to the TF's JASPAR motif by TOMTOM (p-value of the
TF's motif among the whole collection)."""

import pandas as pd

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import experiment_motifs, load_jaspar
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.motifs.tomtom import resolve_backend
from deepresolve.paper.seeds import seed
from deepresolve.paper.tfpanel.data import known_motif_pvalues
from deepresolve.paper.tfpanel.models import filter_weights, load_panel, panel_head, panel_size
from deepresolve.paper.tfpanel.real import top_filter_hits
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
jaspar = load_jaspar(sm.params.release)
motifs = experiment_motifs(sm.input.table, sm.params.release).set_index("experiment")
cfg = sm.params.tomtom
backend, distance = resolve_backend(cfg["backend"])  # logged; recorded in the table
parts = []
for model, path in (("retrained", sm.input.retrained), ("authors", sm.input.authors)):
    panel, names = load_panel(path)
    res = deepresolve.resolve(
        panel_head(panel), (panel_size(panel)[1], 1), class_names=names, device=device,
        seed=seed(sm.config["seed"], sm.rule), progress=False,
        **ascent_settings(sm.params.ascent),
    )  # fmt: skip
    weights = filter_weights(panel)  # (E, K, 4, W); the authors' already flipped for Theano
    pwms = filter_pwms(weights.reshape(-1, *weights.shape[2:])).reshape(weights.shape)
    experiments = pd.DataFrame(
        {"experiment": names, "jaspar_ids": motifs.loc[names, "jaspar_id"].to_numpy()}
    )
    pvalues, _ = known_motif_pvalues(
        {"filters": pwms}, experiments, jaspar, backend=backend, min_ic=cfg["trim_min_ic"],
        min_width=cfg["min_width"], threads=sm.threads,
    )  # fmt: skip
    hits = top_filter_hits(
        names, res.ofiv, pvalues["filters"], sm.params.top_k, sm.params.threshold
    )
    parts.append(
        hits.assign(
            model=model, n_components=res.n_components, best_pvalue=pvalues["filters"].min(1)
        )
    )
table = pd.concat(parts, ignore_index=True).assign(tomtom_backend=backend, tomtom_distance=distance)
print(table.to_string())
write_tsv(sm.output.top, table)
