"""Feature sharing between the classes of a multi-task model (the paper's Figures 7-9):
class order by assay, association of each TF/histone class with DNase classes,
hierarchical clustering on DeepResolve's class similarity, and how well a similarity
matrix recovers known related classes.

Class names follow DeepSEA's ``cell|factor|treatment``; ``sim`` matrices are ``(C, C)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
from scipy.stats import spearmanr

from deepresolve.paper.deepsea.compendium import class_kind, factor_of
from deepresolve.similarity import cluster_order, similarity_linkage

__all__ = ["cluster_order", "similarity_linkage"]  # the library's, used here and by Fig 7

KIND_ORDER = ("DNase", "TF", "Histone")


def kind_order(names: Sequence[str]) -> np.ndarray:
    """Indices that sort classes DNase, TF, histone (stable within a kind)."""
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return np.argsort([rank[class_kind(n)] for n in names], kind="stable")


def dnase_association(
    sim: np.ndarray, names: Sequence[str], q_pos: float = 0.85, q_neg: float = 0.15
) -> pd.DataFrame:
    """Per TF/histone class: how many DNase classes it is strongly similar to.

    Thresholds are quantiles of all off-diagonal similarities (the paper: 0.52 = 85% and
    0 = 15% quantiles). Columns: class, kind, n_positive (sim > hi), n_negative (sim < lo),
    score = n_positive - n_negative, hi, lo; sorted by score, descending.
    """
    sim = np.asarray(sim, dtype=np.float64)
    _check_square(sim, names)
    kinds = np.array([class_kind(n) for n in names])
    dnase, other = np.flatnonzero(kinds == "DNase"), np.flatnonzero(kinds != "DNase")
    if len(dnase) == 0 or len(other) == 0:
        raise ValueError("need both DNase and TF/histone classes")
    off = sim[~np.eye(len(sim), dtype=bool)]
    hi, lo = np.quantile(off, q_pos), np.quantile(off, q_neg)
    sub = sim[np.ix_(other, dnase)]
    table = pd.DataFrame(
        {
            "class": [names[i] for i in other],
            "kind": kinds[other],
            "n_positive": (sub > hi).sum(axis=1),
            "n_negative": (sub < lo).sum(axis=1),
        }
    )
    table["score"] = table["n_positive"] - table["n_negative"]
    table["hi"], table["lo"] = hi, lo
    return table.sort_values(["score", "class"], ascending=[False, True], kind="stable")


def bicluster_order(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column leaf orders of average-linkage clusterings (Euclidean) of the rows
    and of the columns of a ``(R, S)`` block (Figure 8a)."""
    block = np.asarray(block, dtype=np.float64)

    def order(a: np.ndarray) -> np.ndarray:
        return leaves_list(linkage(a, method="average")) if len(a) > 1 else np.arange(len(a))

    return order(block), order(block.T)


def clusters(sim: np.ndarray, max_distance: float = 0.5) -> np.ndarray:
    """Flat cluster label of each class ``(C,)``: average-linkage clusters of ``1 - sim``
    cut at ``max_distance``."""
    return fcluster(similarity_linkage(sim), t=max_distance, criterion="distance")


def group_members(names: Sequence[str], factors: Sequence[str]) -> np.ndarray:
    """Indices of the classes whose factor (``cell|factor|...``) is one of ``factors``."""
    wanted = set(factors)
    return np.array([i for i, n in enumerate(names) if factor_of(n) in wanted], dtype=np.int64)


#: Pair sets of the similarity-recovery table besides the Figure 9 groups (simulation):
#: Spearman correlation with the truth over all pairs and per pair type, and the mean
#: similarity of pairs that share only a factor, only a cell, or nothing.
PAIR_SETS = (
    "all pairs",
    "same-cell pairs",
    "different-cell pairs",
    "shared factor, different cells",
    "same cell, no shared factor",
    "nothing shared, different cells",
)


def pair_percentiles(values: np.ndarray, pair_type: np.ndarray | None = None) -> np.ndarray:
    """Mid-rank percentile of each of ``values (P,)`` among the values of its own pair type
    (``pair_type (P,)``, e.g. same cell or not; ``None``: all pairs): the fraction of
    those pairs with a lower value plus half the fraction with an equal one."""
    values = np.asarray(values, dtype=np.float64)
    types = np.zeros(len(values), dtype=int) if pair_type is None else np.asarray(pair_type)
    if types.shape != values.shape:
        raise ValueError(f"pair_type {types.shape} must match values {values.shape}")
    out = np.empty(len(values))
    for t in np.unique(types):
        sel = types == t
        ref = np.sort(values[sel])
        lo = np.searchsorted(ref, values[sel], side="left")
        hi = np.searchsorted(ref, values[sel], side="right")
        out[sel] = (lo + 0.5 * (hi - lo)) / len(ref)
    return out


