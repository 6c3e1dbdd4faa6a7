"""Figure S5 on the authors' filters: information content of positive and negative weights
(and, with sequences, activation against motif significance by OFIV rank group)."""

import numpy as np
import pandas as pd

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import save_figure, write_tsv
from deepresolve.paper.tfpanel.figures.figS5 import plot_figS5, plot_figS5_weights
from deepresolve.paper.tfpanel.filter_ranks import (
    normalise_activations,
    rank_groups,
    ranks,
    weight_information,
)
from deepresolve.paper.tfpanel.models import filter_weights, load_panel

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
ic_pos, ic_neg = weight_information(filter_weights(panel))
res = deepresolve.Resolution.load(sm.input.resolution)
groups = rank_groups(res.ofiv)
with np.load(sm.input.pvalues) as f:
    evalues = f["own_filters"]
if "scores" in sm.input.keys():
    with np.load(sm.input.scores) as f:
        act_pos, _ = normalise_activations(f["act_pos"], f["act_neg"])
    cutoff = float(np.quantile(act_pos, 0.25))
    fig = plot_figS5(ic_pos, ic_neg, act_pos, np.minimum(evalues, 1.0), groups, cutoff)
else:
    fig = plot_figS5_weights(ic_pos, ic_neg, groups, evalues)
save_figure(fig, sm.output.fig)
e, k = ic_pos.shape
write_tsv(
    sm.output.information,
    pd.DataFrame(
        {
            "experiment": np.repeat(names, k),
            "filter": np.tile(np.arange(k), e),
            "ic_positive_weights": ic_pos.ravel(),
            "ic_negative_weights": ic_neg.ravel(),
            "ofiv": res.ofiv.ravel(),
            "ofiv_rank": ranks(res.ofiv).ravel(),
            "own_motif_evalue": evalues.ravel(),
        }
    ),
)
