"""Figure 8: (a) bi-clustered DeepResolve similarity between TF/histone classes and DNase
classes; (b) per TF/histone class, the number of DNase classes it is strongly positively
(red) and negatively (blue) similar to."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from deepresolve.paper.deepsea.compendium import class_kind
from deepresolve.paper.deepsea.sharing import bicluster_order


def fig8(sim: np.ndarray, names: Sequence[str], association: pd.DataFrame) -> Figure:
    """``association``: :func:`deepresolve.paper.deepsea.sharing.dnase_association` of ``sim``."""
    kinds = np.array([class_kind(n) for n in names])
    dnase, other = np.flatnonzero(kinds == "DNase"), np.flatnonzero(kinds != "DNase")
    sub = np.asarray(sim)[np.ix_(dnase, other)]
    rows, cols = bicluster_order(sub)
    labels = len(other) <= 120  # class names only when they can be read
    width = max(8, 0.16 * len(other)) if labels else 14
    fig, (ax_a, ax_b) = plt.subplots(2, 1, figsize=(width, 9), height_ratios=[1.3, 1],
                                     constrained_layout=True)  # fmt: skip
    im = ax_a.imshow(sub[np.ix_(rows, cols)], aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                     interpolation="nearest")  # fmt: skip
    if labels:
        ax_a.set_xticks(range(len(cols)), [names[other[c]] for c in cols], rotation=90,
                        fontsize=5)  # fmt: skip
    ax_a.set_yticks(range(len(rows)), [names[dnase[r]].split("|")[0] for r in rows],
                    fontsize=max(3, min(7, 500 // max(len(rows), 1))))  # fmt: skip
    ax_a.set_title("a  DeepResolve similarity: DNase (rows) x TF/histone (columns), bi-clustered")
    fig.colorbar(im, ax=ax_a, shrink=0.8, label="class similarity")
    x = np.arange(len(association))
    ax_b.bar(x, association["n_positive"], color="tab:red", label="similar (> hi)")
    ax_b.bar(x, -association["n_negative"], color="tab:blue", label="dissimilar (< lo)")
    ax_b.axhline(0, color="k", lw=0.5)
    if labels:
        ax_b.set_xticks(x, association["class"], rotation=90, fontsize=5)
    hi, lo = float(association["hi"].iloc[0]), float(association["lo"].iloc[0])
    ax_b.set_ylabel("number of DNase classes")
    ax_b.set_title(f"b  strong similarity with DNase classes (hi = {hi:.2f}, lo = {lo:.2f}: "
                   "85% / 15% quantiles)", fontsize=10)  # fmt: skip
    ax_b.legend(fontsize=8)
    ax_b.set_xlim(-0.5, len(x) - 0.5)
    return fig
