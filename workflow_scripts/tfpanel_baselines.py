"""Layer baselines (saliency, gradient x input, DeepLIFT) and mean filter activations of
every model on its own positive (and negative) training sequences."""

from pathlib import Path

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_npz
from deepresolve.paper.tfpanel.data import load_split
from deepresolve.paper.tfpanel.models import load_panel
from deepresolve.paper.tfpanel.panel import baseline_filter_scores, pooled_activations

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
if list(read_tsv(sm.input.experiments)["experiment"]) != names:
    raise ValueError(f"{sm.input.experiments} and {sm.input.model} list different experiments")
train = load_split([Path(f) / "train.data" for f in sm.params.folders], names)
limit = sm.params.max_positives
pos, neg = train.select(1, limit), train.select(0, limit)
scores = baseline_filter_scores(panel, pos, device=device)


def mean_activation(data):
    acts = pooled_activations(panel, data, device=device)  # (E, N_max, K)
    return (acts * data.mask[..., None]).sum(1) / data.n[:, None]


save_npz(
    sm.output.scores,
    **scores,
    act_pos=mean_activation(pos),
    act_neg=mean_activation(neg),
    n_pos=pos.n,
    n_neg=neg.n,
    names=np.asarray(names),
)