def group_recovery(
    matrices: Mapping[str, np.ndarray],
    names: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    percentile_cut: float = 0.9,
    truth: np.ndarray | None = None,
    same_cell: np.ndarray | None = None,
    shared_cut: float = 0.5,
) -> pd.DataFrame:
    """How strongly each similarity matrix links the classes of each known group.

    For a group (factor names, e.g. ``["c-Fos", "JunD"]``) the pairs are its classes of
    *different* factors. A pair's percentile is its mid-rank percentile
    (:func:`pair_percentiles`) among all class pairs of its own type: same cell type or
    different cell types when ``same_cell`` (``(C, C)`` bool) is given, else among all
    pairs. ``recovered``: the group's mean percentile is at least ``percentile_cut``.

    With ``truth`` (the true class similarity of a simulation) and ``same_cell``, rows for
    the pair sets of :data:`PAIR_SETS`: the Spearman correlation with the truth over all
    pairs, same-cell pairs and different-cell pairs, and the mean similarity and mean
    percentile (among all pairs) of the pairs that share a factor (truth >= ``shared_cut``)
    across cells, that share only a cell (truth <= 0), or nothing.

    Columns: group, method, n_classes, n_pairs, mean_similarity, mean_percentile,
    recovered (empty for the pair sets), spearman_vs_truth (pair sets only), criterion (the
    recovery criterion in words, on the group rows).
    """
    names = list(names)
    iu = np.triu_indices(len(names), k=1)
    factors = np.array([factor_of(n) for n in names])
    same = None
    if same_cell is not None:
        same_cell = np.asarray(same_cell, dtype=bool)
        _check_square(same_cell, names)
        same = same_cell[iu]
    pair_index = {(int(i), int(j)): p for p, (i, j) in enumerate(zip(*iu, strict=True))}
    group_pairs = {}
    for group, members in groups.items():
        idx = group_members(names, members)
        pairs = [pair_index[(int(i), int(j))] for a, i in enumerate(idx) for j in idx[a + 1 :]
                 if factors[i] != factors[j]]  # fmt: skip
        group_pairs[group] = (len(idx), pairs)
    sets = {}
    if truth is not None:
        t = np.asarray(truth, dtype=np.float64)
        _check_square(t, names)
        t = t[iu]
        sets["all pairs"] = np.ones(len(t), dtype=bool)
        if same is not None:
            sets["same-cell pairs"] = same
            sets["different-cell pairs"] = ~same
            sets["shared factor, different cells"] = ~same & (t >= shared_cut)
            sets["same cell, no shared factor"] = same & (t <= 0)
            sets["nothing shared, different cells"] = ~same & (t <= 0)
    within = "its pair type (same / different cells)" if same is not None else "all pairs"
    criterion = f"mean mid-rank percentile of the group's pairs among {within} >= {percentile_cut}"
    rows = []
    for method, sim in matrices.items():
        sim = np.asarray(sim, dtype=np.float64)
        _check_square(sim, names)
        values = sim[iu]
        pct = pair_percentiles(values, same)
        for group, (n_classes, pairs) in group_pairs.items():
            ok = bool(pairs)
            mean_p = float(pct[pairs].mean()) if ok else np.nan
            rows.append(dict(group=group, method=method, n_classes=n_classes, n_pairs=len(pairs),
                             mean_similarity=float(values[pairs].mean()) if ok else np.nan,
                             mean_percentile=mean_p,
                             recovered=bool(mean_p >= percentile_cut) if ok else False,
                             spearman_vs_truth=np.nan, criterion=criterion))  # fmt: skip
        if truth is None:
            continue
        pct_all = pair_percentiles(values)
        for name, sel in sets.items():
            ranked = name in ("all pairs", "same-cell pairs", "different-cell pairs")
            rho = spearmanr(values[sel], t[sel]).statistic if ranked and sel.sum() > 2 else np.nan
            rows.append(dict(group=name, method=method, n_classes=len(names),
                             n_pairs=int(sel.sum()),
                             mean_similarity=float(values[sel].mean()) if sel.any() else np.nan,
                             mean_percentile=float(pct_all[sel].mean()) if sel.any() else np.nan,
                             recovered=None, spearman_vs_truth=float(rho),
                             criterion=""))  # fmt: skip
    return pd.DataFrame(rows)


def group_cluster(
    sim: np.ndarray, names: Sequence[str], factors: Sequence[str], max_size: int = 16
) -> np.ndarray:
    """The classes shown for a group in Figure 9: the smallest cluster of the average-linkage
    tree on ``1 - sim`` that holds all the group's classes, or, when that has more than
    ``max_size`` classes, the group's classes plus their nearest neighbours up to
    ``max_size``. Returned in dendrogram order."""
    idx = group_members(names, factors)
    if len(idx) == 0:
        return idx
    n = len(names)
    members: list[set[int]] = [{i} for i in range(n)]
    chosen = None
    for a, b, *_ in similarity_linkage(sim) if n > 1 else []:
        merged = members[int(a)] | members[int(b)]
        members.append(merged)
        if set(idx) <= merged:
            chosen = merged
            break
    if chosen is None or len(chosen) > max_size:
        mean_sim = np.asarray(sim)[idx].mean(axis=0)
        others = [i for i in np.argsort(-mean_sim, kind="stable") if i not in set(idx)]
        chosen = set(idx) | set(others[: max(0, max_size - len(idx))])
    chosen_idx = np.array(sorted(chosen))
    order = cluster_order(np.asarray(sim)[np.ix_(chosen_idx, chosen_idx)])
    return chosen_idx[order]


def _check_square(sim: np.ndarray, names: Sequence[str]) -> None:
    if sim.ndim != 2 or sim.shape[0] != sim.shape[1] or len(sim) != len(names):
        raise ValueError(f"similarity must be (C, C) with C={len(names)}, got {sim.shape}")
