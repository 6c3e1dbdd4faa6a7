"""Dataset I diagnosis: filter identity by activity, logits per pattern combination, the
logit landscape, and the analytic two-branch (flagged) and count (not flagged) heads."""

from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

import deepresolve
from deepresolve.paper.synthetic import data as synthetic
from deepresolve.paper.synthetic.diagnosis import (
    COMBINATION_COLUMNS,
    Landscape,
    combination_logits,
    count_head,
    learnt_xor,
    logit_landscape,
    sum_dependence,
    sum_profile,
    two_branch_head,
)
from deepresolve.paper.synthetic.filters import (
    FILTER_COLUMNS,
    activation_rise,
    filter_identity,
    insert_motif,
    pattern_free,
)
from deepresolve.presets import ascent_preset
from deepresolve.sequences import ALPHABET, decode

MOTIFS = ["CGCTTG", "CAGGTC", "GCTCAT"]
K, W = 32, 23
A, B, C = 12, 14, 3


def _exact_filter(motif: str, width: int = 8, scale: float = 1.0) -> torch.Tensor:
    """A filter scoring ``scale`` per matching base of ``motif`` at offset 1, -scale else."""
    w = torch.full((4, width), -scale)
    w[:, 0] = w[:, -1] = 0.0
    for i, base in enumerate(motif):
        w[ALPHABET.index(base), 1 + i] = scale
    return w


def _body(weights: torch.Tensor, bias: torch.Tensor) -> nn.Sequential:
    conv = nn.Conv1d(4, len(weights), weights.shape[2])
    with torch.no_grad():
        conv.weight.copy_(weights)
        conv.bias.copy_(bias)
    return nn.Sequential(OrderedDict(conv=conv, relu=nn.ReLU(), pool=nn.MaxPool1d(4)))


def test_insert_motif_writes_the_pattern_at_each_start():
    x = synthetic.dataset1(n_sequences=20, n_random=0, length=40, seed=0).x
    starts = np.arange(20)
    out = insert_motif(x, "GCTCAT", starts)
    assert all(s[i : i + 6] == "GCTCAT" for i, s in zip(starts, decode(out), strict=True))
    assert (out.sum(axis=1) == 1).all() and (x != out).any()
    with pytest.raises(ValueError, match="starts"):
        insert_motif(x, "GCTCAT", np.full(20, 35))


def test_activity_picks_the_filter_that_fires_where_the_pwm_match_picks_a_silent_one():
    """Filter 1 reads CGCTTG at a tenth of filter 4's scale (same PWM, barely fires);
    filter 2 detects GCTCAT. The PWM match cannot tell 1 from 4 (ties go to the first);
    the activity rise picks the one that fires."""
    torch.manual_seed(0)
    weights = torch.randn(6, 4, 8) * 0.05
    weights[1] = _exact_filter("CGCTTG", scale=0.1)
    weights[4] = _exact_filter("CGCTTG", scale=1.0)
    weights[2] = _exact_filter("GCTCAT", scale=1.0)
    body = _body(weights, torch.full((6,), -5.0))  # 6 matches: +1; 5 or fewer: silent
    data = synthetic.dataset1(n_sequences=300, n_random=300, length=60, seed=1)
    background = data.x[pattern_free(data.contains)]
    rise = activation_rise(body, background, ["CGCTTG", "GCTCAT"], seed=0)
    assert rise.shape == (2, 6)
    # From 0 to 1, except the few starts whose copy the pooled layer does not see whole.
    assert 0.85 < rise[0, 4] <= 1 and 0.85 < rise[1, 2] <= 1
    assert rise[0, 1] == 0 and rise[1, 4] == 0
    ident = filter_identity(body, weights.numpy(), background, ["CGCTTG", "GCTCAT"])
    assert list(ident.columns) == FILTER_COLUMNS
    assert ident["filter_activity"].tolist() == [4, 2]
    assert ident["filter_pwm"].tolist() == [1, 2]
    assert ident.loc[0, "rise_pwm"] == 0 and ident.loc[0, "runner_up"] != 4
    with pytest.raises(ValueError, match="background"):
        activation_rise(body, background[:0], ["CGCTTG"])


