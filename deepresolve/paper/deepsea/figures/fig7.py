"""Figure 7: DeepResolve's class similarity map beside the label correlation and the
last-layer weight similarity, classes ordered DNase | TF | histone (within a kind by the
clustering of DeepResolve's similarity); the red box is the TF/histone x DNase block
analysed in Figure 8."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from deepresolve.paper.deepsea.compendium import class_kind
from deepresolve.paper.deepsea.sharing import KIND_ORDER, cluster_order


def class_display_order(sim: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Kinds in :data:`KIND_ORDER`; within a kind, dendrogram order of ``sim``."""
    kinds = np.array([class_kind(n) for n in names])
    order = []
    for kind in KIND_ORDER:
        idx = np.flatnonzero(kinds == kind)
        if len(idx):
            order.extend(idx[cluster_order(sim[np.ix_(idx, idx)])])
    return np.array(order, dtype=np.int64)


def fig7(matrices: Mapping[str, np.ndarray], names: Sequence[str], reference: str) -> Figure:
    """One heat map per entry of ``matrices`` (title -> ``(C, C)``), all in the order of
    :func:`class_display_order` on ``matrices[reference]``."""
    order = class_display_order(np.asarray(matrices[reference]), names)
    kinds = np.array([class_kind(names[i]) for i in order])
    n = len(order)
    fig, axes = plt.subplots(1, len(matrices), figsize=(4.4 * len(matrices), 4.8),
                             constrained_layout=True)  # fmt: skip
    axes = np.atleast_1d(axes)
    n_dnase = int((kinds == "DNase").sum())
    for ax, (title, mat) in zip(axes, matrices.items(), strict=True):
        im = ax.imshow(np.asarray(mat)[np.ix_(order, order)], cmap="RdBu_r", vmin=-1, vmax=1,
                       interpolation="nearest")  # fmt: skip
        ax.set_title(title, fontsize=10)
        bounds = np.flatnonzero(kinds[1:] != kinds[:-1]) + 0.5
        for b in bounds:
            ax.axhline(b, color="k", lw=0.5)
            ax.axvline(b, color="k", lw=0.5)
        if 0 < n_dnase < n:
            ax.add_patch(Rectangle((-0.5, n_dnase - 0.5), n_dnase, n - n_dnase, fill=False,
                                   edgecolor="red", lw=1.5))  # fmt: skip
        ticks = [(np.flatnonzero(kinds == k).mean(), k) for k in KIND_ORDER if (kinds == k).any()]
        ax.set_xticks([t for t, _ in ticks], [k for _, k in ticks], fontsize=8)
        ax.set_yticks([t for t, _ in ticks], [k for _, k in ticks], fontsize=8, rotation=90,
                      va="center")  # fmt: skip
    fig.colorbar(im, ax=list(axes), shrink=0.7, label="similarity / correlation")
    fig.suptitle(f"Class similarity of {n} classes (red box: TF/histone x DNase, Fig 8)")
    return fig
