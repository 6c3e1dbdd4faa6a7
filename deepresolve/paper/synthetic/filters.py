"""Which convolutional filter detects each planted pattern: by activity and by PWM match.

By activity (the identity the analysis uses): a pattern is inserted once, at a uniformly
random position, into background sequences that carry none of the planted patterns; a
filter's *rise* is the mean increase of its pooled activation (the analysed layer's
maximum over positions) over those sequences. The pattern's filter is the one whose
activation rises most. This measures what the network computes, so it finds the filter
that fires on the pattern even when that filter's PWM is unremarkable, or when one
filter covers two patterns (``CGCTTG`` and ``GCTCAT`` share the core ``GCT``).

By PWM match (kept for comparison): the score of filter ``k`` for a pattern is the best
summed log-odds ``sum_i log2(p_k[b_i, o + i] / 0.25)`` over offsets ``o`` at which the
pattern lies inside the filter (or the filter inside the pattern, when the pattern is
longer), on the forward strand only (patterns are planted on the forward strand and the
networks are not strand-symmetric). Probabilities get a small pseudocount so an absent
base scores finitely. A filter can match a pattern's letters and still barely fire on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepresolve.layers import feature_maps
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.sequences import ALPHABET

FILTER_COLUMNS = [
    "pattern", "filter_activity", "rise_activity", "runner_up", "rise_runner_up",
    "filter_pwm", "pwm_log_odds", "rise_pwm",
]  # fmt: skip


def motif_match_scores(pwms: np.ndarray, motif: str, pseudocount: float = 0.01) -> np.ndarray:
    """Best forward-strand log-odds (bits) of ``motif`` under each PWM ``(K, 4, W)`` -> ``(K,)``."""
    pwms = np.asarray(pwms, dtype=np.float64)
    if pwms.ndim != 3 or pwms.shape[1] != 4:
        raise ValueError(f"PWMs must have shape (K, 4, W), got {pwms.shape}")
    _check_motif(motif)
    logodds = np.log2((pwms + pseudocount) / (1 + 4 * pseudocount) / 0.25)
    bases = np.array([ALPHABET.index(b) for b in motif])
    width, m = pwms.shape[2], len(motif)
    best = np.full(len(pwms), -np.inf)
    for offset in range(-(m - min(m, width)), width - min(m, width) + 1):
        cols = np.arange(m) + offset
        inside = (cols >= 0) & (cols < width)
        score = logodds[:, bases[inside], cols[inside]].sum(axis=1)
        best = np.maximum(best, score)
    return best


def best_matching_filters(weights: np.ndarray, motifs: Sequence[str]) -> dict[str, int]:
    """Index of the filter (conv weights ``(K, 4, W)``) whose PWM best matches each motif."""
    pwms = filter_pwms(weights)
    return {m: int(np.argmax(motif_match_scores(pwms, m))) for m in motifs}


def insert_motif(x: np.ndarray, motif: str, starts: np.ndarray) -> np.ndarray:
    """Copy of one-hot ``x`` ``(N, 4, L)`` with ``motif`` written at ``starts`` ``(N,)``."""
    _check_motif(motif)
    x = np.array(x, copy=True)
    n, _, length = x.shape
    starts = np.asarray(starts, dtype=np.int64)
    if starts.shape != (n,) or (starts < 0).any() or (starts + len(motif) > length).any():
        raise ValueError(f"starts must be ({n},) in [0, {length - len(motif)}] for {motif!r}")
    cols = starts[:, None] + np.arange(len(motif))
    rows = np.arange(n)[:, None]
    x[rows, :, cols] = 0
    x[rows, np.array([ALPHABET.index(b) for b in motif])[None, :], cols] = 1
    return x


def activation_rise(
    body: nn.Module,
    background: np.ndarray,
    motifs: Sequence[str],
    seed: int = 0,
    device: str | torch.device | None = "cpu",
) -> np.ndarray:
    """Mean rise of each filter's pooled activation when each motif is inserted: ``(M, K)``.

    ``body`` maps one-hot ``(N, 4, L)`` to the analysed layer ``(N, K, W)``; the pooled
    activation of filter ``k`` is its maximum over the ``W`` positions. ``background``
    ``(N, 4, L)`` should carry none of the patterns; each motif is written once per
    sequence at a uniformly random start (seeded, the same starts for every filter).
    """
    background = np.asarray(background, dtype=np.float32)
    if background.ndim != 3 or background.shape[1] != 4 or len(background) == 0:
        raise ValueError(f"background must be one-hot (N, 4, L), N >= 1; got {background.shape}")
    rng = np.random.default_rng(seed)
    before = feature_maps(body, background, device=device).max(axis=2)
    rises = []
    for motif in motifs:
        _check_motif(motif)
        starts = rng.integers(0, background.shape[2] - len(motif) + 1, size=len(background))
        after = feature_maps(body, insert_motif(background, motif, starts), device=device)
        rises.append((after.max(axis=2) - before).mean(axis=0))
    return np.stack(rises)


def filter_identity(
    body: nn.Module,
    conv_weights: np.ndarray,
    background: np.ndarray,
    motifs: Sequence[str],
    seed: int = 0,
    device: str | torch.device | None = "cpu",
) -> pd.DataFrame:
    """One row per motif (columns :data:`FILTER_COLUMNS`): the filter chosen by activity,
    its rise and the runner-up's (activation units of the analysed layer), and the filter
    chosen by PWM match (``conv_weights`` ``(K, 4, W)``) with its log-odds (bits) and rise."""
    rise = activation_rise(body, background, motifs, seed=seed, device=device)
    if rise.shape[1] != len(conv_weights):
        raise ValueError(f"{len(conv_weights)} filters for {rise.shape[1]} analysed channels")
    pwms = filter_pwms(conv_weights)
    rows = []
    for m, motif in enumerate(motifs):
        order = np.argsort(-rise[m], kind="stable")
        match = motif_match_scores(pwms, motif)
        k_pwm = int(np.argmax(match))
        rows.append((motif, int(order[0]), float(rise[m, order[0]]), int(order[1]),
                     float(rise[m, order[1]]), k_pwm, float(match[k_pwm]),
                     float(rise[m, k_pwm])))  # fmt: skip
    return pd.DataFrame(rows, columns=FILTER_COLUMNS)


def pattern_free(contains: np.ndarray) -> np.ndarray:
    """Indices of the sequences that carry none of the patterns (``contains`` ``(N, M)``)."""
    return np.flatnonzero(~np.asarray(contains, dtype=bool).any(axis=1))


def _check_motif(motif: str) -> None:
    if not isinstance(motif, str) or not motif or set(motif) - set(ALPHABET):
        raise ValueError(f"motif {motif!r} must be a non-empty string over {ALPHABET}")


__all__ = [
    "FILTER_COLUMNS",
    "activation_rise",
    "best_matching_filters",
    "filter_identity",
    "insert_motif",
    "motif_match_scores",
    "pattern_free",
]
