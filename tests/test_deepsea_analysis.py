"""The simulated compendium, receptive-field channel motifs, and the feature-sharing
analyses (Figures 6-9 and the similarity-recovery table) on small, seeded data."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from deepresolve.layers import split_sequential
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper.deepsea.compendium import (
    CELL_CONTEXT,
    MOTIFS,
    PAPER_GROUPS,
    class_kind,
    class_specs,
    factor_of,
    simulate,
)
from deepresolve.paper.deepsea.figures.fig6 import fig6, qvalue_matrix
from deepresolve.paper.deepsea.figures.fig7 import class_display_order, fig7
from deepresolve.paper.deepsea.figures.fig8 import fig8
from deepresolve.paper.deepsea.figures.fig9 import fig9
from deepresolve.paper.deepsea.models import RESOLVE_LAYER, deepsea
from deepresolve.paper.deepsea.receptive import (
    ChannelAscent,
    ascent_pwms,
    channel_ascent,
    channel_motif_table,
    channel_motifs,
    top_fragments,
)
from deepresolve.paper.deepsea.sharing import dnase_association, group_cluster, group_recovery


@pytest.fixture(scope="module")
def small():
    return simulate(600, length=300, seed=3)


def test_class_table_names_the_paper_groups():
    names = [s.name for s in class_specs()]
    assert len(names) == len(set(names)) == 59
    factors = {factor_of(n) for n in names}
    for group, members in PAPER_GROUPS.items():
        assert len(factors & set(members)) >= 2, group
    kinds = {class_kind(n) for n in names}
    assert kinds == {"DNase", "TF", "Histone"}
    assert class_kind("K562|H3K27me3|None") == "Histone"
    assert class_kind("HepG2|HNF4A|None") == "TF"


def test_simulation_is_seeded_and_plants_the_motifs(small):
    again = simulate(600, length=300, seed=3)
    assert np.array_equal(small.x, again.x) and np.array_equal(small.y, again.y)
    assert not np.array_equal(small.y, simulate(600, length=300, seed=4).y)
    assert small.x.shape == (600, 4, 300) and small.y.shape == (600, 59)
    assert np.all(small.x.sum(axis=1) == 1)
    # the CTCF consensus log-odds scan separates sequences with and without CTCF
    jaspar = load_jaspar()
    pwm = jaspar.by_id(MOTIFS["CTCF"])
    lo = np.log2((pwm + 0.01) / 0.25)
    windows = np.lib.stride_tricks.sliding_window_view(small.x.astype(float), pwm.shape[1], axis=2)
    fwd = np.einsum("nbpw,bw->np", windows, lo).max(axis=1)
    rev = np.einsum("nbpw,bw->np", windows, lo[::-1, ::-1]).max(axis=1)
    score = np.maximum(fwd, rev)
    has = small.z[:, list(MOTIFS).index("CTCF")]
    assert score[has].min() > np.quantile(score[~has], 0.95)


def test_labels_follow_the_motif_logic(small):
    sim = simulate(4000, length=300, seed=5)
    c = sim.class_names.index("K562|CTCF|None")
    has = sim.z[:, list(MOTIFS).index("CTCF")]
    # weight 2, threshold 1.5, gain 5: p = sigmoid(2.5) = 0.92 with CTCF, sigmoid(-7.5) without
    assert sim.y[has, c].mean() == pytest.approx(0.924, abs=0.04)
    assert sim.y[~has, c].mean() < 0.01
    truth = sim.truth_similarity()
    i, j = sim.class_names.index("K562|c-Fos|None"), sim.class_names.index("HepG2|JunD|None")
    k = sim.class_names.index("K562|NRSF|None")
    assert truth[i, j] > 0.3 and truth[i, k] < 0.0
    # a TF class is an AND of its factor motif and its cell's context motif
    ap1, gata1 = (sim.z[:, list(MOTIFS).index(m)] for m in ("AP1", "GATA1"))
    assert sim.y[ap1 & gata1, i].mean() > 0.85
    assert sim.y[ap1 & ~gata1, i].mean() < 0.15 and sim.y[~ap1 & gata1, i].mean() < 0.15


def test_classes_that_share_a_motif_have_uncorrelated_labels():
    sim = simulate(4000, length=300, seed=5)
    contexts = [list(MOTIFS).index(m) for m in set(CELL_CONTEXT.values())]
    assert sim.z[:, contexts].sum(axis=1).max() == 1  # at most one cell type per sequence
    labels = np.corrcoef(sim.y.T.astype(np.float64))
    truth = sim.truth_similarity()
    table = group_recovery({"labels": labels, "truth": truth}, sim.class_names, PAPER_GROUPS)
    for group in PAPER_GROUPS:
        rows = table[table.group == group].set_index("method")
        assert rows.loc["truth", "mean_similarity"] > 0.3, group  # designed sharing
        assert rows.loc["labels", "mean_similarity"] < 0.15, group  # but little label sharing
    i, j = sim.class_names.index("K562|c-Fos|None"), sim.class_names.index("HepG2|JunD|None")
    assert (sim.y[:, i] & sim.y[:, j]).mean() < 0.01  # nearly mutually exclusive


def test_simulation_rejects_bad_values():
    with pytest.raises(ValueError, match="length=100"):
        simulate(10, length=100)
    with pytest.raises(ValueError, match="p_motif"):
        simulate(10, p_motif=1.5)
    with pytest.raises(ValueError, match="gain"):
        simulate(10, gain=0)


def _tiny_model(seed=0):
    torch.manual_seed(seed)
    return deepsea(n_classes=4, length=300, channels=(6, 5, 4), hidden=8).eval()


def test_top_fragments_are_the_receptive_fields_that_give_the_activation(small):
    body, _ = split_sequential(_tiny_model(), RESOLVE_LAYER)
    frags, act = top_fragments(body, small.x[:200], n_top=3)
    assert frags.shape == (5, 3, 4, 51) and act.shape == (5, 3)
    assert np.all(np.diff(act, axis=1) <= 0)  # best first
    with torch.no_grad():
        again = body(torch.as_tensor(frags.reshape(-1, 4, 51))).reshape(5, 3, 5)
    values = again[np.arange(5)[:, None], np.arange(3)[None, :], np.arange(5)[:, None]]
    assert np.allclose(values.numpy(), act, atol=1e-5)
    with pytest.raises(ValueError, match="n_top"):
        top_fragments(body, small.x[:2], n_top=3)


def test_channel_ascent_raises_each_channels_activation(small):
    body, _ = split_sequential(_tiny_model(1), RESOLVE_LAYER)
    frags, act = top_fragments(body, small.x[:100], n_top=2)
    res = channel_ascent(body, frags, l2=0.01, steps=60, lr=0.05)
    assert res.inputs.shape == frags.shape
    assert np.allclose(res.start_activation, act, atol=1e-5)
    # the ascent maximises activation - l2 * ||x||^2, so activation rises on the whole
    l2_start = 0.01 * (frags**2).sum(axis=(2, 3))
    l2_end = 0.01 * (res.inputs**2).sum(axis=(2, 3))
    assert np.all(res.activation - l2_end >= res.start_activation - l2_start - 1e-5)
    assert res.activation.mean() > res.start_activation.mean()
    with pytest.raises(ValueError, match="receptive field"):
        channel_ascent(body, frags[..., :40])


def test_ascent_pwms_threshold_and_trim():
    x = np.zeros((1, 1, 4, 30))
    x[0, 0, 2, 10:16] = 3.0  # GGGGGG in the middle
    x[0, 0, 0, 0] = 0.5  # below half the maximum: dropped
    (pwm,) = ascent_pwms(x, threshold=0.5, min_ic=0.25)
    assert pwm.shape == (4, 6)
    assert np.allclose(pwm.sum(axis=0), 1) and np.allclose(pwm[2], 1)


def _fake_ascent(k=3, s=2, r=51, seed=0):
    rng = np.random.default_rng(seed)
    act = rng.random((k, s))
    return ChannelAscent(rng.random((k, s, 4, r)).astype(np.float32), act, act / 2)


def test_channel_motifs_and_table():
    ascent = _fake_ascent()
    queries = channel_motifs(ascent, n_starts=1)
    best = np.argmax(ascent.activation, axis=1)
    assert queries.ids == [f"ch{c}_s{best[c]}" for c in range(3)]
    hits = pd.DataFrame(
        {
            "query": ["ch0_s1", "ch0_s0", "ch2_s0", "ch0_s1"],
            "target": ["MA1", "MA1", "MA2", "MA2"],
            "target_name": ["A", "A", "B", "B"],
            "offset": 0, "overlap": 8, "orientation": ["+", "-", "+", "+"],
            "pvalue": [1e-6, 1e-4, 0.01, 1e-5],
            "evalue": 0.1, "qvalue": [1e-4, 1e-3, 0.2, 1e-3],
        }
    )  # fmt: skip
    pairs, table = channel_motif_table(hits, ascent, q_cut=0.005, planted=["MA1"])
    assert len(pairs) == 3  # (0, MA1), (0, MA2), (2, MA2)
    assert list(table["channel"]) == [0, 1, 2]
    assert table.loc[0, "target"] == "MA1" and table.loc[0, "start"] == 1
    assert bool(table.loc[0, "significant"]) and bool(table.loc[0, "planted"])
    assert pd.isna(table.loc[1, "target"]) and not table.loc[1, "significant"]
    assert not table.loc[2, "significant"] and not table.loc[2, "planted"]
    assert table.loc[0, "activation"] == pytest.approx(ascent.activation[0, 1])
    mat = qvalue_matrix(pairs, q_cut=0.005)
    assert list(mat.index) == ["MA1"] and list(mat.columns) == [0]
    assert mat.loc["MA1", 0] == pytest.approx(4.0)
    motifs = load_jaspar().subset(["MA0139.1", "MA0491.1"])
    motifs.ids = ["MA1", "MA2"]
    pwms = {c: np.full((4, 6), 0.25) for c in range(3)}
    fig = fig6(pairs, pwms, motifs, q_cut=0.005)
    assert len(fig.axes) >= 3
    plt.close(fig)


def _block_similarity(names, members):
    """1 within each listed group of factors, 0 elsewhere."""
    factors = [factor_of(n) for n in names]
    sim = np.eye(len(names))
    for group in members:
        for i, fi in enumerate(factors):
            for j, fj in enumerate(factors):
                if i != j and fi in group and fj in group:
                    sim[i, j] = 1.0
    return sim


def test_group_recovery_percentiles_and_truth():
    names = [s.name for s in class_specs()]
    linked = _block_similarity(names, [PAPER_GROUPS["c-Fos/JunD"]])
    rng = np.random.default_rng(0)
    noise = rng.uniform(-0.5, 0.5, size=(59, 59))
    noise = (noise + noise.T) / 2
    np.fill_diagonal(noise, 1)
    table = group_recovery({"linked": linked, "noise": noise}, names, PAPER_GROUPS,
                           percentile_cut=0.9, truth=linked)  # fmt: skip
    row = table[(table.group == "c-Fos/JunD") & (table.method == "linked")].iloc[0]
    assert row.n_classes == 3 and row.n_pairs == 2  # c-Fos x 2 JunD; JunD x JunD excluded
    assert row.recovered and row.mean_percentile > 0.99
    assert not table[(table.group == "ELK1/GABP") & (table.method == "linked")].recovered.iloc[0]
    truth_rows = table[table.group == "all pairs"].set_index("method")
    assert truth_rows.loc["linked", "spearman_vs_truth"] == pytest.approx(1.0)
    assert abs(truth_rows.loc["noise", "spearman_vs_truth"]) < 0.2


def test_dnase_association_and_figures():
    names = [s.name for s in class_specs()]
    kinds = np.array([class_kind(n) for n in names])
    sim = np.full((59, 59), 0.1)
    dnase = kinds == "DNase"
    h27ac = np.array(["H3K27ac" in n for n in names])
    h27me3 = np.array(["H3K27me3" in n for n in names])
    sim[np.ix_(h27ac, dnase)] = sim[np.ix_(dnase, h27ac)] = 0.9
    sim[np.ix_(h27me3, dnase)] = sim[np.ix_(dnase, h27me3)] = -0.5
    np.fill_diagonal(sim, 1)
    table = dnase_association(sim, names, 0.85, 0.15)
    assert len(table) == (~dnase).sum()
    assert set(table["class"].head(5)) == {n for n, h in zip(names, h27ac, strict=True) if h}
    assert set(table["class"].tail(5)) == {n for n, h in zip(names, h27me3, strict=True) if h}
    assert (table.head(5)["n_positive"] == dnase.sum()).all()
    assert (table.tail(5)["n_negative"] == dnase.sum()).all()
    order = class_display_order(sim, names)
    assert sorted(order) == list(range(59))
    assert all(class_kind(names[i]) == "DNase" for i in order[: dnase.sum()])
    labels = np.eye(59)
    for fig in (fig7({"a": sim, "b": labels}, names, "a"), fig8(sim, names, table),
                fig9(sim, labels, names, PAPER_GROUPS, max_size=8)):  # fmt: skip
        assert len(fig.axes) >= 2
        plt.close(fig)


def test_group_cluster_holds_the_group():
    names = [s.name for s in class_specs()]
    sim = _block_similarity(names, [PAPER_GROUPS["SMC3/Rad21"]]) * 0.9 + 0.05
    np.fill_diagonal(sim, 1)
    idx = group_cluster(sim, names, PAPER_GROUPS["SMC3/Rad21"], max_size=10)
    members = {i for i, n in enumerate(names) if factor_of(n) in {"SMC3", "Rad21"}}
    assert set(idx) == members
    small = group_cluster(np.eye(59) * 0.5 + 0.5, names, PAPER_GROUPS["Pol III"], max_size=6)
    assert len(small) == 6
    assert {i for i, n in enumerate(names) if factor_of(n) in PAPER_GROUPS["Pol III"]} <= set(small)


def test_head_of_scaled_model_resolves():
    import deepresolve

    model = _tiny_model(2)
    _, head = split_sequential(model, RESOLVE_LAYER)
    res = deepresolve.resolve(head, (5, 16), n_init=3, steps=20, progress=False)
    assert res.ofiv.shape == (4, 5)
    assert isinstance(head, nn.Sequential) and isinstance(head[0], nn.Conv1d)
