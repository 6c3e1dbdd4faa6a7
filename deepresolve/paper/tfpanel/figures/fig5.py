"""Figure 5: filters of all TF models grouped by their OFIV rank, with the distribution
of each group's mean activation on positive and on negative sequences (scaled to [0, 1]
within each model) and of its TOMTOM p-value against the TF's known motif."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

SERIES = (
    ("activation\n(positives)", "tab:red"),
    ("activation\n(negatives)", "tab:blue"),
    ("TOMTOM\np-value", "tab:gray"),
)


def plot_fig5(
    groups: np.ndarray, act_pos: np.ndarray, act_neg: np.ndarray, pvalues: np.ndarray
) -> Figure:
    """``groups`` ``(E, K)`` in ``0..G-1`` (``G - 1`` = best OFIV ranks), normalised
    activations and p-values ``(E, K)``: one panel per group, lowest ranks left."""
    arrays = [np.asarray(a, dtype=float) for a in (act_pos, act_neg, pvalues)]
    groups = np.asarray(groups)
    if any(a.shape != groups.shape for a in arrays):
        raise ValueError(f"shapes differ: groups {groups.shape}, {[a.shape for a in arrays]}")
    n_groups = int(groups.max()) + 1
    k = groups.shape[1]
    fig, axes = plt.subplots(1, n_groups, figsize=(3.0 * n_groups, 3.6), sharey=True)
    axes = np.atleast_1d(axes)
    for g, ax in enumerate(axes):
        sel = groups == g
        data = [a[sel] for a in arrays]
        parts = ax.violinplot(data, showmedians=True, widths=0.8)
        for body, (_, colour) in zip(parts["bodies"], SERIES, strict=True):
            body.set_facecolor(colour)
            body.set_alpha(0.6)
        ax.set_xticks(range(1, 4), [s for s, _ in SERIES], fontsize=7)
        ranks = sorted({int(r) for r in np.arange(1, k + 1) if _group_of(r, k, n_groups) == g})
        ax.set_title(f"OFIV ranks {ranks[0]}-{ranks[-1]} ({sel.sum()} filters)", fontsize=8)
        ax.set_ylim(-0.05, 1.05)
    axes[0].set_ylabel("normalised activation / p-value")
    fig.suptitle("Filters grouped by DeepResolve OFIV rank (rank increases to the right)")
    fig.tight_layout()
    return fig


def _group_of(rank: int, k: int, n_groups: int) -> int:
    return n_groups - 1 - (rank - 1) * n_groups // k
