"""The pictures a user looks at first for one :class:`~deepresolve.Resolution`, each one
call that returns a matplotlib figure (also usable from a notebook):

* :func:`fiv_ensemble`: one class's FIVs of every random start, the inconsistency level
  and the OFIV, stars on non-additive channels (the paper's Figure 2 panel);
* :func:`ofiv_map`: OFIVs of every class and channel, non-additive channels starred, the
  GMM component count per class;
* :func:`similarity_map`: the class similarity matrix ordered by its hierarchical
  clustering, with the dendrogram (the paper's Figures 4b, 7 and 9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.cluster.hierarchy import dendrogram

from deepresolve.plotting.importance import signed_dots
from deepresolve.resolution import Resolution
from deepresolve.similarity import class_similarity, similarity_linkage


def draw_fiv_ensemble(
    ax: Axes,
    res: Resolution,
    class_index: int = 0,
    channel_labels: Mapping[int, str] | None = None,
    legend: bool = True,
) -> None:
    """Figure 2's main panel on ``ax``: one row of signed FIV dots per start, the IL row,
    the OFIV row and stars on non-additive channels, one column per channel.
    ``channel_labels`` (channel -> text) are printed under their column, in bold."""
    fivs, il, ofiv = res.fivs[class_index], res.il[class_index], res.ofiv[class_index]
    nonadd = res.nonadditive[class_index]
    t, k = fivs.shape
    scale = float(np.abs(fivs).max())
    for i in range(t):
        signed_dots(ax, -i, fivs[i], scale)
    y_il, y_ofiv = -t - 0.8, -t - 2.2
    il_scale = float(il.max()) if il.max() > 0 else 1.0
    ax.scatter(np.arange(k), np.full(k, y_il), s=260 * il / il_scale,
               c=plt.cm.Greys(0.25 + 0.75 * il / il_scale), linewidths=0)  # fmt: skip
    signed_dots(ax, y_ofiv, ofiv, float(np.abs(ofiv).max()))
    ax.scatter(np.flatnonzero(nonadd), np.full(int(nonadd.sum()), y_ofiv - 0.9), marker="*",
               s=110, c="k", label="non-additive")  # fmt: skip
    row_names = [f"FIV {i + 1}" for i in range(t)] + [f"IL (max {il.max():.2g})", "OFIV"]
    ax.set_yticks([-i for i in range(t)] + [y_il, y_ofiv], row_names, fontsize=8)
    ax.set_xticks(np.arange(k), [str(c) for c in range(k)], fontsize=7)
    for c, text in (channel_labels or {}).items():
        ax.text(c, y_ofiv - 1.45, text, ha="center", va="top", fontsize=6.5, fontweight="bold",
                rotation=90)  # fmt: skip
    ax.set_xlim(-0.6, k - 0.4)
    ax.set_ylim(y_ofiv - (3.4 if channel_labels else 1.5), 0.8)
    ax.axhline(-t + 0.4, color="0.8", lw=0.6)
    ax.tick_params(axis="x", length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if legend and nonadd.any():
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, 1.08), fontsize=8, frameon=False)


def fiv_ensemble(res: Resolution, class_index: int = 0, title: str | None = None) -> Figure:
    """Figure 2's panel for class ``class_index`` (a position in ``res.classes``)."""
    if not 0 <= class_index < res.n_classes:
        raise IndexError(f"class_index {class_index} out of range for {res.n_classes} classes")
    t, k = res.fivs[class_index].shape
    fig, ax = plt.subplots(figsize=(max(6.0, 0.32 * k + 2.0), 0.3 * t + 2.6),
                           constrained_layout=True)  # fmt: skip
    draw_fiv_ensemble(ax, res, class_index)
    label = res.labels()[class_index]
    n_comp = int(res.n_components[class_index])
    ax.set_title(title or f"class {label}: {t} starts, {n_comp} GMM component(s)", fontsize=10)
    ax.set_xlabel("channel")
    return fig


def ofiv_map(res: Resolution, max_classes: int = 200, title: str | None = None) -> Figure:
    """OFIVs ``(C, K)`` as a diverging heat map (first ``max_classes`` classes), a star on
    each non-additive channel, the GMM component count beside each class."""
    c = min(res.n_classes, max_classes)
    ofiv, k = res.ofiv[:c], res.n_channels
    scale = float(np.abs(ofiv).max()) or 1.0
    fig, ax = plt.subplots(figsize=(max(6.0, 0.22 * k + 3.0), max(2.5, 0.28 * c + 1.6)),
                           constrained_layout=True)  # fmt: skip
    im = ax.imshow(ofiv, cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto",
                   interpolation="nearest")  # fmt: skip
    rows, cols = np.nonzero(res.nonadditive[:c])
    ax.scatter(cols, rows, marker="*", s=40, c="k", label="non-additive")
    labels = res.labels()[:c]
    counts = res.n_components[:c]
    ticks = [f"{n} ({int(m)})" for n, m in zip(labels, counts, strict=True)]
    ax.set_yticks(range(c), ticks, fontsize=7)
    ax.set_xlabel("channel")
    ax.set_ylabel("class (GMM components)")
    if len(rows):
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, 1.12), fontsize=8, frameon=False)
    fig.colorbar(im, ax=ax, label="OFIV", shrink=0.8)
    more = f", first {c} of {res.n_classes} classes" if c < res.n_classes else ""
    ax.set_title(title or f"OFIVs{more}", fontsize=10)
    return fig


def similarity_map(
    res: Resolution | np.ndarray, labels: Sequence[str] | None = None, title: str | None = None
) -> Figure:
    """DeepResolve's class similarity (Pearson of ``max(OFIV, 0)``; or a given ``(C, C)``
    matrix) ordered by average-linkage clustering on ``1 - similarity``, its dendrogram
    on top."""
    if isinstance(res, Resolution):
        sim, labels = class_similarity(res.ofiv), labels or res.labels()
    else:
        sim = np.asarray(res, dtype=float)
        labels = labels or [str(i) for i in range(len(sim))]
    n = len(sim)
    if n < 2:
        raise ValueError("a similarity map needs at least two classes")
    size = min(12.0, max(4.0, 0.3 * n + 2.5))
    fig = plt.figure(figsize=(size + 1.2, size + 1.0), constrained_layout=True)
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 4], width_ratios=[30, 1])
    top, ax, bar = (
        fig.add_subplot(grid[0, 0]),
        fig.add_subplot(grid[1, 0]),
        fig.add_subplot(grid[1, 1]),
    )
    tree = dendrogram(similarity_linkage(sim), ax=top, no_labels=True, color_threshold=0,
                      above_threshold_color="0.3")  # fmt: skip
    top.set_xlim(0, 10 * n)  # the dendrogram puts leaf i at 5 + 10 i: over column i below
    top.set_axis_off()
    order = np.asarray(tree["leaves"])
    im = ax.imshow(sim[np.ix_(order, order)], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto",
                   interpolation="nearest")  # fmt: skip
    ticks = [labels[i] for i in order]
    fontsize = 8 if n <= 30 else max(3, int(240 / n))
    ax.set_xticks(range(n), ticks, rotation=90, fontsize=fontsize)
    ax.set_yticks(range(n), ticks, fontsize=fontsize)
    fig.colorbar(im, cax=bar, label="class similarity")
    top.set_title(title or f"class similarity of {n} classes (Pearson of max(OFIV, 0))",
                  fontsize=10)  # fmt: skip
    return fig
