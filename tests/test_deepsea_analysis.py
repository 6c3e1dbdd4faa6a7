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
from deepresolve.paper.deepsea.sharing import (
    PAIR_SETS,
    dnase_association,
    group_cluster,
    group_recovery,
    pair_percentiles,
)
from deepresolve.similarity import label_correlation

N_CLASSES = 65


@pytest.fixture(scope="module")
def small():
    return simulate(600, length=300, seed=3)


def test_class_table_names_the_paper_groups():
    specs = class_specs()
    names = [s.name for s in specs]
    assert len(names) == len(set(names)) == N_CLASSES
    factors = {factor_of(n) for n in names}
    for group, members in PAPER_GROUPS.items():
        assert len(factors & set(members)) >= 2, group
    kinds = {class_kind(n) for n in names}
    assert kinds == {"DNase", "TF", "Histone"}
    assert class_kind("K562|H3K27me3|None") == "Histone"
    assert class_kind("HepG2|HNF4A|None") == "TF"
    # the context part is always the class's own cell's context motif
    for spec in specs:
        assert set(spec.context) <= {CELL_CONTEXT[spec.cell]}, spec.name
    # every threshold is half a unit from every attainable weighted sum: strict logic
    for spec in specs:
        w = np.array(list(spec.weights.values()))
        sums = np.array([w @ np.array(b) for b in np.ndindex(*(2,) * len(w))])
        assert np.abs(sums - spec.threshold).min() == pytest.approx(0.5), spec.name


def test_simulation_is_seeded_and_plants_the_motifs(small):
    again = simulate(600, length=300, seed=3)
    assert np.array_equal(small.x, again.x) and np.array_equal(small.y, again.y)
    assert not np.array_equal(small.y, simulate(600, length=300, seed=4).y)
    assert small.x.shape == (600, 4, 300) and small.y.shape == (600, N_CLASSES)
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


@pytest.fixture(scope="module")
def big():
    return simulate(6000, length=300, seed=5)


def test_labels_follow_the_strict_motif_logic(big):
    sim, motif = big, list(MOTIFS).index
    c = sim.class_names.index("K562|CTCF|None")
    has = sim.z[:, motif("CTCF")]
    assert sim.y[has, c].mean() > 0.99 and sim.y[~has, c].mean() < 0.002
    # a gated TF class is a strict AND of its factor motif and its cell's context motif:
    # one of the two alone gives essentially no positives
    i = sim.class_names.index("K562|c-Fos|None")
    ap1, gata1 = sim.z[:, motif("AP1")], sim.z[:, motif("RUNX")]
    assert sim.y[ap1 & gata1, i].mean() > 0.99
    one = (ap1 & ~gata1) | (~ap1 & gata1)
    assert sim.y[one, i].mean() < 0.003  # sigmoid(-7.5) = 0.0006
    # H3K27me3 = YY1 AND REST AND NOT the cell's context
    k = sim.class_names.index("K562|H3K27me3|None")
    both = sim.z[:, motif("YY1")] & sim.z[:, motif("REST")]
    assert sim.y[both & ~gata1, k].mean() > 0.99 and sim.y[both & gata1, k].mean() < 0.01
    # DNase = context OR CTCF OR SP1
    d = sim.class_names.index("HepG2|DNase|None")
    any_ = sim.z[:, motif("HNF4A")] | sim.z[:, motif("CTCF")] | sim.z[:, motif("SP1")]
    assert sim.y[any_, d].mean() > 0.99 and sim.y[~any_, d].mean() < 0.01


def test_truth_is_factor_sharing_and_context_is_apart(big):
    sim, names = big, big.class_names
    factor, decision, same = sim.factor_similarity(), sim.decision_similarity(), sim.same_cell()
    fos, jund = names.index("K562|c-Fos|None"), names.index("HepG2|JunD|None")
    rad21 = names.index("K562|Rad21|None")
    # sharing the factor across cells: truth 1; sharing only the cell: no similarity
    assert factor[fos, jund] == pytest.approx(1.0) and factor[fos, rad21] < 0
    assert not same[fos, jund] and same[fos, rad21]
    # what a reader of the decision function sees: both pairs look alike (the 0.43)
    assert decision[fos, jund] == pytest.approx(decision[fos, rad21]) == pytest.approx(3 / 7)
    assert np.allclose(sim.weights, sim.factor_weights + sim.context_weights)


