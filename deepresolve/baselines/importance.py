"""Per-channel importance from layer attributions, as the Table 1 baselines rank filters."""

from __future__ import annotations

import numpy as np


def channel_importance(attr: np.ndarray, reduce: str = "mean") -> np.ndarray:
    """Importance of each channel: ``(N, K, W) -> (K,)``.

    Each sequence's attributions are reduced over positions (``"mean"``, used for
    saliency and gradient x input, or ``"max"``, which the authors used for DeepLIFT),
    then averaged over the ``N`` sequences. Same units as ``attr``.
    """
    attr = np.asarray(attr)
    if attr.ndim != 3:
        raise ValueError(f"attr must have shape (N, K, W), got {attr.shape}")
    if attr.shape[0] == 0 or attr.shape[2] == 0:
        raise ValueError(f"attr is empty: shape {attr.shape}")
    if reduce == "mean":
        per_seq = attr.mean(axis=2)
    elif reduce == "max":
        per_seq = attr.max(axis=2)
    else:
        raise ValueError(f"reduce must be 'mean' or 'max', got {reduce!r}")
    return per_seq.mean(axis=0)
