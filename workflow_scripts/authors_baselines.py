"""Layer baselines (saliency, gradient x input, DeepLIFT) and mean filter activations of
the authors' models on their own Zeng et al. training sequences."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_npz
from deepresolve.paper.tfpanel.data import load_split
from deepresolve.paper.tfpanel.models import load_panel
from deepresolve.paper.tfpanel.panel import baseline_filter_scores, mean_activations

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
if list(read_tsv(sm.input.experiments)["experiment"]) != names:
    raise ValueError(f"{sm.input.experiments} and {sm.input.model} list different experiments")
train = load_split(list(sm.input.data), names)
limit = sm.params.max_positives
pos, neg = train.select(1, limit), train.select(0, limit)
save_npz(
    sm.output.scores,
    **baseline_filter_scores(panel, pos, device=device),
    act_pos=mean_activations(panel, pos, device=device),
    act_neg=mean_activations(panel, neg, device=device),
    n_pos=pos.n,
    n_neg=neg.n,
    names=np.asarray(names),
)
