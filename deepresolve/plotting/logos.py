"""Sequence logos (logomaker), shared by the figures that show filters or motifs."""

from __future__ import annotations

import logomaker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from deepresolve.motifs.pwm import information_content


def draw_logo(ax: Axes, pwm: np.ndarray, bits: bool = True, title: str | None = None) -> None:
    """Draw a ``(4, W)`` PWM on ``ax``: letter heights in bits (information content)
    when ``bits``, else the probabilities. Axes ticks are removed."""
    pwm = np.asarray(pwm, dtype=np.float64)
    if pwm.ndim != 2 or pwm.shape[0] != 4:
        raise ValueError(f"PWM must have shape (4, W), got {pwm.shape}")
    heights = pwm * information_content(pwm)[None, :] if bits else pwm
    df = pd.DataFrame(heights.T, columns=list("ACGT"))
    logomaker.Logo(df, ax=ax, color_scheme="classic", show_spines=False)
    ax.set_xticks([])
    ax.set_yticks([])
    if bits:
        ax.set_ylim(0, 2)
    if title:
        ax.set_title(title, fontsize=7)


def draw_signed_logo(ax: Axes, scores: np.ndarray, title: str | None = None) -> None:
    """Draw per-base attribution scores ``(4, L)`` (e.g. saliency x one-hot): letters
    above the axis for positive scores, below for negative."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[0] != 4:
        raise ValueError(f"scores must have shape (4, L), got {scores.shape}")
    df = pd.DataFrame(scores.T, columns=list("ACGT"))
    logomaker.Logo(df, ax=ax, color_scheme="classic", show_spines=False, flip_below=False)
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xticks([])
    if title:
        ax.set_title(title, fontsize=8)
