"""Figure S1: how many GMM components BIC chose on the inconsistency levels of each
class, per analysed model set (synthetic I and II, the TF panel, DeepSEA).

One panel per model set: the number of classes (experiments, outputs) that chose 1, 2
or 3 components. One component means every channel contributes additively.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def component_counts(
    n_components: Mapping[str, np.ndarray], max_components: int = 3
) -> pd.DataFrame:
    """Classes choosing each component count: rows = model sets, columns ``1..max``."""
    rows = {}
    for name, counts in n_components.items():
        counts = np.asarray(counts, dtype=int).ravel()
        if len(counts) and (counts.min() < 1 or counts.max() > max_components):
            raise ValueError(
                f"{name}: component counts must be in 1..{max_components}, got "
                f"{sorted(set(counts.tolist()))}"
            )
        rows[name] = np.bincount(counts, minlength=max_components + 1)[1:]
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=[str(i) for i in range(1, max_components + 1)]
    )


def plot_figS1(n_components: Mapping[str, np.ndarray], max_components: int = 3) -> Figure:
    """Bar chart per model set of the classes choosing 1..``max_components`` components.

    ``n_components``: model-set name -> ``(C,)`` chosen counts (``Resolution.n_components``).
    """
    if len(n_components) == 0:
        raise ValueError("plot_figS1 needs at least one model set")
    table = component_counts(n_components, max_components)
    fig, axes = plt.subplots(1, len(table), figsize=(2.9 * len(table), 3.2), squeeze=False)
    for ax, (name, row) in zip(axes[0], table.iterrows(), strict=True):
        bars = ax.bar(row.index, row.values, color="#4c72b0")
        ax.bar_label(bars, fontsize=8)
        ax.set_title(f"{name}\n(n = {int(row.sum())} classes)", fontsize=9)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("GMM components (BIC)", fontsize=8)
        ax.set_ylim(0, max(1, row.max()) * 1.18)
        ax.tick_params(labelsize=8)
    axes[0, 0].set_ylabel("classes", fontsize=8)
    fig.tight_layout()
    return fig
