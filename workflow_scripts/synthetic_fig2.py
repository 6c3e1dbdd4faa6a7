"""Figure 2: FIVs, IL and OFIV of the dataset I model, with filter logos."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import save_figure
from deepresolve.paper.synthetic.figures.fig2 import plot_fig2
from deepresolve.paper.synthetic.findings import best_matching_filters
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm, seed_offset=150)
res = Resolution.load(sm.input.resolution)
weights = load_model(sm.input.model).conv.weight.detach().numpy()
cfg = sm.params.cfg
match = best_matching_filters(
    weights, [cfg["xor_motifs"][0], cfg["and_motif"], cfg["xor_motifs"][1]]
)
save_figure(plot_fig2(res, weights, motif_filters=match), sm.output.fig)
