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
    assert list(findings.columns) == ["finding", "measured", "paper", "where", "holds", "verdict"]
    assert len(findings) == 17 and findings["finding"].is_unique
    assert findings["finding"].iloc[-1].startswith("the verdicts above do not depend on the ascent")
    assert findings["holds"].isin([True, False]).all()


def test_findings_rows_match_table1_rank_tests_and_auc(e2e):
    """Each findings row against the tables it summarises: the AUC table, Table 1, its rank
    tests, the resolution and the artifact table; verdicts follow the paper's claims
    ("outperforms" strictly at each named k) and simulated data is not comparable."""
    from deepresolve.paper.tfpanel import reference as ref

    f = pd.read_csv(e2e / "tables/tfpanel_findings.tsv", sep="\t", dtype=str,
                    keep_default_na=False).set_index("finding")  # fmt: skip
    assert (f["holds"] == (f["verdict"] == "holds").astype(str)).all()
    auc = tsv(e2e / "tables/tfpanel_auc.tsv")["auc"].to_numpy()
    e = len(auc)
    row = f.loc[[i for i in f.index if i.startswith("mean test AUC")][0]]
    assert row["measured"].startswith(f"{np.nanmean(auc):.3f} +- {np.nanstd(auc):.3f}")
    assert row["verdict"] == "not comparable"  # config/test.yaml's panel is simulated
    assert row["paper"] == ref.AUC.shown and row["where"] == ref.AUC.where
    res = deepresolve.Resolution.load(e2e / "tfpanel" / "resolution.npz")
    row = f.loc[[i for i in f.index if i.startswith("GMM picks 1 component")][0]]
    assert row["measured"] == f"{int((res.n_components == 1).sum())}/{e}"
    assert row["verdict"] == "not comparable"
    t1 = tsv(e2e / "tables/table1.tsv").set_index("method")
    dr = t1.loc["DeepResolve"]
    for p in ("0.5", "0.05"):
        row = f.loc[f"DeepResolve: known motif in top-5 filters at p < {p} in >= 95% of models"]
        assert row["measured"] == f"{dr[f'top5_p<{p}']}/{e}"
        assert row["verdict"] == ("holds" if dr[f"top5_p<{p}"] >= 0.95 * e else "does not hold")
    dm = t1.loc["enhanced_DeepMotif", "top5_p<0.05"]
    row = f.loc[[i for i in f.index if "enhanced DeepMotif" in i][0]]
    assert row["measured"] == f"{dr['top5_p<0.05']} vs {dm}"
    assert row["verdict"] == ("holds" if dr["top5_p<0.05"] > dm else "does not hold")
    for method, ks in (("saliency", (1, 3, 5)), ("gradient_x_input", (1, 3, 5)),
                       ("DeepLIFT", (3, 5))):  # fmt: skip
        row = f.loc[[i for i in f.index if i.startswith(f"DeepResolve outperforms {method} ")][0]]
        cols = [f"top{k}_p<0.5" for k in ks]
        assert row["measured"] == "; ".join(
            f"top-{k}: {dr[c]} vs {t1.loc[method, c]}" for k, c in zip(ks, cols, strict=True)
        )
        strict = all(dr[c] > t1.loc[method, c] for c in cols)
        assert row["verdict"] == ("holds" if strict else "does not hold")
    tests = tsv(e2e / "tables/table1_rank_tests.tsv").set_index("method")
    for method in ("saliency", "gradient_x_input", "DeepLIFT"):
        row = f.loc[[i for i in f.index if i.startswith("rank tests") and method in i][0]]
        r = tests.loc[method]
        assert row["measured"].startswith(f"n {int(r['n'])}; mean rank")
        assert f"Mann-Whitney p {r['mannwhitney_p']:.2g}" in row["measured"]
    art = tsv(e2e / "tfpanel" / "artifacts.tsv").set_index("method").loc["DeepResolve"]
    row = f.loc[[i for i in f.index if i.startswith("Fig S5C")][0]]
    assert row["measured"] == f"{int(art['artifacts'])}/{int(art['top_group_filters'])}"
    # the TOMTOM that ran is recorded in every table built on it
    for name in ("table1", "table1_rank_tests", "tfpanel_motif_map"):
        table = tsv(e2e / "tables" / f"{name}.tsv")
        assert set(table["tomtom_backend"]) == {"memelite"}, name
        assert set(table["tomtom_distance"]) == {"ed"}, name
