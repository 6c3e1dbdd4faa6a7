"""Figure S1: GMM component counts chosen per class in every analysed model set."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import save_figure
from deepresolve.paper.figS1 import plot_figS1

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
sets = {
    "synthetic I": sm.input.dataset1,
    "synthetic II": sm.input.dataset2,
    "TF panel": sm.input.tfpanel,
    "DeepSEA": sm.input.deepsea,
}
counts = {name: Resolution.load(path).n_components for name, path in sets.items()}
save_figure(plot_figS1(counts), sm.output.fig)
