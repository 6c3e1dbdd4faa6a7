"""Figure 5: activation on positives/negatives and motif p-values of filters grouped by
their OFIV rank."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import save_figure
from deepresolve.paper.tfpanel.figures.fig5 import plot_fig5
from deepresolve.paper.tfpanel.filter_ranks import load_filter_activity, rank_groups

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
act_pos, act_neg, pvalues = load_filter_activity(sm.input.scores, sm.input.pvalues)
save_figure(plot_fig5(rank_groups(res.ofiv), act_pos, act_neg, pvalues), sm.output.fig)
