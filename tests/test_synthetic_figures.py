"""Figures 2, 3, 4a, 4b and S1 on small hand-made inputs."""

import matplotlib.image as mpimg
import numpy as np
import pytest

from deepresolve import Resolution
from deepresolve.io import save_figure
from deepresolve.paper.figS1 import component_counts, plot_figS1
from deepresolve.paper.synthetic.data import dataset1
from deepresolve.paper.synthetic.figures.fig2 import plot_fig2
from deepresolve.paper.synthetic.figures.fig3 import (
    METHODS,
    motif_attribution,
    plot_fig3,
    xor_examples,
)
from deepresolve.paper.synthetic.figures.fig4 import plot_fig4a, plot_fig4b


def _res(c: int, t: int, k: int, seed: int = 0) -> Resolution:
    rng = np.random.default_rng(seed)
    fivs = rng.normal(size=(c, t, k))
    il = fivs.var(axis=1)
    return Resolution(
        fims=None, fivs=fivs, scores=rng.random((c, t)), weights=np.ones((c, t)), il=il,
        n_components=rng.integers(1, 4, size=c), bic=np.zeros((c, 3)),
        nonadditive=il > np.median(il), ofiv=fivs.mean(axis=1), classes=np.arange(c),
        converged=np.ones((c, t), bool), n_steps=np.ones((c, t), int),
    )  # fmt: skip


def test_fig2_has_a_logo_per_channel_and_saves(tmp_path):
    res = _res(1, 5, 6)
    weights = np.random.default_rng(1).normal(size=(6, 4, 8))
    fig = plot_fig2(res, weights, motif_filters={"CAGGTC": 2})
    assert len(fig.axes) == 1 + 6
    assert fig.axes[3].get_xlabel() == "CAGGTC"
    save_figure(fig, tmp_path / "fig2.png")
    img = mpimg.imread(tmp_path / "fig2.png")
    assert img.shape[1] > 800 and img.shape[0] > 300
    with pytest.raises(ValueError, match="5 filters for 6 channels"):
        plot_fig2(res, weights[:5])


def test_fig3_examples_and_attribution_sums():
    data = dataset1(n_sequences=600, n_random=0, length=30, seed=0)
    logits = np.where(data.y[:, 0] == 1, 3.0, -3.0) + np.arange(len(data)) * 1e-4
    pos, neg = xor_examples(data, logits)
    assert [m for m, _ in pos["motifs"]] == ["CAGGTC", "GCTCAT"]
    assert [m for m, _ in neg["motifs"]] == ["CGCTTG", "CAGGTC", "GCTCAT"]
    assert pos["logit"] > 0 > neg["logit"] and "misclassified" not in pos["title"]
    x = pos["x"]
    assert motif_attribution(np.ones_like(x), x, 10, 6) == 6.0
    rng = np.random.default_rng(0)
    for ex in (pos, neg):
        ex.update({m: rng.normal(size=ex["x"].shape) * ex["x"] for m in METHODS})
    fig = plot_fig3([pos, neg])
    assert len(fig.axes) == 3 * 2
    # Wrong-way logits: the examples are still drawn, flagged as misclassified.
    flipped = xor_examples(data, -logits)
    assert all("misclassified" in ex["title"] for ex in flipped)


def test_fig4_panels():
    res = _res(4, 3, 7)
    weights = np.random.default_rng(2).normal(size=(7, 4, 8))
    fig = plot_fig4a(res, weights, ["a", "b", "c", "d"])
    assert len(fig.axes) == 1 + 7
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b", "c", "d"]
    mats = {name: np.eye(4) for name in ("s", "l", "o", "w")}
    fig = plot_fig4b(mats, ["1", "2", "3", "4"])
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["s", "l", "o", "w"]
    with pytest.raises(ValueError, match="shape"):
        plot_fig4b({"x": np.eye(3)}, ["1", "2", "3", "4"])


def test_figS1_counts_components_per_model_set():
    sets = {
        "synthetic I": np.array([2]),
        "synthetic II": np.array([1, 1, 1, 1]),
        "TF panel": np.r_[np.ones(420, int), [2, 2]],
        "DeepSEA": np.r_[np.ones(900, int), np.full(19, 3)],
    }
    table = component_counts(sets)
    assert table.loc["TF panel"].tolist() == [420, 2, 0]
    assert table.loc["DeepSEA"].tolist() == [900, 0, 19]
    assert table.loc["synthetic I"].tolist() == [0, 1, 0]
    fig = plot_figS1(sets)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="DeepSEA"):
        component_counts({"DeepSEA": np.array([0, 1])})


def test_diagnosis_figure_has_its_three_panels(tmp_path):
    import pandas as pd

    from deepresolve.paper.synthetic.diagnosis import COMBINATION_COLUMNS, Landscape
    from deepresolve.paper.synthetic.figures.diagnosis import plot_diagnosis

    combos = pd.DataFrame(
        [(n, lab, 10, m, 0.5, float(m > 0)) for n, lab, m in (
            ("none", 0, -6.0), ("A", 0, -4.0), ("C", 0, -2.5), ("B", 0, -4.0),
            ("A+C", 1, 1.1), ("C+B", 1, 1.3), ("A+B", 0, -4.8), ("A+C+B", 0, -1.1))],
        columns=COMBINATION_COLUMNS,
    )  # fmt: skip
    grid = np.linspace(0, 2, 7)
    land = Landscape(
        channels=(3, 3), names=("CGCTTG", "GCTCAT"), values_a=grid, values_b=grid,
        logits=1.3 - np.abs(grid[:, None] + grid[None, :] - 1.4) * 3, optima=np.full((5, 2), 0.05),
        optima_sum=np.full((5, 2), 0.85),
        cases={"CAGGTC": (0.0, 0.0), "+CGCTTG": (1.4, 0.0), "+GCTCAT": (0.0, 1.3),
               "+both": (1.4, 1.3)}, base="test sequences",
    )  # fmt: skip
    fig = plot_diagnosis(combos, land, _res(1, 5, 6), _res(1, 5, 6, seed=1), {3: "CGCTTG"},
                         {0: "A", 1: "B", 2: "C"})  # fmt: skip
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert [t[:3] for t in titles if t] == ["(a)", "(b)", "(c)", "(c)"]
    assert "same filter, GCTCAT" in fig.axes[1].get_ylabel()
    assert "positive control" in titles[-1]
    save_figure(fig, tmp_path / "diag.png")
    assert mpimg.imread(tmp_path / "diag.png").shape[1] > 1200


def test_fig3_labels_patterns_with_their_filter():
    data = dataset1(n_sequences=600, n_random=0, length=30, seed=0)
    logits = np.where(data.y[:, 0] == 1, 3.0, -3.0)
    examples = xor_examples(data, logits)
    for ex in examples:
        ex.update({m: 0.1 * ex["x"] for m in METHODS})
    fig = plot_fig3(examples, motif_filters={"GCTCAT": 12, "CGCTTG": 12})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("GCTCAT (f12)") for t in texts), texts
    assert any(t.startswith("CAGGTC\n") for t in texts), texts