def test_classes_that_share_a_factor_have_uncorrelated_labels(big):
    sim = big
    contexts = [list(MOTIFS).index(m) for m in set(CELL_CONTEXT.values())]
    n_ctx = sim.z[:, contexts].sum(axis=1)
    assert n_ctx.max() == 1  # at most one cell type per sequence
    # and a quarter none, so no context is the absence of the others, and a regression on
    # motif presence can tell the contexts' effects from the intercept
    assert (n_ctx == 0).mean() == pytest.approx(0.25, abs=0.03)
    design = np.column_stack([np.ones(len(sim.z)), sim.z])
    assert np.linalg.matrix_rank(design) == design.shape[1]
    labels = label_correlation(sim.y)
    truth = sim.factor_similarity()
    table = group_recovery({"labels": labels, "truth": truth}, sim.class_names, PAPER_GROUPS)
    for group in PAPER_GROUPS:
        rows = table[table.group == group].set_index("method")
        assert rows.loc["truth", "mean_similarity"] > 0.7, group  # designed sharing
        # H3K27me3 shares its cell with EZH2 / SUZ12, so its labels are correlated there
        cut = 0.25 if group.startswith("EZH2") else 0.0
        assert rows.loc["labels", "mean_similarity"] < cut, group  # but no label sharing
    i, j = sim.class_names.index("K562|c-Fos|None"), sim.class_names.index("HepG2|JunD|None")
    assert (sim.y[:, i] & sim.y[:, j]).sum() <= 2  # mutually exclusive up to the 0.0006 leak


def test_the_truth_passes_the_recovery_criterion():
    """The criterion is passable: the truth itself recovers every Figure 9 group at the
    default cut, while a reader of the full decision function (factor + context) is near
    the cut, and the pair sets report factor and context sharing apart."""
    specs = class_specs()
    names = [s.name for s in specs]
    data = simulate(20, length=300, seed=0)
    truth, same = data.factor_similarity(), data.same_cell()
    table = group_recovery({"truth": truth, "decision": data.decision_similarity()}, names,
                           PAPER_GROUPS, 0.9, truth, same)  # fmt: skip
    groups = table[table.group.isin(list(PAPER_GROUPS))].set_index(["method", "group"])
    assert groups.loc["truth", "recovered"].all()
    assert groups.loc["truth", "mean_percentile"].min() > 0.92
    assert groups.loc["decision", "mean_percentile"].between(0.8, 0.95).all()
    sets = table[table.group.isin(PAIR_SETS)].set_index(["method", "group"])
    assert set(sets.loc["truth"].index) == set(PAIR_SETS)
    assert sets.loc[("truth", "all pairs"), "spearman_vs_truth"] == pytest.approx(1.0)
    shared = sets.loc[("decision", "shared factor, different cells"), "mean_similarity"]
    context = sets.loc[("decision", "same cell, no shared factor"), "mean_similarity"]
    assert shared > context > sets.loc[("decision", "nothing shared, different cells"),
                                       "mean_similarity"]  # fmt: skip
    n = len(names)
    assert sets.loc[("truth", "same-cell pairs"), "n_pairs"] == (same.sum() - n) // 2


def test_pair_percentiles_are_mid_ranks_within_a_pair_type():
    values = np.array([1.0, 2.0, 2.0, 3.0, 0.0, 5.0])
    types = np.array([0, 0, 0, 0, 1, 1])
    assert np.allclose(pair_percentiles(values, types), [0.125, 0.5, 0.5, 0.875, 0.25, 0.75])
    assert np.allclose(pair_percentiles(np.array([1.0, 1.0])), [0.5, 0.5])
    with pytest.raises(ValueError, match="pair_type"):
        pair_percentiles(values, types[:3])


def test_simulation_rejects_bad_values():
    with pytest.raises(ValueError, match="length=15 bp is shorter"):
        simulate(10, length=15)
    with pytest.raises(ValueError, match="do not fit in length=60"):
        simulate(50, length=60, p_motif=0.9)
    with pytest.raises(ValueError, match="p_motif"):
        simulate(10, p_motif=1.5)
    with pytest.raises(ValueError, match="p_context"):
        simulate(10, p_context=-0.1)
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
    noise = rng.uniform(-0.5, 0.5, size=(N_CLASSES, N_CLASSES))
    noise = (noise + noise.T) / 2
    np.fill_diagonal(noise, 1)
    table = group_recovery({"linked": linked, "noise": noise}, names, PAPER_GROUPS,
                           percentile_cut=0.9, truth=linked)  # fmt: skip
    row = table[(table.group == "c-Fos/JunD") & (table.method == "linked")].iloc[0]
    assert row.n_classes == 3 and row.n_pairs == 2  # c-Fos x 2 JunD; JunD x JunD excluded
    assert row.recovered and row.mean_percentile > 0.99
    assert row.criterion.endswith("among all pairs >= 0.9")
    assert not table[(table.group == "ELK1/GABP") & (table.method == "linked")].recovered.iloc[0]
    truth_rows = table[table.group == "all pairs"].set_index("method")
    assert truth_rows.loc["linked", "spearman_vs_truth"] == pytest.approx(1.0)
    assert abs(truth_rows.loc["noise", "spearman_vs_truth"]) < 0.2