def test_combination_logits_and_learnt_xor():
    data = synthetic.dataset1(n_sequences=2000, n_random=0, length=60, seed=2)
    rng = np.random.default_rng(0)
    logits = np.where(data.y[:, 0] == 1, 2.0, -2.0) + rng.normal(scale=0.1, size=len(data))
    table = combination_logits(logits, data.contains, MOTIFS)
    assert list(table.columns) == COMBINATION_COLUMNS
    assert table["combination"].tolist()[0] == "none" and table["n"].sum() == len(data)
    assert table["label"].tolist() == [0, 0, 0, 0, 1, 1, 0, 0]
    pos = table.set_index("combination").loc["CGCTTG+CAGGTC"]
    assert pos["mean_logit"] == pytest.approx(2.0, abs=0.05) and pos["frac_predicted"] == 1.0
    assert learnt_xor(table, MOTIFS)
    # A network that counts CAGGTC only has not learnt XOR.
    assert not learnt_xor(combination_logits(
        np.where(data.contains[:, 1], 1.0, -1.0), data.contains, MOTIFS), MOTIFS)  # fmt: skip


def _ascent(head: nn.Module) -> deepresolve.Resolution:
    return deepresolve.resolve(head, (K, W), n_init=10, l2=1.0, seed=0, progress=False)


def test_two_branch_head_is_flagged_non_additive_with_opposite_signs():
    head = two_branch_head(K, W, A, B, C)
    assert [n for n, _ in head.named_children()] == ["flatten", "fc", "fc_relu", "out"]
    h = torch.zeros(2, K, W)
    h[0, C], h[0, A] = 0.5, 0.5  # C + A - B branch
    h[1, C], h[1, B] = 0.5, 0.5  # C + B - A branch
    torch.testing.assert_close(head(h)[:, 0], torch.tensor([2 * 0.5 * W, 2 * 0.5 * W]))
    res = _ascent(head)
    assert res.n_components[0] >= 2
    flagged = set(np.flatnonzero(res.nonadditive[0]))
    assert {A, B} <= flagged <= {A, B, C}
    fa, fb, fc = res.fivs[0, :, A], res.fivs[0, :, B], res.fivs[0, :, C]
    # A start ends in a branch, A and B at +-1/(2 lambda) with opposite signs and C at
    # 1/(2 lambda); or, from a start with both units active, at the third optimum A = B = 0,
    # C = 1/lambda (objective W vs 3W/4 for a branch): then C is flagged too.
    branch = np.abs(fa) > 0.25
    np.testing.assert_allclose(np.abs(fa[branch]), 0.5, atol=0.01)
    np.testing.assert_allclose(fa[branch], -fb[branch], atol=0.01)
    np.testing.assert_allclose(fc[branch], 0.5, atol=0.01)
    np.testing.assert_allclose(fc[~branch], 1.0, atol=0.01)
    assert branch.mean() >= 0.5 and (fa > 0.25).any() and (fa < -0.25).any()
    assert res.il[0, A] > 0.1


def test_authors_preset_starts_miss_the_two_branch_heads_xor():
    """The authors' ascent starts from U(0, 1): every start has both branch units active
    (|A - B| < C), and all end at the third optimum A = B = 0, C = 1/lambda, so nothing is
    flagged; the same ascent from N(0, 1) starts reaches the branches and flags A and B.
    (The workflow's positive control shows the same in ascent_sensitivity.)"""
    head = two_branch_head(K, W, A, B, C)
    authors = ascent_preset("authors")
    res = deepresolve.resolve(head, (K, W), n_init=10, seed=0, progress=False, **authors)
    assert res.n_components[0] == 1 and not res.nonadditive[0].any()
    np.testing.assert_allclose(res.fivs[0, :, [A, B]], 0.0, atol=1e-3)
    np.testing.assert_allclose(res.fivs[0, :, C], 1 / authors["l2"], atol=1e-3)
    normal = deepresolve.resolve(head, (K, W), n_init=10, seed=0, progress=False,
                                 **{**authors, "init": "normal"})  # fmt: skip
    assert {A, B} <= set(np.flatnonzero(normal.nonadditive[0]))


def test_count_head_of_the_same_shape_is_not_flagged():
    res = _ascent(count_head(K, W, A, B, C))
    assert not res.nonadditive[0, [A, B, C]].any()
    assert res.il[0].max() < 1e-4
    # One maximiser: h_a = h_b = (W/2)/2/W = 0.25 at every start.
    np.testing.assert_allclose(res.fivs[0, :, [A, B]], 0.25, atol=0.01)
    assert np.ptp(res.scores[0]) < 0.5


