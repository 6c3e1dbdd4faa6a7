"""How the paper's outcomes depend on the gradient ascent (``tables/ascent_sensitivity.tsv``).

Every analysis (synthetic datasets I and II, the TF panel, DeepSEA) is resolved again,
same model and seed, under each further ascent of the config's ``ascent.sensitivity`` list
(by default the library's Adam from N(0, 1) at lambda 1, and the authors' plain ascent at
lambda 0.3 and 1.0, the range the paper says it tried), beside the configured ascent (the
authors' calibrated preset). One row per analysis x ascent (:data:`COLUMNS`): the GMM
component counts of Fig S1, the channels flagged non-additive, the OFIVs' rank agreement
with the configured ascent's, the outcome the analysis' findings rest on (Fig 9 groups
recovered and Spearman vs the truth for DeepSEA, top-5 hits for the TF panel) and which of
its findings hold.

Each analysis' ``findings`` module computes its rows (``ascent_outcomes``, through
:func:`outcome_row`) and states, with :func:`verdict_changes`, whether its verdicts depend
on the ascent; this module holds only what the analyses share, and imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from deepresolve.paper.method_reference import LAMBDA_RANGE
from deepresolve.paper.reference import NOT_COMPARABLE
from deepresolve.resolution import Resolution

ANALYSES = ("synthetic I", "synthetic II", "TF panel", "DeepSEA")
COLUMNS = [
    "analysis", "ascent", "settings", "classes", "gmm_1", "gmm_2", "gmm_3",
    "flagged_channels", "ofiv_spearman_vs_configured", "groups_recovered",
    "spearman_vs_truth", "top5_hits_p<0.5", "top5_hits_p<0.05", "findings_held",
    "findings_failed", "detail", "converged", "row_steps",
]  # fmt: skip
#: Separates the findings of ``findings_failed`` (finding texts contain ``;`` and ``,``).
SEPARATOR = " | "


def settings_text(params: Mapping) -> str:
    """The ascent a :class:`Resolution` ran, from its ``params``: optimiser, starting
    distribution, lambda, step size, step cap and starts, e.g. ``"plain, U(0,1), lambda
    2.8, lr 0.005, <= 10000 steps, T = 10"``."""
    start = {"normal": "N(0,1)", "uniform": "U(0,1)"}.get(params["init"], str(params["init"]))
    return (f"{params['optimizer']}, {start}, lambda {params['l2']:g}, lr {params['lr']:g}, "
            f"<= {params['steps']} steps, T = {params['n_init']}")  # fmt: skip


def ofiv_agreement(ofiv: np.ndarray, reference: np.ndarray) -> float:
    """Median over classes of the Spearman correlation between two ``(C, K)`` OFIVs (classes
    where either row is constant are left out; NaN when all are)."""
    a, b = np.asarray(ofiv, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"OFIV shapes differ: {a.shape} and {b.shape}")
    rho = [spearmanr(x, y).statistic for x, y in zip(a, b, strict=True) if x.std() and y.std()]
    return float(np.median(rho)) if rho else np.nan


def outcome_row(
    analysis: str,
    ascent: str,
    res: Resolution,
    reference: Resolution,
    findings: pd.DataFrame | None = None,
    **measures,
) -> dict:
    """One row of :data:`COLUMNS` for ``res``, the resolution of ``analysis`` under
    ``ascent``: GMM counts, flagged (class, channel) pairs, OFIV agreement with
    ``reference`` (the configured ascent's resolution of the same model), the number of
    ``findings`` (a findings table: :func:`~deepresolve.paper.reference.findings_frame`)
    that hold out of those the run can test, those that do not hold, and the
    analysis-specific ``measures`` (other columns of :data:`COLUMNS`)."""
    unknown = sorted(set(measures) - set(COLUMNS))
    if unknown:
        raise ValueError(f"outcome_row: unknown columns {unknown}")
    counts = np.bincount(np.asarray(res.n_components, dtype=int), minlength=4)[1:4]
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(
        analysis=analysis, ascent=ascent, settings=settings_text(res.params),
        classes=res.n_classes, gmm_1=int(counts[0]), gmm_2=int(counts[1]),
        gmm_3=int(counts[2]), flagged_channels=int(np.asarray(res.nonadditive).sum()),
        ofiv_spearman_vs_configured=ofiv_agreement(res.ofiv, reference.ofiv),
        converged=float(np.asarray(res.converged).mean()),
        row_steps=int(res.params.get("row_steps", -1)),
    )  # fmt: skip
    if findings is not None:
        verdict = (
            findings["verdict"]
            if "verdict" in findings
            else findings["holds"].map({True: "holds", False: "does not hold"})
        )
        tested = verdict != NOT_COMPARABLE
        row["findings_held"] = f"{int((verdict == 'holds').sum())}/{int(tested.sum())}"
        row["findings_failed"] = SEPARATOR.join(findings.loc[verdict == "does not hold", "finding"])
    row.update(measures)
    return row


