"""The paper's findings on the synthetic datasets, as checks that hold or fail on a run.

Filters are matched to planted patterns by their PWMs (:func:`deepresolve.motifs.pwm.filter_pwms`):
the score of filter ``k`` for a pattern is the best summed log-odds
``sum_i log2(p_k[b_i, o + i] / 0.25)`` over offsets ``o`` at which the pattern lies inside
the filter (or the filter inside the pattern, when the pattern is longer), on the
forward strand only (patterns are planted on the forward strand and the networks are not
strand-symmetric). Probabilities get a small pseudocount so an absent base scores finitely.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from deepresolve.motifs.pwm import filter_pwms
from deepresolve.resolution import Resolution
from deepresolve.sequences import ALPHABET
from deepresolve.similarity import (
    class_similarity,
    label_correlation,
    signed_ofiv_correlation,
    weight_cosine,
)

FINDING_COLUMNS = ["dataset", "finding", "measured", "paper", "holds"]


def motif_match_scores(pwms: np.ndarray, motif: str, pseudocount: float = 0.01) -> np.ndarray:
    """Best forward-strand log-odds (bits) of ``motif`` under each PWM ``(K, 4, W)`` -> ``(K,)``."""
    pwms = np.asarray(pwms, dtype=np.float64)
    if pwms.ndim != 3 or pwms.shape[1] != 4:
        raise ValueError(f"PWMs must have shape (K, 4, W), got {pwms.shape}")
    if not motif or set(motif) - set(ALPHABET):
        raise ValueError(f"motif {motif!r} must be a non-empty string over {ALPHABET}")
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


def group_separation(
    matrix: np.ndarray, group: Sequence[int], outsider: int, tol: float = 1e-9
) -> tuple[float, float, bool]:
    """``(min within group, max between group and outsider, min > max + tol)`` of a
    ``(C, C)`` matrix: does it rank every pair inside ``group`` above every pair with
    ``outsider``? (Ties, e.g. the equal label correlations of single-label classes, do not.)"""
    matrix = np.asarray(matrix)
    group = list(group)
    within = [matrix[i, j] for a, i in enumerate(group) for j in group[a + 1 :]]
    outside = [matrix[i, outsider] for i in group]
    lo, hi = float(min(within)), float(max(outside))
    return lo, hi, lo > hi + tol


def dataset1_findings(
    res: Resolution,
    conv_weights: np.ndarray,
    xor_motifs: Sequence[str],
    and_motif: str,
    auc: float,
    min_auc: float = 0.98,
) -> pd.DataFrame:
    """Paper findings on dataset I (Fig 2): test AUC, >= 2 GMM components, the best filters
    of the XOR patterns non-additive and that of the AND pattern additive.

    ``res``: resolution of the single output; ``conv_weights`` ``(K, 4, W)``.
    """
    match = best_matching_filters(conv_weights, [*xor_motifs, and_motif])
    n_comp = int(res.n_components[0])
    rows = [
        ("test AUC", f"{auc:.3f}", f">= {min_auc} (paper 0.985)", auc >= min_auc),
        ("GMM components on IL (>= 2)", str(n_comp), "2 (Fig S1)", n_comp >= 2),
    ]
    for motif in xor_motifs:
        k = match[motif]
        flag = bool(res.nonadditive[0, k])
        rows.append((f"best {motif} filter non-additive (XOR)",
                     f"filter {k}: {'non-additive' if flag else 'additive'}, "
                     f"IL {res.il[0, k]:.3g}, OFIV {res.ofiv[0, k]:.3g}",
                     "non-additive", flag))  # fmt: skip
    k = match[and_motif]
    flag = bool(res.nonadditive[0, k])
    rows.append((f"best {and_motif} filter additive (AND)",
                 f"filter {k}: {'non-additive' if flag else 'additive'}, "
                 f"IL {res.il[0, k]:.3g}, OFIV {res.ofiv[0, k]:.3g}",
                 "additive", not flag))  # fmt: skip
    return _frame("I", rows)


def dataset2_matrices(
    res: Resolution, labels: np.ndarray, last_weights: np.ndarray
) -> dict[str, np.ndarray]:
    """The four ``(C, C)`` matrices of Fig 4b: DeepResolve class similarity, label
    correlation, signed-OFIV correlation and last-layer weight cosine."""
    return {
        "class similarity (DeepResolve)": class_similarity(res.ofiv),
        "label correlation": label_correlation(labels),
        "signed OFIV correlation": signed_ofiv_correlation(res.ofiv),
        "last-layer weight cosine": weight_cosine(last_weights),
    }


def dataset2_findings(
    res: Resolution,
    labels: np.ndarray,
    last_weights: np.ndarray,
    aucs: np.ndarray,
    group: Sequence[int] = (0, 1, 2),
    outsider: int = 3,
    min_auc: float = 0.96,
) -> pd.DataFrame:
    """Paper findings on dataset II (Fig 4, S1): per-class test AUC, 1 GMM component per
    class, and classes ``group`` (sharing patterns) more similar to each other than to
    ``outsider`` under DeepResolve's class similarity but not under the label correlation
    or the last-layer weight cosine (the signed-OFIV correlation is reported too).

    ``labels`` ``(N, C)``, ``last_weights`` ``(C, D)``, ``aucs`` ``(C,)``.
    """
    aucs = np.asarray(aucs, dtype=float)
    n_comp = np.asarray(res.n_components)
    rows = [
        ("per-class test AUC", ", ".join(f"{a:.3f}" for a in aucs),
         f">= {min_auc} (paper 0.968, 0.967, 0.979, 0.994)", bool((aucs >= min_auc).all())),
        ("GMM components per class (all 1)", ", ".join(str(int(c)) for c in n_comp),
         "1, 1, 1, 1 (Fig S1)", bool((n_comp == 1).all())),
    ]  # fmt: skip
    names = [str(g + 1) for g in group]
    pairs = f"pairs of classes {', '.join(names)}"
    expect = {
        "class similarity (DeepResolve)": True,
        "label correlation": False,
        "signed OFIV correlation": False,
        "last-layer weight cosine": False,
    }
    for name, matrix in dataset2_matrices(res, labels, last_weights).items():
        lo, hi, separated = group_separation(matrix, group, outsider)
        want = expect[name]
        rows.append((
            f"{name}: {pairs} above every pair with class {outsider + 1}"
            + ("" if want else " (paper: it does not)"),
            f"min within {lo:.3f}, max with class {outsider + 1} {hi:.3f}",
            "yes" if want else "no", separated == want,
        ))  # fmt: skip
    return _frame("II", rows)


def _frame(dataset: str, rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=FINDING_COLUMNS[1:])
    df.insert(0, "dataset", dataset)
    df["holds"] = df["holds"].astype(bool)
    return df
