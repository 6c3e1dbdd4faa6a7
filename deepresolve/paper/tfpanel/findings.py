"""The paper's findings on the TF panel (Table 1, Figs 5, S1, S5) as checks on a run.

Each finding is one row ``finding, measured, paper, holds``; the tolerances are stated in
the finding's text, so a row that does not hold is reported as such, not tuned away.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from deepresolve.paper.ascent_sensitivity import dependence_row, outcome_row, outcome_table
from deepresolve.paper.tfpanel.filter_ranks import (
    artifacts,
    rank_groups,
    ranked_pvalues,
    topk_table,
)
from deepresolve.resolution import Resolution

FINDING_COLUMNS = ["finding", "measured", "paper", "holds"]


def panel_findings(
    auc: np.ndarray,
    table1: pd.DataFrame,
    n_components: np.ndarray,
    groups: np.ndarray,
    act_pos: np.ndarray,
    act_neg: np.ndarray,
    pvalues: np.ndarray,
    artifacts: pd.DataFrame,
) -> pd.DataFrame:
    """Findings from the per-experiment AUCs ``(E,)``, Table 1 (:func:`topk_table`), the
    GMM component counts ``(E,)``, OFIV-rank groups, normalised activations and TOMTOM
    p-values ``(E, K)`` (group ``G - 1`` = best ranks) and the artifact table (columns
    method, top_group_filters, artifacts, mean_ic_positive_weights,
    mean_ic_negative_weights)."""
    auc = np.asarray(auc, dtype=float)
    e = len(auc)
    t1 = table1.set_index("method")
    dr = t1.loc["DeepResolve"]
    top, bottom = int(np.max(groups)), 0

    def med(a, g):
        return float(np.median(np.asarray(a)[np.asarray(groups) == g]))

    one = int((np.asarray(n_components) == 1).sum())
    art = artifacts.set_index("method").loc["DeepResolve"]
    ic_pos, ic_neg = art["mean_ic_positive_weights"], art["mean_ic_negative_weights"]
    better_1to5 = all(
        dr[f"top{k}_p<0.5"] >= t1.loc[m, f"top{k}_p<0.5"]
        for k in (1, 3, 5)
        for m in ("saliency", "gradient_x_input")
    )
    rows = [
        (
            "mean test AUC within 2 s.d. (0.07) of the paper's",
            f"{np.nanmean(auc):.3f} +- {np.nanstd(auc):.3f}",
            "0.937 +- 0.035",
            abs(np.nanmean(auc) - 0.937) <= 0.07,
        ),
        (
            "GMM picks 1 component (additive logic) in >= 95% of models",
            f"{one}/{e}",
            "420/422",
            one >= 0.95 * e,
        ),
        (
            "DeepResolve: known motif in top-5 filters at p < 0.5 in >= 95% of models",
            f"{dr['top5_p<0.5']}/{e}",
            "422/422",
            dr["top5_p<0.5"] >= 0.95 * e,
        ),
        (
            "DeepResolve: known motif in top-5 filters at p < 0.05 in >= 95% of models",
            f"{dr['top5_p<0.05']}/{e}",
            "421/422",
            dr["top5_p<0.05"] >= 0.95 * e,
        ),
        (
            "DeepResolve beats enhanced DeepMotif at top-5, p < 0.05",
            f"{dr['top5_p<0.05']} vs {t1.loc['enhanced_DeepMotif', 'top5_p<0.05']}",
            "about 3-fold",
            dr["top5_p<0.05"] > t1.loc["enhanced_DeepMotif", "top5_p<0.05"],
        ),
        (
            "DeepResolve >= saliency and saliency x input at top-1/3/5, p < 0.5",
            "; ".join(
                f"top{k}: {dr[f'top{k}_p<0.5']} vs {t1.loc['saliency', f'top{k}_p<0.5']}, "
                f"{t1.loc['gradient_x_input', f'top{k}_p<0.5']}"
                for k in (1, 3, 5)
            ),
            "better at every k",
            better_1to5,
        ),
        (
            "Fig 5: top OFIV group more active on positives than the bottom group (medians)",
            f"{med(act_pos, top):.2f} vs {med(act_pos, bottom):.2f}",
            "highest in the top group",
            med(act_pos, top) > med(act_pos, bottom),
        ),
        (
            "Fig 5: top OFIV group less active on negatives than on positives (medians)",
            f"{med(act_neg, top):.2f} vs {med(act_pos, top):.2f}",
            "low on negatives",
            med(act_neg, top) < med(act_pos, top),
        ),
        (
            "Fig 5: top OFIV group has the most significant motif matches (median p)",
            ", ".join(f"{med(pvalues, g):.2g}" for g in range(top + 1)),
            "lowest in the top group",
            all(med(pvalues, top) < med(pvalues, g) for g in range(top)),
        ),
        (
            "Fig S5A: more information in positive than in negative filter weights (mean bits)",
            f"{ic_pos:.1f} vs {ic_neg:.1f}",
            "positive > negative",
            ic_pos > ic_neg,
        ),
        (
            "Fig S5C: < 4% of top-quarter filters are artifacts (weak and unmatched)",
            f"{int(art['artifacts'])}/{int(art['top_group_filters'])}",
            "67/1688",
            art["artifacts"] < 0.04 * art["top_group_filters"],
        ),
    ]
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["holds"] = out["holds"].astype(bool)
    return out


def ascent_outcomes(
    ascents: Sequence[str],
    resolutions: Sequence[Resolution],
    auc: np.ndarray,
    table1: pd.DataFrame,
    act_pos: np.ndarray,
    act_neg: np.ndarray,
    pvalues: np.ndarray,
    artifact_table: pd.DataFrame,
    ks: Sequence[int] = (1, 3, 5),
    thresholds: Sequence[float] = (0.5, 0.05),
) -> pd.DataFrame:
    """Rows ``TF panel`` of the ascent-sensitivity table
    (:mod:`deepresolve.paper.ascent_sensitivity`), one per ascent (the configured one
    first): Table 1's DeepResolve row and Fig S5's artifact count recomputed from that
    ascent's OFIVs (the other methods' rows, the activations and the TOMTOM p-values
    ``(E, K)`` do not depend on it; ``ks`` and ``thresholds`` those of ``table1``), then
    :func:`panel_findings`."""
    rows = []
    for name, res in zip(ascents, resolutions, strict=True):
        t1 = table1.set_index("method")
        ours = topk_table({"DeepResolve": ranked_pvalues(pvalues, res.ofiv)}, ks, thresholds)
        t1.loc["DeepResolve", ours.columns[1:]] = ours.iloc[0, 1:].to_numpy()
        art = artifact_table.set_index("method")
        cutoff = float(art.loc["DeepResolve", "activation_cutoff"])
        art.loc["DeepResolve", "top_group_filters"] = int((rank_groups(res.ofiv) == 3).sum())
        art.loc["DeepResolve", "artifacts"] = artifacts(res.ofiv, act_pos, pvalues, cutoff)
        found = panel_findings(auc, t1.reset_index(), res.n_components, rank_groups(res.ofiv),
                               act_pos, act_neg, pvalues, art.reset_index())  # fmt: skip
        dr, e = t1.loc["DeepResolve"], len(res.ofiv)
        hits = {t: f"{int(dr[f'top5_p<{t:g}'])}/{e}" for t in (0.5, 0.05)}
        rows.append(outcome_row(
            "TF panel", name, res, resolutions[0], found,
            **{"top5_hits_p<0.5": hits[0.5], "top5_hits_p<0.05": hits[0.05]},
            detail=f"top-1 hits p < 0.05: {int(dr['top1_p<0.05'])}/{e}; artifacts among the "
            f"top quarter: {int(art.loc['DeepResolve', 'artifacts'])}",
        ))  # fmt: skip
    return outcome_table(rows)


def ascent_dependence(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Findings row: are the panel's verdicts the same under every ascent of the
    sensitivity table (``outcomes``: :func:`ascent_outcomes`)?"""
    return pd.DataFrame([dependence_row(outcomes, "TF panel")], columns=FINDING_COLUMNS)
