"""End-to-end: contents of the synthetic section's outputs on config/test.yaml."""

import re

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from deepresolve import Resolution
from deepresolve.paper.synthetic.diagnosis import COMBINATION_COLUMNS
from deepresolve.paper.synthetic.filters import FILTER_COLUMNS
from deepresolve.paper.synthetic.findings import FINDING_COLUMNS
from deepresolve.paper.synthetic.robustness import ROBUSTNESS_COLUMNS

pytestmark = pytest.mark.slow


def test_resolutions_have_the_analysed_layer_shape(e2e):
    one = Resolution.load(e2e / "synthetic/dataset1/resolution.npz")
    two = Resolution.load(e2e / "synthetic/dataset2/resolution.npz")
    assert one.fivs.shape[0] == 1 and one.fivs.shape[2] == 32
    assert one.fims.shape[2:] == (32, 23)  # pooled layer of the dataset I model
    assert two.fivs.shape[0] == 4 and two.fims.shape[2:] == (32, 93)  # unpooled conv output
    for res in (one, two):
        assert np.isfinite(res.ofiv).all() and (res.il >= 0).all()
        assert set(np.unique(res.n_components)) <= {1, 2, 3}
    assert list(two.class_names) == [
        "class 1: GATA+CAGATG", "class 2: TCAT+CAGATG", "class 3: GATA+TCAT", "class 4: CGCTTG",
    ]  # fmt: skip


def test_auc_table(e2e):
    t = pd.read_csv(e2e / "tables/synthetic_auc.tsv", sep="\t")
    assert t["dataset"].tolist() == ["dataset1"] + ["dataset2"] * 4
    assert {"class", "auc", "paper_auc", "n_test", "n_train", "epochs"} <= set(t.columns)
    assert t["auc"].between(0, 1).all()
    np.testing.assert_allclose(t["paper_auc"], [0.985, 0.968, 0.967, 0.979, 0.994])
    # config/test.yaml: 3,600 + 2,000 sequences, 20% held out.
    assert t["n_test"].tolist() == [720] + [400] * 4


def test_findings_table(e2e):
    t = pd.read_csv(e2e / "tables/synthetic_findings.tsv", sep="\t")
    assert list(t.columns) == FINDING_COLUMNS
    assert t["dataset"].tolist() == ["I"] * 12 + ["II"] * 7
    # each dataset ends with whether its verdicts depend on the ascent (ascent_sensitivity)
    last = t.groupby("dataset")["finding"].last()
    assert last.str.startswith("the verdicts above do not depend on the ascent").all()
    assert t["holds"].dtype == bool
    assert t["finding"].str.contains("CGCTTG").any() and t["finding"].str.contains("class 4").any()
    one = dict(zip(t["finding"], t["measured"], strict=False))
    # The explanation rows carry measured numbers, consistent with the other outputs.
    filters = pd.read_csv(e2e / "tables/synthetic_filters.tsv", sep="\t")
    k = filters.set_index("pattern").loc["CGCTTG", "filter_activity"]
    assert one["CGCTTG filter non-additive (XOR)"].startswith(f"filter {k} (activation rise")
    combos = pd.read_csv(e2e / "synthetic/dataset1/combination_logits.tsv", sep="\t")
    logit = combos.set_index("combination").loc["CGCTTG+CAGGTC", "mean_logit"]
    assert (
        f"CGCTTG+CAGGTC {logit:+.2f}"
        in one["network learnt AND + XOR: mean test logit per pattern combination"]
    )
    robust = one["independently seeded models: XOR filters flagged non-additive"]
    assert re.match(r"[012] of 2 models \(test AUC", robust), robust


def test_filter_table_and_logits_per_combination(e2e):
    f = pd.read_csv(e2e / "tables/synthetic_filters.tsv", sep="\t")
    assert list(f.columns) == FILTER_COLUMNS
    assert f["pattern"].tolist() == ["CGCTTG", "CAGGTC", "GCTCAT"]
    for col in ("filter_activity", "runner_up", "filter_pwm"):
        assert f[col].between(0, 31).all()
    assert (f["filter_activity"] != f["runner_up"]).all()
    # The activity choice is the largest rise: the runner-up's and the PWM match's are lower.
    assert (f["rise_activity"] >= f["rise_runner_up"]).all()
    assert (f["rise_activity"] >= f["rise_pwm"] - 1e-9).all()
    c = pd.read_csv(e2e / "synthetic/dataset1/combination_logits.tsv", sep="\t")
    assert list(c.columns) == COMBINATION_COLUMNS and len(c) == 8
    assert c["n"].sum() == 720 and c["label"].tolist() == [0, 0, 0, 0, 1, 1, 0, 0]


