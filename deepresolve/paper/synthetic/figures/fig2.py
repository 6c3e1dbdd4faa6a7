"""Figure 2: from the FIV ensemble to the OFIV on synthetic dataset I.

One column per channel: the FIVs of every random start as signed dots (red positive,
blue negative, area proportional to ``|FIV|``), the inconsistency level (grey darkness
and area proportional to IL), the OFIV, stars on non-additive channels, and the
sequence logo of each channel's filter.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from deepresolve.motifs.pwm import filter_pwms
from deepresolve.plotting.importance import signed_dots
from deepresolve.plotting.logos import draw_logo
from deepresolve.resolution import Resolution


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


def plot_fig2(
    res: Resolution,
    conv_weights: np.ndarray,
    class_index: int = 0,
    motif_filters: Mapping[str, int] | None = None,
    title: str | None = None,
) -> Figure:
    """Figure 2 for class ``class_index`` of ``res``; ``conv_weights`` ``(K, 4, W)`` give
    the logos; ``motif_filters`` (pattern -> channel) labels the filters that detect the
    patterns (several patterns may share a filter)."""
    t, k = res.fivs[class_index].shape
    if conv_weights.shape[0] != k:
        raise ValueError(f"{conv_weights.shape[0]} filters for {k} channels")
    pwms = filter_pwms(conv_weights)
    fig = plt.figure(figsize=(max(10.0, 0.55 * k), 0.32 * t + 5.0))
    grid = fig.add_gridspec(2, k, height_ratios=[0.32 * t + 3.0, 0.7], hspace=0.12, wspace=0.1)
    ax = fig.add_subplot(grid[0, :])
    draw_fiv_ensemble(ax, res, class_index)
    labels = channel_labels(motif_filters)
    for c in range(k):
        lax = fig.add_subplot(grid[1, c])
        draw_logo(lax, pwms[c])
        if c in labels:
            lax.set_xlabel(labels[c], fontsize=7, fontweight="bold")
    nonadd = res.nonadditive[class_index]
    n_comp = int(res.n_components[class_index])
    fig.suptitle(
        title
        or f"DeepResolve on synthetic dataset I: {t} FIVs, IL, OFIV "
        f"({n_comp} GMM component{'s' if n_comp != 1 else ''}, "
        f"{int(nonadd.sum())} non-additive channels)",
        fontsize=10,
    )
    return fig


def channel_labels(motif_filters: Mapping[str, int] | None) -> dict[int, str]:
    """Channel -> its patterns joined by newlines, from pattern -> channel."""
    labels: dict[int, list[str]] = {}
    for motif, c in (motif_filters or {}).items():
        labels.setdefault(int(c), []).append(motif)
    return {c: "\n".join(ms) for c, ms in labels.items()}
