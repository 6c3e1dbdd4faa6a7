"""The paper's findings on the synthetic datasets, as checks that hold or fail on a run.

Dataset I's filters are those that detect each planted pattern by activity
(:mod:`deepresolve.paper.synthetic.filters`); the PWM-matched filter is reported beside
it. Besides the paper's claims, dataset I's rows say why its outcome is what it is: the
network's mean logit per pattern combination, whether the starts reached different
optima, a hand-built two-branch XOR head of the same shape (positive control), and the
outcome on independently seeded replicate models.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from deepresolve.paper.ascent_sensitivity import dependence_row, outcome_row, outcome_table
from deepresolve.paper.reference import FINDING_COLUMNS as REFERENCE_COLUMNS
from deepresolve.paper.reference import findings_frame
from deepresolve.paper.synthetic import reference as ref
from deepresolve.paper.synthetic.diagnosis import (
    Landscape,
    control_channels,
    learnt_xor,
    sum_dependence,
    sum_profile,
)
from deepresolve.resolution import Resolution
from deepresolve.similarity import (
    class_similarity,
    label_correlation,
    signed_ofiv_correlation,
    weight_cosine,
)

FINDING_COLUMNS = ["dataset", *REFERENCE_COLUMNS]


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
    filters: pd.DataFrame,
    xor_motifs: Sequence[str],
    and_motif: str,
    auc: float,
    combinations: pd.DataFrame | None = None,
    landscape: Landscape | None = None,
    control: Resolution | None = None,
    control_channels: tuple[int, int, int] | None = None,
    robustness: pd.DataFrame | None = None,
    min_auc: float = 0.98,
    min_il: float = 1e-3,
) -> pd.DataFrame:
    """Paper findings on dataset I (Fig 2, 3, S1), and why they do or do not hold.

    The paper's claims (:mod:`deepresolve.paper.synthetic.reference`): test AUC, more than
    one GMM component (the paper's optimum is 3: non-additive channels), the filters of the
    XOR patterns non-additive with opposite FIV signs across starts, the AND pattern's
    filter additive. Filters are those of ``filters``
    (:func:`~deepresolve.paper.synthetic.filters.filter_identity`: by activity; the
    PWM-matched filter is reported beside). The explanation, each row optional: the
    network's mean logit per pattern combination (``combinations``,
    :func:`~deepresolve.paper.synthetic.diagnosis.combination_logits`); whether its logit
    over the XOR filters' activations is a count, a function of a + b (``landscape``);
    whether the starts reached different optima (largest IL >= ``min_il``; the GMM cannot
    separate IL values much closer than its variance floor, 1e-6); the two-branch
    positive-control head (``control``, on ``control_channels`` ``(a, b, c)``); and the
    independently seeded models (``robustness``,
    :data:`~deepresolve.paper.synthetic.robustness.ROBUSTNESS_COLUMNS`).

    ``res``: resolution of the single output.
    """
    by_pattern = filters.set_index("pattern")
    missing = [m for m in (*xor_motifs, and_motif) if m not in by_pattern.index]
    if missing:
        raise ValueError(f"filter table lacks the patterns {missing}")
    n_comp = int(res.n_components[0])
    fivs, il, nonadd, ofiv = res.fivs[0], res.il[0], res.nonadditive[0], res.ofiv[0]

    def state(k: int) -> str:
        kind = "non-additive" if nonadd[k] else "additive"
        return f"{kind}, IL {il[k]:.2g}, OFIV {ofiv[k]:+.3g}"

    def described(motif: str) -> tuple[int, str]:
        f = by_pattern.loc[motif]
        k, k_pwm = int(f["filter_activity"]), int(f["filter_pwm"])
        text = f"filter {k} (activation rise {f['rise_activity']:+.2f}): {state(k)}"
        if k_pwm != k:
            text += f"; PWM match: filter {k_pwm} (rise {f['rise_pwm']:+.2f}): {state(k_pwm)}"
        return k, text

    rows = [
        (f"test AUC >= {min_auc}", f"{auc:.3f}", ref.DATASET1_AUC, auc >= min_auc),
        ("GMM components on IL > 1: non-additive channels exist (the paper's BIC optimum: "
         f"{ref.DATASET1_COMPONENTS.value})", str(n_comp), ref.DATASET1_COMPONENTS, n_comp > 1),
    ]  # fmt: skip
    xor_k = []
    for motif in xor_motifs:
        k, text = described(motif)
        xor_k.append(k)
        rows.append((f"{motif} filter non-additive (XOR)", text, ref.DATASET1_NONADDITIVE,
                     bool(nonadd[k])))  # fmt: skip
    k, text = described(and_motif)
    rows.append((f"{and_motif} filter additive (AND)", text, ref.DATASET1_AND, not nonadd[k]))
    a, b = xor_k
    opposite = (np.sign(fivs[:, a]) * np.sign(fivs[:, b]) < 0).mean() if a != b else 0.0
    rows.append((
        "XOR filters' FIVs have opposite signs across starts",
        (f"filters {a}, {b}: opposite in {opposite:.0%} of {len(fivs)} starts" if a != b else
         f"one filter ({a}) detects both XOR patterns; its FIV is positive in "
         f"{int((fivs[:, a] > 0).sum())} of {len(fivs)} starts"),
        ref.DATASET1_XOR, bool(opposite >= 0.5),
    ))  # fmt: skip
    if combinations is not None:
        rows.append(_combination_row(combinations, [xor_motifs[0], and_motif, xor_motifs[1]]))
    if landscape is not None:
        rows.append(_landscape_row(landscape))
    scores = res.scores[0]
    rows.append((
        "gradient-ascent starts end in different optima",
        f"largest IL {il.max():.2g}; class scores {scores.min():.4g} to {scores.max():.4g} "
        f"(spread {np.ptp(scores):.2g}) over {len(scores)} starts",
        f"different optima (non-zero IL; >= {min_il:g} to be separable)",
        bool(il.max() >= min_il),
    ))  # fmt: skip
    if control is not None:
        if control_channels is None:
            raise ValueError("control_channels (a, b, c) are needed with the control resolution")
        rows.append(_control_row(control, control_channels))
    if robustness is not None and len(robustness):
        rows.append(_robustness_row(robustness))
    return findings_frame(rows, dataset="I")


def _combination_row(table: pd.DataFrame, motifs: Sequence[str]) -> tuple:
    pairs = zip(table["combination"], table["mean_logit"], strict=True)
    mean = ", ".join(f"{c} {v:+.2f}" for c, v in pairs if np.isfinite(v))
    return ("network learnt AND + XOR: mean test logit per pattern combination", mean,
            "positive only for the AND pattern with exactly one XOR pattern (Fig 3)",
            learnt_xor(table, motifs))  # fmt: skip


def _landscape_row(land: Landscape, max_sum_dependence: float = 0.9) -> tuple:
    """Two branches (one maximum per XOR pattern) or a count (a band along a + b)?"""
    r2 = sum_dependence(land.logits)
    sums, profile = sum_profile(land)
    positive = sums[profile > 0]
    band = (f"positive for a + b in {positive.min():.2f}-{positive.max():.2f}"
            if len(positive) else "never positive")  # fmt: skip
    a, b = land.channels
    which = f"filter {a} in two windows" if a == b else f"filters {a}, {b}"
    return (
        "the logit separates the XOR cases into two branches (not a count of the patterns)",
        f"logit over the activations a, b of {which}: a function of a + b (R2 "
        f"{r2:.2f}); {band}, peak {profile.max():+.2f} at a + b = {sums[profile.argmax()]:.2f}; "
        f"{profile[0]:+.2f} at (0, 0)",
        "two separate maxima, one per XOR pattern (Fig 2: opposite signs)",
        bool(r2 < max_sum_dependence),
    )


def _control_row(control: Resolution, channels: tuple[int, int, int]) -> tuple:
    a, b, c = channels
    fivs, il, nonadd = control.fivs[0], control.il[0], control.nonadditive[0]
    opposite = float((np.sign(fivs[:, a]) * np.sign(fivs[:, b]) < 0).mean())
    n_comp = int(control.n_components[0])
    flagged = sorted(int(k) for k in np.flatnonzero(nonadd))
    return (
        "positive control: DeepResolve flags a two-branch XOR head of the same shape, "
        "relu(C+A-B) + relu(C+B-A)",
        f"{n_comp} GMM component{'s' if n_comp != 1 else ''}; non-additive channels {flagged} "
        f"(A={a}, B={b}, C={c}); IL A {il[a]:.3g}, B {il[b]:.3g}, C {il[c]:.3g}; A and B of "
        f"opposite sign in {opposite:.0%} of {len(fivs)} starts (A positive in "
        f"{int((fivs[:, a] > 0).sum())})",
        "XOR channels non-additive, opposite signs (Fig 2)",
        bool(n_comp >= 2 and nonadd[a] and nonadd[b] and opposite >= 0.5),
    )


def _robustness_row(table: pd.DataFrame) -> tuple:
    n, flagged = len(table), int(table["xor_flagged"].sum())
    learnt = int(table["learnt_xor"].sum())
    shared = int((table["filter_xor_a"] == table["filter_xor_b"]).sum())
    comps = ", ".join(str(int(c)) for c in table["gmm_components"])
    return (
        "independently seeded models: XOR filters flagged non-additive",
        f"{flagged} of {n} models (test AUC {table['test_auc'].min():.3f}-"
        f"{table['test_auc'].max():.3f}; XOR learnt by {learnt}; one filter detects both XOR "
        f"patterns in {shared}; GMM components {comps}; largest trial-score spread "
        f"{table['score_spread'].max():.2g})",
        "flagged (one model in the paper)", flagged > n / 2,
    )  # fmt: skip


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
        (f"per-class test AUC >= {min_auc}", ", ".join(f"{a:.3f}" for a in aucs),
         ref.DATASET2_AUC, bool((aucs >= min_auc).all())),
        ("GMM components per class (all 1)", ", ".join(str(int(c)) for c in n_comp),
         ref.DATASET2_COMPONENTS, bool((n_comp == 1).all())),
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
            ref.DATASET2_SIMILARITY, separated == want,
        ))  # fmt: skip
    return findings_frame(rows, dataset="II")


def ascent_outcomes(
    ascents: Sequence[str],
    resolutions1: Sequence[Resolution],
    controls: Sequence[Resolution],
    resolutions2: Sequence[Resolution],
    filters: pd.DataFrame,
    xor_motifs: Sequence[str],
    and_motif: str,
    auc1: float,
    labels2: np.ndarray,
    last_weights2: np.ndarray,
    aucs2: np.ndarray,
    combinations: pd.DataFrame | None = None,
    landscape: Landscape | None = None,
) -> pd.DataFrame:
    """Rows ``synthetic I`` and ``synthetic II`` of the ascent-sensitivity table
    (:mod:`deepresolve.paper.ascent_sensitivity`), one per ascent (the configured one
    first): each dataset's resolution (and dataset I's positive-control head) under that
    ascent, checked by :func:`dataset1_findings` (without the seeded replicates, which
    are not resolved again) and :func:`dataset2_findings`."""
    channels = control_channels(filters, resolutions1[0].n_channels)
    rows = []
    for name, res, control in zip(ascents, resolutions1, controls, strict=True):
        found = dataset1_findings(res, filters, xor_motifs, and_motif, auc1, combinations,
                                  landscape, control, channels)  # fmt: skip
        flagged = sorted(int(k) for k in np.flatnonzero(res.nonadditive[0]))
        ctl = sorted(int(k) for k in np.flatnonzero(control.nonadditive[0]))
        detail = (f"flagged channels {flagged}; positive control (A, B, C = {channels}): "
                  f"{int(control.n_components[0])} components, flagged {ctl}")  # fmt: skip
        rows.append(outcome_row("synthetic I", name, res, resolutions1[0], found, detail=detail))
    for name, res in zip(ascents, resolutions2, strict=True):
        found = dataset2_findings(res, labels2, last_weights2, aucs2)
        sim = dataset2_matrices(res, labels2, last_weights2)["class similarity (DeepResolve)"]
        lo, hi, _ = group_separation(sim, (0, 1, 2), 3)
        detail = f"class similarity: classes 1-3 min within {lo:.2f}, max with class 4 {hi:.2f}"
        rows.append(outcome_row("synthetic II", name, res, resolutions2[0], found, detail=detail))
    return outcome_table(rows)


def ascent_dependence(outcomes: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Findings row of dataset ``"I"`` or ``"II"``: are its verdicts the same under every
    ascent of the sensitivity table (``outcomes``: :func:`ascent_outcomes`)?"""
    note = "without the seeded replicates" if dataset == "I" else ""
    return findings_frame([dependence_row(outcomes, f"synthetic {dataset}", note)], dataset=dataset)
