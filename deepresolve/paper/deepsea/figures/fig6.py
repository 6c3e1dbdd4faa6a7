"""Figure 6: sequence features captured by the channels of DeepSEA's analysed layer.

Left: -log10 TOMTOM q-value of each channel (columns) against each JASPAR motif that is
the top match of at least one channel (rows); pairs above the q-value cut show the floor
value. Right: gradient-ascent PWMs of the best-matching channels beside their top motif.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from deepresolve.motifs.jaspar import MotifSet
from deepresolve.plotting.logos import draw_logo


def qvalue_matrix(pairs: pd.DataFrame, q_cut: float = 0.005) -> pd.DataFrame:
    """Motif x channel matrix of -log10 q (0 where q >= ``q_cut``) from the best
    (channel, target, qvalue) pairs; rows: motifs that are a channel's top match with
    q < ``q_cut``; columns: channels with such a match, grouped by their top motif."""
    sig = pairs[pairs["qvalue"] < q_cut]
    if sig.empty:
        return pd.DataFrame()
    top = sig.sort_values(["qvalue", "pvalue"], kind="stable").drop_duplicates("channel")
    motifs = list(pd.unique(top.sort_values("target_name", kind="stable")["target"]))
    channels = [c for m in motifs for c in sorted(top.loc[top["target"] == m, "channel"])]
    sub = sig[sig["target"].isin(motifs) & sig["channel"].isin(channels)]
    mat = sub.pivot_table(index="target", columns="channel", values="qvalue", aggfunc="min")
    mat = -np.log10(mat.reindex(index=motifs, columns=channels).clip(lower=1e-300))
    return mat.fillna(0.0)


def fig6(
    pairs: pd.DataFrame,
    channel_pwms: Mapping[int, np.ndarray],
    motifs: MotifSet,
    q_cut: float = 0.005,
    n_logos: int = 5,
) -> Figure:
    """``pairs``: best match per (channel, target) with columns channel, target,
    target_name, qvalue, pvalue, orientation; ``channel_pwms``: the representative
    gradient-ascent PWM ``(4, L)`` of each channel (its best-matching start)."""
    mat = qvalue_matrix(pairs, q_cut)
    fig = plt.figure(figsize=(13, 6.5), constrained_layout=True)
    outer = fig.add_gridspec(1, 2, width_ratios=[2.2, 1])
    ax = fig.add_subplot(outer[0])
    if mat.empty:
        ax.text(0.5, 0.5, f"no channel matches a motif at q < {q_cut}", ha="center",
                va="center", transform=ax.transAxes)  # fmt: skip
        ax.set_axis_off()
    else:
        im = ax.imshow(mat.to_numpy(), aspect="auto", cmap="viridis", interpolation="nearest")
        names = dict(zip(motifs.ids, motifs.names, strict=True))
        ax.set_yticks(range(len(mat)), [f"{names.get(m, m)} ({m})" for m in mat.index],
                      fontsize=max(3, min(8, 400 // max(len(mat), 1))))  # fmt: skip
        step = max(1, len(mat.columns) // 40)
        ax.set_xticks(range(0, len(mat.columns), step), [str(c) for c in mat.columns[::step]],
                      rotation=90, fontsize=6)  # fmt: skip
        ax.set_xlabel("channel")
        fig.colorbar(im, ax=ax, shrink=0.6, label=f"-log10 TOMTOM q (0: q >= {q_cut})")
        ax.set_title(f"{mat.shape[1]} channels match {mat.shape[0]} JASPAR motifs at q < {q_cut}")
    best = (
        pairs[pairs["qvalue"] < q_cut]
        .sort_values(["qvalue", "pvalue"], kind="stable")
        .drop_duplicates("channel")
        .drop_duplicates("target")
        .head(n_logos)
    )
    right = outer[1].subgridspec(max(len(best), 1), 2)
    for row, hit in enumerate(best.itertuples()):
        ax_q, ax_t = fig.add_subplot(right[row, 0]), fig.add_subplot(right[row, 1])
        draw_logo(ax_q, channel_pwms[int(hit.channel)], title=f"channel {hit.channel}")
        target = motifs.by_id(hit.target)
        if hit.orientation == "-":
            target = target[::-1, ::-1]
        draw_logo(ax_t, target, title=f"{hit.target_name} ({hit.orientation}) q={hit.qvalue:.1e}")
    return fig
