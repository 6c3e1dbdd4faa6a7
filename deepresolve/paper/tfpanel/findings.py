"""The paper's findings on the TF panel (Table 1, Figs 5, S1, S5) as checks on a run.

Each finding is one row (:func:`deepresolve.paper.reference.findings_frame`); the paper's
values come from :mod:`deepresolve.paper.tfpanel.reference`; the tolerances are stated in
the finding's text, so a row that does not hold is reported as such, not tuned away.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from deepresolve.paper.ascent_sensitivity import dependence_row, outcome_row, outcome_table
from deepresolve.paper.reference import FINDING_COLUMNS, NOT_COMPARABLE, findings_frame
from deepresolve.paper.tfpanel import reference as ref
from deepresolve.paper.tfpanel.filter_ranks import (
    artifacts,
    rank_groups,
    ranked_pvalues,
    topk_table,
)
from deepresolve.resolution import Resolution

FINDING_COLUMNS = FINDING_COLUMNS  # finding, measured, paper, where, holds, verdict
# the paper's data (motif-centred windows of the 422 experiments); any other source
# (simulated, janggu peaks, Zeng et al.'s peak-centred sets) cannot test a claim about
# their absolute values
PAPER_SOURCES = ("encode_fimo",)


def _outperforms(dr, t1, method: str, ks, threshold: float) -> tuple[str, bool]:
    """``DeepResolve > method`` (strictly) in top-k hits at TOMTOM p < ``threshold``, at
    every k of ``ks``, as the paper states it; measured text and verdict."""
    cols = [f"top{k}_p<{threshold:g}" for k in ks]
    parts = [f"top-{k}: {dr[c]} vs {t1.loc[method, c]}" for k, c in zip(ks, cols, strict=True)]
    return "; ".join(parts), all(dr[c] > t1.loc[method, c] for c in cols)


def panel_findings(
    auc: np.ndarray,
    table1: pd.DataFrame,
    n_components: np.ndarray,
    groups: np.ndarray,
    act_pos: np.ndarray,
    act_neg: np.ndarray,
    pvalues: np.ndarray,
    artifacts: pd.DataFrame,
    sources: Sequence[str] | None = None,
    rank_tests: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Findings from the per-experiment AUCs ``(E,)``, Table 1 (:func:`topk_table`), the
    GMM component counts ``(E,)``, OFIV-rank groups, normalised activations and TOMTOM
    p-values ``(E, K)`` (group ``G - 1`` = best ranks) and the artifact table (columns
    method, top_group_filters, artifacts, mean_ic_positive_weights,
    mean_ic_negative_weights). ``sources`` ``(E,)``: where each experiment comes from; the
    AUC row is "not comparable" unless every one is the paper's own data. ``rank_tests``
    (:func:`~deepresolve.paper.tfpanel.filter_ranks.rank_tests` against the layer
    baselines) adds the paper's rank-test claims: significantly better than saliency and
    gradient x input (both tests, ``p <`` the paper's 0.000001, lower mean rank) and
    comparable to DeepLIFT (neither test significant at ``alpha``)."""
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
    mean_auc, sd_auc = ref.AUC.value
    comparable = sources is not None and all(s in PAPER_SOURCES for s in sources)
    kinds = ", ".join(sorted(set(sources))) if sources is not None else "unknown"
    p = ref.THRESHOLD.value
    rows = [
        (
            f"mean test AUC within 2 s.d. ({2 * sd_auc:.2f}) of the paper's, on its own data",
            f"{np.nanmean(auc):.3f} +- {np.nanstd(auc):.3f} ({e} experiments: {kinds})",
            ref.AUC,
            abs(np.nanmean(auc) - mean_auc) <= 2 * sd_auc if comparable else NOT_COMPARABLE,
        ),
        (
            "GMM picks 1 component (additive logic) in >= 95% of models, on the paper's data "
            "(a claim about real TF binding)",
            f"{one}/{e}",
            ref.ONE_COMPONENT,
            one >= 0.95 * e if comparable else NOT_COMPARABLE,
        ),
        (
            f"DeepResolve: known motif in top-5 filters at p < {p:g} in >= 95% of models",
            f"{dr[f'top5_p<{p:g}']}/{e}",
            ref.TOP5_P05,
            dr[f"top5_p<{p:g}"] >= 0.95 * e,
        ),
        (
            "DeepResolve: known motif in top-5 filters at p < 0.05 in >= 95% of models",
            f"{dr['top5_p<0.05']}/{e}",
            ref.TOP5_P005,
            dr["top5_p<0.05"] >= 0.95 * e,
        ),
        (
            "DeepResolve outperforms enhanced DeepMotif at top-5, p < 0.05 (strictly more hits)",
            f"{dr['top5_p<0.05']} vs {t1.loc['enhanced_DeepMotif', 'top5_p<0.05']}",
            ref.DEEPMOTIF_FOLD,
            dr["top5_p<0.05"] > t1.loc["enhanced_DeepMotif", "top5_p<0.05"],
        ),
    ]
    claims = [
        ("saliency", ref.OUTPERFORMS_SALIENCY),
        ("gradient_x_input", ref.OUTPERFORMS_SALIENCY),
    ]
    claims += [("DeepLIFT", ref.OUTPERFORMS_DEEPLIFT)]
    for method, claim in claims:
        if method not in t1.index:
            continue
        ks = claim.value
        measured, holds = _outperforms(dr, t1, method, ks, p)
        named = ", ".join(f"top-{k}" for k in ks)
        rows.append((
            f"DeepResolve outperforms {method} at {named}, p < {p:g} (strictly more hits at "
            "each)",
            measured, claim, holds,
        ))  # fmt: skip
    if rank_tests is not None:
        rows += _rank_test_rows(rank_tests, alpha)
    rows += [
        (
            "Fig 5: top OFIV group more active on positives than the bottom group (medians)",
            f"{med(act_pos, top):.2f} vs {med(act_pos, bottom):.2f}",
            ref.FIG5,
            med(act_pos, top) > med(act_pos, bottom),
        ),
        (
            "Fig 5: top OFIV group less active on negatives than on positives (medians)",
            f"{med(act_neg, top):.2f} vs {med(act_pos, top):.2f}",
            ref.FIG5,
            med(act_neg, top) < med(act_pos, top),
        ),
        (
            "Fig 5: top OFIV group has the most significant motif matches (median p)",
            ", ".join(f"{med(pvalues, g):.2g}" for g in range(top + 1)),
            ref.FIG5,
            all(med(pvalues, top) < med(pvalues, g) for g in range(top)),
        ),
        (
            "Fig S5A: more information in positive than in negative filter weights (mean bits)",
            f"{ic_pos:.1f} vs {ic_neg:.1f}",
            ref.FIGS5_INFORMATION,
            ic_pos > ic_neg,
        ),
        (
            "Fig S5C: < 4% of top-quarter filters are artifacts (weak and unmatched)",
            f"{int(art['artifacts'])}/{int(art['top_group_filters'])}",
            ref.ARTIFACTS,
            art["artifacts"] < 0.04 * art["top_group_filters"],
        ),
    ]
    return findings_frame(rows)