def test_logit_landscape_of_the_analytic_heads():
    values = np.linspace(0, 1, 5)
    base = np.zeros((3, K, W), np.float32)  # three contexts, all-zero maps
    two = logit_landscape(two_branch_head(K, W, A, B, C), base, (A, B), values, values)
    assert two.shape == (5, 5)
    # relu(u - v) + relu(v - u) = |u - v|: two maxima off the diagonal, 0 on it.
    np.testing.assert_allclose(two, np.abs(values[:, None] - values[None, :]), atol=1e-6)
    count = count_head(K, W, A, B, C, threshold=1.0)
    land = logit_landscape(count, base, (A, B), values, values)
    # u + v - 3 relu(u + v - 1): a band along u + v = 1, constant on anti-diagonals.
    s = values[:, None] + values[None, :]
    np.testing.assert_allclose(land, s - 3 * np.maximum(s - 1, 0), atol=1e-6)
    # One channel in two windows (one filter detecting both patterns): its sum counts.
    np.testing.assert_allclose(logit_landscape(count, base, (A, A), values, values), land,
                               atol=1e-6)  # fmt: skip
    with pytest.raises(ValueError, match="channels"):
        logit_landscape(count, base, (A, K), values, values)
    # A count is a function of a + b; the two-branch XOR is not.
    assert sum_dependence(land) == pytest.approx(1.0)
    assert sum_dependence(two) < 0.5


def test_landscape_roundtrip(tmp_path):
    grid = np.linspace(0, 1, 4)
    land = Landscape(
        channels=(12, 12), names=("CGCTTG", "GCTCAT"), values_a=grid, values_b=grid,
        logits=np.add.outer(grid, grid), optima=np.ones((3, 2)), optima_sum=np.ones((3, 2)),
        cases={"CAGGTC": (0.0, 0.0), "+both": (1.4, 1.3)}, base="test sequences",
    )  # fmt: skip
    land.save(tmp_path / "l.npz")
    back = Landscape.load(tmp_path / "l.npz")
    assert back.channels == (12, 12) and back.cases == land.cases and back.base == land.base
    np.testing.assert_array_equal(back.logits, land.logits)
    sums, profile = sum_profile(back)
    np.testing.assert_allclose(profile, sums)  # logit = a + b


def test_filter_identity_on_a_small_trained_model_picks_filters_that_fire_on_their_pattern():
    """A small CNN of the synthetic architecture (8 filters, global max-pool) trained briefly
    to report each pattern's presence: for each pattern, the filter chosen by activity peaks
    on the planted copy (not elsewhere) in most test sequences carrying it."""
    from deepresolve.layers import feature_maps, split_sequential
    from deepresolve.paper.synthetic.models import train_synthetic_cnn
    from deepresolve.training import TrainConfig

    data = synthetic.dataset1(n_sequences=3000, n_random=0, length=60, seed=5)
    config = TrainConfig(epochs=3, batch_size=64, lr=0.01, patience=3)
    spec = {"n_filters": 8, "hidden": 16, "pool": 53}
    trained = train_synthetic_cnn(data.x, data.contains.astype(np.uint8), spec, config, seed=0)
    assert trained.auc.min() > 0.85, trained.auc
    test = data.subset(trained.test_idx)
    pooled, _ = split_sequential(trained.model, "pool")
    weights = trained.model.conv.weight.detach().numpy()
    ident = filter_identity(pooled, weights, test.x[pattern_free(test.contains)], MOTIFS)
    conv, _ = split_sequential(trained.model, "conv_relu")
    maps = feature_maps(conv, test.x)  # (N, 8, 53): where each filter fires
    once = (test.contains == test.planted).all(axis=1)
    for m, (motif, k, rise) in enumerate(
        ident[["pattern", "filter_activity", "rise_activity"]].itertuples(index=False)
    ):
        rows = np.flatnonzero(once & test.planted[:, m])
        peak = maps[rows, k].argmax(axis=1)
        start = test.positions[rows, m]
        on_pattern = (peak > start - 8) & (peak < start + len(motif))
        assert rise > 0.3 and on_pattern.mean() > 0.8, (motif, k, rise, on_pattern.mean())
