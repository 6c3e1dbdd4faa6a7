"""Figure 2 diagnosis: why the dataset I model's XOR logic is (not) flagged.

(a) the model's mean logit per combination of planted patterns on test sequences, bars
coloured by what the AND/XOR logic says; (b) the logit over the two XOR channels' values
with the rest of the feature map fixed, the gradient-ascent optima of every start and the
data's typical points marked; (c) Figure 2's FIV/IL/OFIV panel for the trained model and,
below it, for the two-branch positive-control head of the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from deepresolve.paper.synthetic.diagnosis import Landscape
from deepresolve.paper.synthetic.figures.fig2 import draw_fiv_ensemble
from deepresolve.plotting.importance import NEGATIVE, POSITIVE
from deepresolve.resolution import Resolution


def plot_diagnosis(
    combinations: pd.DataFrame,
    landscape: Landscape,
    trained: Resolution,
    control: Resolution,
    trained_labels: Mapping[int, str] | None = None,
    control_labels: Mapping[int, str] | None = None,
) -> Figure:
    """The three panels; ``combinations`` from
    :func:`~deepresolve.paper.synthetic.diagnosis.combination_logits`, ``*_labels``
    (channel -> text) name the channels of the patterns under each FIV panel."""
    t, k = trained.fivs[0].shape
    fig = plt.figure(figsize=(max(14.0, 0.5 * k), 0.64 * t + 15.0))
    grid = fig.add_gridspec(3, 2, height_ratios=[5.2, 0.32 * t + 4.2, 0.32 * t + 4.2],
                            hspace=0.38, wspace=0.25)  # fmt: skip
    _combination_bars(fig.add_subplot(grid[0, 0]), combinations)
    _landscape(fig, fig.add_subplot(grid[0, 1]), landscape)
    for row, res, labels, name in (
        (1, trained, trained_labels, "trained dataset I model"),
        (2, control, control_labels,
         "positive control, a two-branch XOR head of the same shape: relu(C+A-B) + relu(C+B-A)"),
    ):  # fmt: skip
        ax = fig.add_subplot(grid[row, :])
        draw_fiv_ensemble(ax, res, 0, channel_labels=labels)
        n_comp = int(res.n_components[0])
        ax.set_title(
            f"(c) DeepResolve on the {name}: {n_comp} GMM "
            f"component{'s' if n_comp != 1 else ''}, "
            f"{int(res.nonadditive[0].sum())} non-additive channel(s) (*)",
            fontsize=10, loc="left",
        )  # fmt: skip
    return fig


def _combination_bars(ax, table: pd.DataFrame) -> None:
    x = np.arange(len(table))
    colors = [POSITIVE if lab else NEGATIVE for lab in table["label"]]
    ax.bar(x, table["mean_logit"], yerr=table["sd_logit"], color=colors, alpha=0.8,
           error_kw={"lw": 0.8, "capsize": 2})  # fmt: skip
    ax.axhline(0, color="k", lw=0.6)
    sd = np.nan_to_num(table["sd_logit"].to_numpy(dtype=float))
    for xi, (m, n) in enumerate(zip(table["mean_logit"], table["n"], strict=True)):
        if np.isfinite(m):
            y = m + sd[xi] if m >= 0 else m - sd[xi]
            ax.text(xi, y, f"{m:+.2f}\nn={n}", ha="center", va="bottom" if m >= 0 else "top",
                    fontsize=7)  # fmt: skip
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - 0.12 * (hi - lo), hi + 0.12 * (hi - lo))
    ax.set_xticks(x, [c.replace("+", "\n+") for c in table["combination"]], fontsize=7)
    ax.set_ylabel("mean logit on test sequences (+- sd)", fontsize=9)
    ax.set_title("(a) logit per pattern combination (red: label 1, blue: label 0)",
                 fontsize=10, loc="left")  # fmt: skip


def _landscape(fig, ax, land: Landscape) -> None:
    extent = (land.values_a[0], land.values_a[-1], land.values_b[0], land.values_b[-1])
    lo, hi = float(land.logits.min()), float(land.logits.max())
    norm = TwoSlopeNorm(0.0, min(lo, -1e-3), max(hi, 1e-3))
    im = ax.imshow(land.logits.T, origin="lower", extent=extent, aspect="auto", cmap="RdBu_r",
                   norm=norm)  # fmt: skip
    ax.contour(land.values_a, land.values_b, land.logits.T, levels=[0.0], colors="k",
               linewidths=0.8)  # fmt: skip
    fig.colorbar(im, ax=ax, label="logit", shrink=0.9)
    a, b = land.channels
    total = (f"channel {a} summed over windows {np.mean(land.optima_sum[:, 0]):.2f}" if a == b
             else f"summed over windows {np.mean(land.optima_sum[:, 0]):.2f}, "
             f"{np.mean(land.optima_sum[:, 1]):.2f}")  # fmt: skip
    ax.scatter(
        land.optima[:, 0],
        land.optima[:, 1],
        marker="x",
        s=50,
        c="k",
        linewidths=1.4,
        label=f"ascent optima, strongest windows ({len(land.optima)} starts;\n{total})",
    )
    ax.scatter([], [], marker="o", s=40, facecolors="none", edgecolors="0.2",
               label="test sequences: typical activation where planted")  # fmt: skip
    for name, (u, v) in land.cases.items():
        ax.scatter([u], [v], marker="o", s=40, facecolors="none", edgecolors="0.2")
        ax.annotate(name, (u, v), fontsize=6.5, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel(f"channel {a} in one window ({land.names[0]} filter)", fontsize=9)
    same = "same filter, " if a == b else ""
    ax.set_ylabel(f"channel {b} in another window ({same}{land.names[1]})", fontsize=9)
    ax.legend(loc="upper right", fontsize=6.5, frameon=True)
    ax.set_title(f"(b) logit over the XOR filters' activations; rest: {land.base}", fontsize=10,
                 loc="left")  # fmt: skip