def _rank_test_rows(tests: pd.DataFrame, alpha: float) -> list[tuple]:
    """The paper's rank-test claims on the best-matching filters' ranks."""
    t = tests.set_index("method")
    ref_col = [c for c in t.columns if c.startswith("mean_rank_") and c != "mean_rank_method"][0]
    rows = []
    for method in ("saliency", "gradient_x_input", "DeepLIFT"):
        if method not in t.index:
            continue
        r = t.loc[method]
        mw, wx = float(r["mannwhitney_p"]), float(r["wilcoxon_p"])
        measured = (
            f"n {int(r['n'])}; mean rank {r[ref_col]:.2f} vs {r['mean_rank_method']:.2f}; "
            f"Mann-Whitney p {mw:.2g}, Wilcoxon p {wx:.2g}"
        )
        if method == "DeepLIFT":
            finding = f"rank tests: DeepResolve comparable to DeepLIFT (neither p < {alpha:g})"
            holds = bool(mw >= alpha and wx >= alpha)
        else:
            finding = (
                f"rank tests: DeepResolve ranks the best-matching filter higher than {method} "
                f"(both p < {ref.RANK_TESTS.value:.6f})"
            )
            better = r[ref_col] < r["mean_rank_method"]
            holds = bool(better and mw < ref.RANK_TESTS.value and wx < ref.RANK_TESTS.value)
        rows.append((finding, measured, ref.RANK_TESTS, holds))
    return rows


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
    for (experiment, source), expected in README_AUC_ALL.items():
        if (experiment, source) in auc.index:
            got = float(auc.loc[(experiment, source)])
            rows.append(
                (
                    f"authors' model, all positives of the {source} test set of {experiment}: "
                    "AUC within 0.01 of shared/data/real-chipseq/README.md",
                    f"{got:.3f}", f"{expected:.3f}", abs(got - expected) <= 0.01,
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
            "(not in the paper; the authors' models on the same sequences)",
            bool(len(big)) and bool(ok.all()),
        )
    )  # fmt: skip
    return findings_frame(rows)


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
    sources: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows ``TF panel`` of the ascent-sensitivity table
    (:mod:`deepresolve.paper.ascent_sensitivity`), one per ascent (the configured one
    first): Table 1's DeepResolve row and Fig S5's artifact count recomputed from that
    ascent's OFIVs (the other methods' rows, the activations and the TOMTOM p-values
    ``(E, K)`` do not depend on it; ``ks`` and ``thresholds`` those of ``table1``), then
    :func:`panel_findings` (with the experiments' ``sources``; without the rank tests,
    which need every baseline's ranks again)."""
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
                               act_pos, act_neg, pvalues, art.reset_index(), sources)  # fmt: skip
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
    return findings_frame([dependence_row(outcomes, "TF panel")])
