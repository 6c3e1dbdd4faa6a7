"""Figure 4: feature sharing in the multi-task network of synthetic dataset II.

(a) the OFIV of each class as signed dots per channel (red positive, blue negative,
area proportional to ``|OFIV|``), stars on non-additive channels, and the logo of each
filter; (b) four ``C x C`` matrices: DeepResolve class similarity, label correlation,
signed-OFIV correlation and last-layer weight cosine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

from deepresolve.motifs.pwm import filter_pwms
from deepresolve.plotting.importance import signed_dots
from deepresolve.plotting.logos import draw_logo
from deepresolve.resolution import Resolution


def plot_fig4a(
    res: Resolution, conv_weights: np.ndarray, class_names: Sequence[str] | None = None
) -> Figure:
    """OFIVs of all classes of ``res`` over the ``K`` channels, with filter logos from
    ``conv_weights`` ``(K, 4, W)``."""
    ofiv = res.ofiv
    c, k = ofiv.shape
    if conv_weights.shape[0] != k:
        raise ValueError(f"{conv_weights.shape[0]} filters for {k} channels")
    names = list(class_names) if class_names is not None else res.labels()
    fig = plt.figure(figsize=(max(10.0, 0.55 * k), 0.7 * c + 2.4))
    grid = fig.add_gridspec(2, k, height_ratios=[0.7 * c + 0.8, 0.7], hspace=0.12, wspace=0.1)
    ax = fig.add_subplot(grid[0, :])
    scale = float(np.abs(ofiv).max())
    for i in range(c):
        signed_dots(ax, -i, ofiv[i], scale, max_area=300.0)
        stars = np.flatnonzero(res.nonadditive[i])
        ax.scatter(stars, np.full(len(stars), -i + 0.38), marker="*", s=40, c="k")
    ax.set_yticks([-i for i in range(c)], names, fontsize=8)
    ax.set_xticks(np.arange(k), [str(j) for j in range(k)], fontsize=7)
    ax.set_xlim(-0.6, k - 0.4)
    ax.set_ylim(-c + 0.4, 0.7)
    ax.tick_params(axis="x", length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    pwms = filter_pwms(conv_weights)
    for j in range(k):
        lax = fig.add_subplot(grid[1, j])
        draw_logo(lax, pwms[j])
    fig.suptitle("OFIV of each class of synthetic dataset II (red +, blue -; * non-additive)",
                 fontsize=10)  # fmt: skip
    return fig


def plot_fig4b(matrices: Mapping[str, np.ndarray], class_names: Sequence[str]) -> Figure:
    """A 2 x 2 grid of annotated ``(C, C)`` heat maps on a common ``[-1, 1]`` scale."""
    if len(matrices) == 0:
        raise ValueError("plot_fig4b needs at least one matrix")
    n = len(matrices)
    cols = 2 if n > 1 else 1
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.4 * rows), squeeze=False)
    labels = [str(s) for s in class_names]
    for ax, (title, matrix) in zip(axes.ravel(), matrices.items(), strict=False):
        matrix = np.asarray(matrix)
        if matrix.shape != (len(labels), len(labels)):
            raise ValueError(f"{title}: shape {matrix.shape} for {len(labels)} classes")
        sns.heatmap(matrix, ax=ax, vmin=-1, vmax=1, cmap="RdBu_r", annot=True, fmt=".2f",
                    square=True, xticklabels=labels, yticklabels=labels, cbar=True,
                    annot_kws={"fontsize": 9})  # fmt: skip
        ax.set_title(title, fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
