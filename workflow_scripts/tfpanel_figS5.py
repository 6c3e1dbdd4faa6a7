"""Figure S5: information content of positive vs negative filter weights, activation vs
motif significance, and the artifact count of each method's top-ranked filters."""

import numpy as np
import pandas as pd

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import save_figure, write_tsv
from deepresolve.motifs.pwm import filter_pwms, information_content
from deepresolve.paper.tfpanel.figures.figS5 import plot_figS5
from deepresolve.paper.tfpanel.filter_ranks import (
    artifacts,
    load_filter_activity,
    method_scores,
    rank_groups,
)
from deepresolve.paper.tfpanel.models import filter_weights, load_panel

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
w = filter_weights(panel)  # (E, K, 4, W)
flat = w.reshape(-1, *w.shape[2:])


def total_ic(weights):
    return np.array([information_content(p).sum() for p in filter_pwms(weights)]).reshape(
        w.shape[:2]
    )


ic_pos, ic_neg = total_ic(flat), total_ic(-flat)
res = deepresolve.Resolution.load(sm.input.resolution)
act_pos, _, pvalues = load_filter_activity(sm.input.scores, sm.input.pvalues)
scores = method_scores(res.ofiv, sm.input.scores)
cutoff = float(np.quantile(act_pos, 0.25))
groups = rank_groups(res.ofiv)
save_figure(plot_figS5(ic_pos, ic_neg, act_pos, pvalues, groups, cutoff), sm.output.fig)
rows = [
    {
        "method": m,
        "top_group_filters": int((rank_groups(s) == 3).sum()),
        "artifacts": artifacts(s, act_pos, pvalues, cutoff),
        "activation_cutoff": cutoff,
        "mean_ic_positive_weights": float(ic_pos.mean()),
        "mean_ic_negative_weights": float(ic_neg.mean()),
    }
    for m, s in scores.items()
]
write_tsv(sm.output.artifacts, pd.DataFrame(rows))
