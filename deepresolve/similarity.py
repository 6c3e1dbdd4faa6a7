"""Class relationships: DeepResolve's class similarity and difference maps, and the
matrices the paper compares them with. All return ``(C, C)`` unless noted."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform


def _row_correlation(x: np.ndarray, what: str) -> np.ndarray:
    """Pearson correlation between rows; a constant row correlates 0 with the others."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{what} must be 2-D (C, K), got shape {x.shape}")
    centred = x - x.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(centred, axis=1)
    constant = norm < 1e-12 * max(1.0, float(np.abs(x).max(initial=0.0)))
    if constant.any():
        warnings.warn(
            f"{what}: {int(constant.sum())} constant row(s) (first: row "
            f"{int(np.flatnonzero(constant)[0])}); their correlation with other rows is set to 0",
            stacklevel=3,
        )
    unit = centred / np.where(constant, 1.0, norm)[:, None]
    corr = np.clip(unit @ unit.T, -1.0, 1.0)
    np.fill_diagonal(corr, 1.0)
    return corr


def class_similarity(ofiv: np.ndarray) -> np.ndarray:
    """DeepResolve class similarity: Pearson correlation of ``max(OFIV, 0)`` between classes.

    ``ofiv``: ``(C, K)``.
    """
    return _row_correlation(np.maximum(ofiv, 0.0), "non-negative OFIV")


def class_difference(ofiv: np.ndarray, i: int, j: int) -> np.ndarray:
    """Class difference map ``OFIV_i - OFIV_j`` ``(K,)``: channels favoured by ``i`` over ``j``."""
    ofiv = np.asarray(ofiv)
    for name, c in (("i", i), ("j", j)):
        if not -len(ofiv) <= c < len(ofiv):
            raise IndexError(f"class {name}={c} out of range for {len(ofiv)} classes")
    return ofiv[i] - ofiv[j]


def signed_ofiv_correlation(ofiv: np.ndarray) -> np.ndarray:
    """Pearson correlation of the signed OFIVs (the paper's Fig 4b, bottom left)."""
    return _row_correlation(ofiv, "OFIV")


def label_correlation(labels: np.ndarray) -> np.ndarray:
    """Pearson correlation between the label columns of ``labels`` ``(N, C)``."""
    labels = np.asarray(labels, dtype=np.float64)
    if labels.ndim != 2:
        raise ValueError(f"labels must be (N, C), got shape {labels.shape}")
    return _row_correlation(labels.T, "labels")


def weight_cosine(weights: np.ndarray) -> np.ndarray:
    """Cosine similarity between the rows of the last layer's weight matrix ``(C, D)``."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"last-layer weights must be (C, D), got shape {w.shape}")
    norm = np.linalg.norm(w, axis=1)
    unit = w / np.where(norm > 0, norm, 1.0)[:, None]
    return np.clip(unit @ unit.T, -1.0, 1.0)


def similarity_linkage(sim: np.ndarray, method: str = "average") -> np.ndarray:
    """Hierarchical clustering (SciPy linkage) with distance ``1 - sim``."""
    sim = np.asarray(sim, dtype=np.float64)
    dist = np.clip(1.0 - (sim + sim.T) / 2, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    return linkage(squareform(dist, checks=False), method=method)


def cluster_order(sim: np.ndarray) -> np.ndarray:
    """Leaf order of :func:`similarity_linkage` (for ordering heat maps)."""
    if len(sim) < 2:
        return np.arange(len(sim))
    return leaves_list(similarity_linkage(sim))
