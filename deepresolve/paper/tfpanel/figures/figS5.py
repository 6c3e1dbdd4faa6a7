"""Figure S5: (A) information content of the positive and of the negative weights of
every filter of every TF model; (B) each filter's normalised activation on positive
sequences against its motif-matching significance, coloured by the information content
of its positive weights; (C) the same per OFIV-rank group, with the artifact corner
(p > 0.5, activation in the bottom quarter) outlined."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle


def ic_histograms(ax, ic_pos: np.ndarray, ic_neg: np.ndarray) -> None:
    """Panel A: histograms of the information content (bits) of the filters' positive and
    negative weights."""
    bins = np.linspace(0, max(ic_pos.max(), ic_neg.max(), 1e-9), 30)
    ax.hist(ic_pos.ravel(), bins=bins, alpha=0.6, color="tab:red", label="positive weights")
    ax.hist(ic_neg.ravel(), bins=bins, alpha=0.6, color="tab:blue", label="negative weights")
    ax.set_xlabel("information content of filter (bits)")
    ax.set_ylabel("filters")
    ax.legend(fontsize=7)
    ax.set_title("A", loc="left", fontweight="bold")


def plot_figS5(
    ic_pos: np.ndarray,
    ic_neg: np.ndarray,
    act_pos: np.ndarray,
    pvalues: np.ndarray,
    groups: np.ndarray,
    act_cutoff: float,
    p_cutoff: float = 0.5,
) -> Figure:
    """All inputs ``(E, K)``: total IC (bits) of each filter's positive / negative
    weights, normalised activation on positives, TOMTOM p-value, OFIV-rank group
    (``G - 1`` = best). ``act_cutoff``: the bottom-quarter activation bound."""
    ic_pos, ic_neg, act, p, groups = (
        np.asarray(a) for a in (ic_pos, ic_neg, act_pos, pvalues, groups)
    )
    n_groups = int(groups.max()) + 1
    fig = plt.figure(figsize=(3.0 * n_groups, 6.6))
    grid = fig.add_gridspec(2, n_groups, hspace=0.45, wspace=0.3)
    ic_histograms(fig.add_subplot(grid[0, : n_groups // 2]), ic_pos, ic_neg)
    ax = fig.add_subplot(grid[0, n_groups // 2 :])
    logp = -np.log10(np.clip(p, 1e-20, 1))
    vmax = float(ic_pos.max()) or 1.0
    sc = ax.scatter(
        act.ravel(), logp.ravel(), c=ic_pos.ravel(), s=6, cmap="viridis", vmin=0, vmax=vmax
    )
    fig.colorbar(sc, ax=ax, label="IC of positive weights (bits)")
    ax.set_xlabel("normalised activation (positives)")
    ax.set_ylabel("-log10 TOMTOM p")
    ax.set_title("B", loc="left", fontweight="bold")
    ymax = max(float(logp.max()), 1.0) * 1.05
    for g in range(n_groups):
        ax = fig.add_subplot(grid[1, g])
        sel = groups == g
        ax.scatter(act[sel], logp[sel], c=ic_pos[sel], s=6, cmap="viridis", vmin=0, vmax=vmax)
        ax.add_patch(
            Rectangle((0, 0), act_cutoff, -np.log10(p_cutoff), fill=False, ec="tab:green", lw=1.2)
        )
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.05 * ymax, ymax)
        ax.set_xlabel("normalised activation (pos.)", fontsize=7)
        ax.set_title(f"OFIV rank group {g + 1} of {n_groups}", fontsize=8)
        if g == 0:
            ax.set_ylabel("-log10 TOMTOM p")
            ax.set_title("C", loc="left", fontweight="bold")
    return fig


def plot_figS5_weights(
    ic_pos: np.ndarray, ic_neg: np.ndarray, groups: np.ndarray, evalues: np.ndarray
) -> Figure:
    """Figure S5 without sequences (the data-free part). All inputs ``(E, K)``: total IC
    (bits) of each filter's positive / negative weights, OFIV-rank group (``G - 1`` =
    best) and TOMTOM E-value against the TF's motif. (A) IC histograms of positive and
    negative weights; (B) negative against positive IC per filter, coloured by OFIV rank
    group; (C) -log10 E-value against the IC of the positive weights, by group."""
    ic_pos, ic_neg, groups = (np.asarray(a) for a in (ic_pos, ic_neg, groups))
    logp = -np.log10(np.clip(np.asarray(evalues, dtype=float), 1e-20, 1))
    n_groups = int(groups.max()) + 1
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, n_groups))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ic_histograms(axes[0], ic_pos, ic_neg)
    top = max(ic_pos.max(), ic_neg.max(), 1e-9)
    for g in range(n_groups):
        sel = groups == g
        label = f"OFIV rank group {g + 1}" + (" (best)" if g == n_groups - 1 else "")
        axes[1].scatter(ic_pos[sel], ic_neg[sel], s=5, color=colours[g], label=label)
        axes[2].scatter(ic_pos[sel], logp[sel], s=5, color=colours[g], label=label)
    axes[1].plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
    axes[1].set_xlabel("IC of positive weights (bits)")
    axes[1].set_ylabel("IC of negative weights (bits)")
    axes[1].legend(fontsize=6, markerscale=2)
    axes[1].set_title("B", loc="left", fontweight="bold")
    axes[2].axhline(-np.log10(0.05), color="grey", lw=0.8, ls="--")
    axes[2].set_xlabel("IC of positive weights (bits)")
    axes[2].set_ylabel("-log10 TOMTOM E-value (own motif)")
    axes[2].set_title("C", loc="left", fontweight="bold")
    fig.tight_layout()
    return fig
