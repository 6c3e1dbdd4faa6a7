"""Signed importance dots: one row of per-channel values (FIVs, OFIVs) drawn as red
(positive) and blue (negative) dots whose area is proportional to the magnitude."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

POSITIVE, NEGATIVE = "#d62728", "#1f4eb4"


def signed_dots(
    ax: Axes, y: float, values: np.ndarray, scale: float, max_area: float = 260.0
) -> None:
    """Dots at ``x = 0..K-1`` on row ``y``: red for positive, blue for negative values,
    area ``max_area * |value| / scale``."""
    values = np.asarray(values, dtype=float)
    x = np.arange(len(values))
    area = max_area * np.abs(values) / (scale if scale > 0 else 1.0)
    colors = np.where(values >= 0, POSITIVE, NEGATIVE)
    ax.scatter(x, np.full(len(values), y), s=area, c=colors, alpha=0.8, linewidths=0)
