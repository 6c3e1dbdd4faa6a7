"""Agreement of a DeepResolve run on the authors' models with the authors' stored results.

Per model: Spearman correlation of the two OFIVs over the filters, whether the top-OFIV
filter is the same, how many of the five top filters are shared, the OFIV scale ratio
(max |OFIV|, ours / authors') and both GMM component counts. The summary
(:func:`agreement_summary`) states each metric beside its target (:data:`TARGETS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from deepresolve.paper.tfpanel.authors import StoredResults

__all__ = ["TARGETS", "per_model_agreement", "agreement_summary", "implied_l2"]

# Targets of the calibration (issue 10): on the stored half.
TARGETS = {"spearman_median": 0.98, "top1_agreement": 0.95, "one_component": 0.99}

PER_MODEL_COLUMNS = [
    "experiment",
    "spearman",
    "top1_match",
    "top5_overlap",
    "scale_ratio",
    "n_components",
    "stored_n_components",
    "log10_median_il",
    "stored_log10_median_il",
]


def per_model_agreement(
    experiments: Sequence[str],
    ofiv: np.ndarray,
    il: np.ndarray,
    n_components: np.ndarray,
    stored: StoredResults,
) -> pd.DataFrame:
    """One row per experiment that has stored results (columns
    :data:`PER_MODEL_COLUMNS`); ``ofiv``, ``il`` ``(E, K)`` and ``n_components`` ``(E,)``
    are this run's, rows in ``experiments`` order. ``top5_overlap``: shared filters among
    the five best of each (0-5). Raises ``ValueError`` when no experiment has stored
    results."""
    ofiv, il = np.asarray(ofiv, dtype=np.float64), np.asarray(il, dtype=np.float64)
    pos = {e: i for i, e in enumerate(experiments)}
    common = stored.subset([e for e in experiments if e in set(stored.experiments)])
    if not common.experiments:
        raise ValueError("none of the experiments has stored results to compare with")
    rows = []
    for j, experiment in enumerate(common.experiments):
        ours, theirs = ofiv[pos[experiment]], common.ofiv[j]
        top5 = set(np.argsort(-ours, kind="stable")[:5]) & set(
            np.argsort(-theirs, kind="stable")[:5]
        )
        rows.append(
            {
                "experiment": experiment,
                "spearman": float(spearmanr(ours, theirs).statistic),
                "top1_match": bool(np.argmax(ours) == np.argmax(theirs)),
                "top5_overlap": len(top5),
                "scale_ratio": float(np.abs(ours).max() / np.abs(theirs).max()),
                "n_components": int(n_components[pos[experiment]]),
                "stored_n_components": int(common.n_components[j]),
                "log10_median_il": _log10_median(il[pos[experiment]]),
                "stored_log10_median_il": _log10_median(common.il[j]),
            }
        )
    return pd.DataFrame(rows, columns=PER_MODEL_COLUMNS)


def _log10_median(il: np.ndarray) -> float:
    return float(np.log10(max(float(np.median(il)), 1e-300)))


def agreement_summary(per_model: pd.DataFrame, n_components_all: np.ndarray) -> pd.DataFrame:
    """The calibration table: ``metric``, ``value``, ``target`` (text, empty when none)
    and ``holds`` (``True``/``False``, empty when no target), from
    :func:`per_model_agreement`'s rows and this run's component counts on every model
    ``n_components_all`` (the stored half and the rest)."""
    rho = per_model["spearman"].to_numpy(dtype=float)
    one = float((per_model["n_components"] == 1).mean())
    multi = per_model[per_model["stored_n_components"] > 1]
    multi_found = int((multi["n_components"] > 1).sum())
    il_corr = spearmanr(per_model["log10_median_il"], per_model["stored_log10_median_il"])

    def counts(n: np.ndarray) -> str:
        return "/".join(str(c) for c in np.bincount(np.asarray(n, dtype=int), minlength=4)[1:])

    ours, theirs = counts(per_model["n_components"]), counts(per_model["stored_n_components"])
    scale = float(per_model["scale_ratio"].median())
    rows = [
        ("models compared (stored half)", len(per_model), "", None),
        (
            "Spearman of OFIVs per model, median",
            float(np.median(rho)),
            f">= {TARGETS['spearman_median']}",
            float(np.median(rho)) >= TARGETS["spearman_median"],
        ),
        ("Spearman of OFIVs per model, 10th percentile", float(np.percentile(rho, 10)), "", None),
        ("Spearman of OFIVs per model, minimum", float(rho.min()), "", None),
        (
            "top-OFIV filter is the authors' (fraction)",
            float(per_model["top1_match"].mean()),
            f">= {TARGETS['top1_agreement']}",
            float(per_model["top1_match"].mean()) >= TARGETS["top1_agreement"],
        ),
        ("top-5 filters shared (mean of 5)", float(per_model["top5_overlap"].mean()), "", None),
        (
            "1 GMM component (fraction, stored half)",
            one,
            f">= {TARGETS['one_component']}",
            one >= TARGETS["one_component"],
        ),
        (
            "authors' multi-component models that get > 1 component",
            f"{multi_found}/{len(multi)}",
            f"{len(multi)}/{len(multi)}",
            multi_found == len(multi),
        ),
        ("GMM components 1/2/3, this run (stored half)", ours, "", None),
        ("GMM components 1/2/3, authors (stored half)", theirs, "", None),
        ("GMM components 1/2/3, this run (all models)", counts(n_components_all), "", None),
        ("OFIV scale ratio (max |OFIV|, ours / authors'), median", scale, "", None),
        ("Spearman of per-model median IL, ours vs authors'", float(il_corr.statistic), "", None),
    ]
    table = pd.DataFrame(rows, columns=["metric", "value", "target", "holds"])
    table["holds"] = table["holds"].astype(object)
    return table


def implied_l2(
    fc_w: np.ndarray, fc_b: np.ndarray, out_w: np.ndarray, h: np.ndarray, kink: float = 0.02
) -> tuple[np.ndarray, np.ndarray]:
    """The L2 penalty ``lambda`` for which each ``h`` is a stationary point of
    ``S(h) - lambda ||h||^2`` on a head ``S(h) = out_w . relu(fc_w h + fc_b) + b``, and
    the relative residual of that fit: ``fc_w (E, H, K)``, ``fc_b (E, H)``, ``out_w (E,
    H)``, ``h (E, K)`` -> ``(lambda (E,), residual (E,))``.

    At a maximum ``2 lambda h = fc_w^T (out_w * a)`` with ``a_j = 1`` on active units, 0
    on inactive ones and anywhere in [0, 1] on units at their kink (``|pre-activation|``
    below ``kink`` times the largest): ``lambda`` and those ``a_j`` are fitted by least
    squares. A residual near 0 says ``h`` is a converged optimum of that objective (used
    to read the authors' lambda off their stored OFIVs).
    """
    lam, res = [], []
    for w, b, o, x in zip(*(np.asarray(a, dtype=np.float64) for a in (fc_w, fc_b, out_w, h)),
                          strict=True):  # fmt: skip
        pre = w @ x + b
        near = np.abs(pre) < kink * np.abs(pre).max()
        v = w.T @ (o * ((pre > 0) & ~near))
        design = np.column_stack([x] + [-(o[j] * w[j]) for j in np.flatnonzero(near)])
        coef, *_ = np.linalg.lstsq(design, v, rcond=None)
        lam.append(coef[0] / 2)
        res.append(np.linalg.norm(design @ coef - v) / max(np.linalg.norm(v), 1e-12))
    return np.array(lam), np.array(res)
