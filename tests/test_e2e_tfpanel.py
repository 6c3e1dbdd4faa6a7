"""Contents of the TF-panel outputs of the end-to-end run (config/test.yaml)."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import deepresolve
from deepresolve.motifs.jaspar import load_jaspar

pytestmark = pytest.mark.slow


def tsv(path):
    return pd.read_csv(path, sep="\t")


def test_auc_and_motif_map(e2e):
    auc = tsv(e2e / "tables" / "tfpanel_auc.tsv")
    assert {"experiment", "tf", "jaspar_ids", "source", "auc", "n_train", "n_test"} <= set(auc)
    assert len(auc) >= 1 and auc["experiment"].is_unique
    assert auc["auc"].between(0, 1).all() and (auc["n_test"] > 0).all()
    motif_map = tsv(e2e / "tables" / "tfpanel_motif_map.tsv")
    assert list(motif_map["experiment"]) == list(auc["experiment"])
    jaspar = set(load_jaspar().ids)
    for ids in motif_map["jaspar_ids"]:
        assert set(ids.split(";")) <= jaspar
    assert motif_map["best_filter"].between(0, 15).all()
    assert motif_map["best_filter_pvalue"].between(0, 1).all()


def test_resolution_has_one_class_per_experiment(e2e):
    res = deepresolve.Resolution.load(e2e / "tfpanel" / "resolution.npz")
    auc = tsv(e2e / "tables" / "tfpanel_auc.tsv")
    assert res.ofiv.shape == (len(auc), 16)
    assert list(res.class_names) == list(auc["experiment"])
    assert np.isfinite(res.ofiv).all() and set(res.n_components) <= {1, 2, 3}


def test_table1_counts_and_rank_tests(e2e):
    table = tsv(e2e / "tables" / "table1.tsv")
    n = len(tsv(e2e / "tables" / "tfpanel_auc.tsv"))
    assert list(table["method"]) == [
        "DeepResolve", "DeepLIFT", "saliency", "gradient_x_input", "enhanced_DeepMotif"
    ]  # fmt: skip
    assert (table["n_experiments"] == n).all()
    for t in ("0.5", "0.05"):
        cols = [f"top{k}_p<{t}" for k in (1, 3, 5)]
        counts = table[cols].to_numpy()
        assert ((counts >= 0) & (counts <= n)).all()
        assert (np.diff(counts, axis=1) >= 0).all()  # top-1 <= top-3 <= top-5
    assert (table["top5_p<0.05"] <= table["top5_p<0.5"]).all()
    tests = tsv(e2e / "tables" / "table1_rank_tests.tsv")
    assert list(tests["method"]) == ["DeepLIFT", "saliency", "gradient_x_input"]
    assert tests["mean_rank_DeepResolve"].dropna().between(1, 16).all()
    for col in ("mannwhitney_p", "wilcoxon_p"):
        assert tests[col].dropna().between(0, 1).all()


@pytest.mark.parametrize("name", ["fig5", "figS5"])
def test_figures_are_images(e2e, name):
    with Image.open(e2e / "figures" / f"{name}.png") as img:
        img.verify()
    with Image.open(e2e / "figures" / f"{name}.png") as img:
        w, h = img.size
        assert w > 800 and h > 400
        assert len(set(np.asarray(img.convert("L")).ravel().tolist())) > 20  # not blank


def test_findings_table(e2e):
    findings = tsv(e2e / "tables" / "tfpanel_findings.tsv")
    assert list(findings.columns) == ["finding", "measured", "paper", "holds"]
    assert len(findings) == 12 and findings["finding"].is_unique
    assert findings["finding"].iloc[-1].startswith("the verdicts above do not depend on the ascent")
    assert findings["holds"].isin([True, False]).all()
