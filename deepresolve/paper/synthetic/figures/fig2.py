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
from matplotlib.figure import Figure

from deepresolve.motifs.pwm import filter_pwms
from deepresolve.plotting.logos import draw_logo
from deepresolve.plotting.resolution import draw_fiv_ensemble
from deepresolve.resolution import Resolution

__all__ = ["draw_fiv_ensemble", "plot_fig2"]  # the panel is the library's


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
