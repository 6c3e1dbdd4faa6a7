"""End-to-end: the ascent-sensitivity table on config/test.yaml (the configured ascent, the
authors' preset, and the library default), consistent with the analyses' own outputs."""

import numpy as np
import pandas as pd
import pytest

from deepresolve import Resolution
from deepresolve.paper.ascent_sensitivity import ANALYSES, COLUMNS
from deepresolve.paper.deepsea.compendium import PAPER_GROUPS

pytestmark = pytest.mark.slow

ASCENTS = ["authors (configured)", "library"]
MAIN = {
    "synthetic I": "synthetic/dataset1/resolution.npz",
    "synthetic II": "synthetic/dataset2/resolution.npz",
    "TF panel": "tfpanel/resolution.npz",
    "DeepSEA": "deepsea/resolution.npz",
}
VARIANT = {
    "synthetic I": "synthetic/dataset1/ascents/{}/resolution.npz",
    "synthetic II": "synthetic/dataset2/ascents/{}/resolution.npz",
    "TF panel": "tfpanel/ascents/{}/resolution.npz",
    "DeepSEA": "deepsea/ascents/{}/resolution.npz",
}
FINDINGS = {
    "synthetic I": ("synthetic_findings", {"dataset": "I"}),
    "synthetic II": ("synthetic_findings", {"dataset": "II"}),
    "TF panel": ("tfpanel_findings", {}),
    "DeepSEA": ("deepsea_findings", {}),
}


@pytest.fixture(scope="module")
def table(e2e):
    return pd.read_csv(e2e / "tables" / "ascent_sensitivity.tsv", sep="\t")


def test_a_row_per_analysis_and_ascent_from_its_resolution(e2e, table):
    assert list(table.columns) == COLUMNS
    assert table["analysis"].tolist() == [a for a in ANALYSES for _ in ASCENTS]
    assert table["ascent"].tolist() == ASCENTS * len(ANALYSES)
    expected = {ASCENTS[0]: ("plain", "uniform", 2.8), ASCENTS[1]: ("adam", "normal", 1.0)}
    for _, row in table.iterrows():
        configured = row["ascent"] == ASCENTS[0]
        path = MAIN[row["analysis"]] if configured else VARIANT[row["analysis"]]
        res = Resolution.load(e2e / path.format(row["ascent"]))
        method = (res.params["optimizer"], res.params["init"], res.params["l2"])
        assert method == expected[row["ascent"]], (row["analysis"], row["ascent"])
        assert res.params["steps"] == 60 and res.n_init == 4  # config/test.yaml's caps
        counts = np.bincount(res.n_components, minlength=4)[1:]
        assert [row["gmm_1"], row["gmm_2"], row["gmm_3"]] == counts.tolist()
        assert row["classes"] == res.n_classes == counts.sum()
        assert row["flagged_channels"] == res.nonadditive.sum()
        assert row["row_steps"] == res.params["row_steps"]
    configured = table[table["ascent"] == ASCENTS[0]]
    np.testing.assert_allclose(configured["ofiv_spearman_vs_configured"].dropna(), 1.0)


def test_outcomes_agree_with_the_analyses_tables(e2e, table):
    by = table.set_index(["analysis", "ascent"])
    table1 = pd.read_csv(e2e / "tables" / "table1.tsv", sep="\t").set_index("method")
    dr = table1.loc["DeepResolve"]
    assert by.loc[("TF panel", ASCENTS[0]), "top5_hits_p<0.05"] == (
        f"{dr['top5_p<0.05']}/{dr['n_experiments']}"
    )
    recovery = pd.read_csv(e2e / "tables" / "deepsea_similarity_recovery.tsv", sep="\t")
    ours = recovery[recovery["method"] == "deepresolve"].set_index("group")
    n = int(ours.loc[list(PAPER_GROUPS), "recovered"].astype(str).eq("True").sum())
    assert by.loc[("DeepSEA", ASCENTS[0]), "groups_recovered"] == f"{n}/{len(PAPER_GROUPS)}"
    assert by.loc[("DeepSEA", ASCENTS[0]), "spearman_vs_truth"] == pytest.approx(
        ours.loc["different-cell pairs", "spearman_vs_truth"]
    )


@pytest.mark.parametrize("analysis", ANALYSES)
def test_each_findings_table_says_whether_its_verdicts_depend_on_the_ascent(e2e, table, analysis):
    """The configured ascent's verdicts in the table are the findings table's (its last,
    ascent row and the rows not recomputed aside), and the ascent row holds exactly when
    every ascent gives the same verdicts."""
    name, where = FINDINGS[analysis]
    findings = pd.read_csv(e2e / "tables" / f"{name}.tsv", sep="\t")
    for col, value in where.items():
        findings = findings[findings[col] == value]
    ascent_row = findings.iloc[-1]
    assert ascent_row["finding"].startswith("the verdicts above do not depend on the ascent")
    rows = table[table["analysis"] == analysis]
    failed = [set() if pd.isna(f) else set(f.split(" | ")) for f in rows["findings_failed"]]
    assert bool(ascent_row["holds"]) == all(f == failed[0] for f in failed[1:])
    own_failed = set(findings.iloc[:-1].loc[~findings.iloc[:-1]["holds"], "finding"])
    assert failed[0] <= own_failed