def test_dnase_association_and_figures():
    names = [s.name for s in class_specs()]
    kinds = np.array([class_kind(n) for n in names])
    sim = np.full((N_CLASSES, N_CLASSES), 0.1)
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
    assert sorted(order) == list(range(N_CLASSES))
    assert all(class_kind(names[i]) == "DNase" for i in order[: dnase.sum()])
    labels = np.eye(N_CLASSES)
    shown = {"DeepResolve": sim, "labels": labels}
    for fig in (fig7({"a": sim, "b": labels}, names, "a"), fig8(sim, names, table),
                fig9(shown, names, PAPER_GROUPS, max_size=8)):  # fmt: skip
        assert len(fig.axes) >= 2
        plt.close(fig)


def test_group_cluster_holds_the_group():
    names = [s.name for s in class_specs()]
    sim = _block_similarity(names, [PAPER_GROUPS["SMC3/Rad21"]]) * 0.9 + 0.05
    np.fill_diagonal(sim, 1)
    idx = group_cluster(sim, names, PAPER_GROUPS["SMC3/Rad21"], max_size=10)
    members = {i for i, n in enumerate(names) if factor_of(n) in {"SMC3", "Rad21"}}
    assert set(idx) == members
    small = group_cluster(np.eye(N_CLASSES) * 0.5 + 0.5, names, PAPER_GROUPS["Pol III"], max_size=6)
    assert len(small) == 6
    assert {i for i, n in enumerate(names) if factor_of(n) in PAPER_GROUPS["Pol III"]} <= set(small)


def test_head_of_scaled_model_resolves():
    import deepresolve

    model = _tiny_model(2)
    _, head = split_sequential(model, RESOLVE_LAYER)
    res = deepresolve.resolve(head, (5, 16), n_init=3, steps=20, progress=False)
    assert res.ofiv.shape == (4, 5)
    assert isinstance(head, nn.Sequential) and isinstance(head[0], nn.Conv1d)


def test_findings_on_a_model_that_reads_the_truth():
    """Findings when DeepResolve's similarity is the truth itself and the model's motif
    coefficients are the true weights: every simulation check and paper finding holds,
    except the label-correlation row's negation (labels recover no group here)."""
    from deepresolve.paper.deepsea.findings import deepsea_findings
    from deepresolve.paper.deepsea.motif_effects import MotifRegression, class_motif_table

    data = simulate(3000, length=300, seed=2)
    names, truth = data.class_names, data.factor_similarity()
    labels = label_correlation(data.y)
    matrices = {"truth": truth, "decision": data.decision_similarity(), "deepresolve": truth,
                "model_implied": truth, "labels": labels, "weights": labels}  # fmt: skip
    recovery = group_recovery(matrices, names, PAPER_GROUPS, 0.9, truth, data.same_cell())
    coef = 5 * data.weights
    reg = MotifRegression(np.zeros(len(names)), coef, np.ones(len(names)))
    n = len(names)
    ascent = {"ascent_residual": np.full(n, 0.01), "ascent_logit": np.full(n, 200.0),
              "ascent_negative": np.full(n, 0.7), "data_logit": np.full(n, 4.0)}  # fmt: skip
    motifs = class_motif_table(names, data.motif_names, data.factor_weights,
                               data.context_weights, reg,
                               {"deepresolve": coef, "gradient": coef,
                                "deepresolve_datamap": coef}, ascent,
                               per_motif={"map_r": np.ones(len(data.motif_names))})  # fmt: skip
    association = dnase_association(data.decision_similarity(), names)
    table = deepsea_findings(recovery, motifs, association, np.ones(len(names), dtype=int))
    assert list(table.columns) == ["finding", "measured", "paper", "where", "holds", "verdict"]
    held = dict(zip(table["finding"].str[:30], table["verdict"], strict=True))
    # Fig S1's claim is about real DeepSEA's classes: the compendium cannot test it
    assert held.pop("Fig S1: one GMM component (add") == "not comparable"
    assert set(held.values()) == {"holds"}, table[["finding", "measured"]].to_string()
    assert table["measured"].iloc[0].startswith(f"{len(names)}/{len(names)}")
    assert "map r min 1.00" in table["measured"].iloc[-2]
    assert "logit at H* median 200 vs 4.0" in table["measured"].iloc[-1]
    # a wrong map (planted and data maps disagree) fails the map row
    motifs["map_r_factor"] = 0.2
    bad = deepsea_findings(recovery, motifs, association, np.ones(n, dtype=int))
    assert not bad["holds"].iloc[-2] and bad["holds"].iloc[-1]
