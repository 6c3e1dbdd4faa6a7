"""Figure 2: FIVs, IL and OFIV of the dataset I model, with filter logos; the filters
that detect the planted patterns (by activity) are labelled."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, save_figure
from deepresolve.paper.synthetic.figures.fig2 import plot_fig2
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = Resolution.load(sm.input.resolution)
weights = load_model(sm.input.model).conv.weight.detach().numpy()
filters = read_tsv(sm.input.filters)
match = dict(zip(filters["pattern"], filters["filter_activity"], strict=True))
save_figure(plot_fig2(res, weights, motif_filters=match), sm.output.fig)
