"""End-to-end: contents of the synthetic section's outputs on config/test.yaml."""

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from deepresolve import Resolution
from deepresolve.paper.synthetic.findings import FINDING_COLUMNS

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
    assert t["dataset"].tolist() == ["I"] * 5 + ["II"] * 6
    assert t["holds"].dtype == bool
    assert t["finding"].str.contains("CGCTTG").any() and t["finding"].str.contains("class 4").any()


@pytest.mark.parametrize(
    "name, min_width", [("fig2", 1200), ("fig3", 1200), ("fig4a", 1200), ("fig4b", 600),
                        ("figS1", 600)],
)  # fmt: skip
def test_figures_are_images(e2e, name, min_width):
    img = mpimg.imread(e2e / f"figures/{name}.png")
    assert img.ndim == 3 and img.shape[1] >= min_width and img.shape[0] >= 300
    assert img[..., :3].std() > 0.05  # not blank