def test_robustness_table_and_positive_control(e2e):
    r = pd.read_csv(e2e / "tables/synthetic_xor_robustness.tsv", sep="\t")
    assert list(r.columns) == ROBUSTNESS_COLUMNS
    # config/test.yaml: the Fig 2 model (3,000 patterned sequences) + 1 replicate (1,500).
    assert r["model"].tolist() == ["main (Fig 2)", "replicate 1"]
    assert r["n_sequences"].tolist() == [3000, 1500]
    # the seeds the models were made with (deepresolve.paper.seeds), not the config seed
    from deepresolve.paper.seeds import seed

    assert r["data_seed"].tolist() == [seed(0, "synthetic_generate", k=1),
                                       seed(0, "synthetic_replicate")]  # fmt: skip
    assert r["train_seed"].tolist() == [seed(0, "synthetic_train", k=1),
                                        seed(0, "synthetic_replicate", k=1)]  # fmt: skip
    assert r["ascent_seed"].tolist() == [seed(0, "synthetic_resolve", k=1),
                                         seed(0, "synthetic_replicate", k=2)]  # fmt: skip
    assert r["test_auc"].between(0, 1).all() and r["gmm_components"].isin([1, 2, 3]).all()
    np.testing.assert_allclose(r["score_spread"], r["score_max"] - r["score_min"], rtol=1e-6)
    assert (r["max_il"] >= r[["il_xor_a", "il_xor_b"]].max(axis=1) - 1e-12).all()
    # The main row is the Fig 2 model: its resolution and filter table.
    main = Resolution.load(e2e / "synthetic/dataset1/resolution.npz")
    f = pd.read_csv(e2e / "tables/synthetic_filters.tsv", sep="\t")
    assert r.loc[0, "gmm_components"] == main.n_components[0]
    assert (
        r.loc[0, ["filter_xor_a", "filter_and", "filter_xor_b"]].tolist()
        == f["filter_activity"].tolist()
    )
    np.testing.assert_allclose(r.loc[0, "max_il"], main.il.max(), rtol=1e-5)
    control = Resolution.load(e2e / "synthetic/dataset1/control_resolution.npz")
    assert control.fivs.shape == main.fivs.shape and "two-branch" in control.labels()[0]
    np.testing.assert_allclose(control.params["seed"], main.params["seed"])


@pytest.mark.parametrize(
    "name, min_width", [("fig2", 1200), ("fig2_diagnosis", 1200), ("fig3", 1200),
                        ("fig4a", 1200), ("fig4b", 600), ("figS1", 600)],
)  # fmt: skip
def test_figures_are_images(e2e, name, min_width):
    img = mpimg.imread(e2e / f"figures/{name}.png")
    assert img.ndim == 3 and img.shape[1] >= min_width and img.shape[0] >= 300
    assert img[..., :3].std() > 0.05  # not blank


def test_findings_rows_match_the_tables_they_summarise(e2e):
    """Each findings row's measurement is what the tables and resolutions it summarises say,
    its verdict follows from it, and its paper value is the reference module's."""
    from deepresolve.paper.synthetic import reference as ref

    t = pd.read_csv(e2e / "tables/synthetic_findings.tsv", sep="\t", dtype=str,
                    keep_default_na=False)  # fmt: skip
    assert set(t["verdict"]) <= {"holds", "does not hold", "not comparable"}
    assert (t["holds"] == (t["verdict"] == "holds").astype(str)).all()
    rows = {(r["dataset"], r["finding"].split(" (")[0].split(":")[0]): r
            for r in t.to_dict("records")}  # fmt: skip
    auc = pd.read_csv(e2e / "tables/synthetic_auc.tsv", sep="\t")
    one = auc[auc["dataset"] == "dataset1"]["auc"].iloc[0]
    r = rows[("I", "test AUC >= 0.98")]
    assert r["measured"] == f"{one:.3f}" and r["verdict"] == ("holds" if one >= 0.98 else
                                                             "does not hold")  # fmt: skip
    assert r["paper"] == ref.DATASET1_AUC.shown and r["where"] == ref.DATASET1_AUC.where
    res1 = Resolution.load(e2e / "synthetic/dataset1/resolution.npz")
    robust = pd.read_csv(e2e / "tables/synthetic_xor_robustness.tsv", sep="\t")
    r = rows[("I", "GMM components on IL > 1")]
    n = int(res1.n_components[0])
    assert r["measured"] == str(n) == str(robust.loc[0, "gmm_components"])
    assert r["paper"] == "3" and r["verdict"] == ("holds" if n > 1 else "does not hold")
    r = rows[("I", "independently seeded models")]
    flagged = int(robust["xor_flagged"].sum())
    assert r["measured"].startswith(
        f"{flagged} of {len(robust)} models (test AUC {robust['test_auc'].min():.3f}-"
        f"{robust['test_auc'].max():.3f}"
    )
    assert r["verdict"] == ("holds" if flagged > len(robust) / 2 else "does not hold")
    two = auc[auc["dataset"] == "dataset2"]["auc"]
    r = rows[("II", "per-class test AUC >= 0.96")]
    assert r["measured"] == ", ".join(f"{a:.3f}" for a in two)
    assert r["verdict"] == ("holds" if (two >= 0.96).all() else "does not hold")
    assert r["paper"] == ref.DATASET2_AUC.shown
    res2 = Resolution.load(e2e / "synthetic/dataset2/resolution.npz")
    r = rows[("II", "GMM components per class")]
    assert r["measured"] == ", ".join(str(int(c)) for c in res2.n_components)
    assert r["verdict"] == ("holds" if (res2.n_components == 1).all() else "does not hold")
