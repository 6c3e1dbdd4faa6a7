"""Position weight matrices from convolutional filters (the authors' conversion) and
their information content.

PWMs are ``(4, W)`` probability matrices, rows in ``ACGT`` order, columns summing to 1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["filter_pwms", "information_content", "trim"]


def information_content(p: np.ndarray) -> np.ndarray:
    """Information content in bits of each column of a ``(4, L)`` probability matrix
    against a uniform background: ``2 + sum_b p_b log2 p_b``, ``(L,)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log2(p), 0.0)
    return 2.0 + plogp.sum(0)


def filter_pwms(weights: np.ndarray) -> np.ndarray:
    """PWMs of conv filters: ``(K, 4, W)`` weights -> ``(K, 4, W)`` probabilities.

    Negative weights are set to 0 and each column is normalised to sum 1; a column with
    no positive weight becomes uniform (0.25 each).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 3 or w.shape[1] != 4:
        raise ValueError(f"filter weights must have shape (K, 4, W), got {w.shape}")
    pos = np.maximum(w, 0.0)
    total = pos.sum(axis=1, keepdims=True)
    return np.where(total > 0, pos / np.where(total > 0, total, 1.0), 0.25)


def trim(pwm: np.ndarray, min_ic: float = 0.25, min_width: int = 1) -> np.ndarray:
    """Drop the low-information flanks of a ``(4, W)`` PWM: leading and trailing columns
    with information content below ``min_ic`` bits. Keeps at least the ``min_width``
    most informative contiguous columns (centred on the best column) when every column
    is below the threshold."""
    pwm = np.asarray(pwm, dtype=np.float64)
    if pwm.ndim != 2 or pwm.shape[0] != 4:
        raise ValueError(f"PWM must have shape (4, W), got {pwm.shape}")
    ic = information_content(pwm)
    keep = np.flatnonzero(ic >= min_ic)
    if len(keep) and keep[-1] - keep[0] + 1 >= min_width:
        return pwm[:, keep[0] : keep[-1] + 1]
    width = min(max(min_width, 1), pwm.shape[1])
    start = int(np.clip(np.argmax(ic) - width // 2, 0, pwm.shape[1] - width))
    return pwm[:, start : start + width]
