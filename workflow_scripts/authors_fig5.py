"""Figure 5 on the authors' models: activation on positives/negatives and own-motif
E-values of filters grouped by OFIV rank."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import save_figure
from deepresolve.paper.tfpanel.figures.fig5 import plot_fig5
from deepresolve.paper.tfpanel.filter_ranks import normalise_activations, rank_groups

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
with np.load(sm.input.scores) as f:
    act_pos, act_neg = normalise_activations(f["act_pos"], f["act_neg"])
with np.load(sm.input.pvalues) as f:
    evalues = np.minimum(f["own_filters"], 1.0)  # one own motif: E = p
save_figure(plot_fig5(rank_groups(res.ofiv), act_pos, act_neg, evalues), sm.output.fig)
