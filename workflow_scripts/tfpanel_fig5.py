"""Figure 5: activation on positives/negatives and motif p-values of filters grouped by
their OFIV rank."""

import numpy as np

import deepresolve
import deepresolve.workflow
from deepresolve.figures.fig5 import plot_fig5
from deepresolve.filter_ranks import normalise_activations, rank_groups
from deepresolve.io import save_figure

sm = snakemake  # noqa: F821
deepresolve.workflow.setup(sm, seed_offset=300)
res = deepresolve.Resolution.load(sm.input.resolution)
with np.load(sm.input.scores) as f:
    act_pos, act_neg = normalise_activations(f["act_pos"], f["act_neg"])
with np.load(sm.input.pvalues) as f:
    pvalues = f["filters"]
save_figure(plot_fig5(rank_groups(res.ofiv), act_pos, act_neg, pvalues), sm.output.fig)
