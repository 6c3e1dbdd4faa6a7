"""Contents of the DeepSEA section's final outputs after the end-to-end run of
config/test.yaml (tiny: the model is barely trained, so only structure is checked)."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from deepresolve import Resolution
from deepresolve.paper.deepsea.compendium import PAPER_GROUPS

pytestmark = pytest.mark.slow

N_CLASSES = 59  # the simulated compendium's classes
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
    methods = {"deepresolve", "signed_ofiv", "labels", "weights"}
    assert set(table["method"]) == methods
    assert set(table["group"]) == set(PAPER_GROUPS) | {"all pairs"}
    named = table[table["group"] != "all pairs"]
    assert (named["n_pairs"] > 0).all()
    assert named["mean_percentile"].between(0, 1).all()
    truth = table[table["group"] == "all pairs"]
    assert len(truth) == 4 and truth["spearman_vs_truth"].between(-1, 1).all()
    m = np.load(e2e / "deepsea" / "similarity.npz")
    assert m["deepresolve"].shape == (N_CLASSES, N_CLASSES)
    assert np.allclose(np.diag(m["labels"]), 1)
