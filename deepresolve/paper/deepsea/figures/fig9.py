"""Figure 9: clusters of classes on DeepResolve's class similarity that hold the paper's
known interacting factors; per group, the similarity sub-matrix (left) and, beside it, the
other matrices (label correlation; for the simulation the model-implied similarity) of the
same classes; the group's own classes in red."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from deepresolve.paper.deepsea.compendium import factor_of
from deepresolve.paper.deepsea.sharing import group_cluster


def fig9(
    matrices: Mapping[str, np.ndarray],
    names: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    max_size: int = 16,
) -> Figure:
    """``matrices``: short title -> ``(C, C)``; the first (DeepResolve's class similarity)
    chooses each group's cluster, the others are shown beside it for the same classes.
    ``groups``: title -> factor names. Groups with no class in ``names`` are skipped."""
    mats = list(matrices.items())
    if not mats:
        raise ValueError("need at least one matrix")
    sim = np.asarray(mats[0][1])
    panels = [(g, group_cluster(sim, names, f, max_size)) for g, f in groups.items()]
    panels = [(g, idx) for g, idx in panels if len(idx)]
    members = {g: set(f) for g, f in groups.items()}
    ncol = 2
    nrow = max(1, int(np.ceil(len(panels) / ncol)))
    n_mat = len(mats)
    fig, axes = plt.subplots(nrow, n_mat * ncol, figsize=(8 * n_mat, 4.2 * nrow),
                             constrained_layout=True, squeeze=False)  # fmt: skip
    for ax in axes.ravel():
        ax.set_axis_off()
    for p, (group, idx) in enumerate(panels):
        r, c = divmod(p, ncol)
        tick = [names[i] for i in idx]
        for k, (what, mat) in enumerate(mats):
            ax = axes[r, n_mat * c + k]
            ax.set_axis_on()
            im = ax.imshow(np.asarray(mat)[np.ix_(idx, idx)], cmap="RdBu_r", vmin=-1, vmax=1,
                           interpolation="nearest")  # fmt: skip
            ax.set_xticks(range(len(idx)), tick, rotation=90, fontsize=5)
            ax.set_yticks(range(len(idx)), tick if k == 0 else [""] * len(idx), fontsize=5)
            ax.set_title(f"{group}: {what}", fontsize=9)
            # the group's own classes in red
            for lab in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
                if lab.get_text() and factor_of(lab.get_text()) in members[group]:
                    lab.set_color("red")
    if panels:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.5, label="similarity / correlation")
    return fig
