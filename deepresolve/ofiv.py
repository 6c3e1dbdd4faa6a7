"""From an ensemble of feature importance vectors to the overall feature importance
vector (OFIV): trial weights, inconsistency level (IL), GMM/BIC non-additivity.

Shapes: ``C`` classes, ``T`` trials (random starts), ``K`` channels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits


def trial_weights(scores: np.ndarray) -> np.ndarray:
    """Weights ``(C, T)`` of the trials from their class scores ``(C, T)``.

    A class's weights are its scores; if any is negative the minimum is subtracted from
    all, so the worst trial gets weight 0. A class whose weights sum to 0 gets uniform
    weights.
    """
    scores = np.asarray(scores, dtype=np.float64)
    shift = np.minimum(scores.min(axis=1, keepdims=True), 0.0)
    w = scores - shift
    empty = w.sum(axis=1) <= 0
    w[empty] = 1.0
    return w


def weighted_mean(fivs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over trials: ``(C, T, K), (C, T) -> (C, K)``."""
    w = weights[:, :, None]
    return (w * fivs).sum(axis=1) / w.sum(axis=1)


def inconsistency_level(fivs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """IL ``(C, K)``: weighted population variance of each channel's FIV over trials."""
    mu = weighted_mean(fivs, weights)
    w = weights[:, :, None]
    return (w * (fivs - mu[:, None, :]) ** 2).sum(axis=1) / w.sum(axis=1)


@dataclass
class ComponentFit:
    """GMM fit of one class's IL values: chosen component count, BIC per count
    (``inf`` where not fitted), and which channels fall outside the lowest-mean component."""

    n_components: int
    bic: np.ndarray  # (max_components,)
    nonadditive: np.ndarray  # (K,) bool


def fit_components(il: np.ndarray, max_components: int = 3, seed: int = 0) -> ComponentFit:
    """Fit 1..``max_components`` diagonal GMMs to one class's IL values ``(K,)`` and pick
    the lowest BIC. Channels outside the component with the lowest mean are non-additive."""
    il = np.asarray(il, dtype=np.float64).reshape(-1, 1)
    bic = np.full(max_components, np.inf)
    models = {}
    for k in range(1, min(max_components, len(il)) + 1):
        gmm = GaussianMixture(n_components=k, covariance_type="diag", random_state=seed)
        with warnings.catch_warnings():
            # Near-identical IL values (a purely additive class) make k > 1 degenerate;
            # BIC then rightly prefers k = 1.
            warnings.simplefilter("ignore", ConvergenceWarning)
            gmm.fit(il)
        bic[k - 1] = gmm.bic(il)
        models[k] = gmm
    best = int(np.argmin(bic)) + 1
    gmm = models[best]
    labels = gmm.predict(il)
    lowest = int(np.argmin(gmm.means_.ravel()))
    return ComponentFit(best, bic, labels != lowest)


def fit_all_components(
    il: np.ndarray, max_components: int = 3, seed: int = 0, n_jobs: int = 1
) -> list[ComponentFit]:
    """:func:`fit_components` for every class of ``il (C, K)``, in ``n_jobs`` processes
    (10-40 ms per class for 480 channels: minutes for a 21,907-class head on one core)."""
    if n_jobs == 1 or len(il) < 2:
        return _fit_rows(il, max_components, seed)
    n_workers = effective_n_jobs(n_jobs)
    parts = np.array_split(np.arange(len(il)), min(len(il), 4 * n_workers))
    fits = Parallel(n_jobs=n_workers)(
        delayed(_fit_rows)(il[part], max_components, seed) for part in parts
    )
    return [fit for chunk in fits for fit in chunk]


def _fit_rows(il: np.ndarray, max_components: int, seed: int) -> list[ComponentFit]:
    # One thread: the k-means initialisation of a 1-D GMM on K points is tiny, and
    # OpenMP's thread start-up made it ~20x slower (0.5 s per class for 480 channels).
    with threadpool_limits(limits=1):
        return [fit_components(row, max_components, seed) for row in il]


# FIVs within this fraction of their class's largest |FIV| count as zero in the OFIV's sign
# test: a start that ends at an optimum where a channel is 0 returns it as +-(ascent
# precision) (up to 2e-4 of the class's largest |FIV| on tests/heads.py's MaxHead, Adam
# or plain ascent), and that noise must not decide which starts are averaged as positive.
SIGN_RTOL = 1e-2


def sign_tolerance(fivs: np.ndarray, rtol: float = SIGN_RTOL) -> np.ndarray:
    """Per class ``(C, 1, 1)``: ``rtol`` times the class's largest ``|FIV|`` over starts
    and channels (``fivs (C, T, K)``)."""
    if rtol < 0:
        raise ValueError(f"sign_rtol must be >= 0, got {rtol}")
    return rtol * np.abs(fivs).max(axis=(1, 2), keepdims=True, initial=0.0)


def overall_importance(
    fivs: np.ndarray, weights: np.ndarray, nonadditive: np.ndarray, sign_rtol: float = SIGN_RTOL
) -> np.ndarray:
    """OFIV ``(C, K)``: the weighted mean FIV over trials, except for non-additive channels
    whose sign differs between trials, which average only their positive trials.

    A trial is *positive* when its FIV exceeds the class's tolerance,
    ``sign_rtol * max |FIV|`` over the class's trials and channels
    (:func:`sign_tolerance`); FIVs within the tolerance count as zero (not positive), as
    exact zeros would. So a channel whose FIVs are equal in every start gets the same OFIV
    whatever sign the ascent's last digits give its zeros; ``sign_rtol=0`` is the plain
    ``FIV > 0`` test.
    """
    ofiv = weighted_mean(fivs, weights)
    positive = fivs > sign_tolerance(fivs, sign_rtol)
    inconsistent = positive.any(axis=1) & (~positive).any(axis=1) & nonadditive
    if inconsistent.any():
        w = weights[:, :, None] * positive
        wsum = w.sum(axis=1)
        pos_mean = (w * fivs).sum(axis=1) / np.where(wsum > 0, wsum, 1.0)
        # All positive trials carry weight 0: fall back to their plain mean.
        plain = (fivs * positive).sum(axis=1) / np.maximum(positive.sum(axis=1), 1)
        pos_mean = np.where(wsum > 0, pos_mean, plain)
        ofiv = np.where(inconsistent, pos_mean, ofiv)
    return ofiv


@dataclass
class Summary:
    weights: np.ndarray  # (C, T)
    il: np.ndarray  # (C, K)
    n_components: np.ndarray  # (C,)
    bic: np.ndarray  # (C, max_components)
    nonadditive: np.ndarray  # (C, K) bool
    ofiv: np.ndarray  # (C, K)


def summarize(
    fivs: np.ndarray, scores: np.ndarray, max_components: int = 3, seed: int = 0,
    n_jobs: int = 1, sign_rtol: float = SIGN_RTOL,
) -> Summary:  # fmt: skip
    """Everything DeepResolve derives from an FIV ensemble ``(C, T, K)`` and its class
    scores ``(C, T)``. ``n_jobs``: processes for the per-class GMM fits (joblib; -1 = all
    cores); the fits are seeded per class, so the result does not depend on it.
    ``sign_rtol``: see :func:`overall_importance`."""
    fivs = np.asarray(fivs, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if fivs.ndim != 3 or scores.shape != fivs.shape[:2]:
        raise ValueError(
            f"fivs must be (C, T, K) and scores (C, T); got {fivs.shape}, {scores.shape}"
        )
    weights = trial_weights(scores)
    il = inconsistency_level(fivs, weights)
    fits = fit_all_components(il, max_components, seed, n_jobs)
    nonadditive = np.stack([f.nonadditive for f in fits]) if fits else np.zeros(il.shape, bool)
    return Summary(
        weights=weights,
        il=il,
        n_components=np.array([f.n_components for f in fits], dtype=np.int64),
        bic=np.stack([f.bic for f in fits]) if fits else np.zeros((0, max_components)),
        nonadditive=nonadditive,
        ofiv=overall_importance(fivs, weights, nonadditive, sign_rtol),
    )
