"""The paper's findings on the TF panel (Table 1, Figs 5, S1, S5) as checks on a run.

Each finding is one row ``finding, measured, paper, holds``; the tolerances are stated in
the finding's text, so a row that does not hold is reported as such, not tuned away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def real_findings(
    authors_auc: pd.DataFrame,
    strand: pd.DataFrame,
    retrain: pd.DataFrame,
    k: int = 5,
    max_gap: float = 0.02,
    min_train: int = 1000,
    min_strand: int = 100,
) -> pd.DataFrame:
    """Findings on real sequences (``authors_real_auc``, the strand split of
    :func:`deepresolve.paper.tfpanel.real.strand_auc`, ``real_retrain``): the authors'
    models reproduce the all-positive AUCs that ``shared/data/real-chipseq/README.md``
    reports (within 0.01; rows only for the sets it names that are present); they score
    positives whose instance is on either strand alike (within 0.02, sets with at least
    ``min_strand`` positives per strand), as models trained on windows in genome
    orientation do; and the retrained CNN is within ``max_gap`` AUC of the authors' model
    with both hitting the motif in the top ``k`` wherever at least ``min_train`` training
    positives hold an instance."""
    from deepresolve.paper.tfpanel.real import (
        README_AUC_ALL,
        README_DEEPBIND_EXPERIMENTS,
        README_DEEPBIND_MEDIAN,
    )

    rows = []
    auc = authors_auc.set_index(["experiment", "source"])["auc_all"]
    for (experiment, source), ref in README_AUC_ALL.items():
        if (experiment, source) in auc.index:
            got = float(auc.loc[(experiment, source)])
            rows.append(
                (
                    f"authors' model, all positives of the {source} test set of {experiment}: "
                    "AUC within 0.01 of shared/data/real-chipseq/README.md",
                    f"{got:.3f}", f"{ref:.3f}", abs(got - ref) <= 0.01,
                )
            )  # fmt: skip
    deepbind = [
        (e, "deepbind") for e in README_DEEPBIND_EXPERIMENTS if (e, "deepbind") in auc.index
    ]
    if deepbind:
        got = float(np.median(auc.loc[deepbind]))
        rows.append(
            (
                f"authors' models, all positives of {len(deepbind)} of the README's 8 DeepBind "
                "test sets: median AUC within 0.01 of shared/data/real-chipseq/README.md",
                f"{got:.3f}", f"{README_DEEPBIND_MEDIAN:.3f}",
                len(deepbind) == len(README_DEEPBIND_EXPERIMENTS)
                and abs(got - README_DEEPBIND_MEDIAN) <= 0.01,
            )
        )  # fmt: skip
    both = strand[(strand["n_plus"] >= min_strand) & (strand["n_minus"] >= min_strand)]
    gaps = (both["auc_plus"] - both["auc_minus"]).abs()
    rows.append(
        (
            "authors' models score positives with a plus-strand and with a minus-strand "
            f"instance alike (|AUC difference| <= 0.02, test sets with >= {min_strand} of each): "
            "trained on windows in genome orientation, as encode_fimo builds them",
            f"largest difference {gaps.max():.3f} over {len(both)} sets" if len(both) else "no set",
            "(not in the paper)", bool(len(both)) and bool((gaps <= 0.02).all()),
        )
    )  # fmt: skip
    big = retrain[retrain["n_train"] >= min_train]
    gap = (big["auc_authors"] - big["auc_retrained"]).abs()
    both_hit = big[f"top{k}_hit_retrained"].astype(bool) & big[f"top{k}_hit_authors"].astype(bool)
    ok = (gap <= max_gap) & both_hit
    rows.append(
        (
            f"retrained CNN within {max_gap} test AUC of the authors' model, both with the "
            f"TF's motif among DeepResolve's top-{k} filters, wherever >= {min_train} training "
            "positives hold an instance",
            f"{int(ok.sum())}/{len(big)} experiments; largest AUC gap "
            + (f"{gap.max():.3f}" if len(big) else "-"),
            "(the paper's models: mean AUC 0.937)", bool(len(big)) and bool(ok.all()),
        )
    )  # fmt: skip
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["holds"] = out["holds"].astype(bool)
    return out
