"""Ranking filters by importance and scoring the rankings against known motifs (Table 1).

Each method gives every filter of every model a score ``(E, K)`` (DeepResolve: the OFIV;
baselines: mean layer attribution over positive sequences). A method *hits* an
experiment at top-``k`` and threshold ``t`` when one of its ``k`` best-ranked motifs
matches the experiment's known JASPAR motif with TOMTOM p-value ``< t``. Enhanced
DeepMotif ranks its generated motifs by class score instead of ranking filters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu, wilcoxon


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each filter within its model, 1 = highest score: ``(E, K) -> (E, K)`` int
    (ties go to the lower filter index)."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scores must be (E, K), got shape {scores.shape}")
    order = np.argsort(-scores, axis=1, kind="stable")
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.arange(1, scores.shape[1] + 1)[None, :], axis=1)
    return out


def ranked_pvalues(pvalues: np.ndarray, scores: np.ndarray | None = None) -> np.ndarray:
    """P-values ``(E, M)`` reordered best-ranked first by ``scores`` (``None``: already
    in rank order, e.g. DeepMotif's motifs sorted by class score)."""
    pvalues = np.asarray(pvalues, dtype=np.float64)
    if scores is None:
        return pvalues
    if np.shape(scores) != pvalues.shape:
        raise ValueError(f"scores {np.shape(scores)} and p-values {pvalues.shape} differ")
    order = np.argsort(-np.asarray(scores, dtype=np.float64), axis=1, kind="stable")
    return np.take_along_axis(pvalues, order, axis=1)


def hits(ranked: np.ndarray, k: int, threshold: float) -> np.ndarray:
    """Whether any of the first ``k`` ranked p-values is below ``threshold``: ``(E,)``."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return (np.asarray(ranked)[:, :k] < threshold).any(axis=1)


def topk_table(
    ranked_by_method: Mapping[str, np.ndarray],
    ks: Sequence[int] = (1, 3, 5),
    thresholds: Sequence[float] = (0.5, 0.05),
) -> pd.DataFrame:
    """Table 1: per method the number of experiments hit at each (threshold, top-k);
    columns ``method, n_experiments, top{k}_p<{t}``."""
    rows = []
    for method, ranked in ranked_by_method.items():
        row = {"method": method, "n_experiments": len(ranked)}
        for t in thresholds:
            for k in ks:
                row[f"top{k}_p<{t:g}"] = int(hits(ranked, k, t).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def best_filter_ranks(
    pvalues: np.ndarray,
    scores_by_method: Mapping[str, np.ndarray],
    experiments: Sequence[str],
    max_pvalue: float = 0.5,
) -> pd.DataFrame:
    """For each experiment whose best filter (lowest p-value against the known motif)
    has ``p < max_pvalue``: that filter, its p-value and the rank each method gives it
    (columns ``experiment, filter, pvalue, rank_<method>``)."""
    pvalues = np.asarray(pvalues, dtype=np.float64)
    best = pvalues.argmin(axis=1)
    rows = np.arange(len(pvalues))
    table = pd.DataFrame(
        {"experiment": list(experiments), "filter": best, "pvalue": pvalues[rows, best]}
    )
    for method, scores in scores_by_method.items():
        table[f"rank_{method}"] = ranks(scores)[rows, best]
    return table[table["pvalue"] < max_pvalue].reset_index(drop=True)


def rank_tests(best: pd.DataFrame, reference: str, others: Sequence[str]) -> pd.DataFrame:
    """Mann-Whitney rank-sum (unpaired) and Wilcoxon signed-rank (paired) tests of the
    ranks ``reference`` gives the best-matching filters against each other method's,
    two-sided; a lower rank is better. Columns ``method, n, mean_rank_<reference>,
    mean_rank_method, mannwhitney_u, mannwhitney_p, wilcoxon_w, wilcoxon_p``."""
    ref = best[f"rank_{reference}"].to_numpy(dtype=float)
    rows = []
    for method in others:
        other = best[f"rank_{method}"].to_numpy(dtype=float)
        row = {
            "method": method,
            "n": len(ref),
            f"mean_rank_{reference}": float(ref.mean()) if len(ref) else np.nan,
            "mean_rank_method": float(other.mean()) if len(other) else np.nan,
            "mannwhitney_u": np.nan,
            "mannwhitney_p": np.nan,
            "wilcoxon_w": np.nan,
            "wilcoxon_p": np.nan,
        }
        if len(ref) >= 2:
            mw = mannwhitneyu(ref, other, alternative="two-sided")
            row["mannwhitney_u"], row["mannwhitney_p"] = float(mw.statistic), float(mw.pvalue)
            if np.any(ref != other):
                wx = wilcoxon(ref, other, alternative="two-sided")
                row["wilcoxon_w"], row["wilcoxon_p"] = float(wx.statistic), float(wx.pvalue)
            else:
                row["wilcoxon_w"], row["wilcoxon_p"] = 0.0, 1.0
        rows.append(row)
    return pd.DataFrame(rows)


def rank_groups(scores: np.ndarray, n_groups: int = 4) -> np.ndarray:
    """Group of each filter by its rank within its model: ``(E, K)`` ints in
    ``0..n_groups-1``, ``n_groups - 1`` = the best-ranked quarter (Fig 5)."""
    r = ranks(scores)
    k = r.shape[1]
    return (n_groups - 1 - (r - 1) * n_groups // k).astype(int)


def normalise_activations(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean filter activations on positives and negatives ``(E, K)`` each, min-max
    scaled to [0, 1] within each model over both sets together (Fig 5)."""
    both = np.stack([pos, neg]).astype(np.float64)  # (2, E, K)
    lo = both.min(axis=(0, 2), keepdims=True)
    span = both.max(axis=(0, 2), keepdims=True) - lo
    scaled = (both - lo) / np.where(span > 0, span, 1.0)
    return scaled[0], scaled[1]


#: The layer baselines of the panel's filter-score ``.npz`` (its keys), by method name.
LAYER_BASELINES = {"DeepLIFT": "deeplift", "saliency": "saliency",
                   "gradient_x_input": "gradient_x_input"}  # fmt: skip


def method_scores(
    ofiv: np.ndarray, scores_path: str | os.PathLike | None = None
) -> dict[str, np.ndarray]:
    """Per-filter scores ``(E, K)`` by method: DeepResolve's ``ofiv`` first, then (with
    ``scores_path``, the filter-score ``.npz``) each of :data:`LAYER_BASELINES`."""
    out = {"DeepResolve": np.asarray(ofiv)}
    if scores_path is not None:
        with np.load(scores_path) as f:
            out.update({method: f[key] for method, key in LAYER_BASELINES.items()})
    return out


def load_filter_activity(
    scores_path: str | os.PathLike, pvalues_path: str | os.PathLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(act_pos, act_neg, pvalues)``, each ``(E, K)``, from the panel's filter-score and
    TOMTOM ``.npz`` files: activations scaled by :func:`normalise_activations`, and each
    filter's TOMTOM p-value against its experiment's known motif."""
    with np.load(scores_path) as f:
        act_pos, act_neg = normalise_activations(f["act_pos"], f["act_neg"])
    with np.load(pvalues_path) as f:
        pvalues = f["filters"]
    return act_pos, act_neg, pvalues


def artifacts(
    scores: np.ndarray,
    act_pos: np.ndarray,
    pvalues: np.ndarray,
    act_cutoff: float,
    p_cutoff: float = 0.5,
    n_groups: int = 4,
) -> int:
    """Filters in a method's best-ranked group (top ``1/n_groups`` by ``scores``) that are
    weakly active on positives (``act_pos <= act_cutoff``) and match no known motif
    (``p > p_cutoff``): the paper's visualisation artifacts (Fig S5C)."""
    top = rank_groups(scores, n_groups) == n_groups - 1
    return int((top & (np.asarray(act_pos) <= act_cutoff) & (np.asarray(pvalues) > p_cutoff)).sum())


def protocol_table(
    ranked: Mapping[str, Mapping[str, np.ndarray]],
    statistics: Mapping[str, str],
    ks: Sequence[int] = (1, 3, 5),
    thresholds: Sequence[float] = (0.5, 0.05),
) -> pd.DataFrame:
    """Table 1 under several matching protocols: ``ranked[protocol][method]`` are
    :func:`ranked_pvalues`-ordered statistics ``(E, M)`` (p- or E-values, lower = better)
    and ``statistics[protocol]`` names the statistic. One row per (protocol, method);
    columns ``protocol, statistic, method, n_experiments, top{k}<{t}`` (a hit: one of the
    ``k`` best-ranked motifs has a statistic below ``t``)."""
    parts = []
    for protocol, by_method in ranked.items():
        table = topk_table(by_method, ks, thresholds)
        table = table.rename(columns=lambda c: c.replace("_p<", "<"))
        table.insert(0, "statistic", statistics[protocol])
        table.insert(0, "protocol", protocol)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def weight_information(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Total information content (bits) of each filter's positive and of its negative
    weights (Fig S5A): ``(E, K, 4, W) -> ((E, K), (E, K))``. Each sign is turned into a
    PWM by the authors' rule (:func:`deepresolve.motifs.pwm.filter_pwms` of ``w`` and of
    ``-w``) and its columns' information is summed."""
    from deepresolve.motifs.pwm import filter_pwms, information_content

    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 4 or w.shape[2] != 4:
        raise ValueError(f"filter weights must be (E, K, 4, W), got {w.shape}")
    flat = w.reshape(-1, 4, w.shape[3])

    def total(x: np.ndarray) -> np.ndarray:
        return np.array([information_content(p).sum() for p in filter_pwms(x)])

    return total(flat).reshape(w.shape[:2]), total(-flat).reshape(w.shape[:2])