def outcome_table(rows: Sequence[Mapping]) -> pd.DataFrame:
    """Rows of :func:`outcome_row` as a frame with the columns of :data:`COLUMNS`."""
    return pd.DataFrame(list(rows), columns=COLUMNS)


def sensitivity_table(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The analyses' outcome frames as one table, in the order of :data:`ANALYSES`;
    ``ValueError`` naming a frame with other columns or an unknown analysis."""
    for f in frames:
        if list(f.columns) != COLUMNS:
            raise ValueError(f"ascent outcomes with columns {list(f.columns)}, not {COLUMNS}")
        unknown = set(f["analysis"]) - set(ANALYSES)
        if unknown:
            raise ValueError(f"ascent outcomes of unknown analyses {sorted(unknown)}")
    table = pd.concat(frames, ignore_index=True)
    order = table["analysis"].map({a: i for i, a in enumerate(ANALYSES)})
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _failed(cell) -> set[str]:
    return set() if pd.isna(cell) or cell == "" else set(str(cell).split(SEPARATOR))


def verdict_changes(outcomes: pd.DataFrame, analysis: str) -> tuple[str, bool]:
    """Whether ``analysis``'s verdicts depend on the ascent: ``(measured, same)``.

    ``outcomes``: its rows of the sensitivity table (others are ignored), the configured
    ascent first. ``measured`` gives the GMM counts under each ascent and each finding
    whose verdict differs from the configured ascent's; ``same``: no verdict differs.
    """
    rows = outcomes[outcomes["analysis"] == analysis]
    if rows.empty:
        raise ValueError(f"no ascent outcomes for {analysis!r}")
    if rows["findings_held"].isna().any():
        raise ValueError(f"{analysis}: ascent outcomes without findings")
    first = rows.iloc[0]
    base = _failed(first["findings_failed"])
    gmm = "; ".join(
        f"{r['ascent']} {r['gmm_1']}/{r['gmm_2']}/{r['gmm_3']}" for _, r in rows.iterrows()
    )
    changes = []
    for _, r in rows.iloc[1:].iterrows():
        failed = _failed(r["findings_failed"])
        flips = [f"fails '{f}'" for f in sorted(failed - base)]
        flips += [f"holds '{f}'" for f in sorted(base - failed)]
        if flips:
            changes.append(f"{r['ascent']} ({r['findings_held']} hold): " + ", ".join(flips))
    names = ", ".join(rows["ascent"])
    head = f"{first['findings_held']} hold under {first['ascent']}; GMM 1/2/3 components: {gmm}"
    if not changes:
        return f"{head}; the same verdicts under every ascent ({names})", True
    return f"{head}; differ: " + "; ".join(changes), False


def dependence_row(outcomes: pd.DataFrame, analysis: str, note: str = "") -> tuple:
    """A findings row ``(finding, measured, paper, holds)``: are ``analysis``'s verdicts the
    same under every ascent (:func:`verdict_changes`)? ``note``: what the comparison leaves
    out, added to the finding's text."""
    measured, same = verdict_changes(outcomes, analysis)
    finding = ("the verdicts above do not depend on the ascent (the same under every ascent "
               f"of ascent_sensitivity{'; ' + note if note else ''})")  # fmt: skip
    return finding, measured, LAMBDA_RANGE, same
