"""Contents of the DeepSEA section's final outputs after the end-to-end run of
config/test.yaml (tiny: the model is barely trained, so only structure is checked)."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from deepresolve import Resolution
from deepresolve.paper.deepsea.compendium import PAPER_GROUPS
from deepresolve.paper.deepsea.sharing import PAIR_SETS

pytestmark = pytest.mark.slow

N_CLASSES = 65  # the simulated compendium's classes
K = 24  # channels at the analysed layer of config/test.yaml's model (16, 24, 32)


@pytest.mark.parametrize("name", ["fig6", "fig7", "fig8", "fig9"])
def test_figures_are_real_images(e2e, name):
    img = imread(e2e / "figures" / f"{name}.png")
    assert img.ndim == 3 and min(img.shape[:2]) > 300
    assert img[..., :3].std() > 0.01  # not blank


def test_resolution_covers_every_class(e2e):
    res = Resolution.load(e2e / "deepsea" / "resolution.npz")
    assert res.ofiv.shape == (N_CLASSES, K)
    assert res.labels()[0].endswith("|DNase|None")
    assert np.isfinite(res.ofiv).all()
    assert set(np.unique(res.n_components)) <= {1, 2, 3}


def test_auc_table(e2e):
    auc = pd.read_csv(e2e / "tables" / "deepsea_auc.tsv", sep="\t")
    assert list(auc.columns) == ["class", "kind", "auc", "n_test", "n_positive_test"]
    assert len(auc) == N_CLASSES
    assert set(auc["kind"]) == {"DNase", "TF", "Histone"}
    assert auc["auc"].dropna().between(0, 1).all()


def test_channel_motif_table(e2e):
    table = pd.read_csv(e2e / "tables" / "fig6_channel_motifs.tsv", sep="\t")
    assert list(table["channel"]) == list(range(K))
    for col in ("target", "target_name", "pvalue", "qvalue", "significant", "planted"):
        assert col in table.columns
    q = table["qvalue"].dropna()
    assert q.between(0, 1).all()
    assert (table["significant"] == (table["qvalue"] < 0.005)).all()
    assert table["activation"].mean() > table["start_activation"].mean()


def test_similarity_recovery_table(e2e):
    table = pd.read_csv(e2e / "tables" / "deepsea_similarity_recovery.tsv", sep="\t")
    methods = {"truth", "decision", "deepresolve", "signed_ofiv", "labels", "weights",
               "model_implied"}  # fmt: skip
    assert set(table["method"]) == methods
    assert set(table["group"]) == set(PAPER_GROUPS) | set(PAIR_SETS)
    named = table[table["group"].isin(list(PAPER_GROUPS))]
    assert (named["n_pairs"] > 0).all()
    assert named["mean_percentile"].between(0, 1).all()
    # the criterion is passable: the truth recovers every group
    assert named[named["method"] == "truth"]["recovered"].all()
    ranked = table[table["group"].isin(["all pairs", "same-cell pairs", "different-cell pairs"])]
    assert len(ranked) == 3 * len(methods) and ranked["spearman_vs_truth"].between(-1, 1).all()
    m = np.load(e2e / "deepsea" / "similarity.npz")
    assert m["deepresolve"].shape == m["model_implied"].shape == (N_CLASSES, N_CLASSES)
    assert np.allclose(np.diag(m["labels"]), 1)


def test_class_motif_table(e2e):
    table = pd.read_csv(e2e / "tables" / "deepsea_class_motifs.tsv", sep="\t",
                        keep_default_na=False, na_values=[""])  # fmt: skip
    assert len(table) == N_CLASSES
    gated = table[table["context_motif"].fillna("") != ""]
    assert len(gated) >= 21  # the gated TFs, DNase and H3K27ac have a context motif
    for col in ("coef_factor", "coef_context", "deepresolve_factor", "gradient_factor",
                "rho_ofiv_ablation", "r2"):  # fmt: skip
        assert col in table.columns
    assert table["r2"].between(-1e-9, 1).all()
    assert (table["learned"] == (table[["coef_factor", "coef_context"]].min(axis=1) >= 1.0)).all()
    effects = np.load(e2e / "deepsea" / "motif_effects.npz")
    assert effects["coef"].shape == (N_CLASSES, 16)
    assert effects["response"].shape == effects["data_response"].shape == (K, 16)
    assert effects["map_r"].shape == (16,)
    # the diagnosis columns: map agreement, DeepResolve through the data map, the ascent
    for col in ("map_r_factor", "deepresolve_datamap_factor_share", "data_logit"):
        assert col in table.columns
    assert table["ascent_negative"].between(0, 1).all()
    assert (table["ascent_residual"] >= 0).all() and np.isfinite(table["ascent_logit"]).all()


def test_findings_rows_match_the_recovery_motif_and_fig6_tables(e2e):
    """Each DeepSEA findings row against the tables it summarises."""
    from deepresolve.paper.deepsea import reference as ref

    f = pd.read_csv(e2e / "tables/deepsea_findings.tsv", sep="\t", dtype=str,
                    keep_default_na=False).set_index("finding")  # fmt: skip
    assert (f["holds"] == (f["verdict"] == "holds").astype(str)).all()

    def row(prefix):
        return f.loc[[i for i in f.index if i.startswith(prefix)][0]]

    rec = pd.read_csv(e2e / "tables/deepsea_similarity_recovery.tsv", sep="\t")
    groups = rec[rec["group"].isin(list(PAPER_GROUPS))]
    recovered = groups[(groups["method"] == "deepresolve") & groups["recovered"]]
    r = row("Fig 9: DeepResolve's class similarity recovers")
    assert r["measured"].startswith(f"{len(recovered)}/{len(PAPER_GROUPS)}")
    assert r["verdict"] == ("holds" if len(recovered) == len(PAPER_GROUPS) else "does not hold")
    assert r["paper"] == ref.FIG9_GROUPS.shown
    truth = groups[(groups["method"] == "truth") & groups["recovered"]]
    assert row("the recovery criterion is passable")["measured"] == f"{len(truth)}/6"
    diff = rec[rec["group"] == "different-cell pairs"].set_index("method")["spearman_vs_truth"]
    r = row("Fig 7: DeepResolve ranks different-cell pairs")
    assert r["measured"].startswith(f"{diff['deepresolve']:.2f} vs {diff['labels']:.2f}")
    assert r["verdict"] == ("holds" if diff["deepresolve"] > diff["labels"] else "does not hold")
    motifs = pd.read_csv(e2e / "tables/deepsea_class_motifs.tsv", sep="\t")
    factor = motifs["factor_learned"].astype(bool)
    assert row("the model learnt every class's factor motif")["measured"].startswith(
        f"{int(factor.sum())}/{len(factor)} classes"
    )
    res = Resolution.load(e2e / "deepsea" / "resolution.npz")
    r = row("Fig S1: one GMM component")
    assert r["measured"] == f"{int((res.n_components == 1).sum())}/{N_CLASSES}"
    assert r["verdict"] == "not comparable"  # the compendium's classes are ANDs by design
    fig6 = pd.read_csv(e2e / "tables/fig6_channel_motifs.tsv", sep="\t", dtype={"target": str})
    sig = fig6[fig6["significant"]]
    r = row("Fig 6: channels whose receptive-field motifs")
    assert r["measured"].startswith(
        f"{len(sig)} of {len(fig6)} channels match {sig['target'].nunique()} JASPAR motifs"
    )
    assert r["verdict"] == "not comparable" and r["paper"] == ref.CHANNEL_MOTIFS.shown
    assert set(fig6["tomtom_backend"]) == {"memelite"} and set(fig6["tomtom_distance"]) == {"ed"}
